"""billing: invoices, lines, numbering, payments, statements, reminders; jobs

Revision ID: 0009_billing
Revises: 0008_hub_plan_change_setting
Create Date: 2026-11-30 12:22:45.406987

An issued invoice or credit note never changes: triggers on both databases refuse any UPDATE of
an issued document's content (the columns in ``FROZEN_INVOICE_COLUMNS``; ``paid_minor`` and
``credited_minor`` are derived state and may change), any DELETE of one, and any INSERT, UPDATE
or DELETE of its lines. The column lists are written out here, as they stood at this revision.
"""
from alembic import op
import sqlalchemy as sa

import coworking.types


# revision identifiers, used by Alembic.
revision = '0009_billing'
down_revision = '0008_hub_plan_change_setting'
branch_labels = None
depends_on = None


FROZEN_INVOICE_COLUMNS = (
    "hub_id", "kind", "number", "status", "period", "member_id", "organisation_id",
    "billed_name", "billed_address", "billed_email", "currency", "issued_on", "due_on",
    "subtotal_minor", "vat_minor", "total_minor", "credit_applied_minor", "corrects_id",
    "content_hash", "previous_hash", "sequence_year", "sequence_number",
)
FROZEN_LINE_COLUMNS = (
    "invoice_id", "hub_id", "position", "description", "quantity", "unit_price_minor",
    "vat_rate_bp", "amount_minor", "vat_minor", "source_key", "corrects_line_id",
    "income_kind", "funded_by_community_fund",
)
FROZEN = "issued_invoice_is_frozen"


def _changed(columns, old="OLD", new="NEW"):
    return " OR ".join(f"{new}.{column} IS NOT {old}.{column}" for column in columns)


def _line_parent_issued(row):
    return f"(SELECT status FROM invoices WHERE id = {row}.invoice_id) = 'issued'"


SQLITE_TRIGGERS = {
    "invoices_frozen_update": f"BEFORE UPDATE ON invoices WHEN OLD.status = 'issued' AND ({_changed(FROZEN_INVOICE_COLUMNS)}) "
                              f"BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END",
    "invoices_frozen_delete": f"BEFORE DELETE ON invoices WHEN OLD.status = 'issued' "
                              f"BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END",
    "invoice_lines_frozen_insert": f"BEFORE INSERT ON invoice_lines WHEN {_line_parent_issued('NEW')} "
                                   f"BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END",
    "invoice_lines_frozen_update": f"BEFORE UPDATE ON invoice_lines WHEN {_line_parent_issued('OLD')} OR {_line_parent_issued('NEW')} "
                                   f"BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END",
    "invoice_lines_frozen_delete": f"BEFORE DELETE ON invoice_lines WHEN {_line_parent_issued('OLD')} "
                                   f"BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END",
}


def _row(columns, prefix):
    return "ROW(" + ", ".join(f"{prefix}.{column}" for column in columns) + ")"


POSTGRES_FUNCTIONS = {
    "refuse_change_to_issued_invoice": f"""
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'issued' THEN
            RAISE EXCEPTION '{FROZEN}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'issued' AND {_row(FROZEN_INVOICE_COLUMNS, 'OLD')} IS DISTINCT FROM {_row(FROZEN_INVOICE_COLUMNS, 'NEW')} THEN
        RAISE EXCEPTION '{FROZEN}' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END""",
    "refuse_change_to_issued_invoice_line": f"""
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (SELECT 1 FROM invoices WHERE id = OLD.invoice_id AND status = 'issued') THEN
        RAISE EXCEPTION '{FROZEN}' USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (SELECT 1 FROM invoices WHERE id = NEW.invoice_id AND status = 'issued') THEN
        RAISE EXCEPTION '{FROZEN}' USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END""",
}
POSTGRES_TRIGGERS = {
    "invoices_frozen": "BEFORE UPDATE OR DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION refuse_change_to_issued_invoice()",
    "invoice_lines_frozen": "BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines FOR EACH ROW EXECUTE FUNCTION refuse_change_to_issued_invoice_line()",
}


def create_frozen_triggers():
    if op.get_bind().dialect.name == "sqlite":
        for name, definition in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")
        return
    for name, body in POSTGRES_FUNCTIONS.items():
        op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $${body}$$")
    for name, definition in POSTGRES_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {definition}")


