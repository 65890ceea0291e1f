"""Prices are recorded when a booking is made, from the space's rates then: rooms by the hour
pro rata, desks by the day or half day, always rounded half-up to the minor unit."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coworking.bookings.operations import book_space
from coworking.bookings.policy import DEFAULT_POLICY
from coworking.bookings.pricing import price_for
from coworking.extensions import db
from coworking.hubs.models import Hub, Space
from coworking.hubs.services import update_space

NOW = datetime(2027, 3, 15, 12, 0, tzinfo=timezone.utc)
DAY = date(2027, 3, 22)


@pytest.mark.parametrize(
    "hourly_rate,start,end,price",
    [
        (1000, "10:00", "10:45", 750),  # 45 minutes at £10.00 an hour
        (1001, "10:00", "10:50", 834),  # 834.17
        (1001, "10:00", "10:30", 501),  # 500.5 rounds half-up
        (999, "10:00", "11:30", 1499),  # 1498.5 rounds half-up
        (2000, "09:00", "17:00", 16000),
        (0, "10:00", "11:00", 0),
    ],
)
def test_a_room_is_priced_by_the_hour_pro_rata(hub, make_space, member, at, set_policy, hourly_rate, start, end, price):
    set_policy(slot_minutes=5)
    room = make_space(hub, "room", hourly_rate_minor=hourly_rate)
    booking = book_space(room, member, at(DAY, start), at(DAY, end), booked_by=member, now=NOW)
    db.session.commit()
    db.session.refresh(booking)
    assert (booking.price_minor, booking.currency) == (price, "GBP")


@pytest.mark.parametrize(
    "daily_rate,start,end,price",
    [
        (1500, "08:00", "18:00", 1500),
        (1501, "08:00", "18:00", 1501),
        (1500, "08:00", "13:00", 750),
        (1501, "08:00", "13:00", 751),  # 750.5 rounds half-up
        (1501, "13:00", "18:00", 751),
        (1, "13:00", "18:00", 1),
        (0, "08:00", "18:00", 0),
    ],
    ids=["full day", "full day odd", "morning", "morning odd", "afternoon odd", "a penny a day", "free"],
)
def test_a_desk_is_priced_by_the_day_or_half_day(hub, make_space, member, at, daily_rate, start, end, price):
    desk = make_space(hub, "desk", daily_rate_minor=daily_rate)
    booking = book_space(desk, member, at(DAY, start), at(DAY, end), booked_by=member, now=NOW)
    assert booking.price_minor == price


@pytest.mark.parametrize("start,end", [("08:00", "12:00"), ("12:00", "18:00")], ids=["short morning", "long afternoon"])
def test_both_halves_of_an_uneven_day_are_half_days(hub, make_space, member, at, set_policy, start, end):
    set_policy(half_day_split=time(12, 0))
    desk = make_space(hub, "desk", daily_rate_minor=2000)
    assert book_space(desk, member, at(DAY, start), at(DAY, end), booked_by=member, now=NOW).price_minor == 1000


@pytest.mark.parametrize("start,end,price", [("09:00", "11:00", 750), ("08:00", "17:00", 1500)])
def test_a_desk_booked_for_odd_hours_by_a_manager_is_priced_by_length(hub, make_space, member, make_manager, at, start, end, price):
    desk = make_space(hub, "desk", daily_rate_minor=1500)
    booking = book_space(desk, member, at(DAY, start), at(DAY, end), booked_by=make_manager(hub), now=NOW, override_rules=True)
    assert booking.price_minor == price


def test_a_later_rate_change_never_rewrites_a_bookings_price(room, desks, member, at, book):
    room_booking = book(room, at(DAY, "10:00"), at(DAY, "11:00"), now=NOW)
    desk_booking = book(desks[0], at(DAY, "08:00"), at(DAY, "18:00"), now=NOW)
    update_space(room, hourly_rate_minor=5000)
    update_space(desks[0], daily_rate_minor=9900)
    db.session.commit()
    db.session.refresh(room_booking)
    db.session.refresh(desk_booking)
    assert (room_booking.price_minor, desk_booking.price_minor) == (2000, 1500)
    later = book(room, at(DAY, "14:00"), at(DAY, "15:00"), now=NOW)
    assert later.price_minor == 5000


def test_the_price_is_in_the_hubs_currency(make_hub, make_space, member):
    from coworking.timezones import combine_local

    hub = make_hub(timezone="Europe/Paris", currency="EUR")
    room = make_space(hub, "room", hourly_rate_minor=1200)
    starts_at = combine_local(DAY, time(10), hub.timezone)
    booking = book_space(room, member, starts_at, starts_at + timedelta(minutes=30), booked_by=member, now=NOW)
    assert (booking.price_minor, booking.currency) == (600, "EUR")


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 25 * 60))
def test_room_proration_is_the_hourly_rate_times_the_minutes_rounded_half_up(hourly_rate, minutes):
    room = Space(kind="room", hourly_rate_minor=hourly_rate, hub=Hub(currency="GBP"))
    starts_at = datetime(2027, 3, 28, 0, 0, tzinfo=timezone.utc)
    price = price_for(room, starts_at, starts_at + timedelta(minutes=minutes), DEFAULT_POLICY)
    # Half-up in integers: floor(rate * minutes / 60 + 1/2).
    assert price == (2 * hourly_rate * minutes + 60) // 120
    assert abs(price * 60 - hourly_rate * minutes) <= 30
