"""The database's side of "every entry balances": PostgreSQL checks it with a deferred
constraint trigger (migration 0011); SQLite has no deferred triggers, so the session checks the
entries it wrote just before it commits. Either way an unbalanced entry never commits, whatever
wrote it."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from coworking.ledger.chart import ROLE_IDS_CACHE
from coworking.ledger.errors import LedgerError
from coworking.ledger.models import JournalEntry, Posting
from coworking.ledger.posting import CLOSED_CACHE, PENDING_POSTINGS, write_pending_postings

NEW_ENTRIES = "ledger_new_entries"
# What posting reads once per transaction (accounts by role, closed periods): dropped when the
# transaction ends, or a savepoint rolls back, so nothing outlives what it was read in.
TRANSACTION_CACHES = (ROLE_IDS_CACHE, CLOSED_CACHE, PENDING_POSTINGS)


def _remember_new_entries(session: Session, flush_context) -> None:
    # In after_flush, session.new still lists what the flush just inserted, ids assigned.
    new = [obj.id for obj in session.new if isinstance(obj, JournalEntry)]
    if new:
        session.info.setdefault(NEW_ENTRIES, set()).update(new)


def _check_balanced(session: Session) -> None:
    entry_ids = session.info.pop(NEW_ENTRIES, None)
    if not entry_ids or session.get_bind().dialect.name != "sqlite":
        return
    session.flush()
    unbalanced = session.execute(
        sa.select(Posting.entry_id).where(Posting.entry_id.in_(entry_ids))
        .group_by(Posting.entry_id).having(sa.func.sum(Posting.amount_minor) != 0).limit(1)
    ).scalar()
    if unbalanced is not None:
        raise LedgerError(f"Journal entry {unbalanced} does not balance.", field="lines")


def _forget(session: Session, *_) -> None:
    session.info.pop(NEW_ENTRIES, None)


def _forget_caches(session: Session, *_) -> None:
    for key in TRANSACTION_CACHES:
        session.info.pop(key, None)


def install(session_class=Session) -> None:
    if not event.contains(session_class, "before_commit", _check_balanced):
        event.listen(session_class, "after_flush", _remember_new_entries)
        event.listen(session_class, "after_flush", write_pending_postings)
        event.listen(session_class, "before_commit", _check_balanced)
        event.listen(session_class, "after_rollback", _forget)
        event.listen(session_class, "after_commit", _forget_caches)
        event.listen(session_class, "after_soft_rollback", _forget_caches)
