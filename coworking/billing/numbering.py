"""Gap-free, duplicate-free document numbers, and the head of each series' hash chain.

A database sequence is not gap-free (a rolled-back transaction loses its value), so a number
comes from a counter row (``NumberCounter``) locked and incremented inside the issuing
transaction: a rollback takes the increment back with everything else, and a second issuer
waits on the lock until the first commits. Numbers restart at 1 each year (the issue date's
year in the hub's zone); the hash chain runs on across years, so its head is a row of its own
per series (hub, kind): the counter row of ``year`` 0, which is locked first, before the
year's row, by every issuer of the series (one lock order: no deadlock).

PostgreSQL: each row is made when missing by ``INSERT ... ON CONFLICT DO NOTHING`` and then
locked by ``SELECT ... FOR UPDATE``. SQLite has no row locks: ``ensure_write_lock`` holds the
database's one write lock from the first read to the commit, which serialises issuers.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from coworking.billing.models import DocumentKind, NumberCounter
from coworking.extensions import db
from coworking.transactions import ensure_write_lock

CHAIN_HEAD_YEAR = 0  # the counter row that holds a series' last hash, across years


@dataclass(frozen=True)
class Allocated:
    """A number given to a document, and the hash of the document before it in its series."""

    year: int
    sequence_number: int
    number: str
    previous_hash: str | None
    head: NumberCounter


def format_number(prefix: str, kind: str, year: int, sequence_number: int) -> str:
    """RIV-2026-00042 for invoices, RIV-CN-2026-00007 for credit notes."""
    series = f"{prefix}-CN" if kind == DocumentKind.CREDIT_NOTE.value else prefix
    return f"{series}-{year}-{sequence_number:05d}"


def allocate_number(hub, kind: str, year: int) -> Allocated:
    """Lock the series and take its next number; the caller's transaction must go on to
    issue the document and call ``record_hash`` (or roll back, which gives the number back)."""
    ensure_write_lock(db.session)
    head = _locked_counter(hub.id, kind, CHAIN_HEAD_YEAR)
    counter = _locked_counter(hub.id, kind, year)
    counter.last_number += 1
    db.session.flush()
    return Allocated(year, counter.last_number, format_number(hub.invoice_prefix, kind, year, counter.last_number),
                     head.last_hash, head)


def record_hash(allocated: Allocated, content_hash: str) -> None:
    """The issued document is now the last link of its series' chain."""
    allocated.head.last_hash = content_hash
    db.session.flush()


def chain_head(hub_id: int, kind: str) -> str | None:
    """The hash of the last document issued in the series (read, not locked)."""
    return db.session.scalar(sa.select(NumberCounter.last_hash).where(
        NumberCounter.hub_id == hub_id, NumberCounter.kind == kind, NumberCounter.year == CHAIN_HEAD_YEAR))


def _locked_counter(hub_id: int, kind: str, year: int) -> NumberCounter:
    _insert_if_missing(hub_id, kind, year)
    query = (
        sa.select(NumberCounter)
        .where(NumberCounter.hub_id == hub_id, NumberCounter.kind == kind, NumberCounter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(query).one()


def _insert_if_missing(hub_id: int, kind: str, year: int) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(NumberCounter).values(hub_id=hub_id, kind=kind, year=year, last_number=0)
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["hub_id", "kind", "year"]))
