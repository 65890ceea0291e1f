"""Entries a manager writes: the everyday one ("we paid £420 for the boiler repair from the
bank", "a grant of £2,000 came in") and the full multi-line form, each with an optional
receipt (a PDF or an image, at most 5 MB, checked by its first bytes, not its name)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from coworking.accounts.models import User
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.ledger.errors import LedgerError
from coworking.ledger.models import AccountType, JournalEntry, LedgerAccount, Receipt
from coworking.ledger.posting import post_entry

MAX_RECEIPT_BYTES = 5 * 1024 * 1024
# What a receipt may be, known by how the file starts.
RECEIPT_TYPES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"RIFF", "image/webp"),
)
MONEY_FROM = ("bank", "cash")


@dataclass(frozen=True)
class ReceiptFile:
    filename: str
    data: bytes


def record_simple(
    hub: Hub,
    *,
    direction: str,
    on: date,
    description: str,
    account: LedgerAccount,
    amount_minor: int,
    via: str = "bank",
    receipt: ReceiptFile | None = None,
    by: User | None = None,
) -> JournalEntry:
    """Money out (a cost paid) or money in (income received), through the bank or cash."""
    if direction not in ("out", "in"):
        raise LedgerError("Choose money out or money in.", field="direction")
    expected = AccountType.EXPENSE.value if direction == "out" else AccountType.INCOME.value
    if account.hub_id != hub.id or account.type != expected or account.is_reinvestment:
        kind = "a cost" if direction == "out" else "an income"
        raise LedgerError(f"Choose {kind} account for money {direction}.", field="account")
    if amount_minor <= 0:
        raise LedgerError("The amount must be more than zero.", field="amount")
    if via not in MONEY_FROM:
        raise LedgerError("Through the bank or cash.", field="via")
    check_description(description)
    sign = 1 if direction == "out" else -1
    lines = [(account, sign * amount_minor), (via, -sign * amount_minor)]
    entry = post_entry(hub, on=on, memo=description, lines=lines, by=by)
    attach_receipt(entry, receipt)
    return entry


def record_multi_line(
    hub: Hub,
    *,
    on: date,
    description: str,
    lines: list[tuple[LedgerAccount, int, int]],
    receipt: ReceiptFile | None = None,
    by: User | None = None,
) -> JournalEntry:
    """An entry of several lines, each (account, debit, credit) with one of the two filled."""
    check_description(description)
    signed = []
    for number, (account, debit, credit) in enumerate(lines, start=1):
        if debit < 0 or credit < 0:
            raise LedgerError(f"Line {number}: amounts are not negative; use the other column.", field="lines")
        if debit and credit:
            raise LedgerError(f"Line {number}: a debit or a credit, not both.", field="lines")
        if account.hub_id != hub.id:
            raise LedgerError(f"Line {number}: choose one of this hub's accounts.", field="lines")
        signed.append((account, debit - credit))
    entry = post_entry(hub, on=on, memo=description, lines=signed, by=by)
    attach_receipt(entry, receipt)
    return entry


def check_description(description: str) -> None:
    if not description.strip():
        raise LedgerError("Describe the entry, such as 'Boiler repair'.", field="description")
    if len(description) > 300:
        raise LedgerError("At most 300 characters.", field="description")


def receipt_type(data: bytes) -> str | None:
    for start, content_type in RECEIPT_TYPES:
        if data.startswith(start) and (content_type != "image/webp" or data[8:12] == b"WEBP"):
            return content_type
    return None


def attach_receipt(entry: JournalEntry, receipt: ReceiptFile | None) -> None:
    if receipt is None or not receipt.data:
        return
    if len(receipt.data) > MAX_RECEIPT_BYTES:
        raise LedgerError(f"That receipt is too big: at most {MAX_RECEIPT_BYTES // (1024 * 1024) or 1} MB.",
                          field="receipt")
    content_type = receipt_type(receipt.data)
    if content_type is None:
        raise LedgerError("A receipt must be a PDF or an image (PNG, JPEG or WebP).", field="receipt")
    name = (receipt.filename or "receipt").replace("/", "_").replace("\\", "_")[-200:]
    db.session.add(Receipt(entry_id=entry.id, filename=name, content_type=content_type, data=receipt.data))
    db.session.flush()


def entry_receipt(entry: JournalEntry) -> Receipt | None:
    return db.session.scalar(sa.select(Receipt).where(Receipt.entry_id == entry.id))
