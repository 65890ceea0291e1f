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


def upgrade():
    with op.batch_alter_table('hubs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('members_may_change_plan_at_once', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('hubs', schema=None) as batch_op:
        batch_op.drop_column('members_may_change_plan_at_once')
