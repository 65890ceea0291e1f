"""The fast path for new bookings settles them exactly as the full settlement would: after it,
re-settling the member in full writes nothing and changes no charge."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coworking.bookings.operations import book_space
from coworking.events import booking_created
from coworking.extensions import db
from coworking.memberships.fast_path import settle_new_booking
from coworking.memberships.models import AllowanceEntry, BookingCharge
from coworking.memberships.periods import Period
from coworking.memberships.settlement import settle_member
from tests.memberships.conftest import weekdays


def ledger_snapshot() -> tuple:
    entries = db.session.scalar(sa.select(sa.func.count()).select_from(AllowanceEntry))
    charges = tuple(db.session.execute(sa.select(
        BookingCharge.booking_id, BookingCharge.membership_id, BookingCharge.covered_by_membership,
        BookingCharge.covered_by_passes, BookingCharge.billable_minor).order_by(BookingCharge.booking_id)).all())
    return entries, charges


def full_settlement_changes_nothing(hub, member, period) -> None:
    before = ledger_snapshot()
    settle_member(hub, member.id, period)
    db.session.flush()
    assert ledger_snapshot() == before


@pytest.fixture
def fresh_booking(manager, at):
    """A booking made and not settled yet (the booking service's own event muted, if it sends one)."""
    def make(space, day, start, end, who):
        with booking_created.muted():
            return book_space(space, who, at(day, start), at(day, end), booked_by=manager, override_rules=True,
                              notify=False, now=at(day, start) - timedelta(days=1))
    return make


@pytest.mark.parametrize("plan_terms", [None, {"desk_days_per_month": None}, {"desk_days_per_month": 5}])
def test_the_common_cases_take_the_fast_path(hub, member, make_plan, make_membership, desks, book, fresh_booking, today, coming, plan_terms):
    if plan_terms is not None:
        make_membership(member, make_plan(**plan_terms), coming.first_day)
    book(desks[0], weekdays(coming, 1)[0])  # the month's first booking writes its grant (full path)
    booking = fresh_booking(desks[1], weekdays(coming, 2)[1], "09:00", "17:00", member)
    assert settle_new_booking(booking, hub, today) is True
    full_settlement_changes_nothing(hub, member, coming)
    assert settle_new_booking(booking, hub, today) is False  # settled already: the full path decides


def test_running_out_before_a_later_booking_takes_the_full_path(hub, member, make_plan, make_membership, desks, book, fresh_booking, today, coming):
    make_membership(member, make_plan(desk_days_per_month=1), coming.first_day)
    days = weekdays(coming, 3)
    book(desks[0], days[2])
    earlier = fresh_booking(desks[0], days[0], "09:00", "17:00", member)
    assert settle_new_booking(earlier, hub, today) is False


@pytest.fixture
def people(hub, manager, make_user, make_plan, make_membership, coming):
    """One on a small plan, one with a pass, one whose allowance carries over a month."""
    from coworking.memberships.plans import create_pass_product, sell_pass

    people = [make_user(email=f"{name}@example.org") for name in ("a", "b", "c")]
    make_membership(people[0], make_plan(name="Small", desk_days_per_month=2, room_hours_per_month=2), coming.first_day)
    make_membership(people[2], make_plan(name="Carrying", desk_days_per_month=1, room_hours_per_month=1,
                                         carry_over_months=1), coming.first_day)
    product = create_pass_product(hub, by=manager, name="Two", desk_days=2, valid_days=40, price_minor=2000)
    sell_pass(product, people[1], hub=hub, sold_by=manager, valid_from=coming.first_day)
    db.session.commit()
    return people


bookings_made = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 7), st.sampled_from(["desk", "room"]), st.integers(0, 2)),
                         min_size=1, max_size=12)


@settings(max_examples=int(os.environ.get("LEDGER_EXAMPLES", "15")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(bookings=bookings_made)
def test_after_any_booking_the_full_settlement_has_nothing_to_add(hub, people, desks, room, book, coming, bookings):
    days = weekdays(coming, 4) + weekdays(coming.plus(1), 4)
    taken = set()
    try:
        for who, day, kind, slot in bookings:
            space = desks[slot] if kind == "desk" else room
            hours = ("09:00", "17:00") if kind == "desk" else (("09:00", "10:00"), ("10:00", "12:00"), ("13:00", "16:00"))[slot]
            if (space.id, day, hours) in taken:
                continue
            taken.add((space.id, day, hours))
            book(space, days[day], *hours, who=people[who], commit=False)
            for person in people:
                full_settlement_changes_nothing(hub, person, Period.of(days[0]))
    finally:
        db.session.rollback()
