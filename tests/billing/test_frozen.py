"""Issued means frozen: the database's triggers reject any UPDATE of an issued document's
content, any DELETE of one and any change to its lines, on both databases, whatever the SQL;
the application refuses first, with a 409. Derived state (paid, credited) may still change."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from coworking.billing.freeze import FrozenDocument
from coworking.billing.models import Invoice, InvoiceLine
from coworking.extensions import db
from coworking.transactions import unit_of_work
from tests.billing.documents import issue, make_draft


@pytest.fixture
def hub(make_hub):
    return make_hub("riverside", invoice_prefix="RIV", vat_number="GB1")


@pytest.fixture
def issued(hub, people):
    return issue(make_draft(hub, people.member, lines=[(1, 10000, 2000), (2, 500, 0)]))


def run_sql(statement: str, **params):
    with unit_of_work():
        db.session.execute(sa.text(statement), params)


@pytest.mark.parametrize("statement", [
    "UPDATE invoices SET total_minor = 1 WHERE id = :id",
    "UPDATE invoices SET billed_name = 'Someone Else' WHERE id = :id",
    "UPDATE invoices SET number = 'RIV-2026-09999' WHERE id = :id",
    "UPDATE invoices SET status = 'draft' WHERE id = :id",
    "UPDATE invoices SET issued_on = NULL WHERE id = :id",
    "UPDATE invoices SET content_hash = 'x' WHERE id = :id",
    "UPDATE invoices SET reason = 'changed later' WHERE id = :id",
    "DELETE FROM invoices WHERE id = :id",
    "UPDATE invoice_lines SET unit_price_minor = 1 WHERE invoice_id = :id",
    "UPDATE invoice_lines SET description = 'Something else' WHERE invoice_id = :id",
    "DELETE FROM invoice_lines WHERE invoice_id = :id",
    "INSERT INTO invoice_lines (invoice_id, hub_id, position, description, quantity, unit_price_minor, "
    "vat_rate_bp, amount_minor, vat_minor, income_kind, funded_by_community_fund) "
    "SELECT id, hub_id, 9, 'Extra', 1, 100, 0, 100, 0, 'other', false FROM invoices WHERE id = :id",
])
def test_the_database_rejects_any_change_to_an_issued_invoice(issued, statement):
    before = (issued.content_hash, issued.total_minor, len(issued.lines))

    with pytest.raises(DBAPIError, match="issued_invoice_is_frozen"):
        run_sql(statement, id=issued.id)

    db.session.expire_all()
    assert (issued.content_hash, issued.total_minor, len(issued.lines)) == before


def test_the_database_lets_derived_state_change(issued):
    run_sql("UPDATE invoices SET paid_minor = 500, credited_minor = 100 WHERE id = :id", id=issued.id)

    db.session.expire_all()
    assert (issued.paid_minor, issued.credited_minor) == (500, 100)


def test_a_draft_may_change_and_be_deleted(hub, people):
    draft = make_draft(hub, people.member)

    run_sql("UPDATE invoice_lines SET unit_price_minor = 1 WHERE invoice_id = :id", id=draft.id)
    run_sql("UPDATE invoices SET billed_name = 'Corrected' WHERE id = :id", id=draft.id)
    run_sql("DELETE FROM invoices WHERE id = :id", id=draft.id)

    assert db.session.scalar(sa.select(sa.func.count(Invoice.id))) == 0


def change_total(invoice):
    invoice.total_minor = 1


def change_line(invoice):
    invoice.lines[0].description = "Something else"


def add_line(invoice):
    invoice.lines.append(InvoiceLine(hub_id=invoice.hub_id, description="Extra", unit_price_minor=1, amount_minor=1))


def remove_line(invoice):
    invoice.lines.pop()


def delete(invoice):
    db.session.delete(invoice)


def delete_line(invoice):
    db.session.delete(invoice.lines[0])


@pytest.mark.parametrize("change", [change_total, change_line, add_line, remove_line, delete, delete_line])
def test_the_application_refuses_with_409_before_the_database_must(issued, change):
    with pytest.raises(FrozenDocument) as refused, unit_of_work():
        change(issued)
        db.session.flush()

    assert refused.value.status == 409 and "credit note" in refused.value.message
    db.session.expire_all()
    assert issued.total_minor == 13000 and len(issued.lines) == 2
