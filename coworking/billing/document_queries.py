"""Finding invoices and credit notes: a member's own (never anyone else's, never a draft), and a
hub's, filtered by state, kind and period; paged in SQL for the member's page and the API.

A document's state (``DocumentState``) is worked out from its columns, never stored: ``open``
while something is owed, ``overdue`` when that is so past its due date, ``paid`` when nothing
is, ``void`` when credit notes cover its whole total. The same conditions filter in SQL, so a
page costs two statements however many invoices the hub has.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coworking.accounts.models import User
from coworking.billing.models import DocumentKind, DocumentStatus, Invoice, Payment, PaymentAllocation
from coworking.billing.parties import MEMBER, party_key
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.memberships.queries import Page, page_of_query
from coworking.types import MAX_INTEGER


class DocumentState(str, enum.Enum):
    DRAFT = "draft"
    ISSUED = "issued"  # any issued document
    OPEN = "open"  # an issued invoice with something still owed
    OVERDUE = "overdue"  # open, and past its due date
    PAID = "paid"  # an issued invoice with nothing owed, not void
    VOID = "void"  # fully credited


@dataclass(frozen=True)
class DocumentFilters:
    state: DocumentState | None = None
    kind: DocumentKind | None = None
    period: str | None = None  # "2026-11"
    party_key: str | None = None


def _outstanding():
    # paid_minor counts every allocation, the credit used at issue included (models.py).
    return Invoice.total_minor - Invoice.credited_minor - Invoice.paid_minor


def _state_condition(state: DocumentState, today: date):
    issued = Invoice.status == DocumentStatus.ISSUED.value
    invoice = sa.and_(issued, Invoice.kind == DocumentKind.INVOICE.value)
    void = sa.and_(invoice, Invoice.total_minor > 0, Invoice.credited_minor >= Invoice.total_minor)
    open_ = sa.and_(invoice, _outstanding() > 0, ~void)
    return {
        DocumentState.DRAFT: Invoice.status == DocumentStatus.DRAFT.value,
        DocumentState.ISSUED: issued,
        DocumentState.OPEN: open_,
        DocumentState.OVERDUE: sa.and_(open_, Invoice.due_on < today),
        DocumentState.PAID: sa.and_(invoice, _outstanding() <= 0, ~void),
        DocumentState.VOID: void,
    }[state]


def _newest_first(query: sa.Select) -> sa.Select:
    return query.order_by(Invoice.issued_on.desc().nulls_first(), Invoice.id.desc())


def member_key(user: User) -> str:
    return party_key(MEMBER, user.id)


def _filtered(query: sa.Select, filters: DocumentFilters, today: date) -> sa.Select:
    if filters.state is not None:
        query = query.where(_state_condition(filters.state, today))
    if filters.kind is not None:
        query = query.where(Invoice.kind == filters.kind.value)
    if filters.period is not None:
        query = query.where(Invoice.period == filters.period)
    if filters.party_key is not None:
        query = query.where(Invoice.party_key == filters.party_key)
    return _newest_first(query.options(selectinload(Invoice.hub), selectinload(Invoice.corrects)))


ALL = DocumentFilters()


def member_documents_query(user: User, filters: DocumentFilters = ALL, today: date | None = None) -> sa.Select:
    """The member's own issued invoices and credit notes, at every hub, newest first."""
    query = sa.select(Invoice).where(Invoice.party_key == member_key(user), Invoice.status == DocumentStatus.ISSUED.value)
    return _filtered(query, filters, today or date.today())


def member_documents(user: User, filters: DocumentFilters = ALL, today: date | None = None, *,
                     page: int = 1, per_page: int = 50) -> Page:
    return page_of_query(member_documents_query(user, filters, today), page, per_page)


def own_document(user: User, invoice_id: int) -> Invoice | None:
    """The member's own issued document with this id; None for a draft or anyone else's."""
    invoice = db.session.get(Invoice, invoice_id) if 0 < invoice_id <= MAX_INTEGER else None
    if invoice is None or invoice.is_draft or invoice.party_key != member_key(user):
        return None
    return invoice


def hub_documents_query(hub: Hub, filters: DocumentFilters, today: date) -> sa.Select:
    """The hub's documents, drafts included, filtered; newest first, drafts on top."""
    return _filtered(sa.select(Invoice).where(Invoice.hub_id == hub.id), filters, today)


def hub_documents(hub: Hub, filters: DocumentFilters, today: date, *, page: int = 1, per_page: int = 50) -> Page:
    return page_of_query(hub_documents_query(hub, filters, today), page, per_page)


def credit_notes_of(invoice: Invoice) -> list[Invoice]:
    """The issued credit notes that correct this invoice, oldest first."""
    return list(db.session.scalars(sa.select(Invoice).where(
        Invoice.corrects_id == invoice.id, Invoice.status == DocumentStatus.ISSUED.value,
    ).order_by(Invoice.issued_on, Invoice.id)))


def documents_of_hubs(user: User) -> list[Hub]:
    """The hubs where the member has issued documents (for their balances)."""
    return list(db.session.scalars(sa.select(Hub).where(Hub.id.in_(
        sa.select(Invoice.hub_id).where(Invoice.party_key == member_key(user),
                                        Invoice.status == DocumentStatus.ISSUED.value)
    )).order_by(Hub.name)))


def payments_towards(invoice: Invoice) -> list[tuple[Payment, int]]:
    """The payments allocated to the invoice (credit used at issue included), with the part of
    each that went to it, in the order received."""
    rows = db.session.execute(
        sa.select(Payment, PaymentAllocation.amount_minor)
        .join(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
        .where(PaymentAllocation.invoice_id == invoice.id)
        .order_by(Payment.received_on, Payment.id)
    )
    return [(payment, int(amount)) for payment, amount in rows]
