"""hubs: contact email and phone, shown on the hub's page and where members cannot act online

Revision ID: 0013_hub_contact
Revises: 0012_idempotency_keys
Create Date: 2026-11-30 12:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013_hub_contact'
down_revision = '0012_idempotency_keys'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, never batch mode: hubs carries the feed stamps' triggers (0005).
def upgrade():
    op.add_column('hubs', sa.Column('contact_email', sa.String(length=254), nullable=True))
    op.add_column('hubs', sa.Column('contact_phone', sa.String(length=40), nullable=True))


def downgrade():
    op.drop_column('hubs', 'contact_phone')
    op.drop_column('hubs', 'contact_email')