def drop_frozen_triggers():
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    for name, definition in POSTGRES_TRIGGERS.items():
        table = definition.split(" ON ")[1].split()[0]
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for name in POSTGRES_FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('billing_settings',
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('statement_date_column', sa.String(length=60), nullable=False),
    sa.Column('statement_amount_column', sa.String(length=60), nullable=False),
    sa.Column('statement_reference_column', sa.String(length=60), nullable=False),
    sa.Column('statement_date_format', sa.String(length=20), nullable=False),
    sa.Column('reminder_days', sa.String(length=60), nullable=False),
    sa.Column('run_day', sa.Integer(), nullable=True),
    sa.Column('issue_automatically', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('bank_details', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_billing_settings_hub_id_hubs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('hub_id', name=op.f('pk_billing_settings'))
    )
    op.create_table('invoice_line_exclusions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('source_key', sa.String(length=80), nullable=False),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.Column('removed_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_invoice_line_exclusions_hub_id_hubs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['removed_by_id'], ['users.id'], name=op.f('fk_invoice_line_exclusions_removed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_line_exclusions')),
    sa.UniqueConstraint('hub_id', 'source_key', name='uq_invoice_line_exclusions')
    )
    op.create_table('invoice_number_counters',
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_invoice_number_counters_hub_id_hubs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('hub_id', 'kind', 'year', name=op.f('pk_invoice_number_counters'))
    )
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('unique_key', sa.String(length=120), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('progress_done', sa.Integer(), nullable=False),
    sa.Column('progress_total', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', coworking.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', coworking.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', coworking.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('worker', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_jobs_created_by_id_users')),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_jobs_hub_id_hubs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_hub_id'), ['hub_id'], unique=False)
        batch_op.create_index('ix_jobs_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index('uq_jobs_active_unique_key', ['unique_key'], unique=True, sqlite_where=sa.text("status IN ('queued', 'running') AND unique_key IS NOT NULL"), postgresql_where=sa.text("status IN ('queued', 'running') AND unique_key IS NOT NULL"))

    op.create_table('statement_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('file_hash', sa.String(length=64), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_statement_imports_hub_id_hubs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_statement_imports_imported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_imports'))
    )
    with op.batch_alter_table('statement_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_imports_hub_id'), ['hub_id'], unique=False)

    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('party_key', sa.String(length=40), nullable=False),
    sa.Column('billed_name', sa.String(length=200), nullable=False),
    sa.Column('billed_address', sa.Text(), nullable=False),
    sa.Column('billed_email', sa.String(length=254), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('sequence_year', sa.Integer(), nullable=True),
    sa.Column('sequence_number', sa.Integer(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('subtotal_minor', coworking.types.MinorUnits(), nullable=False),
    sa.Column('vat_minor', coworking.types.MinorUnits(), nullable=False),
    sa.Column('total_minor', coworking.types.MinorUnits(), nullable=False),
    sa.Column('credit_applied_minor', coworking.types.MinorUnits(), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('previous_hash', sa.String(length=64), nullable=True),
    sa.Column('paid_minor', coworking.types.MinorUnits(), nullable=False),
    sa.Column('credited_minor', coworking.types.MinorUnits(), nullable=False),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_at', coworking.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('invoice', 'credit_note')", name=op.f('ck_invoices_invoice_kind')),
    sa.CheckConstraint("status IN ('draft', 'issued')", name=op.f('ck_invoices_invoice_status')),
    sa.CheckConstraint('paid_minor >= 0 AND credited_minor >= 0', name=op.f('ck_invoices_invoice_derived_not_negative')),
    sa.ForeignKeyConstraint(['corrects_id'], ['invoices.id'], name=op.f('fk_invoices_corrects_id_invoices')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_invoices_created_by_id_users')),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_invoices_hub_id_hubs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_invoices_issued_by_id_users')),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_invoices_member_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_invoices_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('hub_id', 'kind', 'sequence_year', 'sequence_number', name='uq_invoices_sequence'),
    sa.UniqueConstraint('hub_id', 'number', name='uq_invoices_hub_number')
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoices_corrects_id'), ['corrects_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_hub_id'), ['hub_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('uq_invoices_one_draft_per_party', ['hub_id', 'period', 'party_key'], unique=True, sqlite_where=sa.text("status = 'draft' AND period IS NOT NULL"), postgresql_where=sa.text("status = 'draft' AND period IS NOT NULL"))

    op.create_table('invoice_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_minor', coworking.types.MinorUnits(), nullable=False),
    sa.Column('vat_rate_bp', sa.Integer(), nullable=False),
    sa.Column('amount_minor', coworking.types.MinorUnits(), nullable=False),
    sa.Column('vat_minor', coworking.types.MinorUnits(), nullable=False),
    sa.Column('source_key', sa.String(length=80), nullable=True),
    sa.Column('corrects_line_id', sa.Integer(), nullable=True),
    sa.Column('income_kind', sa.String(length=20), nullable=False),
    sa.Column('funded_by_community_fund', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.CheckConstraint('vat_rate_bp >= 0 AND vat_rate_bp <= 10000', name=op.f('ck_invoice_lines_invoice_line_vat_rate')),
    sa.ForeignKeyConstraint(['corrects_line_id'], ['invoice_lines.id'], name=op.f('fk_invoice_lines_corrects_line_id_invoice_lines')),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_invoice_lines_hub_id_hubs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_lines_invoice_id_invoices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_lines')),
    sa.UniqueConstraint('hub_id', 'source_key', name='uq_invoice_lines_hub_source_key')
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_lines_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('invoice_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('step_days', sa.Integer(), nullable=False),
    sa.Column('sent_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_reminders_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_reminders')),
    sa.UniqueConstraint('invoice_id', 'step_days', name='uq_invoice_reminders_step')
    )
    with op.batch_alter_table('invoice_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_reminders_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('statement_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('booked_on', sa.Date(), nullable=False),
    sa.Column('amount_minor', coworking.types.MinorUnits(), nullable=False),
    sa.Column('reference', sa.String(length=300), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('suggested_invoice_id', sa.Integer(), nullable=True),
    sa.Column('match_reason', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_statement_lines_hub_id_hubs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['import_id'], ['statement_imports.id'], name=op.f('fk_statement_lines_import_id_statement_imports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['suggested_invoice_id'], ['invoices.id'], name=op.f('fk_statement_lines_suggested_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_lines')),
    sa.UniqueConstraint('hub_id', 'fingerprint', name='uq_statement_lines_fingerprint')
    )
    with op.batch_alter_table('statement_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_lines_import_id'), ['import_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('party_key', sa.String(length=40), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('amount_minor', coworking.types.MinorUnits(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('statement_line_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_payments_payment_positive')),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_payments_hub_id_hubs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_payments_member_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_payments_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_payments_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['statement_line_id'], ['statement_lines.id'], name=op.f('fk_payments_statement_line_id_statement_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('statement_line_id', name=op.f('uq_payments_statement_line_id'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_hub_id'), ['hub_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_party_key'), ['party_key'], unique=False)

    op.create_table('payment_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('amount_minor', coworking.types.MinorUnits(), nullable=False),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_payment_allocations_allocation_positive')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_payment_allocations_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_payment_allocations_payment_id_payments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_allocations'))
    )
    with op.batch_alter_table('payment_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_allocations_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_allocations_payment_id'), ['payment_id'], unique=False)

    # ### end Alembic commands ###
    create_frozen_triggers()


def downgrade():
    drop_frozen_triggers()
    with op.batch_alter_table('payment_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_allocations_payment_id'))
        batch_op.drop_index(batch_op.f('ix_payment_allocations_invoice_id'))

    op.drop_table('payment_allocations')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_party_key'))
        batch_op.drop_index(batch_op.f('ix_payments_hub_id'))

    op.drop_table('payments')
    with op.batch_alter_table('statement_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_lines_import_id'))

    op.drop_table('statement_lines')
    with op.batch_alter_table('invoice_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_reminders_invoice_id'))

    op.drop_table('invoice_reminders')
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_lines_invoice_id'))

    op.drop_table('invoice_lines')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index('uq_invoices_one_draft_per_party', sqlite_where=sa.text("status = 'draft' AND period IS NOT NULL"), postgresql_where=sa.text("status = 'draft' AND period IS NOT NULL"))
        batch_op.drop_index(batch_op.f('ix_invoices_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_invoices_member_id'))
        batch_op.drop_index(batch_op.f('ix_invoices_hub_id'))
        batch_op.drop_index(batch_op.f('ix_invoices_corrects_id'))

    op.drop_table('invoices')
    with op.batch_alter_table('statement_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_imports_hub_id'))

    op.drop_table('statement_imports')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('uq_jobs_active_unique_key', sqlite_where=sa.text("status IN ('queued', 'running') AND unique_key IS NOT NULL"), postgresql_where=sa.text("status IN ('queued', 'running') AND unique_key IS NOT NULL"))
        batch_op.drop_index('ix_jobs_status_created')
        batch_op.drop_index(batch_op.f('ix_jobs_hub_id'))

    op.drop_table('jobs')
    op.drop_table('invoice_number_counters')
    op.drop_table('invoice_line_exclusions')
    op.drop_table('billing_settings')
    # ### end Alembic commands ###
