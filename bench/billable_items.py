"""The billable items of one month for a hub with 2,000 members and a month of their bookings,
in-process, with the number of SQL statements; and booking creation with its allowance settled.

The hub has 450 desks and 150 rooms, open on weekdays; 2,000 members, nine in ten on one of
three plans (a few joining mid-month, changing plan at once, paused, leaving mid-month, on a
concession, or billed to one of 20 organisations), the rest paying as they go; 100 passes sold.
Every weekday of the current month is booked as ``bench/seeding.py`` books days (desks about
1.1 bookings a day, rooms about 2.5), by members drawn at random, and each member's bookings
are settled (``settle_member``) as the booking events would have. Then ``billable_items(hub,
month)`` is timed, each call with a fresh session, as the invoicing run or the API calls it.

Booking creation: ``book_space`` (which sends ``booking_created``: memberships settle the
booking's allowance in the same transaction) and a commit, for a member on a plan, beside the
same with that receiver disconnected.
"""
from __future__ import annotations

import random
from datetime import date, time, timedelta

import sqlalchemy as sa

from bench.common import Bench, Note, Timing, progress, timed
from bench.seeding import (
    EMAIL_DOMAIN,
    analyze,
    booking_row,
    create_bench_hubs,
    desk_day,
    insert_bookings,
    remove_bench_data,
    room_day,
)
from coworking.accounts.models import User
from coworking.bookings import operations as bookings
from coworking.events import booking_created
from coworking.extensions import db
from coworking.hubs.models import Hub, Space
from coworking.hubs.roles import Role, grant_role
from coworking.memberships.billable import billable_items
from coworking.memberships.models import (
    Concession,
    Membership,
    MembershipPause,
    MembershipPlanChange,
    Organisation,
)
from coworking.memberships.periods import Period
from coworking.memberships.plans import create_pass_product, create_plan, sell_pass
from coworking.memberships.receivers import on_booking_created
from coworking.memberships.settlement import settle_member
from coworking.timezones import combine_local, local_today
from coworking.types import utcnow

HUB = ("bench-members", "Europe/London", 450, 150)
MEMBERS = 2000
CALLS = 5
BOOKINGS_CREATED = 200


def run(bench: Bench) -> list:
    with bench.app():
        remove_bench_data()
        try:
            data = create_bench_hubs(hubs=(HUB,), members=MEMBERS)
            hub_id = data.hub_ids[HUB[0]]
            hub = db.session.get(Hub, hub_id)
            manager = bench_manager(hub)
            manager_id = manager.id
            period = Period.of(local_today(hub.timezone))
            rng = random.Random(2026)
            members = data.member_ids
            seed_memberships(hub, manager, members, period, rng)
            count = seed_bookings(data, period, rng)
            settled = timed(settle_everyone, hub, members, period)
            analyze()  # the ledger grew from nothing: fresh planner statistics, as autovacuum or PRAGMA optimize keep
            progress(f"billable items: {count:,} bookings settled in {settled.seconds:.1f}s")
            calls, statements = measure(hub_id, period)
            hub, manager = db.session.get(Hub, hub_id), db.session.get(User, manager_id)
            items = calls[-1].result
            results = [
                Timing.of("billable_items(hub, month)", calls,
                          f"{MEMBERS:,} members, {count:,} bookings, {len(items):,} items; "
                          f"{statements} SQL statements per call"),
                Timing.of("settle_member for every member (setup)", [settled], f"{count:,} bookings"),
            ]
            results += booking_creation(hub, manager, members, period)
            results.append(Note("Billable items by kind", kinds(items)))
        finally:
            db.session.rollback()
            remove_bench_data()
    return results


def bench_manager(hub: Hub) -> User:
    manager = User(email=f"manager@{EMAIL_DOMAIN}", name="Bench Manager", password_hash="!", active=True)
    db.session.add(manager)
    db.session.flush()
    grant_role(manager, hub, Role.MANAGER)
    db.session.commit()
    return manager


def seed_memberships(hub: Hub, manager: User, member_ids: list[int], period: Period, rng: random.Random) -> None:
    plans = [
        create_plan(hub, by=manager, name="Hot desk", monthly_price_minor=12_000, vat_rate_bp=2000,
                    desk_days_per_month=8, room_hours_per_month=4, pauses_allowed=True, max_pause_months=2),
        create_plan(hub, by=manager, name="Resident", monthly_price_minor=25_000, vat_rate_bp=2000,
                    desk_days_per_month=None, room_hours_per_month=10),
        create_plan(hub, by=manager, name="Flexi", monthly_price_minor=6_000, vat_rate_bp=2000,
                    desk_days_per_month=4, room_hours_per_month=2, carry_over_months=1),
    ]
    organisations = [Organisation(hub_id=hub.id, name=f"Organisation {n}", billing_email=f"org{n}@{EMAIL_DOMAIN}")
                     for n in range(20)]
    db.session.add_all(organisations)
    db.session.flush()
    mid_month = period.first_day + timedelta(days=14)
    now = utcnow()
    for member_id in member_ids:
        roll = rng.random()
        if roll > 0.9:
            continue  # pays as they go
        plan = rng.choice(plans)
        starts_on = mid_month if roll < 0.05 else period.first_day - timedelta(days=rng.randint(1, 400))
        membership = Membership(hub_id=hub.id, member_id=member_id, plan_id=plan.id, starts_on=starts_on,
                                approved_at=now, approved_by_id=manager.id,
                                organisation_id=rng.choice(organisations).id if rng.random() < 0.05 else None)
        if 0.05 <= roll < 0.07:
            membership.ends_on = mid_month
            membership.cancelled_at = now
        db.session.add(membership)
        db.session.flush()
        extras(membership, plans, period, mid_month, rng)
    db.session.commit()
    product = create_pass_product(hub, by=manager, name="Ten days", desk_days=10, valid_days=90, price_minor=12_000,
                                  vat_rate_bp=2000)
    for member_id in rng.sample(member_ids, 100):
        sell_pass(product, db.session.get(User, member_id), hub=hub, sold_by=manager, today=local_today(hub.timezone))
    db.session.commit()


