"""idempotency_keys: once-only booking forms and the API's Idempotency-Key header

Revision ID: 0012_idempotency_keys
Revises: 0011_ledger
Create Date: 2026-11-30 12:40:00
"""
import sqlalchemy as sa
from alembic import op

import coworking.types

revision = '0012_idempotency_keys'
down_revision = '0011_ledger'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=100), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('request_digest', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('location', sa.String(length=2000), nullable=False),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_idempotency_keys_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('user_id', 'scope', 'key', name='uq_idempotency_keys_user_scope_key')
    )


def downgrade():
    op.drop_table('idempotency_keys')
