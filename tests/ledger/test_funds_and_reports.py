"""Surplus, set-asides and reinvestment: every figure from postings, checked against a direct
sum; the fund never pays out more than it holds unless a manager says so; the exports."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from beancount import loader

from coworking.extensions import db
from coworking.ledger.errors import LedgerError
from coworking.ledger.export import beancount_lines, csv_lines
from coworking.ledger.funds import fund_balance, reinvest, set_aside
from coworking.ledger.models import LedgerAccount, Posting, Reinvestment
from coworking.ledger.posting import post_entry
from coworking.ledger.reports import figures_by_period, fund_balances


def a_year_of_books(hub):
    for month in range(1, 13):
        day = date(2026, month, 10)
        post_entry(hub, on=day, memo="Membership fees", lines=[("bank", 300000), ("income_membership", -300000)])
        post_entry(hub, on=day, memo="Rent", lines=[("expense_rent", 150000), ("bank", -150000)])
        post_entry(hub, on=day, memo="Cleaning", lines=[("expense_cleaning", 20000), ("bank", -20000)])
    set_aside(hub, amount_minor=500000, on=date(2026, 6, 30))
    reinvest(hub, kind="community_grants", amount_minor=120000, on=date(2026, 7, 5),
             what="Grant to a local start-up", beneficiary="Bright Bikes CIC")
    reinvest(hub, kind="building", amount_minor=42000, on=date(2026, 11, 2), what="Boiler repair")


def direct_sum(hub, roles=None, *, types=None, start, end):
    query = (sa.select(sa.func.coalesce(sa.func.sum(Posting.amount_minor), 0))
             .join(LedgerAccount, LedgerAccount.id == Posting.account_id)
             .where(Posting.hub_id == hub.id, Posting.entry_date.between(start, end)))
    if types:
        query = query.where(LedgerAccount.type.in_(types), LedgerAccount.reinvestment_kind.is_(None))
    if roles:
        query = query.where(LedgerAccount.role.in_(roles))
    return db.session.scalar(query)


@pytest.mark.parametrize("granularity,count", [("month", 12), ("quarter", 4), ("year", 1)])
def test_surplus_set_aside_and_reinvested_per_period_match_direct_sums(make_hub, granularity, count):
    hub = make_hub()
    a_year_of_books(hub)
    periods = figures_by_period(hub, start=date(2026, 1, 1), end=date(2026, 12, 31), granularity=granularity)
    assert len(periods) == count
    for figures in periods:
        assert figures.income_minor == -direct_sum(hub, types=["income"], start=figures.start, end=figures.end)
        assert figures.costs_minor == direct_sum(hub, types=["expense"], start=figures.start, end=figures.end)
        assert figures.reinvested_minor == direct_sum(
            hub, ["reinvest_building", "reinvest_community_grants", "reinvest_bursaries",
                  "reinvest_community_projects"], start=figures.start, end=figures.end)
    year = figures_by_period(hub, start=date(2026, 1, 1), end=date(2026, 12, 31), granularity="year")[0]
    assert (year.income_minor, year.costs_minor, year.surplus_minor) == (3600000, 2040000, 1560000)
    assert (year.set_aside_minor, year.reinvested_minor) == (500000, 162000)
    assert year.reinvested_by_kind == {"community_grants": 120000, "building": 42000}
    assert year.reinvested_share == pytest.approx(162000 / 1560000)


def test_the_fund_holds_what_was_set_aside_less_what_was_reinvested(make_hub):
    hub = make_hub()
    a_year_of_books(hub)
    assert fund_balance(hub) == 500000 - 162000
    community = next(row for row in fund_balances(hub) if row.account.role == "community_fund")
    assert -community.balance_minor == 338000


def test_a_reinvestment_beyond_the_fund_is_refused_unless_the_manager_allows_it(make_hub):
    hub = make_hub()
    set_aside(hub, amount_minor=10000, on=date(2026, 3, 1))
    with pytest.raises(LedgerError) as refused:
        reinvest(hub, kind="bursaries", amount_minor=10001, on=date(2026, 3, 2), what="Bursary")
    assert refused.value.field == "amount"
    entry = reinvest(hub, kind="bursaries", amount_minor=25000, on=date(2026, 3, 2), what="Bursary",
                     allow_negative_fund=True)
    assert db.session.get(Reinvestment, entry.id).fund_allowed_negative is True
    assert fund_balance(hub) == -15000


def test_a_person_is_named_only_with_consent(make_hub):
    hub = make_hub()
    set_aside(hub, amount_minor=100000, on=date(2026, 3, 1))
    with pytest.raises(LedgerError) as refused:
        reinvest(hub, kind="bursaries", amount_minor=5000, on=date(2026, 3, 2), what="Desk bursary",
                 beneficiary="Jo Bloggs", beneficiary_is_person=True)
    assert refused.value.field == "beneficiary"
    reinvest(hub, kind="bursaries", amount_minor=5000, on=date(2026, 3, 2), what="Desk bursary",
             beneficiary="Jo Bloggs", beneficiary_is_person=True, consent_given=True)
    reinvest(hub, kind="bursaries", amount_minor=5000, on=date(2026, 3, 2), what="Desk bursary",
             beneficiary_is_person=True)


@pytest.mark.parametrize("amount", [0, -1])
def test_set_aside_and_reinvestment_need_a_positive_amount(make_hub, amount):
    hub = make_hub()
    with pytest.raises(LedgerError):
        set_aside(hub, amount_minor=amount, on=date(2026, 3, 1))
    with pytest.raises(LedgerError):
        reinvest(hub, kind="building", amount_minor=amount, on=date(2026, 3, 1), what="x",
                 allow_negative_fund=True)


def test_the_beancount_export_passes_beancounts_own_checks(make_hub):
    hub = make_hub(name='The "Quoted" Hub \\ Łódź')
    a_year_of_books(hub)
    text = "".join(beancount_lines(hub))
    entries, errors, _ = loader.load_string(text)
    assert errors == []
    assert sum(1 for entry in entries if type(entry).__name__ == "Transaction") == 36 + 3
    assert "Expenses:C6000-Reinvestment-Building" in text


def test_the_export_can_be_limited_to_dates(make_hub):
    hub = make_hub()
    a_year_of_books(hub)
    text = "".join(beancount_lines(hub, start=date(2026, 7, 1), end=date(2026, 7, 31)))
    entries, errors, _ = loader.load_string(text)
    assert errors == []
    assert {entry.date for entry in entries if type(entry).__name__ == "Transaction"} == {
        date(2026, 7, 5), date(2026, 7, 10)}
    rows = "".join(csv_lines(hub, start=date(2026, 7, 1), end=date(2026, 7, 31))).splitlines()
    assert rows[0].startswith("entry_id,date,memo")
    assert len(rows) == 1 + 3 * 2 + 4
