"""What the ledger's lists read: a hub's entries between two dates, newest first, with their
postings and accounts loaded together (a page costs the same statements however many)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coworking.hubs.models import Hub
from coworking.ledger.models import JournalEntry, Posting


def entries_query(hub: Hub, *, start: date | None = None, end: date | None = None) -> sa.Select:
    query = (sa.select(JournalEntry).where(JournalEntry.hub_id == hub.id)
             .options(selectinload(JournalEntry.postings).selectinload(Posting.account))
             .order_by(JournalEntry.entry_date.desc(), JournalEntry.id.desc()))
    if start is not None:
        query = query.where(JournalEntry.entry_date >= start)
    if end is not None:
        query = query.where(JournalEntry.entry_date <= end)
    return query
