"""SQLite transaction handling that makes check-then-write safe.

pysqlite, left to itself, starts a transaction only at the first write, so a "check the slot
is free, then insert" sequence runs its check *outside* the write transaction and two
requests can both pass the check. We follow SQLAlchemy's documented recipe: switch off
pysqlite's own transaction handling and emit BEGIN ourselves, as ``BEGIN IMMEDIATE`` when a
write path asks for the lock (``ensure_write_lock``), so the check and the write are one
serialised transaction. PostgreSQL needs none of this: its constraints do the work.
"""
from __future__ import annotations

import sqlite3
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

_want_immediate: ContextVar[bool] = ContextVar("sqlite_want_immediate", default=False)
WRITE_LOCKED = "sqlite_write_locked"
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")


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


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(connection):
    if connection.dialect.name != "sqlite":
        return
    immediate = _want_immediate.get()
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
    connection.info[WRITE_LOCKED] = immediate


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_note_writes(connection, cursor, statement, parameters, context, executemany):
    # Once a transaction has written, SQLite holds the write lock until it ends.
    if connection.dialect.name == "sqlite" and statement.lstrip().upper().startswith(_WRITE_VERBS):
        connection.info[WRITE_LOCKED] = True


def ensure_write_lock(session: Session) -> None:
    """Make the session's transaction a serialised write transaction before checking and writing.

    On SQLite: if the transaction so far only read, it is rolled back (nothing is lost; loaded
    objects reload) and begun again with BEGIN IMMEDIATE. Pending unflushed changes there would
    be lost, so that is refused as a programming error. On other databases: nothing to do.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.connection().info.get(WRITE_LOCKED):
            return
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("ensure_write_lock() called with unflushed changes in a read transaction")
        session.rollback()
    token = _want_immediate.set(True)
    try:
        session.connection()
    finally:
        _want_immediate.reset(token)
