"""Reviewing a draft before it is issued: add a line, edit one, remove one, or delete the draft.

Only a draft changes. Each function locks the invoice's row first (PostgreSQL; SQLite's unit of
work holds the write lock), so a run adding lines or an issue happening at that moment waits or
has happened; then it refuses an issued invoice with 409, before the database's triggers would.
Totals are recomputed from the lines after every change.

- A line removed that came from a billable item (it has a ``source_key``) leaves a
  ``LineExclusion``: the next run does not bring it back.
- A draft deleted leaves no exclusion: its items come back at the next run of the period, as
  if the run were starting over (remove the lines first to keep items out for good).
"""
from __future__ import annotations

import sqlalchemy as sa

from coworking.accounts.models import User
from coworking.billing.errors import BillingError
from coworking.billing.models import Invoice, InvoiceLine, LineExclusion
from coworking.billing.totals import price_line, recompute_totals
from coworking.extensions import db

MAX_UNIT_PRICE_MINOR = 1_000_000_000  # 10,000,000.00: beyond any co-working bill
MAX_QUANTITY = 10_000
MAX_DESCRIPTION = 300


def _lock_draft(invoice: Invoice, by: User, doing: str) -> None:
    if not by.manages(invoice.hub):
        raise BillingError(f"Only the hub's managers can {doing}.", status=403)
    db.session.execute(sa.select(Invoice.id).where(Invoice.id == invoice.id).with_for_update())
    db.session.refresh(invoice)
    if not invoice.is_draft:
        raise BillingError("This invoice is issued and can no longer change: correct it with a credit note.", status=409)


def _description(text) -> str:
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        raise BillingError("Say what the line is for.", "description")
    if len(text) > MAX_DESCRIPTION:
        raise BillingError(f"A description has at most {MAX_DESCRIPTION} characters.", "description")
    return text


def _whole(value, field: str, message: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BillingError(message, field)
    return value


def _quantity(value) -> int:
    return _whole(value, "quantity", f"A quantity is a whole number from 1 to {MAX_QUANTITY:,}.", 1, MAX_QUANTITY)


def _unit_price(value) -> int:
    return _whole(value, "unit_price_minor", "A unit price is at most 10,000,000.00 either way (negative for a discount).",
                  -MAX_UNIT_PRICE_MINOR, MAX_UNIT_PRICE_MINOR)


def _vat_rate(value) -> int:
    return _whole(value, "vat_rate_bp", "A VAT rate is between 0 and 100%.", 0, 10_000)


def add_line(invoice: Invoice, *, description: str, quantity: int = 1, unit_price_minor: int, vat_rate_bp: int = 0,
             by: User) -> InvoiceLine:
    """A line a manager adds by hand (no source key: no run will ever make or skip it)."""
    _lock_draft(invoice, by, "change invoices")
    line = InvoiceLine(hub_id=invoice.hub_id, description=_description(description), quantity=_quantity(quantity),
                       unit_price_minor=_unit_price(unit_price_minor), vat_rate_bp=_vat_rate(vat_rate_bp),
                       position=max((existing.position for existing in invoice.lines), default=0) + 1,
                       income_kind="other")
    price_line(line, charges_vat=bool(invoice.hub.vat_number))
    invoice.lines.append(line)
    recompute_totals(invoice)
    db.session.flush()
    return line


def edit_line(line: InvoiceLine, *, by: User, description: str | None = None, quantity: int | None = None,
              unit_price_minor: int | None = None, vat_rate_bp: int | None = None) -> InvoiceLine:
    """Change what a draft's line says or costs (what is not given stays)."""
    invoice = line.invoice
    _lock_draft(invoice, by, "change invoices")
    if description is not None:
        line.description = _description(description)
    if quantity is not None:
        line.quantity = _quantity(quantity)
    if unit_price_minor is not None:
        line.unit_price_minor = _unit_price(unit_price_minor)
    if vat_rate_bp is not None:
        line.vat_rate_bp = _vat_rate(vat_rate_bp)
    price_line(line, charges_vat=bool(invoice.hub.vat_number))
    recompute_totals(invoice)
    db.session.flush()
    return line


def remove_line(line: InvoiceLine, *, by: User) -> None:
    """Take a line off a draft; an item a run billed stays out of later runs."""
    invoice = line.invoice
    _lock_draft(invoice, by, "change invoices")
    if line.source_key:
        excluded = db.session.scalar(sa.select(LineExclusion.id).where(
            LineExclusion.hub_id == invoice.hub_id, LineExclusion.source_key == line.source_key))
        if excluded is None:
            db.session.add(LineExclusion(hub_id=invoice.hub_id, source_key=line.source_key, removed_by_id=by.id))
    invoice.lines.remove(line)
    db.session.flush()
    recompute_totals(invoice)
    db.session.flush()


def delete_draft(invoice: Invoice, *, by: User) -> None:
    """Delete a draft and its lines; its items come back at the next run of its period."""
    _lock_draft(invoice, by, "delete invoices")
    db.session.delete(invoice)
    db.session.flush()
