"""Payments, their allocation to invoices, a party's credit and balance.

A payment is allocated to the invoice it names first, then to the party's oldest open invoices;
what is left is the party's credit, used by their next invoice when it is issued (``use_credit``).
An invoice's ``paid_minor`` is the sum of its allocations (credit used at issue included, which
``credit_applied_minor`` also records, frozen, for the printed invoice), so what it still owes is
``total - credited - paid`` and never negative: allocations never exceed it. Hence, per party,
owed - credit == issued - credited - paid, whatever the order of events.

Concurrent payments for one party lock that party's open invoices (PostgreSQL: FOR UPDATE;
SQLite: the write lock) before reading what they owe, so two cannot both settle one invoice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from coworking.billing.errors import BillingError
from coworking.billing.models import (
    DocumentKind,
    DocumentStatus,
    Invoice,
    Payment,
    PaymentAllocation,
    PaymentMethod,
)
from coworking.billing.parties import MEMBER, ORGANISATION, load_party
from coworking.extensions import db
from coworking.timezones import local_today
from coworking.transactions import ensure_write_lock

# A sanity bound on one payment: 10,000,000.00 in a two-decimal currency. A typo, not a payment.
MAX_PAYMENT_MINOR = 1_000_000_000
OLDEST_PAYMENT_DAYS = 366 * 6  # UK records are kept six years; older dates are typos
METHODS = tuple(method.value for method in PaymentMethod)


@dataclass(frozen=True)
class Balance:
    """A party's account at a hub, in the hub's currency: what was issued, credited and paid;
    what is owed on open invoices and the credit waiting for the next one."""

    currency: str
    issued: int
    credited: int
    paid: int
    owed: int
    credit: int

    @property
    def net(self) -> int:
        """Positive: the party owes; negative: the hub owes them (credit)."""
        return self.owed - self.credit


def _issued_invoices(hub_id: int):
    return sa.select(Invoice).where(
        Invoice.hub_id == hub_id,
        Invoice.kind == DocumentKind.INVOICE.value,
        Invoice.status == DocumentStatus.ISSUED.value,
    )


def _outstanding_sql():
    return Invoice.total_minor - Invoice.credited_minor - Invoice.paid_minor


def open_invoices_query(hub):
    """Issued invoices of the hub with something still to pay, oldest first (a select)."""
    return (
        _issued_invoices(hub.id)
        .where(_outstanding_sql() > 0)
        .order_by(Invoice.issued_on, Invoice.sequence_year, Invoice.sequence_number)
    )


def open_invoices(hub) -> list[Invoice]:
    """The hub's open invoices, oldest first: what a bank statement's lines may settle."""
    return list(db.session.scalars(open_invoices_query(hub)))


def allocated_sql():
    """Per payment: the sum of its allocations (a correlated scalar subquery)."""
    return (
        sa.select(sa.func.coalesce(sa.func.sum(PaymentAllocation.amount_minor), 0))
        .where(PaymentAllocation.payment_id == Payment.id)
        .scalar_subquery()
    )


def available_credit(hub_id: int, party_key: str) -> int:
    """The party's payments not allocated to any invoice."""
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Payment.amount_minor - allocated_sql()), 0))
        .where(Payment.hub_id == hub_id, Payment.party_key == party_key)
    )


def party_balance(hub, party_key: str) -> Balance:
    """The party's balance: owed - credit == issued - credited - paid."""
    documents = sa.select(
        sa.func.coalesce(sa.func.sum(Invoice.total_minor), 0),
        sa.func.coalesce(sa.func.sum(Invoice.credited_minor), 0),
        sa.func.coalesce(sa.func.sum(_outstanding_sql()), 0),
    ).where(
        Invoice.hub_id == hub.id, Invoice.party_key == party_key,
        Invoice.kind == DocumentKind.INVOICE.value, Invoice.status == DocumentStatus.ISSUED.value,
    )
    issued, credited, owed = db.session.execute(documents).one()
    paid = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Payment.amount_minor), 0))
        .where(Payment.hub_id == hub.id, Payment.party_key == party_key)
    )
    return Balance(hub.currency, int(issued), int(credited), int(paid), int(owed),
                   int(available_credit(hub.id, party_key)))


def check_payment(hub, amount_minor, method: str, received_on, today: date) -> None:
    """Refuse a payment of nothing, below nothing, beyond the sanity bound, by an unknown
    method, or dated in the future or the far past."""
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor <= 0:
        raise BillingError("A payment must be more than zero.", "amount")
    if amount_minor > MAX_PAYMENT_MINOR:
        raise BillingError("That amount is too large for one payment: check it.", "amount")
    if method not in METHODS:
        raise BillingError(f"Choose how it was paid: {', '.join(METHODS)}.", "method")
    if not isinstance(received_on, date):
        raise BillingError("Enter the date the payment was received.", "received_on")
    if received_on > today:
        raise BillingError("A payment cannot be received in the future.", "received_on")
    if received_on < today - timedelta(days=OLDEST_PAYMENT_DAYS):
        raise BillingError("That date is more than six years ago: check it.", "received_on")


