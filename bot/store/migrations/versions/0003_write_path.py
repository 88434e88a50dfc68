"""the write path: fixture versions, revisions of every kind with their request

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 07:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('fixture', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.alter_column('fixture_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('season_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('fixture_number', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(), nullable=False, server_default='fixture'))
        batch_op.add_column(sa.Column('request', sa.String(), nullable=True))
        batch_op.add_column(sa.Column('undoes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('store_version', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index('ix_revision_season_id', ['season_id'], unique=False)
        batch_op.create_unique_constraint('uq_revision_request', ['request'])
        batch_op.create_foreign_key(
            'fk_revision_season_id', 'season', ['season_id'], ['id'], ondelete='CASCADE'
        )


def downgrade() -> None:
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.drop_constraint('fk_revision_season_id', type_='foreignkey')
        batch_op.drop_constraint('uq_revision_request', type_='unique')
        batch_op.drop_index('ix_revision_season_id')
        for column in ('store_version', 'undoes', 'request', 'kind', 'fixture_number', 'season_id'):
            batch_op.drop_column(column)
        batch_op.alter_column('fixture_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('fixture', schema=None) as batch_op:
        batch_op.drop_column('version')
