"""billing: a credit note's reason, part of the frozen content

Revision ID: 0010_billing_d1_credit_reason
Revises: 0009_billing
Create Date: 2026-11-30 13:10:00

A credit note states why it corrects an invoice (``invoices.reason``; empty on invoices). The
reason is frozen with the rest of an issued document, so the invoices' UPDATE trigger is
recreated with the column in its list (SQLite: ``invoices_frozen_update``; PostgreSQL: the
function ``refuse_change_to_issued_invoice``). ADD COLUMN alters the table in place: no batch
rebuild, which would drop the table's triggers on SQLite.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_billing_d1_credit_reason'
down_revision = '0009_billing'
branch_labels = None
depends_on = None

FROZEN = "issued_invoice_is_frozen"
COLUMNS_0009 = (
    "hub_id", "kind", "number", "status", "period", "member_id", "organisation_id",
    "billed_name", "billed_address", "billed_email", "currency", "issued_on", "due_on",
    "subtotal_minor", "vat_minor", "total_minor", "credit_applied_minor", "corrects_id",
    "content_hash", "previous_hash", "sequence_year", "sequence_number",
)
COLUMNS_0010 = COLUMNS_0009 + ("reason",)


def _sqlite_update_trigger(columns):
    changed = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in columns)
    return (f"CREATE TRIGGER invoices_frozen_update BEFORE UPDATE ON invoices WHEN OLD.status = 'issued' "
            f"AND ({changed}) BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END")


def _row(columns, prefix):
    return "ROW(" + ", ".join(f"{prefix}.{column}" for column in columns) + ")"


def _postgres_function(columns):
    return f"""CREATE OR REPLACE FUNCTION refuse_change_to_issued_invoice() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'issued' THEN
            RAISE EXCEPTION '{FROZEN}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'issued' AND {_row(columns, 'OLD')} IS DISTINCT FROM {_row(columns, 'NEW')} THEN
        RAISE EXCEPTION '{FROZEN}' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END$$"""


def _freeze(columns):
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS invoices_frozen_update")
        op.execute(_sqlite_update_trigger(columns))
    else:
        op.execute(_postgres_function(columns))


def upgrade():
    op.add_column('invoices', sa.Column('reason', sa.String(length=300), server_default='', nullable=False))
    _freeze(COLUMNS_0010)


def downgrade():
    _freeze(COLUMNS_0009)
    op.drop_column('invoices', 'reason')
