"""Carry-over, expiry, passes, managers' adjustments and the period statement."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.memberships.allowances import (
    adjust_allowance,
    allowance_statement,
    expire_allowances,
    pass_balances,
)
from coworking.memberships.errors import MembershipError
from coworking.memberships.models import AllowanceEntry, BookingCharge
from coworking.memberships.plans import create_pass_product, sell_pass
from coworking.memberships.settlement import settle_member
from coworking.transactions import unit_of_work
from tests.memberships.conftest import weekdays


def pool(membership, period, resource="desk_days") -> list[tuple]:
    return [(e.kind, e.quantity) for e in db.session.scalars(sa.select(AllowanceEntry).where(
        AllowanceEntry.membership_id == membership.id, AllowanceEntry.period == period.key,
        AllowanceEntry.resource == resource).order_by(AllowanceEntry.id))]


def charge(booking) -> BookingCharge:
    db.session.expire_all()
    return db.session.get(BookingCharge, booking.id)


def test_unused_allowance_carries_over_oldest_first_then_expires(hub, member, make_plan, make_membership, desks, book, coming):
    membership = make_membership(member, make_plan(desk_days_per_month=2, carry_over_months=1), coming.first_day)
    bookings = [book(desks[0], day) for day in weekdays(coming.plus(1), 3)]
    assert sum(charge(b).billable_minor for b in bookings) == 0
    assert pool(membership, coming) == [("GRANT", 2), ("CONSUMPTION", -1), ("CONSUMPTION", -1)]
    assert pool(membership, coming.plus(1)) == [("GRANT", 2), ("CONSUMPTION", -1)]
    assert expire_allowances(hub, coming.plus(2).first_day) == 0  # the second month's days last one more month
    assert expire_allowances(hub, coming.plus(3).first_day) == 1
    assert pool(membership, coming.plus(1))[-1] == ("EXPIRY", -1)
    assert expire_allowances(hub, coming.plus(3).first_day) == 0


def test_without_carry_over_what_is_left_expires_when_the_month_is_over(hub, member, make_plan, make_membership, desks, book, coming):
    membership = make_membership(member, make_plan(desk_days_per_month=3), coming.first_day)
    book(desks[0], weekdays(coming, 1)[0])
    assert expire_allowances(hub, coming.last_day) == 0
    assert expire_allowances(hub, coming.plus(1).first_day) == 1
    assert pool(membership, coming) == [("GRANT", 3), ("CONSUMPTION", -1), ("EXPIRY", -2)]


def test_the_hub_wide_expiry_leaves_a_member_being_settled_to_that_settlement_and_never_expires_a_pool_twice(app, hub, member, make_plan, make_membership, desks, book, coming):
    membership = make_membership(member, make_plan(desk_days_per_month=3), coming.first_day)
    book(desks[0], weekdays(coming, 1)[0])
    db.session.commit()
    hub_id, member_id, later = hub.id, member.id, coming.plus(1).first_day
    settled, may_commit, expired = threading.Event(), threading.Event(), []

    def settlement() -> None:  # a booking's settlement in the new month: it expires the closed pool
        with app.app_context(), unit_of_work():
            settle_member(db.session.get(Hub, hub_id), member_id, coming, today=later)
            settled.set()
            may_commit.wait(10)

    def daily_expiry() -> None:
        with app.app_context(), unit_of_work():
            expired.append(expire_allowances(db.session.get(Hub, hub_id), later))

    settling = threading.Thread(target=settlement)
    settling.start()
    assert settled.wait(10)
    expiring = threading.Thread(target=daily_expiry)
    expiring.start()
    expiring.join(0.5)  # PostgreSQL: it skips the member the settlement holds; SQLite: it waits for the write lock
    may_commit.set()
    settling.join(10)
    expiring.join(10)

    assert expired == [0]
    db.session.expire_all()
    assert pool(membership, coming) == [("GRANT", 3), ("CONSUMPTION", -1), ("EXPIRY", -2)]


def test_a_late_cancellation_into_a_closed_month_expires_again_and_old_bookings_stay_covered(hub, member, make_plan, make_membership, desks, book, coming):
    membership = make_membership(member, make_plan(desk_days_per_month=2), coming.first_day)
    kept, cancelled = (book(desks[0], day) for day in weekdays(coming, 2))
    later = coming.plus(1).first_day
    cancelled.status = "cancelled"  # cancelled by staff after the month, settled then
    settle_member(hub, member.id, coming, today=later)
    db.session.commit()
    assert pool(membership, coming) == [("GRANT", 2), ("CONSUMPTION", -1), ("CONSUMPTION", -1), ("REVERSAL", 1), ("EXPIRY", -1)]
    assert (charge(kept).covered_by_membership, charge(kept).billable_minor) == (1, 0)
    assert charge(cancelled).billable_minor == 0


def test_a_pass_covers_desk_days_before_pay_as_you_go_and_after_the_membership(hub, manager, member, make_user, make_plan, make_membership, desks, room, book, coming):
    product = create_pass_product(hub, by=manager, name="Three days", desk_days=3, valid_days=90, price_minor=4000)
    visitor = make_user(email="visitor@example.org")
    sell_pass(product, visitor, hub=hub, sold_by=manager, valid_from=coming.first_day)
    sell_pass(product, member, hub=hub, sold_by=manager, valid_from=coming.first_day)
    make_membership(member, make_plan(desk_days_per_month=1), coming.first_day)
    db.session.commit()
    days = weekdays(coming, 5)
    visits = [book(desks[0], day, who=visitor) for day in days[:4]]
    assert [charge(b).covered_by_passes for b in visits] == [1, 1, 1, 0]
    assert charge(visits[-1]).billable_minor == 1500
    assert charge(book(room, days[0], "10:00", "11:00", who=visitor)).billable_minor == 2000  # passes are for desks
    own = [book(desks[1], day) for day in days[:2]]
    assert [(charge(b).covered_by_membership, charge(b).covered_by_passes) for b in own] == [(1, 0), (0, 1)]
    assert [units for _, units in pass_balances(member, hub, coming.first_day)] == [2]


def test_a_pass_bought_after_booking_covers_the_bookings_already_made(hub, manager, member, desks, book, coming):
    booking = book(desks[0], weekdays(coming, 1)[0])
    assert charge(booking).billable_minor == 1500
    product = create_pass_product(hub, by=manager, name="Day", desk_days=1, valid_days=90, price_minor=1400)
    sell_pass(product, member, hub=hub, sold_by=manager, valid_from=coming.first_day)
    db.session.commit()
    assert (charge(booking).covered_by_passes, charge(booking).billable_minor) == (1, 0)


def test_a_manager_adjusts_an_allowance_with_a_reason_and_overage_is_covered(hub, manager, member, make_plan, make_membership, desks, book, coming, today):
    membership = make_membership(member, make_plan(desk_days_per_month=1), coming.first_day)
    first, second = (book(desks[0], day) for day in weekdays(coming, 2))
    assert charge(second).billable_minor == 1500
    entry = adjust_allowance(membership, by=manager, period=coming, resource="desk_days", quantity=2,
                             reason="Helped at the open day", today=today)
    db.session.commit()
    assert (entry.kind, entry.quantity, entry.by_id, entry.reason) == ("ADJUSTMENT", 2, manager.id, "Helped at the open day")
    assert charge(second).billable_minor == 0
    assert membership.events[-1].kind == "allowance_adjusted"
    statement = allowance_statement(membership, coming)["desk_days"]
    assert (statement.granted, statement.adjusted, statement.used, statement.balance) == (1, 2, 2, 1)
    assert statement.used_by_booking == {first.id: 1, second.id: 1}


@pytest.mark.parametrize(
    ("change", "field"),
    [({"quantity": -2}, "quantity"), ({"quantity": 0}, "quantity"), ({"reason": " "}, "reason"), ({"resource": "parking"}, "resource")],
)
def test_an_adjustment_needs_a_reason_and_cannot_take_back_what_was_used(manager, member, make_plan, make_membership, desks, book, coming, today, change, field):
    membership = make_membership(member, make_plan(desk_days_per_month=2), coming.first_day)
    book(desks[0], weekdays(coming, 1)[0])
    values = {"period": coming, "resource": "desk_days", "quantity": 1, "reason": "Goodwill", **change}
    with pytest.raises(MembershipError) as refusal:
        adjust_allowance(membership, by=manager, today=today, **values)
    assert (refusal.value.field, refusal.value.status) == (field, 422)


def test_only_a_manager_adjusts_and_not_an_unlimited_allowance(member, manager, make_plan, make_membership, coming, today):
    membership = make_membership(member, make_plan(desk_days_per_month=None), coming.first_day)
    with pytest.raises(MembershipError) as refusal:
        adjust_allowance(membership, by=member, period=coming, resource="desk_days", quantity=1, reason="x", today=today)
    assert refusal.value.status == 403
    with pytest.raises(MembershipError) as refusal:
        adjust_allowance(membership, by=manager, period=coming, resource="desk_days", quantity=1, reason="x", today=today)
    assert refusal.value.field == "resource"