def extras(membership: Membership, plans, period: Period, mid_month: date, rng: random.Random) -> None:
    roll = rng.random()
    if roll < 0.10:
        db.session.add(Concession(membership_id=membership.id, percent_bp=rng.choice((2500, 5000)), currency="GBP",
                                  reason="Bursary", starts_on=membership.starts_on, funded_by_community_fund=rng.random() < 0.5))
    elif roll < 0.13:
        db.session.add(Concession(membership_id=membership.id, fixed_price_minor=5_000, currency="GBP", reason="Student",
                                  starts_on=membership.starts_on))
    elif roll < 0.18 and membership.ends_on is None and membership.starts_on < mid_month:
        other = next(plan for plan in plans if plan.id != membership.plan_id)
        db.session.add(MembershipPlanChange(membership_id=membership.id, plan_id=other.id, effective_on=mid_month))
    elif roll < 0.21 and membership.ends_on is None and membership.starts_on < period.first_day:
        db.session.add(MembershipPause(membership_id=membership.id, starts_on=period.first_day, ends_on=period.last_day))


def seed_bookings(data, period: Period, rng: random.Random) -> int:
    rows, now, zone = [], utcnow(), HUB[1]
    for day in period.dates():
        if day.weekday() >= 5:
            continue
        for space in data.spaces:
            for start, end in (desk_day(rng) if space.kind == "desk" else room_day(rng)):
                rows.append(booking_row(space, rng.choice(data.member_ids), combine_local(day, start, zone),
                                        combine_local(day, end, zone), now, rng))
    insert_bookings(rows)
    return sum(1 for row in rows if row["status"] == "confirmed")


def settle_everyone(hub: Hub, member_ids: list[int], period: Period) -> None:
    for number, member_id in enumerate(member_ids, 1):
        settle_member(hub, member_id, period)
        if number % 200 == 0:
            db.session.commit()
    db.session.commit()


def measure(hub_id: int, period: Period) -> tuple[list, int]:
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    calls = []
    for number in range(CALLS):
        db.session.remove()
        fresh_hub = db.session.get(Hub, hub_id)
        if number == CALLS - 1:
            sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            calls.append(timed(billable_items, fresh_hub, period))
        finally:
            if number == CALLS - 1:
                sa.event.remove(db.engine, "before_cursor_execute", record)
    return calls, len(statements)


def booking_creation(hub: Hub, manager: User, member_ids: list[int], period: Period) -> list:
    """Room hours in the month after next (no bookings yet), for members on a plan, after each
    has made one booking there (a month's first booking grants its allowance, once a month)."""
    members = list(db.session.scalars(sa.select(Membership.member_id).where(
        Membership.hub_id == hub.id, Membership.ends_on.is_(None)).limit(50)))
    rooms = list(db.session.scalars(sa.select(Space.id).where(Space.hub_id == hub.id, Space.kind == "room").limit(20)))
    slots = room_slots(period.plus(2), rooms)
    for member_id in members:  # each member's first booking of the month writes its grant (the full path)
        book(*next(slots), member_id, manager.id, True)
    with_event, without = [], []
    for n in range(2 * BOOKINGS_CREATED):  # alternated, so a busy moment of the machine hits both alike
        settle = n % 2 == 0
        (with_event if settle else without).append(timed(book, *next(slots), members[n // 2 % len(members)], manager.id, settle))
    return [
        Timing.of("book_space (allowance settled) + commit", with_event, "members on a plan, an hour of a room", rate=True),
        Timing.of("book_space + commit, settlement disconnected", without, "the same, alternated with the above", rate=True),
    ]


def room_slots(period: Period, room_ids: list[int]):
    for day in period.dates():
        if day.weekday() < 5:
            for hour in range(8, 18):
                for room_id in room_ids:
                    yield room_id, combine_local(day, time(hour), HUB[1]), combine_local(day, time(hour + 1), HUB[1])


def book(space_id: int, starts_at, ends_at, member_id: int, manager_id: int, settle: bool) -> None:
    """One booking as a request makes it. ``book_space`` sends ``booking_created`` itself, and
    memberships settle the booking in its transaction; ``settle=False`` disconnects that
    receiver for the call, to show what the settlement costs."""
    db.session.remove()
    space, member = db.session.get(Space, space_id), db.session.get(User, member_id)
    if not settle:
        booking_created.disconnect(on_booking_created)
    try:
        bookings.book_space(space, member, starts_at, ends_at, booked_by=member, now=starts_at - timedelta(days=1))
    finally:
        if not settle:
            booking_created.connect(on_booking_created)
    db.session.commit()


def kinds(items) -> str:
    counts: dict[str, list[int]] = {}
    for item in items:
        kind = item.source_key.split(":")[0]
        counts.setdefault(kind, [0, 0])
        counts[kind][0] += 1
        counts[kind][1] += item.amount_minor
    return "\n".join(f"{kind:<12} {count:>6,} items {total / 100:>14,.2f} GBP" for kind, (count, total) in sorted(counts.items()))
