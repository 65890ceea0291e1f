"""Property tests (hypothesis): totals are sums of lines; VAT is rounded half up per line; and
whatever order invoices, partial payments, overpayments and credit notes come in, a party's
balance equals issued - credited - paid, no invoice owes less than nothing, allocations never
exceed what a payment brought or what an invoice bills, and the hash chain stays whole.

BILLING_EXAMPLES=300 for a longer hunt (each example works in the database, rolled back)."""
from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coworking.models  # noqa: F401 - every mapper, for the tests without an app
from coworking.billing.chain import verify_chain
from coworking.billing.credit_notes import credit_invoice, remaining_by_line
from coworking.billing.issuing import issue_invoice
from coworking.billing.models import Invoice, InvoiceLine, Payment, PaymentAllocation
from coworking.billing.payments import party_balance, record_payment
from coworking.billing.totals import price_line, recompute_totals
from coworking.extensions import db
from coworking.money import vat_on
from tests.billing.documents import make_draft

RATES = st.sampled_from([0, 500, 2000, 1750, 2100, 10000])
LINES = st.lists(st.tuples(st.integers(1, 20), st.integers(-10**6, 10**7), RATES), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(amount=st.integers(-10**12, 10**12), rate=st.integers(0, 10000))
def test_vat_is_rounded_half_up_to_the_minor_unit_symmetrically(amount, rate):
    exact = Decimal(abs(amount)) * rate / 10000
    expected = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert vat_on(amount, rate) == (expected if amount >= 0 else -expected)


@settings(deadline=None)  # the first example configures the mappers
@given(lines=LINES, charges_vat=st.booleans())
def test_an_invoices_totals_are_the_sums_of_its_lines(lines, charges_vat):
    invoice = Invoice(lines=[InvoiceLine(quantity=q, unit_price_minor=p, vat_rate_bp=r) for q, p, r in lines])
    for line in invoice.lines:
        price_line(line, charges_vat=charges_vat)
    recompute_totals(invoice)

    assert invoice.subtotal_minor == sum(q * p for q, p, _ in lines)
    assert invoice.vat_minor == sum(vat_on(q * p, r if charges_vat else 0) for q, p, r in lines)
    assert invoice.total_minor == sum(line.amount_minor + line.vat_minor for line in invoice.lines)
    assert all(line.vat_minor == 0 for line in invoice.lines) or charges_vat


START = date(2026, 1, 5)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("issue"), st.integers(0, 1),
                  st.lists(st.tuples(st.integers(1, 3), st.integers(1, 50_000), RATES), min_size=1, max_size=3)),
        st.tuples(st.just("pay"), st.integers(0, 1), st.integers(1, 120_000), st.booleans()),
        st.tuples(st.just("credit"), st.integers(0, 10**6), st.integers(0, 10**6), st.booleans()),
    ),
    min_size=1, max_size=12,
)
MONEY_SETTINGS = settings(max_examples=int(os.environ.get("BILLING_EXAMPLES", "20")), deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def world(make_hub, make_user):
    hub = make_hub("riverside", invoice_prefix="RIV", vat_number="GB1")
    return hub.id, [make_user(name="Ann").id, make_user(name="Łódź Zoë").id]


def fresh(world):
    """The hub and members, loaded in a clean session (each example starts from nothing)."""
    from coworking.accounts.models import User
    from coworking.hubs.models import Hub

    hub_id, member_ids = world
    return db.session.get(Hub, hub_id), [db.session.get(User, member_id) for member_id in member_ids]


def apply(hub, members, step, day, issued):
    action = step[0]
    if action == "issue":
        draft = make_draft(hub, members[step[1]], step[2], period=None, commit=False)
        issued.append(issue_invoice(draft, today=day))
    elif action == "pay":
        _, who, amount, to_an_invoice = step
        theirs = [invoice for invoice in issued if invoice.member_id == members[who].id]
        target = theirs[amount % len(theirs)] if to_an_invoice and theirs else None
        record_payment(hub, amount_minor=amount, method="cash", received_on=day, today=day,
                       invoice=target, party_key=None if target else f"member:{members[who].id}")
    elif action == "credit" and issued:
        credit_some(issued[step[1] % len(issued)], step[2], whole=step[3], day=day)


def credit_some(invoice, pick, *, whole, day):
    remaining = {line_id: left.net for line_id, left in remaining_by_line(invoice).items() if left.net > 0}
    if not remaining:
        return
    if whole:
        credit_invoice(invoice, reason="Whole", today=day)
        return
    line_id = sorted(remaining)[pick % len(remaining)]
    credit_invoice(invoice, amounts={line_id: 1 + pick % remaining[line_id]}, reason="Part", today=day)


def assert_the_books_balance(hub, members):
    for member in members:
        key = f"member:{member.id}"
        balance = party_balance(hub, key)
        assert balance.owed - balance.credit == balance.issued - balance.credited - balance.paid
        assert balance.owed >= 0 and balance.credit >= 0
    for invoice in db.session.scalars(sa.select(Invoice).where(Invoice.kind == "invoice", Invoice.status == "issued")):
        allocated = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(PaymentAllocation.amount_minor), 0))
                                      .where(PaymentAllocation.invoice_id == invoice.id))
        assert allocated == invoice.paid_minor
        assert invoice.total_minor - invoice.credited_minor - invoice.paid_minor >= 0
        assert 0 <= invoice.credited_minor <= invoice.total_minor
    for payment in db.session.scalars(sa.select(Payment)):
        assert sum(allocation.amount_minor for allocation in payment.allocations) <= payment.amount_minor


@MONEY_SETTINGS
@given(steps=operations)
def test_any_order_of_invoices_payments_and_credit_notes_keeps_the_books_balanced(world, steps):
    hub, members = fresh(world)
    issued: list[Invoice] = []
    try:
        for number, step in enumerate(steps):
            apply(hub, members, step, START + timedelta(days=number), issued)
            assert_the_books_balance(hub, members)
        assert verify_chain(hub).ok
    finally:
        db.session.rollback()
        db.session.remove()  # nothing of this example stays in the identity map
