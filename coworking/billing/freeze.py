"""The application's half of "issued means frozen": before any flush, refuse a change to an
issued document's content or lines and any delete of one, with a 409 the pages and the API can
show. The database's triggers (migration 0009) make it true for any other writer; this guard
answers first, in words, whatever code path tried (a draft editor, a form, a script).

An issued document's derived state (``paid_minor``, ``credited_minor``) stays writable: payments
and credit notes change it. A draft becoming issued is the one change of frozen columns allowed,
so what counts is the status the row had when it was loaded, not the one it is being given.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coworking.billing.errors import BillingError
from coworking.billing.models import (
    FROZEN_INVOICE_COLUMNS,
    FROZEN_LINE_COLUMNS,
    DocumentStatus,
    Invoice,
    InvoiceLine,
)

ISSUED = DocumentStatus.ISSUED.value


class FrozenDocument(BillingError):
    status = 409


def was_issued(invoice: Invoice | None) -> bool:
    """Whether the invoice was issued in the database before this unit of work changed it."""
    if invoice is None:
        return False
    state = sa.inspect(invoice)
    if state.transient or state.pending:
        return False
    history = state.attrs.status.history
    original = (history.deleted or history.unchanged or [invoice.status])[0]
    return original == ISSUED


def _changed(obj, columns) -> list[str]:
    attrs = sa.inspect(obj).attrs
    return [column for column in columns if attrs[column].history.has_changes()]


def _parent(line: InvoiceLine, session: Session) -> Invoice | None:
    if line.invoice is not None:
        return line.invoice
    return session.get(Invoice, line.invoice_id) if line.invoice_id else None


def _refusal(invoice: Invoice, what: str) -> FrozenDocument:
    return FrozenDocument(
        f"{invoice.number or 'This document'} is issued and cannot be {what}: "
        "correct it with a credit note.", status=409)


def refuse_changes_to_issued_documents(session: Session, flush_context, instances) -> None:
    for obj in session.dirty:
        if isinstance(obj, Invoice) and was_issued(obj) and _changed(obj, (*FROZEN_INVOICE_COLUMNS, "lines")):
            raise _refusal(obj, "changed")
        if isinstance(obj, InvoiceLine) and _changed(obj, FROZEN_LINE_COLUMNS) and was_issued(_parent(obj, session)):
            raise _refusal(_parent(obj, session), "changed")
    for obj in session.deleted:
        if isinstance(obj, Invoice) and was_issued(obj):
            raise _refusal(obj, "deleted")
        if isinstance(obj, InvoiceLine) and was_issued(_parent(obj, session)):
            raise _refusal(_parent(obj, session), "changed")
    for obj in session.new:
        if isinstance(obj, InvoiceLine) and was_issued(_parent(obj, session)):
            raise _refusal(_parent(obj, session), "changed")


def install() -> None:
    """Listen on every session (idempotent)."""
    if not sa.event.contains(Session, "before_flush", refuse_changes_to_issued_documents):
        sa.event.listen(Session, "before_flush", refuse_changes_to_issued_documents)
