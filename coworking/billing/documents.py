"""What an invoice or credit note says, as the member's page, the PDF and the API show it: one
reading of an ``Invoice`` row (and its hub's "how to pay") so the three never disagree.

It reads only the document's own columns (frozen once issued) and its hub's name, address and
VAT number; payments and credit notes are shown beside it by the pages, never inside it, so an
issued document reads the same every time it is printed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coworking.billing.models import Invoice, InvoiceLine
from coworking.billing.totals import vat_by_rate
from coworking.memberships.periods import Period


@dataclass(frozen=True)
class VatSummary:
    rate_bp: int
    net_minor: int
    vat_minor: int


@dataclass(frozen=True)
class DocumentView:
    """The content of one invoice or credit note, ready to lay out."""

    title: str  # "Invoice", "Credit note", "Draft invoice"
    number: str | None
    hub_name: str
    hub_address: str
    hub_vat_number: str | None
    billed_name: str
    billed_address: str
    billed_email: str
    issued_on: date | None
    due_on: date | None
    period_label: str | None
    corrects_number: str | None
    currency: str
    lines: list[InvoiceLine]
    vat_summary: list[VatSummary]
    subtotal_minor: int
    vat_minor: int
    total_minor: int
    credit_applied_minor: int
    how_to_pay: str

    @property
    def shows_vat(self) -> bool:
        """A hub without a VAT number shows no VAT (its lines carry none)."""
        return bool(self.hub_vat_number) or self.vat_minor != 0

    @property
    def amount_due_minor(self) -> int:
        """What the document asked for when issued: its total less the credit it used."""
        return self.total_minor - self.credit_applied_minor

    @property
    def is_credit_note(self) -> bool:
        return self.title == "Credit note"


def title_of(invoice: Invoice) -> str:
    if invoice.is_credit_note:
        return "Credit note"
    return "Draft invoice" if invoice.is_draft else "Invoice"


def period_label(key: str | None) -> str | None:
    return Period.from_key(key).label() if key else None


def rate_label(rate_bp: int) -> str:
    """2000 -> '20%', 550 -> '5.5%', 0 -> '0%'."""
    whole, rest = divmod(rate_bp, 100)
    return f"{whole}%" if not rest else f"{whole}.{rest:02d}".rstrip("0") + "%"


def payment_instructions(invoice: Invoice, bank_details: str) -> str:
    """How to pay: the hub's bank details and the number to quote (invoices only)."""
    if invoice.is_credit_note:
        return ""
    parts = [bank_details.strip()] if bank_details and bank_details.strip() else []
    if invoice.number:
        parts.append(f"Please quote {invoice.number} as the payment reference.")
    return "\n".join(parts)


def document_view(invoice: Invoice, *, bank_details: str = "") -> DocumentView:
    """The invoice (or credit note) as its reader sees it."""
    hub = invoice.hub
    lines = list(invoice.lines)
    return DocumentView(
        title=title_of(invoice),
        number=invoice.number,
        hub_name=hub.name,
        hub_address=hub.address or "",
        hub_vat_number=hub.vat_number or None,
        billed_name=invoice.billed_name,
        billed_address=invoice.billed_address or "",
        billed_email=invoice.billed_email or "",
        issued_on=invoice.issued_on,
        due_on=None if invoice.is_credit_note else invoice.due_on,
        period_label=period_label(invoice.period),
        corrects_number=invoice.corrects.number if invoice.corrects is not None else None,
        currency=invoice.currency,
        lines=lines,
        vat_summary=[VatSummary(rate, net, vat) for rate, net, vat in vat_by_rate(lines)],
        subtotal_minor=invoice.subtotal_minor,
        vat_minor=invoice.vat_minor,
        total_minor=invoice.total_minor,
        credit_applied_minor=invoice.credit_applied_minor,
        how_to_pay=payment_instructions(invoice, bank_details),
    )
