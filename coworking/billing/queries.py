"""What the managers' billing pages list, paged in SQL: the hub's invoices and credit notes with
filters (status, period, who is billed), the overdue ones, each period's runs at a glance, and
the background jobs working on them. Read-only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coworking.billing.models import Invoice, Payment, PaymentAllocation
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.jobs import Job
from coworking.memberships.queries import Page, page_of_query

BILLING_JOBS = ("invoice-run", "invoice-issue")


@dataclass(frozen=True)
class InvoiceFilters:
    status: str = ""  # "", draft, open, overdue, paid, void, credit_note
    period: str = ""
    party: str = ""  # part of the billed name or email


def _owed():
    """As Invoice.outstanding_minor: paid_minor includes credit used at issue."""
    return Invoice.total_minor - Invoice.credited_minor - Invoice.paid_minor


def _issued_invoices():
    return sa.and_(Invoice.status == "issued", Invoice.kind == "invoice")


def _status_clause(status: str, today: date):
    if status == "draft":
        return Invoice.status == "draft"
    if status == "credit_note":
        return Invoice.kind == "credit_note"
    if status == "open":
        return sa.and_(_issued_invoices(), _owed() > 0)
    if status == "overdue":
        return sa.and_(_issued_invoices(), _owed() > 0, Invoice.due_on < today)
    if status == "paid":
        return sa.and_(_issued_invoices(), _owed() <= 0, Invoice.credited_minor < Invoice.total_minor)
    if status == "void":
        return sa.and_(_issued_invoices(), Invoice.total_minor > 0, Invoice.credited_minor >= Invoice.total_minor)
    return None


def invoices_query(hub: Hub, filters: InvoiceFilters, today: date) -> sa.Select:
    query = sa.select(Invoice).where(Invoice.hub_id == hub.id)
    clause = _status_clause(filters.status, today)
    if clause is not None:
        query = query.where(clause)
    if filters.period:
        query = query.where(Invoice.period == filters.period)
    if filters.party:
        pattern = "%" + filters.party.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").lower() + "%"
        query = query.where(sa.or_(sa.func.lower(Invoice.billed_name).like(pattern, escape="\\"),
                                   sa.func.lower(Invoice.billed_email).like(pattern, escape="\\")))
    # Drafts first (work to do), then the newest documents.
    return query.order_by(Invoice.issued_on.is_(None).desc(), Invoice.issued_on.desc(), Invoice.id.desc())


def hub_invoices(hub: Hub, filters: InvoiceFilters, today: date, *, page: int = 1, per_page: int = 50) -> Page:
    return page_of_query(invoices_query(hub, filters, today), page, per_page)


def overdue_invoices(hub: Hub, today: date, *, page: int = 1, per_page: int = 50) -> Page:
    """Issued invoices past their due date with something still owed, the longest overdue first."""
    query = (sa.select(Invoice).where(Invoice.hub_id == hub.id, _status_clause("overdue", today))
             .order_by(Invoice.due_on, Invoice.id))
    return page_of_query(query, page, per_page)


@dataclass(frozen=True)
class PeriodSummary:
    period: str
    drafts: int
    issued: int
    drafts_total_minor: int
    issued_total_minor: int


def period_summaries(hub: Hub, *, limit: int = 12) -> list[PeriodSummary]:
    """The latest periods with invoices: how many drafts and issued invoices, and their totals."""
    is_draft = Invoice.status == "draft"
    rows = db.session.execute(
        sa.select(Invoice.period,
                  sa.func.sum(sa.case((is_draft, 1), else_=0)),
                  sa.func.sum(sa.case((is_draft, 0), else_=1)),
                  sa.func.sum(sa.case((is_draft, Invoice.total_minor), else_=0)),
                  sa.func.sum(sa.case((is_draft, 0), else_=Invoice.total_minor)))
        .where(Invoice.hub_id == hub.id, Invoice.kind == "invoice", Invoice.period.is_not(None))
        .group_by(Invoice.period).order_by(Invoice.period.desc()).limit(limit))
    return [PeriodSummary(period, int(drafts or 0), int(issued or 0), int(draft_total or 0), int(issued_total or 0))
            for period, drafts, issued, draft_total, issued_total in rows]


def recent_jobs(hub: Hub, *, limit: int = 10) -> list[Job]:
    return list(db.session.scalars(sa.select(Job).where(Job.hub_id == hub.id, Job.kind.in_(BILLING_JOBS))
                                   .order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)))


def invoice_payments(invoice: Invoice) -> list[tuple[Payment, int]]:
    """The payments (and credit used) settling this invoice: (payment, amount allocated here)."""
    rows = db.session.execute(sa.select(Payment, PaymentAllocation.amount_minor)
                              .join(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
                              .where(PaymentAllocation.invoice_id == invoice.id)
                              .order_by(Payment.received_on, Payment.id))
    return [(payment, amount) for payment, amount in rows]


def credit_notes_of(invoice: Invoice) -> list[Invoice]:
    return list(db.session.scalars(sa.select(Invoice).where(Invoice.corrects_id == invoice.id)
                                   .options(selectinload(Invoice.lines)).order_by(Invoice.id)))
