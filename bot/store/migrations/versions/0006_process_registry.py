"""several processes: the registry where each running bot process records itself

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'botprocess',
        sa.Column('worker', sa.String(), nullable=False),
        sa.Column('host', sa.String(), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('shard_ids', sa.String(), nullable=False),
        sa.Column('shard_count', sa.Integer(), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('heartbeat_every', sa.Float(), nullable=False),
        sa.Column('store_version', sa.Integer(), nullable=False),
        sa.Column('ready', sa.Boolean(), nullable=False),
        sa.Column('listening', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('worker'),
    )


def downgrade() -> None:
    op.drop_table('botprocess')
