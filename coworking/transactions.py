"""The unit of work, and the SQLite transaction handling that makes check-then-write safe.

``unit_of_work()`` is the one commit boundary for pages, the API and the CLI: services flush but
never commit; the request (or command) commits once at the end and rolls back on any exception,
so everything one action changes (a booking, its mail in the outbox, later an invoice's number,
lines and journal entry) lands together or not at all.

pysqlite, left to itself, starts a transaction only at the first write, so a "check the slot
is free, then insert" sequence runs its check *outside* the write transaction and two
requests can both pass the check. Following SQLAlchemy's documented recipe we switch off
pysqlite's own transaction handling and emit BEGIN ourselves:

- a write path that checks before it writes calls ``ensure_write_lock`` first, which starts
  ``BEGIN IMMEDIATE``: the check and the write become one serialised transaction;
- any other write (or savepoint) starts ``BEGIN IMMEDIATE`` just before its first statement,
  waiting on ``busy_timeout`` for the lock instead of failing;
- reads outside a write run in autocommit, each seeing the latest committed data, as pysqlite's
  default did. (A deferred read transaction that later writes fails at once with "database is
  locked" when another connection wrote meanwhile; this avoids that trap.)

PostgreSQL needs none of this: its constraints and row locks do the work. Its connections
only plan every statement for its values (``_postgres_on_connect``).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, scoped_session

_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT")


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    """Foreign keys on, WAL so readers never block the writer, wait on locks, own BEGIN."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "connect")
def _postgres_on_connect(dbapi_connection, connection_record):
    """Plan each statement for its own values. psycopg prepares a statement run five times, and
    PostgreSQL may then switch to a generic plan: for a run's batch of members' bookings
    (``member_id = ANY(...)`` over a month) that plan took 150-200 ms against 25 ms."""
    if not type(dbapi_connection).__module__.startswith("psycopg"):
        return
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_custom_plan")
    dbapi_connection.commit()


def _begin_immediate_if_idle(dbapi_connection: sqlite3.Connection) -> None:
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN IMMEDIATE")


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_lock_before_writing(connection, cursor, statement, parameters, context, executemany):
    if connection.dialect.name == "sqlite" and statement.lstrip().upper().startswith(_WRITE_VERBS):
        _begin_immediate_if_idle(cursor.connection)


def ensure_write_lock(session: Session) -> None:
    """Hold the database's write lock from here to the commit, so a check and the write that
    depends on it cannot be interleaved with another writer. SQLite only; elsewhere a no-op."""
    if isinstance(session, scoped_session):
        session = session()
    if session.get_bind().dialect.name != "sqlite":
        return
    _begin_immediate_if_idle(session.connection().connection.dbapi_connection)


@contextmanager
def unit_of_work(*, write: bool = True) -> Iterator[None]:
    """One transaction: committed when the block ends, rolled back if anything inside raises.

    ``write=True`` (the default) takes SQLite's write lock first, so the reads and checks inside
    the block and the writes that depend on them are one serialised transaction.
    """
    from coworking.extensions import db

    if write:
        ensure_write_lock(db.session)
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def commit_if_possible() -> bool:
    """Commit bookkeeping that may be skipped (a link's or token's last use, a cached body): when
    the database is too busy to take it now, roll it back and let the next request try again."""
    from coworking.extensions import db

    try:
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        return False
    return True
