"""Billing's entries in the ledger: each issued invoice, credit note, credit use and payment
has its entry, in the same transaction; and (hypothesis) for any sequence of invoices, credit
notes, payments, expenses, set-asides and reinvestments, the trial balance is zero, receivables
equal what parties owe in billing, member credit what they are owed, the community fund holds
set-asides less reinvestments, and the Beancount export passes Beancount's checks."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from beancount import loader
from hypothesis import given
from hypothesis import strategies as st

from coworking.billing.models import Invoice
from coworking.billing.payments import party_balance, record_payment
from coworking.extensions import db
from coworking.ledger.chart import accounts_by_role
from coworking.ledger.export import beancount_lines
from coworking.ledger.funds import fund_balance, reinvest, set_aside
from coworking.ledger.models import JournalEntry, Posting
from coworking.ledger.posting import post_entry
from coworking.ledger.reports import trial_balance
from tests.billing.documents import TODAY, issue, make_draft
from tests.billing.test_properties import (
    MONEY_SETTINGS,
    START,
    apply,
    fresh,
    operations,
    world,  # noqa: F401  (the fixture)
)


def role_balance(hub, role: str) -> int:
    account = accounts_by_role(hub)[role]
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Posting.amount_minor), 0))
                             .where(Posting.account_id == account.id))


def test_an_issued_invoice_is_receivable_against_income_and_vat(make_hub, make_user):
    hub = make_hub("riverside", invoice_prefix="RIV", vat_number="GB1")
    member = make_user(name="Ann")
    invoice = issue(make_draft(hub, member, [(1, 10000, 2000), (2, 500, 0)]))
    entry = db.session.scalar(sa.select(JournalEntry).where(JournalEntry.source_kind == "invoice",
                                                            JournalEntry.source_id == invoice.id))
    assert entry is not None and entry.entry_date == TODAY and invoice.number in entry.memo
    assert role_balance(hub, "receivable") == 13000
    assert role_balance(hub, "vat") == -2000
    assert role_balance(hub, "income_other") == -11000  # lines made by hand are "other" income


def test_a_payment_is_bank_against_receivable_and_the_rest_member_credit(make_hub, make_user):
    hub = make_hub("riverside", invoice_prefix="RIV", vat_number="GB1")
    member = make_user(name="Ann")
    invoice = issue(make_draft(hub, member, [(1, 10000, 2000)]))
    record_payment(hub, amount_minor=15000, method="bank_transfer", received_on=TODAY, today=TODAY, invoice=invoice)
    db.session.commit()
    assert role_balance(hub, "bank") == 15000
    assert role_balance(hub, "receivable") == 0
    assert role_balance(hub, "member_credit") == -3000
    assert party_balance(hub, invoice.party_key).credit == 3000


def test_when_posting_fails_the_billing_change_is_rolled_back_too(make_hub, make_user, monkeypatch):
    from coworking.ledger.errors import LedgerError
    from coworking.transactions import unit_of_work

    hub = make_hub("riverside", invoice_prefix="RIV", vat_number="GB1")
    member = make_user(name="Ann")
    invoice = issue(make_draft(hub, member, [(1, 10000, 2000)]))

    def broken(*args, **kwargs):
        raise LedgerError("The books are closed.", field="entry_date")

    monkeypatch.setattr("coworking.billing.bookkeeping.post_entry", broken)
    with pytest.raises(LedgerError), unit_of_work():
        record_payment(hub, amount_minor=5000, method="cash", received_on=TODAY, today=TODAY, invoice=invoice)
    assert db.session.get(Invoice, invoice.id).paid_minor == 0
    assert party_balance(hub, invoice.party_key).paid == 0


books_operations = st.lists(
    st.one_of(
        st.tuples(st.just("expense"), st.integers(1, 100_000)),
        st.tuples(st.just("set_aside"), st.integers(1, 100_000)),
        st.tuples(st.just("reinvest"), st.integers(1, 100_000), st.sampled_from(
            ["building", "community_grants", "bursaries", "community_projects"])),
    ),
    max_size=6,
)


@MONEY_SETTINGS
@given(steps=operations, books=books_operations)
def test_any_sequence_keeps_the_ledger_and_billing_in_agreement(world, steps, books):  # noqa: F811
    hub, members = fresh(world)
    issued: list[Invoice] = []
    set_aside_total = reinvested = 0
    try:
        for number, step in enumerate(steps):
            apply(hub, members, step, START + timedelta(days=number), issued)
        day = START + timedelta(days=len(steps))
        for step in books:
            if step[0] == "expense":
                post_entry(hub, on=day, memo="Cleaning", lines=[("expense_cleaning", step[1]), ("bank", -step[1])])
            elif step[0] == "set_aside":
                set_aside(hub, amount_minor=step[1], on=day)
                set_aside_total += step[1]
            else:
                reinvest(hub, kind=step[2], amount_minor=step[1], on=day, what="Reinvested", allow_negative_fund=True)
                reinvested += step[1]
        rows, debits, credits = trial_balance(hub)
        assert debits == credits
        balances = [party_balance(hub, f"member:{member.id}") for member in members]
        assert role_balance(hub, "receivable") == sum(b.owed for b in balances)
        assert -role_balance(hub, "member_credit") == sum(b.credit for b in balances)
        assert fund_balance(hub) == set_aside_total - reinvested
        _, errors, _ = loader.load_string("".join(beancount_lines(hub)))
        assert errors == []
    finally:
        db.session.rollback()
        db.session.remove()
