"""idempotency_keys: an index on created_at, for deleting the keys older than a week

Revision ID: 0015_idempotency_keys_created_at
Revises: 0014_hub_stamp_hours_spaces
Create Date: 2026-11-30 19:00:00
"""
from alembic import op

revision = '0015_idempotency_keys_created_at'
down_revision = '0014_hub_stamp_hours_spaces'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_idempotency_keys_created_at', 'idempotency_keys', ['created_at'])


def downgrade():
    op.drop_index('ix_idempotency_keys_created_at', table_name='idempotency_keys')
