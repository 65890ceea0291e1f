"""Property tests (hypothesis): proration never bills a negative amount and its parts make
the month; the allowance ledger never gives more than it holds, and any order of bookings,
moves and cancellations ends where replaying the surviving bookings ends."""
from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coworking.models  # noqa: F401  (every mapper, for the objects built without a database)
from coworking.extensions import db
from coworking.memberships.allowances import allowance_statement, pass_balances
from coworking.memberships.billable import billable_items
from coworking.memberships.models import (
    AllowanceEntry,
    BookingCharge,
    Concession,
    Membership,
    MembershipPause,
    MembershipPlanChange,
    Plan,
    PlanPrice,
)
from coworking.memberships.models.plans import FROM_THE_START
from coworking.memberships.periods import Period
from coworking.memberships.timeline import Timeline
from tests.memberships.conftest import weekdays

# --- proration (pure) -----------------------------------------------------------------------

PERIOD = Period(2026, 11)


def plan(plan_id: int, price: int) -> Plan:
    return Plan(id=plan_id, name=f"Plan {plan_id}", prices=[PlanPrice(effective_from=FROM_THE_START, price_minor=price)])


day_in_or_near = st.integers(-45, 45).map(lambda offset: PERIOD.first_day + timedelta(days=offset))


@st.composite
def memberships(draw):
    plans = {n: plan(n, draw(st.integers(0, 10**7))) for n in (1, 2, 3)}
    starts_on = draw(day_in_or_near)
    ends_on = draw(st.none() | st.integers(0, 80).map(lambda days: starts_on + timedelta(days=days)))
    membership = Membership(id=1, plan_id=1, starts_on=starts_on, ends_on=ends_on)
    changes = [MembershipPlanChange(plan_id=draw(st.sampled_from([1, 2, 3])), effective_on=day)
               for day in draw(st.lists(day_in_or_near, max_size=3, unique=True))]
    pauses = []
    if draw(st.booleans()):
        first = Period.of(draw(day_in_or_near))
        pauses.append(MembershipPause(starts_on=first.first_day, ends_on=first.plus(draw(st.integers(0, 1))).last_day))
    concessions = []
    if draw(st.booleans()):
        start = draw(day_in_or_near)
        percent = draw(st.none() | st.integers(0, 10_000))
        concessions.append(Concession(id=1, starts_on=start, ends_on=None, reason="x", percent_bp=percent,
                                      fixed_price_minor=None if percent is not None else draw(st.integers(0, 2 * 10**7))))
    return Timeline(membership, plans, changes, pauses, concessions)


@given(timeline=memberships())
def test_no_plan_change_pause_or_cancellation_ever_yields_a_negative_amount(timeline):
    for part in timeline.fee_parts(PERIOD):
        assert part.amount >= 0
        assert 0 <= part.discount <= part.amount
        assert timeline.is_active_on(part.first) and timeline.is_active_on(part.last)
        assert timeline.membership.covers_date(part.first) and timeline.membership.covers_date(part.last)


@given(first_price=st.integers(0, 10**7), second_price=st.integers(0, 10**7), cut=st.integers(1, 29))
def test_a_month_split_by_a_plan_change_costs_its_exact_shares_within_one_minor_unit(first_price, second_price, cut):
    plans = {1: plan(1, first_price), 2: plan(2, second_price)}
    change_day = PERIOD.first_day + timedelta(days=cut)
    timeline = Timeline(Membership(id=1, plan_id=1, starts_on=date(2026, 1, 1)), plans,
                        [MembershipPlanChange(plan_id=2, effective_on=change_day)])
    total = sum(part.amount for part in timeline.fee_parts(PERIOD))
    exact_times_days = first_price * cut + second_price * (PERIOD.days - cut)
    assert abs(total * PERIOD.days - exact_times_days) <= PERIOD.days
    if first_price == second_price:
        assert total == first_price


# --- the allowance ledger (database) ----------------------------------------------------------

@pytest.fixture
def world(hub, manager, make_user, make_plan, make_membership, desks, room, coming):
    """Two members: one on a plan without carry-over, one whose allowance carries over a month and
    who also holds a two-day pass. Slots: two desks all day, and three room blocks, on four
    weekdays of two coming months."""
    from coworking.memberships.plans import create_pass_product, sell_pass

    plain = make_plan(name="Plain", desk_days_per_month=3, room_hours_per_month=2)
    carrying = make_plan(name="Carrying", desk_days_per_month=2, room_hours_per_month=1, carry_over_months=1)
    people = [make_user(email="plain@example.org"), make_user(email="carrying@example.org")]
    memberships = [make_membership(people[0], plain, coming.first_day), make_membership(people[1], carrying, coming.first_day)]
    product = create_pass_product(hub, by=manager, name="Two days", desk_days=2, valid_days=60, price_minor=2500)
    sell_pass(product, people[1], hub=hub, sold_by=manager, valid_from=coming.first_day)
    db.session.commit()
    days = weekdays(coming, 4) + weekdays(coming.plus(1), 4)
    slots = [(desk, day, "09:00", "17:00") for desk in desks[:2] for day in days]
    slots += [(room, day, start, end) for day in days for start, end in (("09:00", "11:00"), ("11:00", "12:00"), ("13:00", "15:00"))]
    return people, memberships, slots, [coming, coming.plus(1)]


