"""Big, realistic booking data for the benchmarks, inserted in bulk (Core executemany).

A "bench" hub with 200 spaces (120 desks, 80 rooms) and a few smaller hubs in other time zones,
1,000 members, and bookings on every weekday nearest today first, so the first 10,000 rows cover
a few weeks around today and 100,000 rows about a year, at the same density: a bigger table means
more history, not busier days. Desks are booked for a full day or half days, rooms for one to two
hours on the half-hour grid; no two confirmed bookings of a space overlap; a few are cancelled.

Everything made here is named ``bench-...`` and removed again by ``remove_bench_data`` (the
PostgreSQL database of ``--database-url`` outlives the run; the temp SQLite file does not).
"""
from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from coworking.accounts.models import User
from coworking.bookings.models import Booking
from coworking.extensions import db
from coworking.hubs.models import Hub, Space
from coworking.hubs.services import create_hub
from coworking.ledger.models import JournalEntry, Posting, Receipt, Reinvestment
from coworking.mail import OutboxMessage
from coworking.timezones import combine_local, local_today
from coworking.types import utcnow

SLUG_PREFIX = "bench-"
EMAIL_DOMAIN = "bench.example"
MAIN_HUB = "bench-hub"
# (slug, time zone, desks, rooms)
HUBS = (
    (MAIN_HUB, "Europe/London", 120, 80),
    ("bench-berlin", "Europe/Berlin", 6, 4),
    ("bench-lisbon", "Europe/Lisbon", 6, 4),
    ("bench-new-york", "America/New_York", 6, 4),
)
MEMBERS = 1000
CANCELLED_SHARE = 0.04
OPENS, SPLIT, CLOSES = time(8, 0), time(13, 0), time(18, 0)
INSERT_CHUNK = 5000


@dataclass(frozen=True)
class SpaceRef:
    id: int
    hub_id: int
    kind: str
    timezone: str
    currency: str
    rate_minor: int  # daily for desks, hourly for rooms


@dataclass
class BenchData:
    hub_ids: dict[str, int]
    spaces: list[SpaceRef]
    member_ids: list[int]

    def space_ids(self, slug: str) -> list[int]:
        hub_id = self.hub_ids[slug]
        return [space.id for space in self.spaces if space.hub_id == hub_id]


# --- hubs, spaces, members --------------------------------------------------------------------

def create_bench_hubs(hubs=HUBS, members: int = MEMBERS) -> BenchData:
    """The bench hubs (open 08:00–18:00 on weekdays), their spaces and the members; committed."""
    hub_ids = {}
    for slug, zone_name, _, _ in hubs:
        hub = create_hub(slug, f"Bench {slug[len(SLUG_PREFIX):].replace('-', ' ').title()}", timezone=zone_name)
        db.session.flush()
        hub_ids[slug] = hub.id
    space_rows = []
    for slug, _, desks, rooms in hubs:
        space_rows += [
            {"hub_id": hub_ids[slug], "kind": "desk", "name": f"Desk {n:03d}", "capacity": 1,
             "hourly_rate_minor": 0, "daily_rate_minor": 1500, "amenities": [], "active": True}
            for n in range(1, desks + 1)
        ]
        space_rows += [
            {"hub_id": hub_ids[slug], "kind": "room", "name": f"Room {n:03d}", "capacity": 6,
             "hourly_rate_minor": 2000, "daily_rate_minor": 12000, "amenities": [], "active": True}
            for n in range(1, rooms + 1)
        ]
    db.session.execute(sa.insert(Space.__table__), space_rows)
    now = utcnow()
    db.session.execute(sa.insert(User.__table__), [
        # "!" is no password hash at all: nobody can log in as a bench member.
        {"email": f"member{n:04d}@{EMAIL_DOMAIN}", "name": f"Bench Member {n}", "password_hash": "!",
         "active": True, "is_admin": False, "created_at": now}
        for n in range(1, members + 1)
    ])
    db.session.commit()
    return load_bench_data()


