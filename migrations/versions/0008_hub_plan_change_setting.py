"""hubs: whether members may change plan at once (prorated), not only from the next month

Revision ID: 0008_hub_plan_change_setting
Revises: 0007_memberships
Create Date: 2026-12-01 10:00:00

Existing hubs keep what members could do before: a plan change from the next month only.
"""
import sqlalchemy as sa
from alembic import op

revision = '0008_hub_plan_change_setting'
down_revision = '0007_memberships'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, never batch mode: on SQLite a batch rebuilds the table and its triggers
# (the feed stamps' on hubs, from 0005) would be lost. Both databases add and drop columns as is.
def upgrade():
    op.add_column('hubs', sa.Column('members_may_change_plan_at_once', sa.Boolean(), server_default=sa.false(),
                                    nullable=False))


def downgrade():
    op.drop_column('hubs', 'members_may_change_plan_at_once')