def state(world) -> tuple:
    """Every balance (a grant not yet written counted as it will be) and each slot's billable part."""
    db.session.expire_all()
    people, memberships, _, periods = world
    balances = tuple(
        (membership.id, str(period), resource, statement.balance)
        for membership in memberships for period in periods
        for resource, statement in sorted(allowance_statement(membership, period).items())
    )
    passes = tuple(units for _, units in pass_balances(people[1], memberships[1].hub, periods[0].first_day))
    return balances, passes


def billed(slot_of: dict) -> dict:
    charges = {c.booking_id: c.billable_minor for c in db.session.scalars(db.select(BookingCharge))}
    return {slot_of[booking_id]: charges[booking_id] for booking_id in slot_of}


def pools_hold_what_they_gave(memberships) -> None:
    """Consumption never exceeds grants plus adjustments, in any pool, at any moment."""
    totals: dict = {}
    for entry in db.session.scalars(db.select(AllowanceEntry)):
        given_out = totals.setdefault(entry.pool, [0, 0])
        given_out[0 if entry.kind in ("GRANT", "ADJUSTMENT") else 1] += entry.quantity
    for granted, used in totals.values():
        assert granted + used >= 0


operations = st.lists(
    st.tuples(st.sampled_from(["book", "book", "cancel", "move"]), st.integers(0, 1), st.integers(0, 10**6), st.integers(0, 10**6)),
    min_size=1, max_size=14,
)
# LEDGER_EXAMPLES=300 for a longer hunt (each example books, moves and cancels in the database).
LEDGER_SETTINGS = settings(max_examples=int(os.environ.get("LEDGER_EXAMPLES", "20")), deadline=None,
                           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def run(world, book, cancel, move, steps) -> dict:
    """Apply the steps; return {booking id: slot} of the bookings that survive."""
    people, memberships, slots, _ = world
    live: dict[int, tuple] = {}
    objects = {}
    for action, who, first, second in steps:
        taken = set(live.values())
        if action == "book":
            slot = slots[first % len(slots)]
            if slot not in taken:
                booking = book(*slot, who=people[who], commit=False)
                live[booking.id], objects[booking.id] = slot, booking
        elif live and action == "cancel":
            booking_id = sorted(live)[first % len(live)]
            cancel(objects[booking_id], commit=False)
            del live[booking_id]
        elif live and action == "move":
            booking_id, slot = sorted(live)[first % len(live)], slots[second % len(slots)]
            if slot not in taken:
                space, day, start, end = slot
                move(objects[booking_id], day, start, end, space=space, commit=False)
                live[booking_id] = slot
        pools_hold_what_they_gave(memberships)
    db.session.flush()
    return live


def replay(world, book, survivors: dict, slot_owner: dict) -> dict:
    """Book the surviving bookings afresh, in the order they were first made."""
    return {book(*slot, who=slot_owner[slot], commit=False).id: slot for _, slot in sorted(survivors.items())}


@LEDGER_SETTINGS
@given(steps=operations)
def test_any_order_of_bookings_and_cancellations_ends_where_replaying_the_survivors_ends(world, book, cancel, move, steps):
    people = world[0]
    try:
        survivors = run(world, book, cancel, move, steps)
        owners = {slot: _owner(booking_id, people) for booking_id, slot in survivors.items()}
        after_history, billed_after_history, total_after_history = state(world), billed(survivors), _item_total(world)
    finally:
        db.session.rollback()
    try:
        replayed = replay(world, book, survivors, owners)
        assert state(world) == after_history
        assert billed(replayed) == billed_after_history
        assert _item_total(world) == total_after_history
    finally:
        db.session.rollback()


@LEDGER_SETTINGS
@given(steps=operations, pick=st.integers(0, 10**6))
def test_cancelling_and_rebooking_gives_the_same_balance(world, book, cancel, move, steps, pick):
    people = world[0]
    try:
        survivors = run(world, book, cancel, move, [step for step in steps if step[0] == "book"])
        if survivors:
            before, total_before = state(world), _item_total(world)
            booking_id = sorted(survivors)[pick % len(survivors)]
            owner = _owner(booking_id, people)
            cancel(_booking(booking_id), commit=False)
            book(*survivors[booking_id], who=owner, commit=False)
            assert state(world) == before
            assert _item_total(world) == total_before
    finally:
        db.session.rollback()


def _booking(booking_id):
    from coworking.bookings.models import Booking

    return db.session.get(Booking, booking_id)


def _owner(booking_id: int, people):
    member_id = _booking(booking_id).member_id
    return next(person for person in people if person.id == member_id)


def _item_total(world) -> int:
    hub = world[1][0].hub
    return sum(item.amount_minor for period in world[3] for item in billable_items(hub, period))
