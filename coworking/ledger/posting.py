"""Writing to the books: one balanced journal entry at a time, never in a closed period;
corrections as reversing entries. Billing calls ``post_entry`` in its own transaction, so an
invoice and its entry commit or roll back together.

Lines name their account by role (``"bank"``, ``"income_membership"``) or give the account.
Amounts are signed minor units, debit positive; lines that come to zero are left out."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa

from coworking.accounts.models import User
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.ledger.chart import role_account_ids
from coworking.ledger.errors import LedgerError
from coworking.ledger.models import ClosedPeriod, JournalEntry, LedgerAccount, Posting

Line = tuple["str | LedgerAccount", int]
CLOSED_CACHE = "ledger_closed_periods"
PENDING_POSTINGS = "ledger_pending_postings"  # (entry, [(account id, amount)]) until the entry's flush


def post_entry(
    hub: Hub,
    *,
    on: date,
    memo: str,
    lines: Iterable[Line],
    source_kind: str = "manual",
    source_id: int | None = None,
    by: User | None = None,
    flush: bool = True,
) -> JournalEntry:
    """A new balanced entry. Refuses an empty or unbalanced one, or a date in a closed period.

    The postings are written right after the entry, by the flush that writes it, in one
    statement with every other entry's of that flush (``write_pending_postings``): a run's
    batch of invoices writes its thousand postings at once, not as a thousand ORM objects.

    :param flush: write it now (its id is wanted); billing leaves it to its own flush.
    """
    by_role = role_account_ids(hub)
    postings = [(account_id(hub, by_role, account), amount) for account, amount in lines if amount]
    if len(postings) < 2:
        raise LedgerError("An entry needs at least two accounts with an amount.", field="lines")
    if sum(amount for _, amount in postings) != 0:
        raise LedgerError("Debits and credits must be equal.", field="lines")
    check_period_open(hub, on)
    entry = JournalEntry(hub_id=hub.id, entry_date=on, memo=memo.strip()[:300] or "Entry",
                         currency=hub.currency, source_kind=source_kind, source_id=source_id,
                         created_by_id=by.id if by else None)
    db.session.add(entry)
    db.session.info.setdefault(PENDING_POSTINGS, []).append((entry, postings))
    if flush:
        db.session.flush()
    return entry


def write_pending_postings(session, _flush_context=None) -> None:
    """After a flush: the postings of the entries it wrote (their ids now known), in one
    executemany. Entries the flush left out stay pending for the next one."""
    pending = session.info.pop(PENDING_POSTINGS, None)
    if not pending:
        return
    rows, waiting = [], []
    for entry, postings in pending:
        if entry.id is None:
            waiting.append((entry, postings))
            continue
        rows += [{"entry_id": entry.id, "hub_id": entry.hub_id, "account_id": account, "entry_date": entry.entry_date,
                  "amount_minor": amount} for account, amount in postings]
    if waiting:
        session.info[PENDING_POSTINGS] = waiting
    if rows:
        session.connection().execute(Posting.__table__.insert(), rows)


def account_id(hub: Hub, by_role: dict[str, int], account: str | LedgerAccount) -> int:
    if isinstance(account, LedgerAccount):
        if account.hub_id != hub.id:
            raise LedgerError("That account belongs to another hub.", field="account", status=403)
        return account.id
    return by_role[account]


def reverse_entry(entry: JournalEntry, *, on: date, by: User | None = None, memo: str = "") -> JournalEntry:
    """The correction of an entry: the same postings with the opposite sign, dated in an open
    period. An entry is reversed once."""
    already = db.session.scalar(sa.select(JournalEntry.id).where(JournalEntry.reverses_id == entry.id))
    if already:
        raise LedgerError("This entry has already been reversed.", field="entry", status=409)
    if entry.reverses_id is not None:
        raise LedgerError("A reversal cannot itself be reversed; make a new entry.", field="entry", status=409)
    hub = db.session.get(Hub, entry.hub_id)
    check_period_open(hub, on)
    reversal = JournalEntry(hub_id=entry.hub_id, entry_date=on, memo=memo or f"Reversal of: {entry.memo}"[:300],
                            currency=entry.currency, source_kind="reversal", reverses_id=entry.id,
                            created_by_id=by.id if by else None)
    db.session.add(reversal)
    db.session.flush()
    db.session.add_all(Posting(entry_id=reversal.id, hub_id=entry.hub_id, account_id=p.account_id,
                               entry_date=on, amount_minor=-p.amount_minor) for p in entry.postings)
    db.session.flush()
    return reversal


def source_entry(hub: Hub, source_kind: str, source_id: int) -> JournalEntry | None:
    return db.session.scalar(sa.select(JournalEntry).where(
        JournalEntry.hub_id == hub.id, JournalEntry.source_kind == source_kind,
        JournalEntry.source_id == source_id))


# --- closed periods -----------------------------------------------------------------------------

def closing_period(hub: Hub, day: date) -> ClosedPeriod | None:
    return db.session.scalar(sa.select(ClosedPeriod).where(
        ClosedPeriod.hub_id == hub.id, ClosedPeriod.starts_on <= day, ClosedPeriod.ends_on >= day).limit(1))


def closed_ranges(hub: Hub) -> list[tuple[date, date]]:
    """The hub's closed periods, read once per transaction (``integrity`` drops the cache)."""
    cache = db.session.info.setdefault(CLOSED_CACHE, {})
    if hub.id not in cache:
        cache[hub.id] = db.session.execute(sa.select(ClosedPeriod.starts_on, ClosedPeriod.ends_on)
                                           .where(ClosedPeriod.hub_id == hub.id)).tuples().all()
    return cache[hub.id]


def check_period_open(hub: Hub, day: date) -> None:
    for starts_on, ends_on in closed_ranges(hub):
        if starts_on <= day <= ends_on:
            raise LedgerError(
                f"The books from {starts_on:%-d %b %Y} to {ends_on:%-d %b %Y} are closed: "
                "date the entry in an open period (a correction is a reversal there).", field="entry_date")


def close_period(hub: Hub, *, starts_on: date, ends_on: date, today: date, by: User | None = None) -> ClosedPeriod:
    """Close a month or a year that has ended."""
    if ends_on >= today:
        raise LedgerError("Only a period that has ended can be closed.", field="period")
    if closing_period(hub, starts_on) and closing_period(hub, ends_on):
        raise LedgerError("That period is already closed.", field="period", status=409)
    closed = ClosedPeriod(hub_id=hub.id, starts_on=starts_on, ends_on=ends_on, closed_by_id=by.id if by else None)
    db.session.add(closed)
    db.session.flush()
    db.session.info.get(CLOSED_CACHE, {}).pop(hub.id, None)
    return closed
