"""The accountant's exports: CSVs of a hub's issued invoices and credit notes, of their lines,
and of the payments received, for a date range (documents by issue date, payments by the day
the money came in). Streamed in batches, so a year of a large hub costs a few statements and
bounded memory.

Amounts are plain decimals in the hub's currency ("-12.50", with the currency in its own
column) so spreadsheets sum them; text cells a spreadsheet would run as a formula get a
leading quote (``bookings.csv_export.safe_cell``). Drafts are never exported: they are not
invoices yet.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coworking.billing.errors import BillingError
from coworking.billing.models import Invoice, InvoiceLine, Payment, PaymentAllocation
from coworking.bookings.csv_export import safe_cell
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.money import money_input_value

BATCH = 500
MAX_RANGE_DAYS = 3 * 366

INVOICE_COLUMNS = ("number", "kind", "issued on", "due on", "period", "billed to", "email", "party", "corrects",
                   "currency", "net", "vat", "total", "credit used", "credited", "paid", "outstanding", "status")
LINE_COLUMNS = ("number", "kind", "issued on", "position", "description", "quantity", "unit price", "vat rate %",
                "net", "vat", "gross", "currency", "source key", "income kind", "community fund")
PAYMENT_COLUMNS = ("received on", "party", "method", "reference", "amount", "currency", "allocated to",
                   "unallocated (credit)", "from statement")


def check_range(starts_on: date | None, ends_on: date | None) -> tuple[date, date]:
    """A range the exports accept: both ends, in order, at most three years."""
    if starts_on is None:
        raise BillingError("Enter the first day.", "starts_on")
    if ends_on is None:
        raise BillingError("Enter the last day.", "ends_on")
    if ends_on < starts_on:
        raise BillingError("The last day comes before the first.", "ends_on")
    if (ends_on - starts_on).days > MAX_RANGE_DAYS:
        raise BillingError("Export at most three years at a time.", "ends_on")
    return starts_on, ends_on


def _csv_lines(header: Iterable[str], rows: Iterable[list]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > 16_384:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _amount(amount_minor: int, currency: str) -> str:
    return money_input_value(amount_minor, currency)


# --- invoices and credit notes ----------------------------------------------------------------

def documents_query(hub: Hub, starts_on: date, ends_on: date) -> sa.Select:
    return (sa.select(Invoice).where(Invoice.hub_id == hub.id, Invoice.status == "issued",
                                     Invoice.issued_on >= starts_on, Invoice.issued_on <= ends_on)
            .options(selectinload(Invoice.corrects))
            .order_by(Invoice.issued_on, Invoice.kind, Invoice.sequence_number, Invoice.id))


def invoice_row(invoice: Invoice, today: date) -> list[str]:
    c = invoice.currency
    return [
        safe_cell(invoice.number), invoice.kind, invoice.issued_on.isoformat(),
        invoice.due_on.isoformat() if invoice.due_on else "", invoice.period or "",
        safe_cell(invoice.billed_name), safe_cell(invoice.billed_email), invoice.party_key,
        safe_cell(invoice.corrects.number if invoice.corrects else ""), c,
        _amount(invoice.subtotal_minor, c), _amount(invoice.vat_minor, c), _amount(invoice.total_minor, c),
        _amount(invoice.credit_applied_minor, c), _amount(invoice.credited_minor, c), _amount(invoice.paid_minor, c),
        _amount(invoice.outstanding_minor, c), invoice.display_status(today),
    ]


def invoices_csv(hub: Hub, starts_on: date, ends_on: date, today: date) -> Iterator[str]:
    result = db.session.scalars(documents_query(hub, starts_on, ends_on).execution_options(yield_per=BATCH))
    try:
        yield from _csv_lines(INVOICE_COLUMNS, (invoice_row(invoice, today) for invoice in result))
    finally:
        result.close()


# --- their lines ----------------------------------------------------------------------------

def lines_query(hub: Hub, starts_on: date, ends_on: date) -> sa.Select:
    return (sa.select(InvoiceLine, Invoice.number, Invoice.kind, Invoice.issued_on, Invoice.currency)
            .join(Invoice, InvoiceLine.invoice_id == Invoice.id)
            .where(Invoice.hub_id == hub.id, Invoice.status == "issued",
                   Invoice.issued_on >= starts_on, Invoice.issued_on <= ends_on)
            .order_by(Invoice.issued_on, Invoice.kind, Invoice.sequence_number, Invoice.id, InvoiceLine.position,
                      InvoiceLine.id))


def line_row(line: InvoiceLine, number: str, kind: str, issued_on: date, currency: str) -> list[str]:
    return [
        safe_cell(number), kind, issued_on.isoformat(), line.position, safe_cell(line.description), line.quantity,
        _amount(line.unit_price_minor, currency), f"{line.vat_rate_bp / 100:g}", _amount(line.amount_minor, currency),
        _amount(line.vat_minor, currency), _amount(line.gross_minor, currency), currency,
        safe_cell(line.source_key or ""), line.income_kind, "yes" if line.funded_by_community_fund else "no",
    ]


def lines_csv(hub: Hub, starts_on: date, ends_on: date) -> Iterator[str]:
    result = db.session.execute(lines_query(hub, starts_on, ends_on).execution_options(yield_per=BATCH))
    try:
        yield from _csv_lines(LINE_COLUMNS, (line_row(*row) for row in result))
    finally:
        result.close()


# --- payments -------------------------------------------------------------------------------

def payments_query(hub: Hub, starts_on: date, ends_on: date) -> sa.Select:
    return (sa.select(Payment).where(Payment.hub_id == hub.id, Payment.received_on >= starts_on,
                                     Payment.received_on <= ends_on)
            .options(selectinload(Payment.allocations).selectinload(PaymentAllocation.invoice))
            .order_by(Payment.received_on, Payment.id))


def payment_row(payment: Payment) -> list[str]:
    c = payment.currency
    allocated = sum(allocation.amount_minor for allocation in payment.allocations)
    to = "; ".join(f"{allocation.invoice.number} {_amount(allocation.amount_minor, c)}"
                   for allocation in payment.allocations)
    return [
        payment.received_on.isoformat(), payment.party_key, payment.method, safe_cell(payment.reference),
        _amount(payment.amount_minor, c), c, safe_cell(to), _amount(max(0, payment.amount_minor - allocated), c),
        "yes" if payment.statement_line_id else "no",
    ]


def payments_csv(hub: Hub, starts_on: date, ends_on: date) -> Iterator[str]:
    result = db.session.scalars(payments_query(hub, starts_on, ends_on).execution_options(yield_per=BATCH))
    try:
        yield from _csv_lines(PAYMENT_COLUMNS, (payment_row(payment) for payment in result))
    finally:
        result.close()


EXPORTS = {"invoices": invoices_csv, "lines": lines_csv, "payments": payments_csv}
