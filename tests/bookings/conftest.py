"""Booking fixtures: a hub with a room and desks, a member, and a helper for local times."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from coworking.extensions import db
from coworking.timezones import combine_local, local_today


def next_weekday(after: date, weekday: int = 0, min_days: int = 2) -> date:
    day = after + timedelta(days=min_days)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


@pytest.fixture
def hub(make_hub):
    return make_hub(slug="here", name="Here Hub", timezone="Europe/London")


@pytest.fixture
def room(hub, make_space):
    return make_space(hub, "room", "Meeting Room", hourly_rate_minor=2000, capacity=6)


@pytest.fixture
def desks(hub, make_space):
    return [make_space(hub, "desk", f"Desk {n}", daily_rate_minor=1500) for n in (1, 2, 3)]


@pytest.fixture
def member(people):
    """Mary Member, member@example.org: the people fixture's member."""
    return people.member


@pytest.fixture
def monday(hub) -> date:
    """A Monday a few days ahead, inside the default booking window."""
    return next_weekday(local_today(hub.timezone), 0)


@pytest.fixture
def at(hub):
    """at(day, "09:00") -> the UTC instant of that hub-local wall-clock time."""

    def make(day: date, hhmm: str) -> datetime:
        hours, minutes = map(int, hhmm.split(":"))
        return combine_local(day, time(hours, minutes), hub.timezone)

    return make


@pytest.fixture
def book(member):
    from coworking.bookings.operations import book_space

    def make(space, starts_at, ends_at, who=None, **kwargs):
        who = who or member
        booking = book_space(space, who, starts_at, ends_at, booked_by=kwargs.pop("booked_by", who), **kwargs)
        db.session.commit()
        return booking

    return make


@pytest.fixture
def set_policy(hub):
    """set_policy(space=None, **rules): write the hub's booking rules (or one space's overrides)."""
    from coworking.bookings.policy import policy_row_for

    def make(space=None, **values):
        row = policy_row_for(hub, space)
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()
        return row

    return make


@pytest.fixture
def open_every_day(hub):
    """The hub opens 08:00–18:00 every day of the week, weekends included."""
    from coworking.hubs.services import set_opening_hours

    for weekday in range(7):
        set_opening_hours(hub, weekday, time(8, 0), time(18, 0))
    db.session.commit()
    return hub
