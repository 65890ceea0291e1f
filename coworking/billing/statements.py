"""Bank statement import: a manager uploads the bank's CSV, the app keeps the money that came
in, suggests the open invoice each line pays (``statement_matching``), and the manager confirms
(a payment is recorded, through ``payments.record_payment``), matches by hand, or ignores.

Importing is idempotent: a line whose fingerprint the hub already has is not stored again
(the database's unique key on (hub, fingerprint) makes that true under a race too), and a
statement line records at most one payment (``payments.statement_line_id`` is unique). A file
that cannot be read records nothing (``statement_csv``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from coworking.accounts.models import User
from coworking.billing.errors import BillingError
from coworking.billing.models import Invoice, StatementImport, StatementLine
from coworking.billing.payments import open_invoices, record_payment
from coworking.billing.settings import settings_for
from coworking.billing.statement_csv import StatementColumns, file_hash, parse_statement
from coworking.billing.statement_matching import BY_HAND, InvoiceIndex
from coworking.extensions import db
from coworking.hubs.models import Hub

UNMATCHED, SUGGESTED, RECORDED, IGNORED = "unmatched", "suggested", "recorded", "ignored"
LOOKUP_BATCH = 500


@dataclass(frozen=True)
class ImportResult:
    statement_import: StatementImport | None  # None when every line was known already
    new_lines: int
    known_lines: int
    payments_out: int
    suggested: int


def import_statement(hub: Hub, raw: bytes, *, filename: str, by: User, today: date) -> ImportResult:
    """Read the file, store its lines the hub does not have yet, and suggest a match for each."""
    parsed = parse_statement(raw, StatementColumns.of(settings_for(hub)), hub.currency, today=today)
    known = _known_fingerprints(hub, [line.fingerprint for line in parsed.lines])
    fresh = [line for line in parsed.lines if line.fingerprint not in known]
    if not fresh:
        return ImportResult(None, 0, len(parsed.lines), parsed.payments_out, 0)
    statement = StatementImport(hub_id=hub.id, filename=(filename or "")[:200], file_hash=file_hash(raw),
                                imported_by_id=by.id)
    db.session.add(statement)
    index = InvoiceIndex(hub.invoice_prefix, open_invoices(hub))
    suggested = 0
    for parsed_line in fresh:
        line = StatementLine(statement_import=statement, hub_id=hub.id, booked_on=parsed_line.booked_on,
                             amount_minor=parsed_line.amount_minor, reference=parsed_line.reference,
                             fingerprint=parsed_line.fingerprint, status=UNMATCHED)
        match = index.match(parsed_line.amount_minor, parsed_line.reference)
        if match is not None:
            line.suggested_invoice_id, line.match_reason, line.status = match.invoice_id, match.reason, SUGGESTED
            suggested += 1
        db.session.add(line)
    db.session.flush()
    return ImportResult(statement, len(fresh), len(known), parsed.payments_out, suggested)


def _known_fingerprints(hub: Hub, fingerprints: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(fingerprints), LOOKUP_BATCH):
        batch = fingerprints[start:start + LOOKUP_BATCH]
        known.update(db.session.scalars(sa.select(StatementLine.fingerprint).where(
            StatementLine.hub_id == hub.id, StatementLine.fingerprint.in_(batch))))
    return known


def invoice_by_number(hub: Hub, number: str) -> Invoice:
    """The hub's issued invoice with this number (as typed: case and spaces aside), or a refusal."""
    wanted = " ".join((number or "").split()).upper()
    invoice = db.session.scalar(sa.select(Invoice).where(
        Invoice.hub_id == hub.id, Invoice.kind == "invoice", sa.func.upper(Invoice.number) == wanted))
    if invoice is None:
        raise BillingError(f"No issued invoice of this hub is numbered {wanted or 'that'}.", "invoice_number")
    return invoice


def confirm_line(line: StatementLine, *, by: User, invoice: Invoice | None = None):
    """Record the line as a payment of ``invoice`` (or of its suggested invoice)."""
    _check_open(line)
    invoice = invoice or line.suggested_invoice
    if invoice is None:
        raise BillingError("Type the number of the invoice this payment settles.", "invoice_number")
    if invoice.hub_id != line.hub_id or invoice.is_draft or invoice.is_credit_note:
        raise BillingError("Choose an issued invoice of this hub.", "invoice_number")
    if invoice.id != line.suggested_invoice_id:
        line.suggested_invoice_id, line.match_reason = invoice.id, BY_HAND
    payment = record_payment(invoice.hub, invoice=invoice, amount_minor=line.amount_minor,
                             method="bank_transfer", received_on=line.booked_on,
                             reference=line.reference[:200], by=by, statement_line=line)
    line.status = RECORDED
    db.session.flush()
    return payment


def confirm_suggested(statement: StatementImport, *, by: User) -> int:
    """Confirm every suggested line of the statement; how many payments were recorded."""
    lines = [line for line in statement.lines if line.status == SUGGESTED]
    for line in lines:
        confirm_line(line, by=by)
    return len(lines)


def ignore_line(line: StatementLine) -> None:
    """Leave the line aside (not a member's payment: a grant, a refund from a supplier)."""
    _check_open(line)
    line.status = IGNORED
    db.session.flush()


def restore_line(line: StatementLine) -> None:
    """Bring an ignored line back to be matched."""
    if line.status != IGNORED:
        raise BillingError("Only an ignored line can be brought back.", status=409)
    line.status = SUGGESTED if line.suggested_invoice_id else UNMATCHED
    db.session.flush()


def _check_open(line: StatementLine) -> None:
    if line.status == RECORDED:
        raise BillingError("This line is already recorded as a payment.", status=409)
    if line.status == IGNORED:
        raise BillingError("This line is ignored; bring it back first.", status=409)


def hub_imports(hub: Hub, *, limit: int = 50) -> list[tuple[StatementImport, dict[str, int]]]:
    """The hub's latest statements, each with how many of its lines are in each state."""
    imports = list(db.session.scalars(sa.select(StatementImport).where(StatementImport.hub_id == hub.id)
                                      .order_by(StatementImport.created_at.desc(), StatementImport.id.desc())
                                      .limit(limit)))
    counts: dict[int, dict[str, int]] = {statement.id: {} for statement in imports}
    if imports:
        rows = db.session.execute(sa.select(StatementLine.import_id, StatementLine.status, sa.func.count())
                                  .where(StatementLine.import_id.in_(counts))
                                  .group_by(StatementLine.import_id, StatementLine.status))
        for import_id, status, count in rows:
            counts[import_id][status] = count
    return [(statement, counts[statement.id]) for statement in imports]


def statement_lines(statement: StatementImport) -> list[StatementLine]:
    """The statement's lines with their suggested invoices, in file order."""
    from sqlalchemy.orm import selectinload

    return list(db.session.scalars(sa.select(StatementLine).where(StatementLine.import_id == statement.id)
                                   .options(selectinload(StatementLine.suggested_invoice))
                                   .order_by(StatementLine.id)))
