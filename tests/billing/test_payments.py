"""Payments: full or partial, allocated to the named invoice then the oldest open ones; an
overpayment is credit used by the next invoice; bad amounts and dates are refused."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from coworking.billing.errors import BillingError
from coworking.billing.models import Payment
from coworking.billing.payments import open_invoices, party_balance, record_payment
from coworking.extensions import db
from coworking.transactions import unit_of_work
from tests.billing.documents import TODAY, issue, make_draft


@pytest.fixture
def hub(make_hub):
    return make_hub("riverside", "Riverside Hub", invoice_prefix="RIV", vat_number=None)


def pay(hub, amount, **kwargs):
    kwargs.setdefault("method", "bank_transfer")
    kwargs.setdefault("received_on", TODAY)
    with unit_of_work():
        return record_payment(hub, amount_minor=amount, today=TODAY, **kwargs)


def test_a_partial_payment_leaves_the_rest_owed(hub, people):
    invoice = issue(make_draft(hub, people.member, lines=[(1, 10000, 0)]))

    pay(hub, 4000, invoice=invoice, reference="RIV-2026-00001")

    assert invoice.paid_minor == 4000 and invoice.outstanding_minor == 6000
    assert invoice.display_status(TODAY) == "part paid"
    assert party_balance(hub, invoice.party_key).owed == 6000


def test_a_payment_settles_the_named_invoice_then_the_oldest_and_the_rest_is_credit(hub, people):
    older = issue(make_draft(hub, people.member, lines=[(1, 3000, 0)], period="2026-09"), today=date(2026, 10, 1))
    newer = issue(make_draft(hub, people.member, lines=[(1, 5000, 0)], period="2026-10"), today=date(2026, 11, 1))
    named = issue(make_draft(hub, people.member, lines=[(1, 2000, 0)]))

    pay(hub, 6000, invoice=named)

    assert (named.outstanding_minor, older.outstanding_minor, newer.outstanding_minor) == (0, 0, 4000)
    pay(hub, 5000, party_key=named.party_key)
    balance = party_balance(hub, named.party_key)
    assert (balance.owed, balance.credit) == (0, 1000)
    assert open_invoices(hub) == []


def test_credit_is_used_by_the_next_invoice(hub, people):
    pay(hub, 2500, party_key=f"member:{people.member.id}")

    invoice = issue(make_draft(hub, people.member, lines=[(1, 10000, 0)]))

    assert invoice.credit_applied_minor == 2500 and invoice.outstanding_minor == 7500
    assert party_balance(hub, invoice.party_key).credit == 0


def test_payments_of_a_party_are_kept_apart_from_anothers(hub, people, make_user):
    other = make_user(name="Zoë Łódź")
    mine = issue(make_draft(hub, people.member, lines=[(1, 1000, 0)]))
    theirs = issue(make_draft(hub, other, lines=[(1, 1000, 0)]))

    pay(hub, 3000, invoice=mine)

    assert theirs.outstanding_minor == 1000
    assert party_balance(hub, theirs.party_key).credit == 0
    assert party_balance(hub, mine.party_key).credit == 2000


@pytest.mark.parametrize("overrides, field", [
    ({"amount": 0}, "amount"),
    ({"amount": -500}, "amount"),
    ({"amount": 1_000_000_001}, "amount"),
    ({"method": "cheque"}, "method"),
    ({"received_on": TODAY + timedelta(days=1)}, "received_on"),
    ({"received_on": date(2019, 1, 1)}, "received_on"),
])
def test_bad_payments_are_refused_naming_the_field_and_record_nothing(hub, people, overrides, field):
    invoice = issue(make_draft(hub, people.member))
    overrides = dict(overrides)
    amount = overrides.pop("amount", 1000)

    with pytest.raises(BillingError) as refused:
        pay(hub, amount, invoice=invoice, **overrides)

    assert refused.value.status == 422 and refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 0


def test_a_draft_cannot_be_paid(hub, people):
    with pytest.raises(BillingError) as refused:
        pay(hub, 1000, invoice=make_draft(hub, people.member))
    assert refused.value.status == 409


def test_a_payment_for_another_hubs_invoice_is_refused(hub, people, make_hub):
    elsewhere = issue(make_draft(make_hub("elsewhere"), people.member))
    with pytest.raises(BillingError) as refused:
        pay(hub, 1000, invoice=elsewhere)
    assert refused.value.status == 404


def test_an_unknown_party_is_refused(hub):
    with pytest.raises(BillingError) as refused:
        pay(hub, 1000, party_key="member:99999")
    assert refused.value.field == "party"
