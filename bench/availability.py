"""Availability of one hub-day in-process (200 spaces; 10,000 then 100,000 bookings), with its query plan.

``coworking.bookings.availability.availability(hub, day)`` is what the grid page and the
availability API call. Each call gets a fresh session (as a request does) and the hub loaded before the clock starts; the
call itself loads the spaces, the day's bookings, the opening hours and the closures. Days are
weekdays drawn at random: from the few weeks the 10,000 bookings cover (measured at both sizes,
so only the table's size differs), and, at 100,000, from the whole year.
"""
from __future__ import annotations

import gc
import random
import time
from contextlib import contextmanager
from datetime import date

import sqlalchemy as sa

from bench.common import Bench, Note, Timing, progress, timed
from bench.seeding import (
    MAIN_HUB,
    BenchData,
    booking_rows,
    create_bench_hubs,
    insert_bookings,
    remove_bench_data,
)
from coworking.bookings.availability import availability
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.timezones import utc_to_local

SMALL, LARGE = 10_000, 100_000
CALLS = 300
WARMUP_CALLS = 20


def run(bench: Bench) -> list:
    results: list = []
    with bench.app():
        remove_bench_data()  # a run stopped half-way on PostgreSQL leaves its rows behind
        try:
            data = create_bench_hubs()
            rows = booking_rows(data, LARGE)
            near_days, year_days = weekdays_of(rows[:SMALL]), weekdays_of(rows)
            seed(rows[:SMALL])
            results += measure(data, near_days, f"{SMALL:,} bookings, days in their weeks")
            results.append(plan_note(data, near_days[len(near_days) // 2], SMALL))
            seed(rows[SMALL:])
            del rows
            results += measure(data, near_days, f"{LARGE:,} bookings, the same days")
            results += measure(data, year_days, f"{LARGE:,} bookings, days across the year")
            results.append(plan_note(data, near_days[len(near_days) // 2], LARGE))
        finally:
            gc.unfreeze()
            db.session.rollback()
            remove_bench_data()
    return results


def seed(rows: list[dict]) -> None:
    call = timed(insert_bookings, rows)
    progress(f"Inserted {len(rows):,} bookings in {call.seconds:.1f}s")
    # The seeding's own objects (100,000 row dicts) would make every full garbage collection
    # slow, which a server process never pays: set them aside from the collector.
    gc.collect()
    gc.freeze()


def weekdays_of(rows: list[dict]) -> list[date]:
    """The local days (London) the rows cover, in order."""
    return sorted({utc_to_local(row["starts_at"], "Europe/London").date() for row in rows})


def fresh_hub(hub_id: int) -> Hub:
    db.session.remove()
    return db.session.get(Hub, hub_id)


def measure(data: BenchData, days: list[date], context: str) -> list[Timing]:
    rng = random.Random(len(days))
    hub_id = data.hub_ids[MAIN_HUB]
    for day in rng.choices(days, k=WARMUP_CALLS):
        availability(fresh_hub(hub_id), day)
    calls, bookings_seen = [], 0
    for day in rng.choices(days, k=CALLS):
        hub = fresh_hub(hub_id)
        call = timed(availability, hub, day)
        calls.append(call)
        bookings_seen += sum(len(space_day.bookings) for space_day in call.result.spaces)
        assert len(call.result.spaces) == len(data.space_ids(MAIN_HUB))
    progress(f"availability, {context}: {CALLS} calls, {bookings_seen / CALLS:.0f} bookings per day")
    return [Timing.of("availability(hub, day): 200 spaces", calls,
                      f"{context} ({bookings_seen / CALLS:.0f} confirmed bookings per day)")]


# --- the query plan ---------------------------------------------------------------------------

@contextmanager
def captured_statements():
    """The SQL statements (and their parameters) the app sends while the block runs."""
    statements: list[tuple[str, object]] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def plan_note(data: BenchData, day: date, size: int) -> Note:
    """The database's plan for the exact bookings query availability() sends."""
    hub = fresh_hub(data.hub_ids[MAIN_HUB])
    with captured_statements() as statements:
        availability(hub, day)
    statement, parameters = next((s, p) for s, p in statements if "FROM bookings" in s)
    dialect = db.engine.dialect.name
    explain = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) "
    with db.engine.connect() as connection:
        plan_rows = connection.exec_driver_sql(explain + statement, parameters).all()
    if dialect == "sqlite":
        plan = "\n".join(f"{row[0]:>3} {row[1]:>3}  {row[3]}" for row in plan_rows)
    else:
        plan = "\n".join(row[0] for row in plan_rows)
    started = time.strftime("%Y-%m-%d")
    return Note(f"Query plan on {dialect}, {size:,} bookings, {day} (run {started})", f"{statement}\n\n{plan}")