def _payer(hub, party_key: str | None, invoice: Invoice | None) -> str:
    if invoice is not None:
        if invoice.hub_id != hub.id or invoice.kind != DocumentKind.INVOICE.value:
            raise BillingError("Choose an invoice of this hub.", "invoice", status=404)
        if invoice.is_draft:
            raise BillingError("A draft cannot be paid: issue it first.", "invoice", status=409)
        return invoice.party_key
    if not party_key or load_party(party_key) is None:
        raise BillingError("Choose who paid.", "party")
    return party_key


def record_payment(hub, *, amount_minor: int, method: str, received_on: date, reference: str = "",
                   by=None, party_key: str | None = None, invoice: Invoice | None = None,
                   statement_line=None, today: date | None = None) -> Payment:
    """Record money received and allocate it: the named invoice first, then the party's oldest
    open invoices; the rest is the party's credit. Returns the payment, allocations flushed."""
    today = today or local_today(hub.timezone)
    check_payment(hub, amount_minor, method, received_on, today)
    key = _payer(hub, party_key, invoice)
    ensure_write_lock(db.session)
    payment = Payment(
        hub_id=hub.id, party_key=key, amount_minor=amount_minor, currency=hub.currency, method=method,
        received_on=received_on, reference=(reference or "").strip()[:200],
        statement_line_id=statement_line.id if statement_line is not None else None,
        recorded_by_id=by.id if by is not None else None, **_party_columns(key),
    )
    db.session.add(payment)
    db.session.flush()
    allocate(payment, _open_for_party(hub.id, key, first=invoice), amount_minor)
    return payment


def _party_columns(key: str) -> dict:
    kind, _, raw_id = key.partition(":")
    return {"member_id": int(raw_id) if kind == MEMBER else None,
            "organisation_id": int(raw_id) if kind == ORGANISATION else None}


def _open_for_party(hub_id: int, key: str, *, first: Invoice | None = None) -> list[Invoice]:
    """The party's open invoices, locked, ``first`` (if open) ahead of the oldest."""
    query = (
        _issued_invoices(hub_id).where(Invoice.party_key == key, _outstanding_sql() > 0)
        .order_by(Invoice.id).with_for_update().execution_options(populate_existing=True)
    )
    invoices = sorted(db.session.scalars(query), key=lambda i: (i.issued_on, i.sequence_year, i.sequence_number))
    if first is not None:
        invoices.sort(key=lambda i: i.id != first.id)
    return invoices


def allocate(payment: Payment, invoices: list[Invoice], amount_minor: int) -> int:
    """Allocate up to ``amount_minor`` of the payment to the invoices in order; returns the
    amount allocated."""
    left = amount_minor
    for invoice in invoices:
        if left <= 0:
            break
        part = min(left, invoice.outstanding_minor)
        if part <= 0:
            continue
        db.session.add(PaymentAllocation(payment_id=payment.id, invoice_id=invoice.id, amount_minor=part))
        invoice.paid_minor += part
        left -= part
    db.session.flush()
    return amount_minor - left


def use_credit(invoice: Invoice) -> int:
    """Allocate the party's credit (unallocated payments, oldest first) to an invoice being
    issued, up to its total; returns what was used (the invoice's ``credit_applied_minor``)."""
    wanted = invoice.total_minor - invoice.credited_minor - invoice.paid_minor
    if wanted <= 0:
        return 0
    free = allocated_sql()
    payments = db.session.execute(
        sa.select(Payment, Payment.amount_minor - free)
        .where(Payment.hub_id == invoice.hub_id, Payment.party_key == invoice.party_key,
               Payment.amount_minor > free)
        .order_by(Payment.received_on, Payment.id)
        .with_for_update(of=Payment)
    ).all()
    used = 0
    for payment, unallocated in payments:
        part = min(int(unallocated), wanted - used)
        if part <= 0:
            break
        db.session.add(PaymentAllocation(payment_id=payment.id, invoice_id=invoice.id, amount_minor=part))
        used += part
    invoice.paid_minor += used
    db.session.flush()
    return used


def release_excess(invoice: Invoice) -> int:
    """After a credit note, give back what the invoice was paid beyond what it still bills:
    the newest allocations shrink first; the amount released becomes the party's credit."""
    excess = invoice.paid_minor - (invoice.total_minor - invoice.credited_minor)
    if excess <= 0:
        return 0
    allocations = db.session.scalars(
        sa.select(PaymentAllocation).where(PaymentAllocation.invoice_id == invoice.id)
        .order_by(PaymentAllocation.id.desc())
    )
    released = 0
    for allocation in allocations:
        part = min(allocation.amount_minor, excess - released)
        if part == allocation.amount_minor:
            db.session.delete(allocation)
        else:
            allocation.amount_minor -= part
        released += part
        if released == excess:
            break
    invoice.paid_minor -= released
    db.session.flush()
    return released
