"""Whether a hub is open on a day, read two ways: from its loaded hours and closures (pages of
many days) and by one statement about the day (a booking's rules). Both must always agree."""
from __future__ import annotations

from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from coworking.bookings.errors import BookingRulesBroken
from coworking.bookings.opening import booking_day_opening, day_opening
from coworking.bookings.operations import book_space
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.hubs.services import add_closure, set_opening_hours


def answer(opening) -> tuple:
    hours = (opening.hours.opens_at, opening.hours.closes_at) if opening.hours is not None else None
    return opening.is_closed, opening.closed_message, opening.closed_reason, hours, opening.window()


@pytest.fixture
def awkward_week(hub, monday):
    """Saturday marked closed, Sunday with no row at all, Wednesday short; two closures that
    overlap on one day, and a one-day closure."""
    set_opening_hours(hub, 2, time(10, 0), time(14, 30))
    set_opening_hours(hub, 5, None, None, closed=True)
    db.session.execute(sa.text("DELETE FROM opening_hours WHERE hub_id = :hub AND weekday = 6"), {"hub": hub.id})
    add_closure(hub, monday + timedelta(days=1), monday + timedelta(days=3), "Refit")
    add_closure(hub, monday + timedelta(days=3), monday + timedelta(days=4), "Staff training")
    add_closure(hub, monday + timedelta(days=9), monday + timedelta(days=9), "Bank holiday")
    db.session.commit()
    return [monday + timedelta(days=n) for n in range(-1, 15)]


def test_one_day_read_by_itself_agrees_with_the_loaded_hours_and_closures(hub, awkward_week):
    for day in awkward_week:
        db.session.expire_all()
        fresh = db.session.get(Hub, hub.id)
        by_itself = booking_day_opening(fresh, day)
        assert {"opening_hours", "closures"} <= sa.inspect(fresh).unloaded  # it loaded neither
        assert answer(by_itself) == answer(day_opening(fresh, day)), day


def test_a_booking_is_refused_for_the_same_reasons_however_the_hub_was_loaded(hub, awkward_week, room, member, at):
    refused_days = 0
    for day in awkward_week:
        refusals = []
        for loaded in (False, True):
            db.session.expire_all()
            fresh = db.session.get(Hub, hub.id)
            if loaded:
                fresh.opening_hours, fresh.closures  # noqa: B018 - the pages' way
            space = next(space for space in fresh.spaces if space.id == room.id)
            try:
                book_space(space, member, at(day, "11:00"), at(day, "12:00"), booked_by=member)
                refusals.append(None)
            except BookingRulesBroken as refusal:
                refusals.append(refusal.problems)
            db.session.rollback()
        assert refusals[0] == refusals[1], day
        refused_days += refusals[0] is not None
    assert refused_days >= 6  # the Saturdays, the Sundays and the closed days