def load_bench_data() -> BenchData:
    hubs = list(db.session.scalars(sa.select(Hub).where(Hub.slug.startswith(SLUG_PREFIX))))
    by_id = {hub.id: hub for hub in hubs}
    spaces = db.session.scalars(
        sa.select(Space).where(Space.hub_id.in_(by_id)).order_by(Space.hub_id, Space.id)
    )
    refs = [
        SpaceRef(space.id, space.hub_id, space.kind, by_id[space.hub_id].timezone, by_id[space.hub_id].currency,
                 space.daily_rate_minor if space.kind == "desk" else space.hourly_rate_minor)
        for space in spaces
    ]
    member_ids = list(db.session.scalars(
        sa.select(User.id).where(User.email.endswith("@" + EMAIL_DOMAIN)).order_by(User.id)
    ))
    return BenchData({hub.slug: hub.id for hub in hubs}, refs, member_ids)


def remove_bench_data() -> None:
    """Delete every bench hub (its spaces and bookings go with it), member and outbox message."""
    hub_ids = list(db.session.scalars(sa.select(Hub.id).where(Hub.slug.startswith(SLUG_PREFIX))))
    if hub_ids:
        space_ids = sa.select(Space.id).where(Space.hub_id.in_(hub_ids))
        # Explicitly, not by cascade: SQLite deletes cascaded rows one trigger-checked row at a time.
        db.session.execute(sa.delete(Booking).where(Booking.space_id.in_(space_ids)))
        remove_books(hub_ids)
        db.session.execute(sa.delete(Hub).where(Hub.id.in_(hub_ids)))
    bench_users = sa.select(User.id).where(User.email.endswith("@" + EMAIL_DOMAIN))
    db.session.execute(sa.delete(Booking).where(Booking.member_id.in_(bench_users)))
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.to_address.endswith("@" + EMAIL_DOMAIN)))
    db.session.execute(sa.delete(User).where(User.email.endswith("@" + EMAIL_DOMAIN)))
    db.session.commit()


def remove_books(hub_ids: list[int]) -> None:
    """The hubs' ledger (issued invoices post to it), its append-only triggers set aside."""
    entry_ids = sa.select(JournalEntry.id).where(JournalEntry.hub_id.in_(hub_ids))
    with append_only_set_aside():
        db.session.execute(sa.delete(Reinvestment).where(Reinvestment.entry_id.in_(entry_ids)))
        db.session.execute(sa.delete(Receipt).where(Receipt.entry_id.in_(entry_ids)))
        db.session.execute(sa.delete(Posting).where(Posting.hub_id.in_(hub_ids)))
        db.session.execute(sa.delete(JournalEntry).where(JournalEntry.hub_id.in_(hub_ids)))


