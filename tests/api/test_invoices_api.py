"""Invoices through the API: a member reads their own issued invoices and credit notes (and
their PDFs), never anyone else's and never a draft; a hub's managers read all of the hub's,
filtered, start runs and "issue all" in the background, issue a draft, credit and record
payments. Every refusal is a clear JSON error naming the field, and changes nothing."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from coworking import jobs
from coworking.billing.models import Invoice, Payment
from coworking.extensions import db
from coworking.memberships.periods import Period
from tests.api.conftest import assert_json_error
from tests.billing.document_fixtures import *  # noqa: F403  (fixtures: make_document)
from tests.billing.document_fixtures import credit, pay, pdf_text
from tests.conftest import bearer

INVOICES = "/api/v1/invoices"
RUNS = "/api/v1/hubs/riverside/invoice-runs"


@pytest.fixture
def hub(make_hub):
    return make_hub("riverside", "Riverside Hub", address="12 Quay Street", vat_number="GB123456789",
                    invoice_prefix="RIV", timezone="Europe/London", currency="GBP")


@pytest.fixture
def sam(make_user):
    return make_user(email="sam@example.org", name="Sam Someone")


@pytest.fixture
def as_other_manager(people, make_token):
    return bearer(make_token(people.other_manager))


def stored_billing() -> tuple:
    """What the billing tables hold now: equal before and after a refused request."""
    db.session.rollback()
    db.session.expire_all()
    invoices = db.session.execute(sa.select(Invoice.id, Invoice.status, Invoice.number, Invoice.paid_minor,
                                            Invoice.credited_minor).order_by(Invoice.id)).all()
    return tuple(invoices), db.session.scalar(sa.select(sa.func.count()).select_from(Payment))


# --- reading --------------------------------------------------------------------------------

def test_a_member_lists_their_own_issued_documents(client, hub, mary, sam, as_mary, make_document):
    invoice = make_document(hub, mary)
    note = credit(make_document(hub, mary))
    make_document(hub, sam)
    make_document(hub, mary, issued=False, period="2026-12")
    body = client.get(INVOICES, headers=as_mary).get_json()
    assert body["total"] == 3 and body["pages"] == 1 and body["page"] == 1
    numbers = {item["number"] for item in body["items"]}
    assert numbers == {invoice.number, note.number, note.corrects.number}
    first = next(item for item in body["items"] if item["number"] == invoice.number)
    assert first["status"] == "issued" and first["kind"] == "invoice"
    assert first["issued_on"] == "2026-11-30" and first["due_on"] == "2026-12-14"
    assert first["currency"] == "GBP" and first["total"] == {"amount_minor": 43_200, "currency": "GBP"}
    assert first["billed_to"] == {"party": f"member:{mary.id}", "kind": "member", "id": mary.id, "name": "Mary Member",
                                  "email": "mary@example.org", "address": ""}
    assert "lines" not in first


def test_a_member_filters_their_documents(client, hub, mary, as_mary, make_document):
    paid = make_document(hub, mary)
    pay(paid, paid.total_minor)
    note = credit(make_document(hub, mary))
    assert [i["number"] for i in client.get(f"{INVOICES}?status=paid", headers=as_mary).get_json()["items"]] == [paid.number]
    assert [i["number"] for i in client.get(f"{INVOICES}?kind=credit_note", headers=as_mary).get_json()["items"]] == [note.number]
    assert client.get(f"{INVOICES}?status=void", headers=as_mary).get_json()["items"][0]["status"] == "void"


def test_a_manager_lists_the_hubs_documents_drafts_included(client, hub, mary, sam, as_manager, make_document):
    make_document(hub, mary)
    draft = make_document(hub, sam, issued=False, period="2026-10")
    body = client.get(f"{INVOICES}?hub=riverside", headers=as_manager).get_json()
    assert body["total"] == 2
    drafts = client.get(f"{INVOICES}?hub=riverside&status=draft", headers=as_manager).get_json()["items"]
    assert [(item["id"], item["number"], item["status"]) for item in drafts] == [(draft.id, None, "draft")]
    assert client.get(f"{INVOICES}?hub=riverside&period=2026-10", headers=as_manager).get_json()["total"] == 1


def test_a_hubs_list_is_its_managers_only(client, hub, as_mary, as_other_manager):
    assert_json_error(client.get(f"{INVOICES}?hub=riverside", headers=as_mary), 403, "forbidden")
    assert_json_error(client.get(f"{INVOICES}?hub=riverside", headers=as_other_manager), 403, "forbidden")
    assert_json_error(client.get(f"{INVOICES}?hub=nowhere", headers=as_mary), 404, "not_found")


@pytest.mark.parametrize("query,field", [("status=unpaid", "status"), ("period=2026-13", "period"),
                                         ("kind=receipt", "kind"), ("per_page=500", "per_page")])
def test_bad_filters_are_named(client, hub, as_manager, query, field):
    error = assert_json_error(client.get(f"{INVOICES}?hub=riverside&{query}", headers=as_manager), 422, "validation_error")
    assert field in error["fields"]


def test_one_invoice_has_its_lines_payments_and_credit_notes(client, hub, mary, as_mary, make_document):
    invoice = make_document(hub, mary)
    pay(invoice, 10_000)
    note = credit(invoice, {invoice.lines[1].id: 2_000})
    body = client.get(f"{INVOICES}/{invoice.id}", headers=as_mary).get_json()
    assert body["number"] == invoice.number and body["status"] == "part_paid"
    line = body["lines"][0]
    assert line == {
        "id": invoice.lines[0].id, "position": 0, "description": "Hot desk membership, November 2026", "quantity": 1,
        "unit_price": {"amount_minor": 30_000, "currency": "GBP"}, "vat_rate": 2000,
        "amount": {"amount_minor": 30_000, "currency": "GBP"}, "vat": {"amount_minor": 6_000, "currency": "GBP"},
        "source_key": invoice.lines[0].source_key, "corrects_line_id": None,
    }
    assert body["vat_summary"] == [{"vat_rate": 2000, "net": {"amount_minor": 36_000, "currency": "GBP"},
                                    "vat": {"amount_minor": 7_200, "currency": "GBP"}}]
    assert [p["amount"]["amount_minor"] for p in body["payments"]] == [10_000]
    assert [n["number"] for n in body["credit_notes"]] == [note.number]
    assert body["credited"]["amount_minor"] == 2_400 and body["outstanding"]["amount_minor"] == 43_200 - 2_400 - 10_000


@pytest.mark.parametrize("suffix", ["", ".pdf"])
def test_another_members_document_or_a_draft_is_not_found(client, hub, mary, sam, as_mary, as_other_manager,
                                                          make_document, suffix):
    theirs = make_document(hub, sam)
    draft = make_document(hub, mary, issued=False)
    for invoice_id in (theirs.id, draft.id, 999_999, 2**40):
        assert_json_error(client.get(f"{INVOICES}/{invoice_id}{suffix}", headers=as_mary), 404, "not_found")
    assert_json_error(client.get(f"{INVOICES}/{theirs.id}{suffix}", headers=as_other_manager), 404, "not_found")


def test_the_pdf_of_ones_own_invoice_and_of_a_managed_draft(client, hub, mary, as_mary, as_manager, make_document):
    invoice = make_document(hub, mary)
    response = client.get(f"{INVOICES}/{invoice.id}.pdf", headers=as_mary)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename="{invoice.number}.pdf"' in response.headers["Content-Disposition"]
    assert invoice.number in pdf_text(response.data)
    draft = make_document(hub, mary, issued=False, period="2026-12")
    text = pdf_text(client.get(f"{INVOICES}/{draft.id}.pdf", headers=as_manager).data)
    assert "Draft invoice" in text and "not issued yet" in text


# --- runs in the background -----------------------------------------------------------------

@pytest.fixture
def enrolled(hub, mary, make_plan, make_membership, today):
    plan = make_plan(name="Hot desk", monthly_price_minor=30_000, vat_rate_bp=2000)
    return make_membership(mary, plan, starts_on=Period.of(today).first_day)


def test_a_run_goes_to_the_background_and_its_job_shows_the_outcome(client, hub, enrolled, as_manager, today):
    period = Period.of(today).key
    response = client.post(RUNS, json={"period": period}, headers=as_manager)
    assert response.status_code == 202, response.get_json()
    job = response.get_json()
    assert job["status"] == "queued" and job["kind"] == "invoice-run" and job["period"] == period
    assert response.headers["Location"].endswith(f"/api/v1/hubs/riverside/jobs/{job['id']}")
    again = client.post(RUNS, json={"period": period}, headers=as_manager).get_json()
    assert again["id"] == job["id"]  # one run of a period at a time
    jobs.run_due(schedules=False)
    done = client.get(f"/api/v1/hubs/riverside/jobs/{job['id']}", headers=as_manager).get_json()
    assert done["status"] == "done" and done["finished_at"]
    drafts = client.get(f"{INVOICES}?hub=riverside&status=draft&period={period}", headers=as_manager).get_json()
    assert drafts["total"] == 1 and drafts["items"][0]["billed_to"]["id"] == enrolled.member_id

    issuing = client.post(f"{RUNS}/issue", json={"period": period}, headers=as_manager)
    assert issuing.status_code == 202 and issuing.get_json()["kind"] == "invoice-issue"
    jobs.run_due(schedules=False)
    issued = client.get(f"{INVOICES}?hub=riverside&status=issued", headers=as_manager).get_json()["items"]
    assert [item["number"] for item in issued] == [f"RIV-{today.year}-00001"]


@pytest.mark.parametrize("period,message", [("2026-13", "period"), ("next month", "period"), (None, "period")])
def test_a_malformed_period_is_refused(client, hub, as_manager, period, message):
    error = assert_json_error(client.post(RUNS, json={"period": period}, headers=as_manager), 422, "validation_error")
    assert message in error["fields"]


def test_a_future_period_is_refused_and_nothing_is_queued(client, hub, as_manager, today):
    future = Period.of(today).plus(1).key
    error = assert_json_error(client.post(RUNS, json={"period": future}, headers=as_manager), 422, "validation_error")
    assert "period" in error["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(jobs.Job)) == 0


def test_runs_and_jobs_are_the_hubs_managers_only(client, hub, as_mary, as_other_manager, today):
    period = Period.of(today).key
    for headers in (as_mary, as_other_manager):
        assert_json_error(client.post(RUNS, json={"period": period}, headers=headers), 403, "forbidden")
        assert_json_error(client.get("/api/v1/hubs/riverside/jobs/1", headers=headers), 403, "forbidden")


# --- one invoice: issue, credit, pay --------------------------------------------------------

def test_a_manager_issues_a_draft_once(client, hub, mary, as_manager, make_document):
    draft = make_document(hub, mary, issued=False)
    response = client.post(f"{INVOICES}/{draft.id}/issue", json={}, headers=as_manager)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["number"].startswith("RIV-") and body["status"] == "issued" and body["issued_on"]
    before = stored_billing()
    assert_json_error(client.post(f"{INVOICES}/{draft.id}/issue", json={}, headers=as_manager), 409, "conflict")
    assert stored_billing() == before


def test_a_member_cannot_issue_credit_or_pay(client, hub, mary, as_mary, make_document):
    invoice = make_document(hub, mary)
    draft = make_document(hub, mary, issued=False, period="2026-12")
    assert_json_error(client.post(f"{INVOICES}/{draft.id}/issue", json={}, headers=as_mary), 404, "not_found")
    assert_json_error(client.post(f"{INVOICES}/{invoice.id}/credit-notes", json={"reason": "x"}, headers=as_mary),
                      403, "forbidden")
    body = {"amount": {"amount_minor": 100}, "method": "cash", "received_on": "2026-12-01"}
    assert_json_error(client.post(f"{INVOICES}/{invoice.id}/payments", json=body, headers=as_mary), 403, "forbidden")


def test_a_whole_credit_note_voids_the_invoice(client, hub, mary, as_manager, make_document):
    invoice = make_document(hub, mary)
    response = client.post(f"{INVOICES}/{invoice.id}/credit-notes", json={"reason": "Billed twice"}, headers=as_manager)
    assert response.status_code == 201, response.get_json()
    note = response.get_json()
    assert note["kind"] == "credit_note" and note["number"].startswith("RIV-CN-") and note["corrects_id"] == invoice.id
    assert note["total"]["amount_minor"] == -43_200
    assert [line["corrects_line_id"] for line in note["lines"]] == [line.id for line in invoice.lines]
    assert client.get(f"{INVOICES}/{invoice.id}", headers=as_manager).get_json()["status"] == "void"


def test_a_credit_beyond_what_remains_is_refused_and_changes_nothing(client, hub, mary, as_manager, make_document):
    invoice = make_document(hub, mary)
    before = stored_billing()
    body = {"reason": "Room closed", "lines": [{"line_id": invoice.lines[1].id, "amount": {"amount_minor": 6_001}}]}
    response = client.post(f"{INVOICES}/{invoice.id}/credit-notes", json=body, headers=as_manager)
    assert response.status_code == 422 and response.get_json()["error"]["fields"]
    wrong_currency = {"reason": "Room closed", "lines": [{"line_id": invoice.lines[1].id,
                                                          "amount": {"amount_minor": 100, "currency": "EUR"}}]}
    error = assert_json_error(client.post(f"{INVOICES}/{invoice.id}/credit-notes", json=wrong_currency,
                                          headers=as_manager), 422, "validation_error")
    assert "lines.0.amount.currency" in error["fields"]
    assert stored_billing() == before


def test_a_draft_is_not_credited(client, hub, mary, as_manager, make_document):
    draft = make_document(hub, mary, issued=False)
    response = client.post(f"{INVOICES}/{draft.id}/credit-notes", json={"reason": "x"}, headers=as_manager)
    assert response.status_code == 409


def test_a_payment_settles_the_invoice_and_the_rest_is_credit(client, hub, mary, as_manager, make_document, today):
    invoice = make_document(hub, mary)
    body = {"amount": {"amount_minor": 50_000, "currency": "GBP"}, "method": "bank_transfer",
            "received_on": today.isoformat(), "reference": invoice.number}
    response = client.post(f"{INVOICES}/{invoice.id}/payments", json=body, headers=as_manager)
    assert response.status_code == 201, response.get_json()
    payment = response.get_json()
    assert payment["allocations"] == [{"invoice_id": invoice.id, "number": invoice.number,
                                       "amount": {"amount_minor": 43_200, "currency": "GBP"}}]
    assert payment["credit"] == {"amount_minor": 6_800, "currency": "GBP"}
    assert client.get(f"{INVOICES}/{invoice.id}", headers=as_manager).get_json()["status"] == "paid"


@pytest.mark.parametrize("change,field", [
    ({"amount": {"amount_minor": 0}}, "amount"),
    ({"amount": {"amount_minor": -500}}, "amount"),
    ({"amount": {"amount_minor": 2_000_000_000}}, "amount"),
    ({"amount": {"amount_minor": "12.50"}}, "amount"),
    ({"method": "cheque"}, "method"),
    ({"received_on": "2999-01-01"}, "received_on"),
    ({"received_on": "yesterday"}, "received_on"),
])
def test_a_bad_payment_is_refused_naming_its_field_and_records_nothing(client, hub, mary, as_manager,
                                                                       make_document, today, change, field):
    invoice = make_document(hub, mary)
    body = {"amount": {"amount_minor": 1_000}, "method": "cash", "received_on": today.isoformat(), **change}
    if change.get("received_on") == "2999-01-01":
        body["received_on"] = (today + timedelta(days=1)).isoformat()
    before = stored_billing()
    response = client.post(f"{INVOICES}/{invoice.id}/payments", json=body, headers=as_manager)
    assert response.status_code == 422, response.get_json()
    assert any(name.startswith(field) for name in response.get_json()["error"]["fields"]), response.get_json()
    assert stored_billing() == before


def test_a_draft_cannot_be_paid(client, hub, mary, as_manager, make_document):
    draft = make_document(hub, mary, issued=False)
    body = {"amount": {"amount_minor": 1_000}, "method": "cash", "received_on": date(2026, 11, 30).isoformat()}
    assert client.post(f"{INVOICES}/{draft.id}/payments", json=body, headers=as_manager).status_code == 409


def test_the_openapi_document_describes_the_invoices_api(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/invoices", "/api/v1/invoices/{invoice_id}", "/api/v1/invoices/{invoice_id}.pdf",
                 "/api/v1/hubs/{slug}/invoice-runs", "/api/v1/invoices/{invoice_id}/credit-notes",
                 "/api/v1/invoices/{invoice_id}/payments", "/api/v1/invoices/{invoice_id}/issue"):
        assert path in paths, path
