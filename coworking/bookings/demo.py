"""Demo bookings, so a newcomer's grids and lists show real use: the past and next few weeks,
a weekly recurring series, a cancelled booking and a maintenance block."""
from __future__ import annotations

import random
from datetime import date, time, timedelta

import sqlalchemy as sa

from coworking.accounts.models import User
from coworking.bookings.blocks import block_space
from coworking.bookings.errors import BookingError
from coworking.bookings.models import Booking
from coworking.bookings.opening import day_opening
from coworking.bookings.operations import book_space, cancel_booking
from coworking.bookings.policy import hub_policy
from coworking.bookings.queries import active_booking_count
from coworking.bookings.recurrence import Recurrence
from coworking.bookings.series import book_series
from coworking.extensions import db
from coworking.hubs.models import Hub, Space
from coworking.timezones import combine_local, local_today
from coworking.types import utcnow

PAST_DAYS, FUTURE_DAYS = 14, 21


def hub_has_bookings(hub: Hub) -> bool:
    return db.session.scalar(
        sa.select(sa.func.count(Booking.id)).join(Space).where(Space.hub_id == hub.id)
    ) > 0


def _open_days(hub: Hub, today: date):
    for offset in range(-PAST_DAYS, FUTURE_DAYS + 1):
        day = today + timedelta(days=offset)
        if not day_opening(hub, day).is_closed:
            yield day


def _book(space: Space, member: User, day: date, start: time, end: time, *, by: User):
    """Book as if on the day before, so past demo bookings pass the "not in the past" rule."""
    starts_at = combine_local(day, start, space.hub.timezone)
    ends_at = combine_local(day, end, space.hub.timezone)
    try:
        return book_space(
            space, member, starts_at, ends_at, booked_by=by,
            now=starts_at - timedelta(days=1), notify=False,
        )
    except BookingError:
        return None  # a demo clash or rule: skip that one


def seed_hub_bookings(hub: Hub, members: list[User], manager: User) -> None:
    """Fill one hub's past and coming weeks; does nothing if the hub already has bookings.

    The demo keeps its own hub's rules, so every demo member can still book: each holds at most
    half the hub's limit of upcoming bookings, and today and the next open day keep a desk free
    for each member.
    """
    if hub_has_bookings(hub):
        return
    rng = random.Random(hub.slug)  # the same demo every time
    today = local_today(hub.timezone)
    desks = [s for s in hub.spaces if s.kind == "desk" and s.active]
    rooms = [s for s in hub.spaces if s.kind == "room" and s.active]
    _seed_series(hub, rooms, members[0], today)
    _seed_cancellation(hub, desks, members[-1], today, manager)
    _seed_block(hub, rooms, today, manager)
    room_for = _UpcomingCap(hub, hub_policy(hub).max_active_bookings // 2)
    first_days = _first_open_days(hub, today)
    for day in _open_days(hub, today):
        hours = hub.hours_on(day.weekday())
        for desk in desks[:len(desks) - len(members)] if day in first_days else desks:
            member = rng.choice(members)
            if rng.random() < 0.55 and room_for(member, day, today):
                _book(desk, member, day, hours.opens_at, hours.closes_at, by=manager)
        for room in rooms:
            for start_hour in (9, 11, 14, 16):
                member = rng.choice(members)
                if rng.random() < 0.4 and room_for(member, day, today):
                    _book(room, member, day, time(start_hour), time(start_hour + 1, 30), by=manager)


def _first_open_days(hub: Hub, today: date) -> set[date]:
    """Today and the next day the hub opens: walk-ins' and tomorrow's members' days."""
    later = [day for day in _open_days(hub, today) if day > today]
    return {today, *later[:1]}


class _UpcomingCap:
    """Whether a member may get one more upcoming demo booking (past days are not counted)."""

    def __init__(self, hub: Hub, cap: int):
        self.hub, self.cap, self.now = hub, cap, utcnow()

    def __call__(self, member: User, day: date, today: date) -> bool:
        return day < today or active_booking_count(member, self.hub, self.now) < self.cap


def _seed_series(hub: Hub, rooms: list[Space], member: User, today: date) -> None:
    if not rooms:
        return
    first_tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    recurrence = Recurrence("weekly", first_tuesday, weekdays=(1,), count=8)
    book_series(
        rooms[0], member, recurrence, time(8, 0), time(9, 0),
        booked_by=member, skip_conflicts=True,
    )


def _seed_cancellation(hub: Hub, desks: list[Space], member: User, today: date, manager: User) -> None:
    for offset in range(3, 14):
        day = today + timedelta(days=offset)
        hours = hub.hours_on(day.weekday())
        if hours is None:
            continue
        for desk in desks:
            booking = _book(desk, member, day, hours.opens_at, hours.closes_at, by=member)
            if booking is not None:
                cancel_booking(booking, by=manager, reason="Desk needed for a community event", notify=False)
                return


def _seed_block(hub: Hub, rooms: list[Space], today: date, manager: User) -> None:
    for offset in range(7, 21):
        day = today + timedelta(days=offset)
        hours = hub.hours_on(day.weekday())
        if hours is None or not rooms:
            continue
        starts_at = combine_local(day, time(17, 0), hub.timezone)
        ends_at = combine_local(day, hours.closes_at, hub.timezone)
        try:
            block_space(rooms[-1], starts_at, ends_at, "Deep clean and new carpet", by=manager)
            return
        except BookingError:
            continue