class append_only_set_aside:
    """The ledger's append-only triggers set aside for the bench's own clean-up."""

    TABLES = ("journal_entries", "ledger_postings", "ledger_reinvestments")

    def __enter__(self):
        if db.engine.dialect.name == "sqlite":
            self.saved = db.session.execute(sa.text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%frozen%'")).all()
            for name, _ in self.saved:
                db.session.execute(sa.text(f"DROP TRIGGER {name}"))
        else:
            for table in self.TABLES:
                db.session.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))

    def __exit__(self, *exc):
        if db.engine.dialect.name == "sqlite":
            for _, definition in self.saved:
                db.session.execute(sa.text(definition))
        else:
            for table in self.TABLES:
                db.session.execute(sa.text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


# --- bookings -----------------------------------------------------------------------------------

def weekdays_nearest(today: date) -> Iterator[date]:
    """today, the day after, the day before, two after, ... skipping weekends."""
    for offset in range(0, 3660):
        for day in ((today + timedelta(days=offset),) if offset == 0 else
                    (today + timedelta(days=offset), today - timedelta(days=offset))):
            if day.weekday() < 5:
                yield day


def desk_day(rng: random.Random) -> list[tuple[time, time]]:
    """A desk's bookings on one day: about 1.1 on average."""
    roll = rng.random()
    if roll < 0.45:
        return [(OPENS, CLOSES)]
    if roll < 0.70:
        return [(OPENS, SPLIT), (SPLIT, CLOSES)]
    if roll < 0.85:
        return [rng.choice([(OPENS, SPLIT), (SPLIT, CLOSES)])]
    return []


def room_day(rng: random.Random) -> list[tuple[time, time]]:
    """A room's bookings on one day: one to two hours each, gaps between, about 2.5 on average."""
    slots, cursor = [], 8 * 60
    while True:
        start = cursor + rng.choice((0, 30, 60, 120, 180, 240))
        end = start + rng.choice((60, 90, 120))
        if end > 18 * 60:
            return slots
        slots.append((time(start // 60, start % 60), time(end // 60, end % 60)))
        cursor = end


def booking_rows(data: BenchData, count: int, *, seed: int = 2026) -> list[dict]:
    """``count`` booking rows, the days nearest today first (so any prefix is a denser centre)."""
    rng = random.Random(seed)
    now = utcnow()
    rows: list[dict] = []
    instants: dict[tuple[date, time, str], datetime] = {}

    def instant(day: date, at: time, zone_name: str) -> datetime:
        key = (day, at, zone_name)
        if key not in instants:
            instants[key] = combine_local(day, at, zone_name)
        return instants[key]

    for day in weekdays_nearest(local_today("Europe/London")):
        for space in data.spaces:
            for start, end in (desk_day(rng) if space.kind == "desk" else room_day(rng)):
                starts_at, ends_at = instant(day, start, space.timezone), instant(day, end, space.timezone)
                rows.append(booking_row(space, rng.choice(data.member_ids), starts_at, ends_at, now, rng))
                if len(rows) == count:
                    return rows
    return rows


def booking_row(space: SpaceRef, member_id: int, starts_at: datetime, ends_at: datetime, now: datetime, rng,
                cancelled_share: float = CANCELLED_SHARE) -> dict:
    """One bookings row as the app would store it: priced, created before it starts."""
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    if space.kind == "room":
        price = space.rate_minor * minutes // 60
    else:
        price = space.rate_minor if minutes > 6 * 60 else space.rate_minor // 2
    created = min(starts_at - timedelta(days=rng.randint(1, 30)), now)
    cancelled = rng.random() < cancelled_share
    return {
        "space_id": space.id, "member_id": member_id, "booked_by_id": member_id, "series_id": None,
        "purpose": "booking", "starts_at": starts_at, "ends_at": ends_at,
        "status": "cancelled" if cancelled else "confirmed", "price_minor": price,
        "currency": space.currency, "allowance_used_minutes": 0, "note": "", "overridden_rules": [],
        "created_at": created, "updated_at": created, "cancelled_at": created if cancelled else None,
        "cancelled_by_id": member_id if cancelled else None, "cancel_reason": "", "sequence": int(cancelled),
    }


def insert_bookings(rows: list[dict]) -> None:
    """Bulk insert (executemany in chunks), then refresh the planner's statistics.

    Latest first: SQLite's overlap trigger looks at a space's bookings that start before the new
    one ends, so inserting history in time order would make each insert scan all earlier ones.
    """
    table = Booking.__table__
    rows = sorted(rows, key=lambda row: row["starts_at"], reverse=True)
    for offset in range(0, len(rows), INSERT_CHUNK):
        db.session.execute(sa.insert(table), rows[offset:offset + INSERT_CHUNK])
    db.session.commit()
    analyze()


def analyze() -> None:
    """Planner statistics, as autovacuum (PostgreSQL) or ``PRAGMA optimize`` (SQLite) keep them."""
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
