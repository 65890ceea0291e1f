"""The books for an accountant: Beancount (which ``bean-check`` accepts) or CSV, written as
the entries are read, a batch at a time, so five years of books stream in bounded memory."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import sqlalchemy as sa

from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.ledger.chart import hub_accounts
from coworking.ledger.models import AccountType, JournalEntry, LedgerAccount, Posting
from coworking.money import minor_digits
from coworking.spreadsheet import csv_line, safe_cell

ROOTS = {
    AccountType.ASSET.value: "Assets",
    AccountType.LIABILITY.value: "Liabilities",
    AccountType.EQUITY.value: "Equity",
    AccountType.INCOME.value: "Income",
    AccountType.EXPENSE.value: "Expenses",
}
BATCH = 2000
CSV_COLUMNS = ("entry_id", "date", "memo", "source", "account_code", "account_name", "debit", "credit", "currency")


def beancount_name(account: LedgerAccount) -> str:
    """``Assets:C1000-Bank``: Beancount's root by type, then the code and the name's words."""
    words = re.findall(r"[A-Za-z0-9]+", account.name)
    tail = "-".join(word[:1].upper() + word[1:] for word in words)[:60] or "Account"
    return f"{ROOTS[account.type]}:C{account.code}-{tail}"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ") + '"'


def _entries(hub: Hub, start: date | None, end: date | None) -> Iterator[tuple[sa.Row, list[sa.Row]]]:
    """Entries in date order with their postings, as plain rows read in batches (keyset), so
    the export's memory stays flat however long the books are."""
    query = sa.select(JournalEntry.id, JournalEntry.entry_date, JournalEntry.memo, JournalEntry.source_kind,
                      JournalEntry.source_id).where(JournalEntry.hub_id == hub.id)
    if start:
        query = query.where(JournalEntry.entry_date >= start)
    if end:
        query = query.where(JournalEntry.entry_date <= end)
    after: tuple[date, int] | None = None
    while True:
        page = query
        if after is not None:
            page = page.where(sa.or_(JournalEntry.entry_date > after[0],
                                     sa.and_(JournalEntry.entry_date == after[0], JournalEntry.id > after[1])))
        batch = db.session.execute(page.order_by(JournalEntry.entry_date, JournalEntry.id).limit(BATCH)).all()
        if not batch:
            return
        postings: dict[int, list[sa.Row]] = {row.id: [] for row in batch}
        for posting in db.session.execute(
                sa.select(Posting.entry_id, Posting.account_id, Posting.amount_minor)
                .where(Posting.entry_id.in_(list(postings))).order_by(Posting.id)):
            postings[posting.entry_id].append(posting)
        for row in batch:
            yield row, postings[row.id]
        after = (batch[-1].entry_date, batch[-1].id)


def decimal_text(amount_minor: int, digits: int) -> str:
    """-12345 with 2 digits -> '-123.45', without going through Decimal (the export's hot path)."""
    sign = "-" if amount_minor < 0 else ""
    whole, part = divmod(abs(amount_minor), 10 ** digits)
    return f"{sign}{whole}.{part:0{digits}d}" if digits else f"{sign}{whole}"


def beancount_lines(hub: Hub, *, start: date | None = None, end: date | None = None) -> Iterator[str]:
    accounts = {account.id: account for account in hub_accounts(hub)}
    currency = hub.currency
    yield f"option \"title\" {_quoted(hub.name)}\n"
    yield f"option \"operating_currency\" \"{currency}\"\n\n"
    opened = start or _first_date(hub) or date.today()
    for account in sorted(accounts.values(), key=lambda a: a.code):
        yield f"{opened.isoformat()} open {beancount_name(account)} {currency}\n"
    yield "\n"
    names = {account_id: beancount_name(account) for account_id, account in accounts.items()}
    digits = minor_digits(currency)
    for entry, postings in _entries(hub, start, end):
        lines = [f"{entry.entry_date.isoformat()} * {_quoted(entry.memo)}\n",
                 f"  source: {_quoted(f'{entry.source_kind}:{entry.source_id or entry.id}')}\n"]
        lines += [f"  {names[account_id]}  {decimal_text(amount, digits)} {currency}\n"
                  for _, account_id, amount in postings]
        lines.append("\n")
        yield "".join(lines)


def _first_date(hub: Hub) -> date | None:
    return db.session.scalar(sa.select(sa.func.min(JournalEntry.entry_date)).where(JournalEntry.hub_id == hub.id))


def csv_lines(hub: Hub, *, start: date | None = None, end: date | None = None) -> Iterator[str]:
    """A line per posting: debit and credit as positive amounts in their own columns."""
    accounts = {account.id: account for account in hub_accounts(hub)}
    digits = minor_digits(hub.currency)
    yield csv_line(CSV_COLUMNS)
    for entry, postings in _entries(hub, start, end):
        for posting in postings:
            account = accounts[posting.account_id]
            amount = decimal_text(abs(posting.amount_minor), digits)
            yield csv_line((entry.id, entry.entry_date.isoformat(), safe_cell(entry.memo), entry.source_kind,
                            account.code, safe_cell(account.name), amount if posting.amount_minor > 0 else "",
                            amount if posting.amount_minor < 0 else "", hub.currency))
