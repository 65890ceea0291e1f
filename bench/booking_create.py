"""Booking creation in-process, one after another, each as a request makes it: load, book, commit.

Every booking is ``operations.book_space`` for an hour of one of 20 rooms, for one of 100 members
(each well under the hub's limit of active bookings), on the coming weekdays, with a fresh
session, the space and the member loaded, and a commit, as the booking page and the API do.
The rules, the insert (whose constraint or trigger is the overlap check) and the confirmation
email (with its .ics) are all counted. A second pass under cProfile says where the time goes.
"""
from __future__ import annotations

import cProfile
import pstats
from collections.abc import Iterator
from datetime import datetime, time, timedelta

from bench.common import Bench, Note, Timing, progress, timed
from bench.seeding import create_bench_hubs, remove_bench_data
from coworking.accounts.models import User
from coworking.bookings.operations import book_space
from coworking.extensions import db
from coworking.hubs.models import Space
from coworking.timezones import combine_local, local_today

HUB = ("bench-create", "Europe/London", 0, 20)
MEMBERS = 100
BOOKINGS = 600
WARMUP = 30
PROFILED = 200

# Where a booking's time goes: (label, function as cProfile names it).
PARTS = (
    ("load the space and the member", ("booking_create.py", "load")),
    ("book_space", ("operations.py", "book_space")),
    ("  the rules' inputs (attempt_for)", ("operations.py", "attempt_for")),
    ("    active_booking_count", ("queries.py", "active_booking_count")),
    ("  the rules themselves (broken_rules)", ("rules.py", "broken_rules")),
    ("  price_for", ("pricing.py", "price_for")),
    ("  insert in a savepoint, the overlap check (insert_booking)", ("operations.py", "insert_booking")),
    ("  confirmation email (queue_confirmation)", ("notifications.py", "queue_confirmation")),
    ("    the .ics (booking_ics)", ("ical.py", "booking_ics")),
    ("effective_policy, every call", ("policy.py", "effective_policy")),
    ("commit", ("booking_create.py", "commit")),
)


def run(bench: Bench) -> list:
    with bench.app():
        remove_bench_data()
        try:
            data = create_bench_hubs(hubs=(HUB,), members=MEMBERS)
            slots = hour_slots(data.spaces[0].timezone, [space.id for space in data.spaces])
            members = data.member_ids
            for number in range(WARMUP):
                book_as_a_request(*next(slots), members[number % len(members)])
            calls = [timed(book_as_a_request, *next(slots), members[number % len(members)])
                     for number in range(BOOKINGS)]
            progress(f"booking creation: {BOOKINGS} bookings, {BOOKINGS / sum(c.seconds for c in calls):.0f}/s")
            profile = cProfile.Profile()
            profile.enable()
            for number in range(PROFILED):
                book_as_a_request(*next(slots), members[number % len(members)])
            profile.disable()
        finally:
            db.session.rollback()
            remove_bench_data()
    return [
        Timing.of("book_space + commit, one after another", calls,
                  f"20 rooms, 100 members, an hour each, {BOOKINGS} bookings", rate=True),
        Note(f"Where a booking's time goes ({db_name(bench)}, cProfile over {PROFILED} bookings; "
             "the profiler's overhead inflates every part alike)", breakdown(profile, PROFILED)),
    ]


def db_name(bench: Bench) -> str:
    return "PostgreSQL" if bench.database_url.startswith("postgres") else "SQLite"


def hour_slots(zone_name: str, space_ids: list[int]) -> Iterator[tuple[int, datetime, datetime]]:
    """(space id, start, end): each room's hours 08:00–18:00 on the weekdays from the day after
    tomorrow, filling one hour across all rooms before the next."""
    day = local_today(zone_name) + timedelta(days=2)
    while True:
        if day.weekday() < 5:
            for hour in range(8, 18):
                starts_at = combine_local(day, time(hour), zone_name)
                ends_at = combine_local(day, time(hour + 1), zone_name)
                for space_id in space_ids:
                    yield space_id, starts_at, ends_at
        day += timedelta(days=1)


def book_as_a_request(space_id: int, starts_at: datetime, ends_at: datetime, member_id: int) -> None:
    db.session.remove()
    space, member = load(space_id, member_id)
    book_space(space, member, starts_at, ends_at, booked_by=member)
    commit()


def load(space_id: int, member_id: int) -> tuple[Space, User]:
    return db.session.get(Space, space_id), db.session.get(User, member_id)


def commit() -> None:
    db.session.commit()


def breakdown(profile: cProfile.Profile, count: int) -> str:
    """Cumulative time per booking of the parts in PARTS, and the calls each makes per booking."""
    stats = pstats.Stats(profile).stats
    total = sum(timing[3] for (file, _, name), timing in stats.items() if name == "book_as_a_request")
    lines = [f"{'per booking, under cProfile':<52} {'ms':>7} {'share':>6} {'calls':>6}",
             f"{'whole request (load, book_space, commit)':<52} {1000 * total / count:7.2f} {'100%':>6} {1:6d}"]
    for label, (file_end, function) in PARTS:
        found = [(timing[1], timing[3]) for (file, _, name), timing in stats.items()
                 if name == function and file.endswith(file_end)]
        calls = sum(calls for calls, _ in found)
        seconds = sum(seconds for _, seconds in found)
        lines.append(f"{label:<52} {1000 * seconds / count:7.2f} {seconds / total:6.0%} {calls / count:6.1f}")
    return "\n".join(lines)
