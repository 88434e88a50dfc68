"""following clubs: the notifications outbox, their deliveries, the roles pinged for a club

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('revision_id', sa.Integer(), nullable=False),
        sa.Column('season_id', sa.Integer(), nullable=True),
        sa.Column('fixture_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(), nullable=False),
        sa.Column('home_id', sa.Integer(), nullable=True),
        sa.Column('away_id', sa.Integer(), nullable=True),
        sa.Column('actor', sa.String(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expanded', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('revision_id'),
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_fixture_id', ['fixture_id'], unique=False)
        batch_op.create_index('ix_notification_expanded', ['expanded'], unique=False)
    op.create_table(
        'delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notification_id', sa.Integer(), nullable=False),
        sa.Column('target', sa.String(), nullable=False),
        sa.Column('guild_id', sa.BigInteger(), nullable=True),
        sa.Column('channel_id', sa.BigInteger(), nullable=True),
        sa.Column('user_id', sa.BigInteger(), nullable=True),
        sa.Column('state', sa.String(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('claimed_by', sa.String(), nullable=False),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('message_id', sa.BigInteger(), nullable=True),
        sa.Column('message_channel_id', sa.BigInteger(), nullable=True),
        sa.Column('edited', sa.Boolean(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(), nullable=False),
        sa.Column('told_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('notification_id', 'target'),
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_notification_id', ['notification_id'], unique=False)
        batch_op.create_index('ix_delivery_state', ['state'], unique=False)
        batch_op.create_index('ix_delivery_user_id', ['user_id'], unique=False)
    op.create_table(
        'roleping',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('guild_id', sa.BigInteger(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('role_id', sa.BigInteger(), nullable=False),
        sa.Column('set_by', sa.String(), nullable=False),
        sa.Column('set_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['team_id'], ['team.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('guild_id', 'team_id'),
    )
    with op.batch_alter_table('roleping', schema=None) as batch_op:
        batch_op.create_index('ix_roleping_guild_id', ['guild_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('roleping', schema=None) as batch_op:
        batch_op.drop_index('ix_roleping_guild_id')
    op.drop_table('roleping')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_user_id')
        batch_op.drop_index('ix_delivery_state')
        batch_op.drop_index('ix_delivery_notification_id')
    op.drop_table('delivery')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_expanded')
        batch_op.drop_index('ix_notification_fixture_id')
    op.drop_table('notification')
