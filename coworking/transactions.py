"""SQLite transaction handling that makes check-then-write safe.

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

PostgreSQL needs none of this: its constraints and row locks do the work.
"""
from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine
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
