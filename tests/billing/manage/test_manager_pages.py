"""The managers' billing pages: a run started from the page goes to the background and its page
shows the progress; the invoices list and its filters; one invoice with its lines, VAT and
what was paid; issuing from the page; payments with bad input refused beside the field; the
settings. Staff read, members and other hubs' managers are kept out."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from coworking import jobs
from coworking.billing.models import BillingSettings, Invoice, Payment
from coworking.extensions import db
from coworking.jobs import Job
from coworking.memberships.periods import current_period
from tests.billing.documents import make_draft
from tests.billing.manage.conftest import login
from tests.conftest import post_form
from tests.memberships.pages import count, text_of


@pytest.fixture
def manager(client, people):
    return login(client, people.manager)


def test_a_run_started_from_the_page_goes_to_the_background_and_its_page_shows_progress(client, hub, people, manager):
    period = current_period(hub.timezone).key
    response = post_form(client, "/hubs/here/billing/runs", {"period": period})
    assert response.status_code == 302
    job_page = response.headers["Location"]
    assert "Waiting for a worker" in text_of(client.get(job_page))
    state = client.get(job_page + ".json").get_json()
    assert (state["kind"], state["status"], state["period"], state["finished"]) == ("invoice-run", "queued", period, False)
    # Pressing the button twice queues one run.
    assert post_form(client, "/hubs/here/billing/runs", {"period": period}).headers["Location"] == job_page

    jobs.run_due(schedules=False)
    state = client.get(job_page + ".json").get_json()
    assert (state["status"], state["finished"]) == ("done", True)
    assert "Finished" in text_of(client.get(job_page))


@pytest.mark.parametrize("period,message", [
    ("2099-01", "has not started yet"),
    ("2026-13", "is not a month"),
    ("next month", "is not a month"),
])
def test_a_bad_period_is_refused_beside_the_field_and_starts_nothing(client, hub, manager, period, message):
    response = post_form(client, "/hubs/here/billing/runs", {"period": period})
    assert response.status_code == 422
    assert re.search(r'id="period-error">[^<]*' + message, response.get_data(as_text=True))
    assert count(Job) == 0


def test_issue_all_issues_the_runs_drafts_in_the_background(client, hub, people, manager, make_member):
    period = current_period(hub.timezone).key
    for name in ("Ann", "Bob", "Cat"):
        make_draft(hub, make_member(name), period=period)
    page = text_of(client.get("/hubs/here/billing"))
    assert "3 drafts" in page and "Issue all 3 drafts" in page
    response = post_form(client, f"/hubs/here/billing/periods/{period}/issue")
    assert response.status_code == 302 and "/billing/jobs/" in response.headers["Location"]
    jobs.run_due(schedules=False)
    db.session.rollback()
    assert sorted(db.session.scalars(sa.select(Invoice.number)).all()) == [
        f"RIV-{period[:4]}-0000{n}" for n in (1, 2, 3)]


def test_a_job_of_another_hub_is_not_found(client, hub, people, manager, make_hub):
    from coworking.billing.jobs import start_run

    there = make_hub("there")
    job = start_run(there, current_period(there.timezone), by=None)
    db.session.commit()
    assert client.get(f"/hubs/here/billing/jobs/{job.id}").status_code == 404
    assert client.get(f"/hubs/here/billing/jobs/{job.id}.json").status_code == 404


def test_the_invoices_list_filters_by_status_period_and_party(client, hub, people, manager, issued, make_member):
    paid_up = issued(make_member("Zoë Łódź"))
    open_one = issued(make_member("Bob Builder"), period="2026-09")
    make_draft(hub, make_member("Cat Draft"), period="2026-11")
    listed = lambda query: text_of(client.get("/hubs/here/billing/invoices" + query))  # noqa: E731
    post_form(client, f"/hubs/here/billing/invoices/{paid_up.id}/payments/new",
              {"amount": "120.00", "method": "cash", "received_on": "2026-11-30"})

    everything = listed("")
    assert all(name in everything for name in ("Zoë Łódź", "Bob Builder", "Cat Draft"))
    assert "Cat Draft" in listed("?status=draft") and "Bob Builder" not in listed("?status=draft")
    assert "Zoë Łódź" in listed("?status=paid") and "Bob Builder" not in listed("?status=paid")
    assert "Bob Builder" in listed("?period=2026-09") and "Zoë" not in listed("?period=2026-09")
    assert "Bob Builder" in listed("?party=builder") and "Zoë" not in listed("?party=builder")
    assert open_one.number in listed("?status=open")
    bad = client.get("/hubs/here/billing/invoices?period=Sept")
    assert bad.status_code == 400 and "YYYY-MM" in text_of(bad)


def test_the_invoice_page_shows_lines_vat_per_rate_totals_and_payments(client, hub, people, manager, issued):
    invoice = issued(lines=((2, 5000, 2000), (1, 1000, 500)))
    post_form(client, f"/hubs/here/billing/invoices/{invoice.id}/payments/new",
              {"amount": "50.00", "method": "bank_transfer", "received_on": "2026-11-29", "reference": "FIRST PART"})
    page = text_of(client.get(f"/hubs/here/billing/invoices/{invoice.id}"))
    assert invoice.number in page and "Mary Member" in page
    assert "VAT at 20% on £100.00 £20.00" in page and "VAT at 5% on £10.00 £0.50" in page
    assert "Total £130.50" in page and "Paid £50.00" in page and "Outstanding £80.50" in page
    assert "£50.00 on 29 Nov 2026, Bank transfer: FIRST PART" in page
    assert "Part paid" in page
    # An issued invoice offers no edit or delete.
    assert "Edit" not in page and "Delete this draft" not in page and "Add a line" not in page


def test_issuing_a_draft_from_its_page_and_twice_is_refused(client, hub, people, manager):
    draft = make_draft(hub, people.member)
    page = text_of(client.get(f"/hubs/here/billing/invoices/{draft.id}"))
    assert "Issue this invoice" in page and "Delete this draft" in page
    assert post_form(client, f"/hubs/here/billing/invoices/{draft.id}/issue").status_code == 302
    db.session.rollback()
    number = db.session.get(Invoice, draft.id).number
    assert re.fullmatch(r"RIV-\d{4}-00001", number)
    again = post_form(client, f"/hubs/here/billing/invoices/{draft.id}/issue")
    assert again.status_code == 409 and f"already issued as {number}" in text_of(again)


@pytest.mark.parametrize("form,field,message", [
    ({"amount": "0"}, "amount", "more than zero"),
    ({"amount": "-5.00"}, "amount", "more than zero"),
    ({"amount": "20000000.00"}, "amount", "too large"),
    ({"amount": "12.345"}, "amount", "at most 2 decimal places"),
    ({"amount": "ten"}, "amount", "Enter an amount"),
    ({"received_on": "2099-01-01"}, "received_on", "in the future"),
    ({"received_on": "yesterday"}, "received_on", "Not a valid date"),
])
def test_a_bad_payment_is_refused_beside_its_field_and_records_nothing(client, hub, manager, issued, form, field, message):
    invoice = issued()
    data = {"amount": "10.00", "method": "cash", "received_on": "2026-11-30", **form}
    response = post_form(client, f"/hubs/here/billing/invoices/{invoice.id}/payments/new", data)
    assert response.status_code in (400, 422)
    assert re.search(rf'id="{field}-error">[^<]*{message}', response.get_data(as_text=True)), text_of(response)
    assert count(Payment) == 0


def test_an_overpayment_becomes_the_members_credit(client, hub, people, manager, issued):
    invoice = issued(people.member)
    response = post_form(client, f"/hubs/here/billing/invoices/{invoice.id}/payments/new",
                         {"amount": "150.00", "method": "card", "received_on": "2026-11-30"})
    assert response.status_code == 302
    page = text_of(client.get(f"/hubs/here/billing/invoices/{invoice.id}"))
    assert "Outstanding £0.00" in page and "of a payment of £150.00" in page and "Paid" in page


def test_a_draft_cannot_be_paid_and_an_issued_invoice_cannot_be_edited(client, hub, people, manager, issued):
    draft, invoice = make_draft(hub, people.member), issued()
    assert client.get(f"/hubs/here/billing/invoices/{draft.id}/payments/new").status_code == 409
    line = invoice.lines[0]
    assert client.get(f"/hubs/here/billing/invoices/{invoice.id}/lines/{line.id}/edit").status_code == 409
    assert post_form(client, f"/hubs/here/billing/invoices/{invoice.id}/lines/{line.id}/edit",
                     {"description": "Changed", "quantity": "1", "unit_price": "1.00", "vat_rate": "0"}).status_code == 409
    assert post_form(client, f"/hubs/here/billing/invoices/{invoice.id}/lines/new",
                     {"description": "Extra", "quantity": "1", "unit_price": "1.00", "vat_rate": "0"}).status_code == 409
    assert post_form(client, f"/hubs/here/billing/invoices/{invoice.id}/delete").status_code in (409, 422)
    db.session.rollback()
    stored = db.session.get(Invoice, invoice.id)
    assert stored.lines[0].description == "Item 1" and len(stored.lines) == 1 and stored.total_minor == 12000


def test_staff_read_the_pages_without_the_managers_buttons(client, hub, people, issued):
    invoice = issued()
    make_draft(hub, people.member, period="2026-11")
    login(client, people.staff)
    overview = text_of(client.get("/hubs/here/billing"))
    assert "Run a month" not in overview and "Issue all" not in overview
    page = text_of(client.get(f"/hubs/here/billing/invoices/{invoice.id}"))
    assert invoice.number in page and "Record a payment" not in page and "Issue a credit note" not in page
    assert post_form(client, f"/hubs/here/billing/invoices/{invoice.id}/payments/new",
                     {"amount": "1.00", "method": "cash", "received_on": "2026-11-30"}).status_code == 403


def test_the_overdue_list_names_what_is_owed_and_for_how_long(client, hub, people, manager, issued, make_member):
    from datetime import date

    from tests.billing.documents import issue

    late = issue(make_draft(hub, make_member("Late Larry"), period="2026-09"), today=date(2026, 10, 1))
    issued(make_member("On Time Olive"))
    db.session.commit()
    page = text_of(client.get("/hubs/here/billing/overdue"))
    assert late.number in page and "Late Larry" in page and "On Time Olive" not in page
    assert f"{(date.today() - late.due_on).days}" in page and "none yet" in page


def test_settings_are_saved_and_bad_values_refused_beside_the_field(client, hub, manager):
    good = {"statement_date_column": "Posted", "statement_amount_column": "Credit",
            "statement_reference_column": "Details", "statement_date_format": "%Y-%m-%d",
            "reminder_days": "21, 7", "run_day": "3", "issue_automatically": "y", "bank_details": "Sort 00-00-00"}
    assert post_form(client, "/hubs/here/billing/settings", good).status_code == 302
    db.session.rollback()
    stored = db.session.get(BillingSettings, hub.id)
    assert (stored.statement_date_column, stored.reminder_days, stored.run_day, stored.issue_automatically) == (
        "Posted", "7,21", 3, True)
    for field, value, message in (("reminder_days", "7, soon", "whole numbers"), ("run_day", "31", "1 to 28"),
                                  ("statement_date_column", "", "Name the column")):
        response = post_form(client, "/hubs/here/billing/settings", {**good, field: value})
        assert response.status_code == 422, field
        assert re.search(rf'id="{field}-error">[^<]*{message}', response.get_data(as_text=True))
    db.session.rollback()
    assert db.session.get(BillingSettings, hub.id).run_day == 3
