"""The ledger pages as a manager uses them: the everyday entry with a receipt, the full entry,
bad input beside the field with nothing stored, the surplus page and reports, and the public
transparency page (404 until the hub opts in)."""
from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa

from coworking.extensions import db
from coworking.ledger.chart import accounts_by_role, ensure_chart
from coworking.ledger.funds import reinvest, set_aside
from coworking.ledger.impact import settings_for
from coworking.ledger.models import JournalEntry, Posting, Receipt
from coworking.ledger.posting import post_entry
from coworking.timezones import local_today
from tests.conftest import post_form


@pytest.fixture
def books(people, auth):
    hub = people.hub
    ensure_chart(hub)
    db.session.commit()
    auth.login(people.manager)
    return hub


def entry_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(JournalEntry.id)))


def test_a_manager_records_a_repair_paid_from_the_bank_with_its_receipt(client, books):
    repairs = accounts_by_role(books)["expense_other"]
    today = local_today(books.timezone)
    response = post_form(client, f"/hubs/{books.slug}/ledger/record", {
        "direction": "out", "entry_date": today.isoformat(), "description": "Boiler repair",
        "account": repairs.id, "amount": "420", "via": "bank",
        "receipt": (io.BytesIO(b"%PDF-1.4 receipt"), "boiler.pdf"),
    }, content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    assert "Recorded: Boiler repair." in response.text
    entry = db.session.scalars(sa.select(JournalEntry)).one()
    assert sorted(p.amount_minor for p in entry.postings) == [-42000, 42000]
    assert db.session.scalars(sa.select(Receipt)).one().content_type == "application/pdf"
    download = client.get(f"/hubs/{books.slug}/ledger/entries/{entry.id}/receipt")
    assert download.data == b"%PDF-1.4 receipt" and download.mimetype == "application/pdf"


@pytest.mark.parametrize("change,field,message", [
    ({"amount": "420.123"}, "amount", "decimal"),
    ({"amount": "-5"}, "amount", "more than zero"),
    ({"amount": ""}, "amount", "Enter an amount"),
    ({"description": ""}, "description", "Say what it was for"),
    ({"entry_date": "2026-02-30"}, "entry_date", ""),
    ({"receipt": (b"MZ\x90\x00 not a receipt", "virus.pdf")}, "receipt", "PDF or an image"),
    ({"receipt": (b"%PDF-" + b"0" * 100_000, "huge.pdf")}, "receipt", "too big"),
])
def test_bad_input_is_explained_beside_the_field_and_nothing_is_stored(client, books, change, field, message, monkeypatch):
    monkeypatch.setattr("coworking.ledger.manual.MAX_RECEIPT_BYTES", 100_000)  # 5 MB in use; small here
    repairs = accounts_by_role(books)["expense_other"]
    data = {"direction": "out", "entry_date": local_today(books.timezone).isoformat(), "description": "Repair",
            "account": repairs.id, "amount": "420", "via": "bank", **change}
    if "receipt" in data:  # a fresh file for each run
        data["receipt"] = (io.BytesIO(data["receipt"][0]), data["receipt"][1])
    response = post_form(client, f"/hubs/{books.slug}/ledger/record", data, content_type="multipart/form-data")
    assert response.status_code in (400, 422)
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    assert entry_count() == 0


def test_money_out_cannot_be_booked_to_an_income_account(client, books):
    grants = accounts_by_role(books)["income_other"]
    response = post_form(client, f"/hubs/{books.slug}/ledger/record", {
        "direction": "out", "entry_date": local_today(books.timezone).isoformat(), "description": "Odd",
        "account": grants.id, "amount": "10", "via": "bank"}, content_type="multipart/form-data")
    assert response.status_code == 422 and 'id="account-error"' in response.text
    assert entry_count() == 0


def test_an_unbalanced_full_entry_is_refused_and_a_balanced_one_recorded(client, books):
    roles = accounts_by_role(books)
    day = local_today(books.timezone).isoformat()
    unbalanced = {"entry_date": day, "description": "Insurance",
                  "lines-0-account": roles["expense_other"].id, "lines-0-debit": "300",
                  "lines-1-account": roles["bank"].id, "lines-1-credit": "299.99"}
    response = post_form(client, f"/hubs/{books.slug}/ledger/entries/new", unbalanced, content_type="multipart/form-data")
    assert response.status_code == 422 and "Debits and credits must be equal" in response.text
    assert entry_count() == 0
    balanced = {**unbalanced, "lines-1-credit": "250", "lines-2-account": roles["cash"].id, "lines-2-credit": "50"}
    response = post_form(client, f"/hubs/{books.slug}/ledger/entries/new", balanced,
                         content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200 and entry_count() == 1
    assert db.session.scalar(sa.select(sa.func.count(Posting.id))) == 3


def test_an_entry_in_a_closed_month_is_refused_beside_the_date(client, books):
    post_form(client, f"/hubs/{books.slug}/ledger/close", {"kind": "month", "period": "2026-01"})
    repairs = accounts_by_role(books)["expense_other"]
    response = post_form(client, f"/hubs/{books.slug}/ledger/record", {
        "direction": "out", "entry_date": "2026-01-15", "description": "Late bill", "account": repairs.id,
        "amount": "10", "via": "bank"}, content_type="multipart/form-data")
    assert response.status_code == 422 and 'id="entry_date-error"' in response.text and "closed" in response.text
    assert entry_count() == 0


def test_the_surplus_page_shows_figures_and_charts_from_the_postings(client, books):
    post_entry(books, on=date(2026, 3, 10), memo="Fees", lines=[("bank", 500000), ("income_membership", -500000)])
    post_entry(books, on=date(2026, 3, 12), memo="Rent", lines=[("expense_rent", 200000), ("bank", -200000)])
    set_aside(books, amount_minor=100000, on=date(2026, 3, 31))
    reinvest(books, kind="bursaries", amount_minor=25000, on=date(2026, 4, 2), what="Two bursaries")
    db.session.commit()
    page = client.get(f"/hubs/{books.slug}/ledger?year=2026&by=quarter")
    assert page.status_code == 200
    text = page.text
    assert "<svg" in text and 'role="img"' in text
    assert "£5,000.00" in text and "£2,000.00" in text and "£3,000.00" in text  # income, costs, surplus in Q1
    assert "£1,000.00" in text and "£250.00" in text  # set aside, reinvested
    csv_text = client.get(f"/hubs/{books.slug}/ledger/surplus.csv?year=2026&by=quarter").text
    assert "2026-Q1,5000.00,2000.00,3000.00,1000.00,0.00" in csv_text


def test_reports_and_their_csv(client, books):
    post_entry(books, on=date(2026, 3, 10), memo="Fees", lines=[("bank", 500000), ("income_membership", -500000)])
    db.session.commit()
    trial = client.get(f"/hubs/{books.slug}/ledger/reports/trial-balance?to=2026-12-31")
    assert trial.status_code == 200 and "Bank" in trial.text
    csv_text = client.get(f"/hubs/{books.slug}/ledger/reports/trial-balance.csv?to=2026-12-31").text
    assert ",Total,5000.00,5000.00" in csv_text
    income = client.get(f"/hubs/{books.slug}/ledger/reports/income-expenditure.csv?from=2026-01-01&to=2026-12-31").text
    assert "2026-03,Surplus,5000.00" in income
    assert client.get(f"/hubs/{books.slug}/ledger/reports/nonsense").status_code == 404


def test_the_transparency_page_is_404_until_the_hub_opts_in(client, books, auth):
    post_entry(books, on=date(2026, 3, 10), memo="Fees", lines=[("bank", 500000), ("income_membership", -500000)])
    set_aside(books, amount_minor=100000, on=date(2026, 3, 31))
    reinvest(books, kind="community_grants", amount_minor=40000, on=date(2026, 4, 2), what="Grant to Bright Bikes",
             beneficiary="Bright Bikes CIC")
    reinvest(books, kind="bursaries", amount_minor=5000, on=date(2026, 4, 3), what="A desk bursary",
             beneficiary="", beneficiary_is_person=True)
    reinvest(books, kind="building", amount_minor=1000, on=date(2026, 4, 4), what="Private matter", published=False)
    db.session.commit()
    auth.logout()
    assert client.get(f"/hubs/{books.slug}/impact").status_code == 404
    assert client.get(f"/hubs/{books.slug}/impact.csv").status_code == 404
    settings_for(books).impact_public = True
    db.session.commit()
    page = client.get(f"/hubs/{books.slug}/impact?year=2026")
    assert page.status_code == 200
    assert "Grant to Bright Bikes" in page.text and "Bright Bikes CIC" in page.text
    assert "A desk bursary" in page.text and "Private matter" not in page.text
    assert "£5,000.00" in page.text
    assert "@page" not in page.text  # print rules live in the stylesheet
    assert client.get(f"/hubs/{books.slug}/impact.csv?year=2026").text.splitlines()[0].startswith("period,income")


def test_the_opt_in_is_a_managers_setting(client, books, auth):
    response = post_form(client, f"/hubs/{books.slug}/ledger/settings", {"impact_public": "y", "impact_intro": "Our year"},
                         follow_redirects=True)
    assert response.status_code == 200
    auth.logout()
    assert client.get(f"/hubs/{books.slug}/impact").status_code == 200
