"""money columns are 64-bit: every amount in minor units is BIGINT on PostgreSQL

Revision ID: 0006_money_bigint
Revises: 0005_feed_stamps
Create Date: 2026-11-30 09:40:00

Invoice totals and ledger balances outgrow 32 bits in currencies with small minor units, so every
amount column uses ``coworking.types.MinorUnits`` (BIGINT). SQLite's INTEGER is 64-bit already:
nothing to change there.
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_money_bigint'
down_revision = '0005_feed_stamps'
branch_labels = None
depends_on = None

AMOUNT_COLUMNS = (("spaces", "hourly_rate_minor"), ("spaces", "daily_rate_minor"), ("bookings", "price_minor"))


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in AMOUNT_COLUMNS:
        op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer())


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in AMOUNT_COLUMNS:
        op.alter_column(table, column, type_=sa.Integer(), existing_type=sa.BigInteger())
