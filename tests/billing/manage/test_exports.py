"""The accountant's CSVs: issued invoices and credit notes, their lines and the payments of a
date range; drafts never; amounts as plain decimals; formulas defused; a bad range refused."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from coworking.billing.credit_notes import credit_invoice
from coworking.billing.payments import record_payment
from coworking.transactions import unit_of_work
from tests.billing.documents import issue, make_draft
from tests.billing.manage.conftest import login
from tests.memberships.pages import text_of

RANGE = "?starts_on=2026-11-01&ends_on=2026-11-30"


@pytest.fixture
def manager(client, people):
    return login(client, people.manager)


def rows(response) -> list[dict]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_exports_hold_the_ranges_documents_lines_and_payments(client, hub, people, manager, make_member):
    sneaky = make_member("=HYPERLINK(\"x\")")
    invoice = issue(make_draft(hub, sneaky, lines=((2, 1250, 2000),)), today=date(2026, 11, 10))
    older = issue(make_draft(hub, people.member, period="2026-09"), today=date(2026, 10, 1))
    make_draft(hub, people.member, period="2026-11")  # a draft is no invoice yet
    with unit_of_work():
        record_payment(hub, invoice=invoice, amount_minor=1000, method="cash", received_on=date(2026, 11, 12),
                       reference="-cash", by=people.manager)
        note = credit_invoice(invoice, amounts=None, reason="Wrong member", by=people.manager, today=date(2026, 11, 20))

    documents = rows(client.get("/hubs/here/billing/exports/invoices.csv" + RANGE))
    assert [(row["number"], row["kind"], row["total"]) for row in documents] == [
        (invoice.number, "invoice", "30.00"), (note.number, "credit_note", "-30.00")]
    assert documents[0]["billed to"].startswith("'=") and documents[0]["status"] == "void"
    assert older.number not in str(documents)

    lines = rows(client.get("/hubs/here/billing/exports/lines.csv" + RANGE))
    assert [(row["number"], row["quantity"], row["unit price"], row["net"], row["vat"], row["vat rate %"]) for row in lines] == [
        (invoice.number, "2", "12.50", "25.00", "5.00", "20"), (note.number, "2", "-12.50", "-25.00", "-5.00", "20")]

    payments = rows(client.get("/hubs/here/billing/exports/payments.csv" + RANGE))
    assert [(row["received on"], row["amount"], row["reference"], row["method"]) for row in payments] == [
        ("2026-11-12", "10.00", "'-cash", "cash")]


@pytest.mark.parametrize("query,message", [
    ("?starts_on=2026-11-30&ends_on=2026-11-01", "comes before the first"),
    ("?starts_on=2020-01-01&ends_on=2026-11-30", "at most three years"),
    ("?starts_on=soon&ends_on=2026-11-30", "Not a valid date"),
    ("", "Enter the first day"),
])
def test_a_bad_range_is_refused_with_the_reason(client, hub, manager, query, message):
    for path in ("/hubs/here/billing/exports", "/hubs/here/billing/exports/invoices.csv"):
        if not query and path.endswith("exports"):
            continue  # the page without dates offers last month
        response = client.get(path + query)
        assert response.status_code == 400 and message in text_of(response)


def test_the_export_page_offers_last_month(client, hub, manager):
    page = client.get("/hubs/here/billing/exports")
    assert page.status_code == 200 and "invoices.csv?starts_on=" in page.get_data(as_text=True)


def test_an_unknown_export_is_not_found(client, hub, manager):
    assert client.get("/hubs/here/billing/exports/secrets.csv" + RANGE).status_code == 404
