"""Issuing: a draft gets the next number of its hub's series, its issue and due dates, its
lines priced and summed one last time, the party's credit, a hash chained to the previous
document, and is frozen; the billed party is mailed.

Everything a document's hash covers is set before the one flush that turns the row from draft
to issued: after it, the triggers (and ``freeze``) refuse any change to that content. The draft
row is locked first (PostgreSQL: FOR UPDATE), then the series (``numbering``): two issuers of
one draft cannot both issue it, and every issuer takes the locks in that order.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coworking.billing.bookkeeping import post_credit_used, post_document
from coworking.billing.chain import content_hash
from coworking.billing.errors import BillingError
from coworking.billing.models import DocumentKind, DocumentStatus, Invoice
from coworking.billing.notifications import queue_invoice_issued
from coworking.billing.numbering import SeriesCursor, record_hash
from coworking.billing.payments import parties_with_credit, use_credit
from coworking.billing.totals import price_line, recompute_totals
from coworking.extensions import db
from coworking.money import vat_on
from coworking.timezones import local_today
from coworking.transactions import ensure_write_lock, unit_of_work
from coworking.types import utcnow

BATCH = 200


def lock_document(invoice_id: int) -> Invoice | None:
    """The document, its row locked and its state read afresh."""
    ensure_write_lock(db.session)
    return db.session.scalars(
        sa.select(Invoice).where(Invoice.id == invoice_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


def issuing_problem(invoice: Invoice) -> BillingError | None:
    """Why this document cannot be issued, or None."""
    if not invoice.is_draft:
        return BillingError(f"This invoice is already issued as {invoice.number}.", status=409)
    if not invoice.lines:
        return BillingError("An invoice without lines cannot be issued: add a line or delete the draft.", "lines")
    if sum(line.quantity * line.unit_price_minor for line in invoice.lines) < 0:
        return BillingError("An invoice cannot total less than zero.", "lines")
    return None


def issue_invoice(invoice: Invoice, *, by=None, today: date | None = None) -> Invoice:
    """Issue one draft (409 when it is issued already, 422 when it is empty)."""
    locked = lock_document(invoice.id)
    if locked is None:
        raise BillingError("That draft no longer exists.", status=404)
    problem = issuing_problem(locked)
    if problem:
        raise problem
    _issue(locked, by=by, today=today or local_today(locked.hub.timezone),
           series=SeriesCursor(locked.hub, DocumentKind.INVOICE.value))
    db.session.flush()
    return locked


def _issue(invoice: Invoice, *, by, today: date, series: SeriesCursor, may_have_credit: bool = True) -> None:
    hub = invoice.hub
    charges_vat = bool(hub.vat_number)
    for line in invoice.lines:
        if not _priced(line, charges_vat):
            price_line(line, charges_vat=charges_vat)
    recompute_totals(invoice)
    invoice.due_on = today + timedelta(days=hub.payment_terms_days)
    invoice.credit_applied_minor = use_credit(invoice) if may_have_credit else 0
    seal(invoice, by=by, today=today, series=series)
    post_document(invoice, by=by)  # the ledger's entry, in this transaction
    post_credit_used(invoice, by=by)
    queue_invoice_issued(invoice, flush=False)  # the batch's one flush writes it with the invoice


def _priced(line, charges_vat: bool) -> bool:
    """Whether the line's figures are already what pricing would give (a run's lines are):
    leaving them untouched spares a run thousands of no-op updates."""
    rate = line.vat_rate_bp if charges_vat else 0
    amount = line.quantity * line.unit_price_minor
    return (line.vat_rate_bp, line.amount_minor, line.vat_minor) == (rate, amount, vat_on(amount, rate))


def seal(document: Invoice, *, by, today: date, series: SeriesCursor | None = None) -> None:
    """Number, date, hash and freeze a document (an invoice or a credit note) whose content is
    otherwise complete; the next flush turns it from draft to issued, content and all."""
    series = series or SeriesCursor(document.hub, document.kind)
    allocated = series.take(today.year)
    document.lines  # noqa: B018 - loaded now: no query may flush a half-sealed document below
    with db.session.no_autoflush:
        document.number = allocated.number
        document.sequence_year = allocated.year
        document.sequence_number = allocated.sequence_number
        document.issued_on = today
        document.issued_at = utcnow()
        document.issued_by_id = by.id if by is not None else None
        document.status = DocumentStatus.ISSUED.value
        document.previous_hash = allocated.previous_hash
        document.content_hash = content_hash(document)
        record_hash(allocated, document.content_hash)


def draft_ids(hub, period: str, after_id: int = 0, limit: int = BATCH) -> list[int]:
    """The next ``limit`` drafts of a run, by id."""
    return list(db.session.scalars(
        sa.select(Invoice.id).where(
            Invoice.hub_id == hub.id, Invoice.period == period, Invoice.id > after_id,
            Invoice.kind == DocumentKind.INVOICE.value, Invoice.status == DocumentStatus.DRAFT.value,
        ).order_by(Invoice.id).limit(limit)
    ))


def count_drafts(hub, period: str) -> int:
    return db.session.scalar(sa.select(sa.func.count(Invoice.id)).where(
        Invoice.hub_id == hub.id, Invoice.period == period,
        Invoice.kind == DocumentKind.INVOICE.value, Invoice.status == DocumentStatus.DRAFT.value,
    ))


def issue_drafts(hub, period, *, by=None, today: date | None = None,
                 progress: Callable[[int], None] | None = None) -> int:
    """Issue every draft of a run, a batch per transaction (memory stays bounded; a crash
    keeps the batches already committed). Drafts that cannot be issued (empty ones) stay drafts
    for a manager to review; a draft another process issued meanwhile is skipped. It commits
    its own batches (like ``mail.send_pending``): call it outside a unit of work (a command, a
    job), not from a request's transaction.

    :param period: a ``Period`` or its key ("2026-11").
    :param progress: called with the number of drafts looked at after each batch.
    :returns: how many were issued.
    """
    key = getattr(period, "key", period)
    hub_id, zone = hub.id, hub.timezone
    issued, last_id = 0, 0
    while True:
        ids = draft_ids(hub, key, last_id)
        if not ids:
            return issued
        with unit_of_work():
            issued += _issue_batch(hub, ids, by=by, today=today or local_today(zone))
        last_id = ids[-1]
        hub = db.session.get(type(hub), hub_id)
        if progress is not None:
            progress(len(ids))


def _issue_batch(hub, ids: list[int], *, by, today: date) -> int:
    # Every draft of the batch is locked before the series is: a process holding the series'
    # lock never waits for a draft's, so batches and single issues cannot deadlock.
    drafts = lock_documents(ids)
    with_credit = parties_with_credit(hub.id, {draft.party_key for draft in drafts})
    series = SeriesCursor(hub, DocumentKind.INVOICE.value)
    issued = 0
    for invoice in drafts:
        if issuing_problem(invoice):
            continue
        _issue(invoice, by=by, today=today, series=series, may_have_credit=invoice.party_key in with_credit)
        issued += 1
    db.session.flush()
    return issued


def lock_documents(ids: list[int]) -> list[Invoice]:
    """The documents, their rows locked in id order, their lines loaded."""
    ensure_write_lock(db.session)
    return list(db.session.scalars(
        sa.select(Invoice).where(Invoice.id.in_(ids)).order_by(Invoice.id).with_for_update(of=Invoice)
        .options(selectinload(Invoice.lines)).execution_options(populate_existing=True)
    ))
