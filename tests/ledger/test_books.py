"""The books: a chart with every hub, balanced append-only entries (refused by the service and
by the database), reversals, closed periods."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from coworking.extensions import db
from coworking.ledger.chart import add_account, hub_accounts
from coworking.ledger.errors import LedgerError
from coworking.ledger.models import JournalEntry, Posting
from coworking.ledger.posting import close_period, post_entry, reverse_entry
from coworking.ledger.reports import trial_balance

DAY = date(2026, 10, 14)


def boiler_repair(hub, on=DAY, amount=42000):
    return post_entry(hub, on=on, memo="Boiler repair", lines=[("expense_other", amount), ("bank", -amount)])


def test_every_new_hub_gets_the_default_chart(make_hub):
    hub = make_hub()
    accounts = {account.code: account for account in hub_accounts(hub)}
    assert accounts["1000"].name == "Bank"
    assert accounts["3100"].role == "community_fund"
    assert {a.reinvestment_kind for a in accounts.values() if a.reinvestment_kind} == {
        "building", "community_grants", "bursaries", "community_projects"}
    assert len(accounts) == 21


def test_a_manager_adds_an_account_with_a_code_unique_in_the_hub(make_hub):
    hub, other = make_hub(), make_hub()
    add_account(hub, code="5050", name="Insurance", type_="expense")
    add_account(other, code="5050", name="Insurance", type_="expense")  # another hub may reuse it
    with pytest.raises(LedgerError) as refused:
        add_account(hub, code="5050", name="Again", type_="expense")
    assert refused.value.field == "code" and refused.value.status == 409
    for code in ("", "12", "abcd", "1234567"):
        with pytest.raises(LedgerError):
            add_account(hub, code=code, name="X", type_="expense")


def test_an_unbalanced_or_one_sided_entry_is_refused(make_hub):
    hub = make_hub()
    with pytest.raises(LedgerError, match="equal"):
        post_entry(hub, on=DAY, memo="Wrong", lines=[("expense_other", 100), ("bank", -99)])
    with pytest.raises(LedgerError):
        post_entry(hub, on=DAY, memo="One side", lines=[("bank", 0), ("expense_other", 0)])
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(JournalEntry.id))) == 0


def test_the_database_refuses_to_commit_an_unbalanced_entry(make_hub):
    hub = make_hub()
    entry = boiler_repair(hub)
    db.session.commit()
    bank = next(p.account_id for p in entry.postings if p.amount_minor < 0)
    sneaky = JournalEntry(hub_id=hub.id, entry_date=DAY, memo="Half", currency="GBP")
    db.session.add(sneaky)
    db.session.flush()
    db.session.add(Posting(entry_id=sneaky.id, hub_id=hub.id, account_id=bank, entry_date=DAY, amount_minor=500))
    with pytest.raises((LedgerError, sa.exc.IntegrityError)):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(JournalEntry.id))) == 1


@pytest.mark.parametrize("statement", [
    "UPDATE ledger_postings SET amount_minor = amount_minor * 2",
    "DELETE FROM ledger_postings",
    "UPDATE journal_entries SET memo = 'rewritten'",
    "DELETE FROM journal_entries",
])
def test_entries_and_postings_are_never_updated_or_deleted(make_hub, statement):
    hub = make_hub()
    boiler_repair(hub)
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError, match="append_only"):
        db.session.execute(sa.text(statement))
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.sum(sa.func.abs(Posting.amount_minor)))) == 84000


def test_a_correction_is_a_reversal_made_once(make_hub):
    hub = make_hub()
    entry = boiler_repair(hub)
    reversal = reverse_entry(entry, on=date(2026, 10, 20))
    assert sorted(p.amount_minor for p in reversal.postings) == [-42000, 42000]
    assert reversal.reverses_id == entry.id
    with pytest.raises(LedgerError) as refused:
        reverse_entry(entry, on=date(2026, 10, 21))
    assert refused.value.status == 409
    rows, debits, credits = trial_balance(hub)
    assert debits == credits == 0


def test_a_closed_period_refuses_entries_and_corrections_go_into_an_open_one(make_hub):
    hub = make_hub()
    entry = boiler_repair(hub, on=date(2026, 9, 30))
    close_period(hub, starts_on=date(2026, 9, 1), ends_on=date(2026, 9, 30), today=date(2026, 10, 2))
    with pytest.raises(LedgerError) as refused:
        boiler_repair(hub, on=date(2026, 9, 15))
    assert refused.value.field == "entry_date"
    with pytest.raises(LedgerError):
        reverse_entry(entry, on=date(2026, 9, 30))
    reversal = reverse_entry(entry, on=date(2026, 10, 1))
    assert reversal.entry_date == date(2026, 10, 1)
    with pytest.raises(LedgerError, match="ended"):
        close_period(hub, starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 31), today=date(2026, 10, 2))


def test_the_trial_balance_is_balanced_and_lists_accounts_in_use(make_hub):
    hub = make_hub()
    boiler_repair(hub)
    post_entry(hub, on=DAY, memo="Grant from the council", lines=[("bank", 100000), ("income_other", -100000)])
    rows, debits, credits = trial_balance(hub)
    assert debits == credits == 100000
    assert {row.account.code: row.balance_minor for row in rows} == {"1000": 58000, "4090": -100000, "5090": 42000}
