"""Allowances are a ledger: bookings consume, cancellations reverse, moves re-settle, and what
no allowance covers is billable at the booking's stored price."""
from __future__ import annotations

import sqlalchemy as sa

from coworking.events import booking_created
from coworking.extensions import db
from coworking.memberships.models import AllowanceEntry, BookingCharge
from tests.memberships.conftest import weekdays


def entries(**where) -> list[tuple]:
    query = sa.select(AllowanceEntry).order_by(AllowanceEntry.id)
    for name, value in where.items():
        query = query.where(getattr(AllowanceEntry, name) == value)
    return [(e.kind, e.resource, e.quantity, e.booking_id) for e in db.session.scalars(query)]


def balance(membership, period, resource="desk_days") -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(AllowanceEntry.quantity), 0)).where(
        AllowanceEntry.membership_id == membership.id, AllowanceEntry.period == period.key,
        AllowanceEntry.resource == resource))


def charge(booking) -> BookingCharge:
    db.session.expire_all()
    return db.session.get(BookingCharge, booking.id)


def test_a_desk_booking_uses_one_desk_day_of_the_grant_written_when_the_month_is_first_touched(
        member, make_plan, make_membership, desks, book, coming):
    membership = make_membership(member, make_plan(desk_days_per_month=10))
    assert entries() == []
    booking = book(desks[0], weekdays(coming, 1)[0])
    assert entries() == [("GRANT", "desk_days", 10, None), ("CONSUMPTION", "desk_days", -1, booking.id)]
    assert balance(membership, coming) == 9
    settled = charge(booking)
    assert (settled.membership_id, settled.quantity, settled.covered_by_membership, settled.billable_minor) == (membership.id, 1, 1, 0)


def test_a_booking_event_received_twice_is_settled_once(member, make_plan, make_membership, desks, book, coming):
    membership = make_membership(member, make_plan(desk_days_per_month=10))
    booking = book(desks[0], weekdays(coming, 1)[0])
    booking_created.send(booking)
    booking_created.send(booking)
    db.session.commit()
    assert len(entries()) == 2
    assert balance(membership, coming) == 9


def test_cancelling_gives_the_desk_day_back(member, make_plan, make_membership, desks, book, cancel, coming):
    membership = make_membership(member, make_plan(desk_days_per_month=10))
    booking = book(desks[0], weekdays(coming, 1)[0])
    cancel(booking)
    assert entries(booking_id=booking.id) == [("CONSUMPTION", "desk_days", -1, booking.id), ("REVERSAL", "desk_days", 1, booking.id)]
    assert balance(membership, coming) == 10
    assert charge(booking).billable_minor == 0


def test_beyond_the_allowance_a_booking_is_billable_at_its_stored_price(member, make_plan, make_membership, desks, book, coming):
    make_membership(member, make_plan(desk_days_per_month=2))
    days = weekdays(coming, 3)
    covered = [book(desks[0], day) for day in days[:2]]
    overage = book(desks[0], days[2])
    assert [charge(b).billable_minor for b in covered] == [0, 0]
    assert (charge(overage).covered_by_membership, charge(overage).billable_minor) == (0, 1500)


def test_room_minutes_are_covered_in_part_and_the_rest_billed_pro_rata(member, make_plan, make_membership, room, book, coming):
    membership = make_membership(member, make_plan(room_hours_per_month=1))
    booking = book(room, weekdays(coming, 1)[0], "10:00", "12:00")  # 2 hours at 20.00
    settled = charge(booking)
    assert (settled.resource, settled.quantity, settled.covered_by_membership, settled.billable_minor) == ("room_minutes", 120, 60, 2000)
    assert balance(membership, coming, "room_minutes") == 0


def test_a_kind_of_space_the_plan_does_not_cover_is_pay_as_you_go(member, make_plan, make_membership, room, book, coming):
    membership = make_membership(member, make_plan(desk_days_per_month=10, covered_space_kinds=["desk"]))
    booking = book(room, weekdays(coming, 1)[0], "10:00", "11:00")
    settled = charge(booking)
    assert (settled.membership_id, settled.covered_by_membership, settled.billable_minor) == (membership.id, 0, 2000)
    assert entries() == []


def test_a_non_member_pays_as_they_go(member, desks, book, coming):
    booking = book(desks[0], weekdays(coming, 1)[0])
    settled = charge(booking)
    assert (settled.membership_id, settled.covered_by_membership, settled.billable_minor) == (None, 0, 1500)


def test_an_unlimited_allowance_covers_everything_and_writes_no_entries(member, make_plan, make_membership, desks, book, coming):
    make_membership(member, make_plan(desk_days_per_month=None))
    bookings = [book(desks[0], day) for day in weekdays(coming, 5)]
    assert entries() == []
    assert [charge(b).covered_by_membership for b in bookings] == [1] * 5
    assert sum(charge(b).billable_minor for b in bookings) == 0


def test_cancelling_a_covered_booking_covers_an_overage_booking_instead(member, make_plan, make_membership, desks, book, cancel, coming):
    membership = make_membership(member, make_plan(desk_days_per_month=1))
    first, second = (book(desks[0], day) for day in weekdays(coming, 2))
    assert charge(second).billable_minor == 1500
    cancel(first)
    assert charge(second).billable_minor == 0
    assert balance(membership, coming) == 0


def test_moving_a_booking_to_another_month_resettles_it_there(member, make_plan, make_membership, desks, book, move, coming):
    membership = make_membership(member, make_plan(desk_days_per_month=4))
    booking = book(desks[0], weekdays(coming, 1)[0])
    move(booking, weekdays(coming.plus(1), 1)[0], "09:00", "17:00")
    assert balance(membership, coming) == 4
    assert balance(membership, coming.plus(1)) == 3
    assert charge(booking).period == coming.plus(1).key
