"""Column types shared by every area."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa


class UTCDateTime(sa.types.TypeDecorator):
    """An instant: stored in UTC, always returned timezone-aware.

    PostgreSQL keeps it as ``timestamptz``; SQLite has no time zones, so we store naive UTC and
    put the zone back on the way out. Naive datetimes are refused: they are a bug waiting to
    shift someone's booking by an hour.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


# The largest value an INTEGER column (our ids) holds: larger ids in a URL or body are "not found"
# rather than a database error (PostgreSQL refuses to compare them).
MAX_INTEGER = 2**31 - 1


class MinorUnits(sa.types.TypeDecorator):
    """An amount of money in integer minor units (pence, cents), its currency kept beside it.

    64-bit on PostgreSQL (BIGINT): invoice totals and ledger balances outgrow 32 bits in
    currencies with small units. SQLite's INTEGER is 64-bit already. Every amount column uses it.
    """

    impl = sa.BigInteger
    cache_ok = True

    def load_dialect_impl(self, dialect):
        # SQLite: plain INTEGER, which holds 64 bits (and keeps its tables free of a rebuild).
        return dialect.type_descriptor(sa.Integer() if dialect.name == "sqlite" else sa.BigInteger())


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
