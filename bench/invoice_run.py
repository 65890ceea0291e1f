"""The monthly invoice run and issuing for a hub of 10,000 members with five billable items
each, in-process, with the memory it needed.

Each member has a membership (its fee), a 10% concession (its own negative line) and three
pay-as-you-go room bookings in last month: 50,000 items. ``billing.runs.run_period`` makes the
10,000 drafts (reading 200 members at a time, a transaction per batch), then a second run of
the same month finds nothing new, then ``billing.issuing.issue_drafts`` numbers and freezes
them all. Memory: the process's resident size is sampled every 50 ms during each call, and its
peak above the size before the call is reported: bounded means near one batch's worth (200
members), not the whole hub's.

Set ``BENCH_INVOICE_MEMBERS`` for a smaller hub while trying things out, and
``BENCH_INVOICE_ISSUE=0`` to time the run alone.
"""
from __future__ import annotations

import os
import random
import threading
from datetime import time

import sqlalchemy as sa

from bench.billable_items import bench_manager
from bench.common import Bench, Note, Timing, progress, timed
from bench.seeding import booking_row, create_bench_hubs, insert_bookings, remove_bench_data
from coworking.billing.issuing import issue_drafts
from coworking.billing.models import Invoice, InvoiceLine, NumberCounter
from coworking.billing.runs import run_period
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.memberships.models import Concession, Membership
from coworking.memberships.periods import Period
from coworking.memberships.plans import create_plan
from coworking.timezones import combine_local, local_today
from coworking.types import utcnow

MEMBERS = int(os.environ.get("BENCH_INVOICE_MEMBERS", "10000"))
ISSUE = os.environ.get("BENCH_INVOICE_ISSUE", "1") != "0"  # 0: the run alone
BOOKINGS_EACH = 3
HOURS = range(8, 18)
HUB = ("bench-invoices", "Europe/London", 0, 0)  # rooms added to fit the bookings


def run(bench: Bench) -> list:
    with bench.app():
        remove_invoices()
        remove_bench_data()
        try:
            period, hub_id, items = seed()
            runs, issues, memory = measure(hub_id, period)
            context = f"{MEMBERS:,} members, {items:,} items"
            return [
                Timing.of("run_period (first run: every draft and line)", [runs[0]], context),
                Timing.of("run_period again (nothing new)", [runs[1]], context),
                Timing.of("issue_drafts (number, hash, freeze each)", [issues], f"{MEMBERS:,} drafts"),
                Note("Invoice run: memory", memory),
            ]
        finally:
            db.session.rollback()
            remove_invoices()
            remove_bench_data()


def seed() -> tuple[Period, int, int]:
    period = Period.of(local_today(HUB[1])).plus(-1)
    weekdays = [day for day in period.dates() if day.weekday() < 5]
    slots_per_room = len(weekdays) * len(HOURS)
    rooms = -(-MEMBERS * BOOKINGS_EACH // slots_per_room)
    data = create_bench_hubs(hubs=((HUB[0], HUB[1], 0, rooms),), members=MEMBERS)
    hub_id = data.hub_ids[HUB[0]]
    hub = db.session.get(Hub, hub_id)
    hub.vat_number, hub.invoice_prefix = "GB999999973", "BEN"
    plan = create_plan(hub, by=bench_manager(hub), name="Bench desk", monthly_price_minor=12_000, vat_rate_bp=2000)
    starts_on = period.first_day.replace(year=period.year - 1)
    db.session.execute(sa.insert(Membership), [
        {"hub_id": hub_id, "member_id": member_id, "plan_id": plan.id, "starts_on": starts_on, "approved_at": utcnow()}
        for member_id in data.member_ids])
    membership_ids = db.session.scalars(sa.select(Membership.id).where(Membership.hub_id == hub_id)).all()
    db.session.execute(sa.insert(Concession), [
        {"membership_id": membership_id, "percent_bp": 1000, "currency": "GBP", "reason": "Bench", "starts_on": starts_on}
        for membership_id in membership_ids])
    db.session.commit()
    insert_bookings(booking_rows(data, weekdays, period))
    progress(f"invoice run: {MEMBERS:,} members, {rooms} rooms, {MEMBERS * BOOKINGS_EACH:,} bookings in {period}")
    return period, hub_id, MEMBERS * (2 + BOOKINGS_EACH)


def booking_rows(data, weekdays, period: Period) -> list[dict]:
    rng, now = random.Random(2026), utcnow()
    slots = ((space, day, hour) for day in weekdays for hour in HOURS for space in data.spaces)
    rows = []
    for member_id in data.member_ids:
        for _ in range(BOOKINGS_EACH):
            space, day, hour = next(slots)
            row = booking_row(space, member_id, combine_local(day, time(hour), HUB[1]),
                              combine_local(day, time(hour + 1), HUB[1]), now, rng, cancelled_share=0)
            rows.append(row)
    return rows


def measure(hub_id: int, period: Period):
    db.session.remove()
    first, first_growth = with_peak_memory(run_period, db.session.get(Hub, hub_id), period)
    progress(f"invoice run: {first.result.summary()} in {first.seconds:.1f}s ({first.cpu_seconds:.1f}s CPU)")
    again = timed(run_period, db.session.get(Hub, hub_id), period)
    db.session.remove()
    issued, issued_growth = with_peak_memory(issue_drafts if ISSUE else lambda *_: 0, db.session.get(Hub, hub_id), period)
    progress(f"invoice run: {issued.result:,} issued in {issued.seconds:.1f}s ({issued.cpu_seconds:.1f}s CPU)")
    memory = (f"run_period     resident size grew at most {first_growth / 2**20:6.1f} MiB\n"
              f"issue_drafts   resident size grew at most {issued_growth / 2**20:6.1f} MiB\n"
              f"for {MEMBERS:,} members and {MEMBERS:,} drafts, read 200 at a time")
    return (first, again), issued, memory


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def with_peak_memory(function, *args):
    """The timed call, and how far the resident size rose above where it started."""
    before, peak, done = resident_bytes(), [0], threading.Event()

    def sample():
        while not done.wait(0.05):
            peak[0] = max(peak[0], resident_bytes())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        call = timed(function, *args)
    finally:
        done.set()
        sampler.join()
    return call, max(0, max(peak[0], resident_bytes()) - before)


def remove_invoices() -> None:
    """The bench hub's invoices, issued ones too: their triggers are set aside for the delete."""
    db.session.rollback()
    hub_ids = sa.select(Hub.id).where(Hub.slug == HUB[0])
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            frozen = []
        else:
            frozen = connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%frozen%'").all()
            for name, _ in frozen:
                connection.exec_driver_sql(f"DROP TRIGGER {name}")
        connection.execute(sa.delete(InvoiceLine).where(InvoiceLine.hub_id.in_(hub_ids)))
        connection.execute(sa.delete(Invoice).where(Invoice.hub_id.in_(hub_ids)))
        connection.execute(sa.delete(NumberCounter).where(NumberCounter.hub_id.in_(hub_ids)))
        for _, definition in frozen:
            connection.exec_driver_sql(definition)
