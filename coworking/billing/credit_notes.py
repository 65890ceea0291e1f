"""Credit notes: the only way to correct an issued invoice, whole or per line.

A credit note is a document of its own series (``RIV-CN-2026-00001``), issued at once, its
lines negative and each naming the line it corrects. What remains creditable on a line is its
net amount less what earlier credit notes took; VAT follows each credited amount (half up), and
the last credit of a line takes exactly the VAT that line has left, so crediting a line in
parts never credits more VAT than it bore. The invoice's ``credited_minor`` (derived state) goes
up; once it reaches the total the invoice shows as void. Money already paid beyond what the
invoice now bills is released from it and becomes the party's credit.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from coworking.billing.bookkeeping import post_credit_release, post_document
from coworking.billing.errors import BillingError
from coworking.billing.issuing import lock_document, seal
from coworking.billing.models import DocumentKind, DocumentStatus, Invoice, InvoiceLine
from coworking.billing.notifications import queue_credit_note_issued
from coworking.billing.payments import release_excess
from coworking.billing.totals import recompute_totals
from coworking.extensions import db
from coworking.money import vat_on
from coworking.timezones import local_today

MAX_REASON = 300


@dataclass(frozen=True)
class Remaining:
    """What a line has left to credit: net and VAT."""

    net: int
    vat: int


def remaining_by_line(invoice: Invoice) -> dict[int, Remaining]:
    """Each line's creditable net and VAT, after the credit notes already issued."""
    taken: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    credited = db.session.execute(
        sa.select(InvoiceLine.corrects_line_id, InvoiceLine.amount_minor, InvoiceLine.vat_minor)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.corrects_id == invoice.id, Invoice.status == DocumentStatus.ISSUED.value)
    )
    for line_id, amount, vat in credited:
        taken[line_id][0] -= amount
        taken[line_id][1] -= vat
    return {line.id: Remaining(line.amount_minor - taken[line.id][0], line.vat_minor - taken[line.id][1])
            for line in invoice.lines}


def credit_invoice(invoice: Invoice, *, amounts: dict[int, int] | None = None, reason: str,
                   by=None, today: date | None = None) -> Invoice:
    """Issue a credit note for the whole invoice (``amounts`` None) or for net amounts per line
    (``{line_id: minor units}``); refuses more than what remains (422 naming the line)."""
    locked = lock_document(invoice.id)
    if locked is None or locked.kind != DocumentKind.INVOICE.value:
        raise BillingError("Only an invoice can be credited.", status=404 if locked is None else 422)
    if locked.is_draft:
        raise BillingError("A draft is not credited: edit or delete it instead.", status=409)
    reason = _checked_reason(reason)
    remaining = remaining_by_line(locked)
    credits = _whole(remaining) if amounts is None else _checked_amounts(amounts, remaining)
    note = _credit_note(locked, credits, remaining, reason, by)
    seal(note, by=by, today=today or local_today(locked.hub.timezone))
    db.session.flush()
    post_document(note, by=by)  # the ledger's entry, in this transaction
    locked.credited_minor += -note.total_minor
    released = release_excess(locked)
    post_credit_release(note, released, by=by)
    queue_credit_note_issued(note, locked, released_minor=released)
    return note


def _checked_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise BillingError("Say why the invoice is credited: it is printed on the credit note.", "reason")
    if len(reason) > MAX_REASON:
        raise BillingError(f"Use at most {MAX_REASON} characters.", "reason")
    return reason


def _whole(remaining: dict[int, Remaining]) -> dict[int, int]:
    credits = {line_id: left.net for line_id, left in remaining.items() if left.net or left.vat}
    if not credits:
        raise BillingError("Nothing is left to credit on this invoice.", "amounts", status=409)
    return credits


def _checked_amounts(amounts: dict, remaining: dict[int, Remaining]) -> dict[int, int]:
    credits: dict[int, int] = {}
    for raw_id, amount in amounts.items():
        line_id = int(raw_id) if str(raw_id).isdigit() else None
        field = f"amounts.{raw_id}"
        if line_id not in remaining:
            raise BillingError("That is not a line of this invoice.", field)
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise BillingError("Enter an amount of zero or more.", field)
        if amount > remaining[line_id].net:
            raise BillingError("That is more than what remains to credit on this line.", field,
                               remaining_minor=remaining[line_id].net)
        if amount:
            credits[line_id] = amount
    if not credits:
        raise BillingError("Enter an amount to credit on at least one line.", "amounts")
    return credits


def _credit_vat(line: InvoiceLine, amount: int, left: Remaining) -> int:
    if amount == left.net:
        return left.vat
    return min(vat_on(amount, line.vat_rate_bp), left.vat)


def _credit_note(invoice: Invoice, credits: dict[int, int], remaining: dict[int, Remaining],
                 reason: str, by) -> Invoice:
    note = Invoice(
        hub_id=invoice.hub_id, kind=DocumentKind.CREDIT_NOTE.value, status=DocumentStatus.DRAFT.value,
        period=None, member_id=invoice.member_id, organisation_id=invoice.organisation_id,
        party_key=invoice.party_key, billed_name=invoice.billed_name, billed_address=invoice.billed_address,
        billed_email=invoice.billed_email, currency=invoice.currency, corrects_id=invoice.id, reason=reason,
        created_by_id=by.id if by is not None else None,
    )
    note.hub = invoice.hub
    lines = {line.id: line for line in invoice.lines}
    for position, (line_id, amount) in enumerate(sorted(credits.items(), key=lambda c: lines[c[0]].position)):
        note.lines.append(_credit_line(lines[line_id], amount, remaining[line_id], position))
    recompute_totals(note)
    if -note.total_minor > invoice.total_minor - invoice.credited_minor:
        raise BillingError("That is more than what remains to credit on this invoice.", "amounts")
    db.session.add(note)
    db.session.flush()
    return note


def _credit_line(line: InvoiceLine, amount: int, left: Remaining, position: int) -> InvoiceLine:
    whole_line = amount == line.amount_minor and left.net == line.amount_minor
    quantity, unit_price = (line.quantity, -line.unit_price_minor) if whole_line else (1, -amount)
    return InvoiceLine(
        hub_id=line.hub_id, position=position, description=line.description, quantity=quantity,
        unit_price_minor=unit_price, vat_rate_bp=line.vat_rate_bp, amount_minor=-amount,
        vat_minor=-_credit_vat(line, amount, left), source_key=None, corrects_line_id=line.id,
        income_kind=line.income_kind, funded_by_community_fund=line.funded_by_community_fund,
    )
