"""Memberships fixtures: a VAT-registered hub with desks and a room, its manager, a member,
factories for plans and memberships, and ``book``/``cancel``/``move`` helpers that also send the
booking events (as the booking services do once they are wired; settling twice is harmless)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from coworking.extensions import db
from coworking.memberships.periods import Period
from coworking.timezones import combine_local, local_today


@pytest.fixture
def hub(make_hub):
    return make_hub(slug="here", name="Here Hub", timezone="Europe/London", vat_number="GB123456789")


@pytest.fixture
def manager(hub, make_manager):
    return make_manager(hub, email="manager@example.org", name="Mo Manager")


@pytest.fixture
def member(make_user):
    return make_user(email="member@example.org", name="Mary Member")


@pytest.fixture
def desks(hub, make_space):
    return [make_space(hub, "desk", f"Desk {n}", daily_rate_minor=1500) for n in (1, 2, 3)]


@pytest.fixture
def room(hub, make_space):
    return make_space(hub, "room", "Meeting Room", hourly_rate_minor=2000)


@pytest.fixture
def today(hub) -> date:
    return local_today(hub.timezone)


@pytest.fixture
def coming(today) -> Period:
    """A month still to come: its allowance is open and nothing in it has expired."""
    return Period.of(today).plus(2)


@pytest.fixture
def at(hub):
    def make(day: date, hhmm: str) -> datetime:
        hours, minutes = map(int, hhmm.split(":"))
        return combine_local(day, time(hours, minutes), hub.timezone)

    return make


@pytest.fixture
def make_plan(hub, manager):
    from coworking.memberships.plans import create_plan

    counter = iter(range(1, 1000))

    def make(**terms):
        terms.setdefault("name", f"Plan {next(counter)}")
        terms.setdefault("monthly_price_minor", 30_000)
        terms.setdefault("vat_rate_bp", 2000)
        plan = create_plan(hub, by=manager, **terms)
        db.session.commit()
        return plan

    return make


@pytest.fixture
def make_membership(manager, today):
    """make_membership(member, plan, starts_on): applied for and approved, as a manager would."""
    from coworking.memberships.applications import apply_for_plan, approve_application

    def make(who, plan, starts_on: date | None = None, **approval):
        application = apply_for_plan(who, plan, today=today)
        membership = approve_application(application, by=manager, starts_on=starts_on or today, today=today, **approval)
        db.session.commit()
        return membership

    return make


@pytest.fixture
def book(manager, member, at):
    """book(space, day, "09:00", "17:00", who=member): a booking made by the manager (rules
    overridden, so any day will do); the service announces it, and memberships settle it."""
    from coworking.bookings.operations import book_space

    def make(space, day: date, start: str = "09:00", end: str = "17:00", who=None, commit: bool = True):
        booking = book_space(space, who or member, at(day, start), at(day, end), booked_by=manager,
                             override_rules=True, notify=False, now=at(day, start) - timedelta(days=1))
        if commit:
            db.session.commit()
        return booking

    return make


@pytest.fixture
def cancel(manager):
    from coworking.bookings.operations import cancel_booking

    def make(booking, commit: bool = True):
        cancel_booking(booking, by=manager, reason="Test", notify=False, now=booking.starts_at - timedelta(days=1))
        if commit:
            db.session.commit()
        return booking

    return make


@pytest.fixture
def move(manager, at):
    from coworking.bookings.operations import move_booking

    def make(booking, day: date, start: str, end: str, space=None, commit: bool = True):
        move_booking(booking, at(day, start), at(day, end), by=manager, override_rules=True, space=space,
                     now=min(booking.starts_at, at(day, start)) - timedelta(days=1))
        if commit:
            db.session.commit()
        return booking

    return make


def weekdays(period: Period, count: int, skip: int = 0) -> list[date]:
    days = [day for day in period.dates() if day.weekday() < 5][skip:]
    return days[:count]
