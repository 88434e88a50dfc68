"""moderators on Discord: pending writes, guild settings, import batches of revisions

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 11:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch', sa.String(), nullable=True))
        batch_op.create_index('ix_revision_batch', ['batch'], unique=False)
    op.create_table(
        'pendingwrite',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(), nullable=False),
        sa.Column('guild_id', sa.BigInteger(), nullable=False),
        sa.Column('channel_id', sa.BigInteger(), nullable=True),
        sa.Column('actor_id', sa.BigInteger(), nullable=False),
        sa.Column('actor', sa.String(), nullable=False),
        sa.Column('arguments', sa.JSON(), nullable=False),
        sa.Column('upload', sa.Text(), nullable=True),
        sa.Column('expected_version', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(), nullable=False),
        sa.Column('revision_id', sa.Integer(), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_request', sa.String(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('pendingwrite', schema=None) as batch_op:
        batch_op.create_index('ix_pendingwrite_guild_id', ['guild_id'], unique=False)
    op.create_table(
        'guildsetting',
        sa.Column('guild_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('results_channel_id', sa.BigInteger(), nullable=True),
        sa.Column('set_by', sa.String(), nullable=False),
        sa.Column('set_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('guild_id'),
    )


def downgrade() -> None:
    op.drop_table('guildsetting')
    with op.batch_alter_table('pendingwrite', schema=None) as batch_op:
        batch_op.drop_index('ix_pendingwrite_guild_id')
    op.drop_table('pendingwrite')
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.drop_index('ix_revision_batch')
        batch_op.drop_column('batch')
