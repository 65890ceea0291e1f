"""feeds

Revision ID: 0003_feeds
Revises: 0002_bookings
Create Date: 2026-11-27 04:03:58.077990

"""
from alembic import op
import sqlalchemy as sa

import coworking.types


# revision identifiers, used by Alembic.
revision = '0003_feeds'
down_revision = '0002_bookings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feed_cache',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feed_key', sa.String(length=120), nullable=False),
    sa.Column('etag', sa.String(length=80), nullable=False),
    sa.Column('last_modified', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('built_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_cache')),
    sa.UniqueConstraint('feed_key', name=op.f('uq_feed_cache_feed_key'))
    )
    op.create_table('feed_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=True),
    sa.Column('space_id', sa.Integer(), nullable=True),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', coworking.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', coworking.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(kind = 'member' and hub_id is null and space_id is null) or (kind = 'space' and space_id is not null) or (kind = 'hub' and hub_id is not null)", name=op.f('ck_feed_tokens_target_matches_kind')),
    sa.CheckConstraint("kind in ('member', 'space', 'hub')", name=op.f('ck_feed_tokens_kind_known')),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_feed_tokens_hub_id_hubs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_feed_tokens_space_id_spaces'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_feed_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_feed_tokens_token_hash'))
    )
    with op.batch_alter_table('feed_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_tokens_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('spaces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_public', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('feed_shows_first_name', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('spaces', schema=None) as batch_op:
        batch_op.drop_column('feed_shows_first_name')
        batch_op.drop_column('feed_public')

    with op.batch_alter_table('feed_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_tokens_user_id'))

    op.drop_table('feed_tokens')
    op.drop_table('feed_cache')
