"""Time: instants are stored in UTC, people see hub-local times, and clock changes are handled.

The Europe/London clocks change on the last Sundays of March and October (2027: 28 March and
31 October); America/New_York on other dates (2027: 14 March and 7 November); Asia/Kolkata
never. Property tests check the interval logic the availability grid is made of.
"""
from __future__ import annotations

import base64
from datetime import date, datetime, time, timedelta, timezone
from itertools import pairwise
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from coworking.bookings.availability import availability, free_intervals
from coworking.bookings.models import Booking
from coworking.bookings.operations import book_space
from coworking.bookings.policy import effective_policy
from coworking.bookings.rules import desk_windows, overlaps
from coworking.extensions import db
from coworking.hubs.services import set_opening_hours
from coworking.mail import OutboxMessage
from coworking.timezones import NonexistentLocalTime, combine_local, local_day_bounds, utc_to_local

UTC = timezone.utc
SPRING_FORWARD = date(2027, 3, 28)
FALL_BACK = date(2027, 10, 31)
NY_SPRING_FORWARD = date(2027, 3, 14)
NY_FALL_BACK = date(2027, 11, 7)


def a_few_days_before(day: date) -> datetime:
    return datetime.combine(day - timedelta(days=3), time(12, 0), tzinfo=UTC)


def utc(day: date, hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=UTC)


def reloaded(booking: Booking) -> Booking:
    """The booking as stored, read back from the database."""
    db.session.commit()
    db.session.refresh(booking)
    return booking


def open_all_week(hub) -> None:
    for weekday in range(7):
        set_opening_hours(hub, weekday, time(8, 0), time(18, 0))
    db.session.commit()


# --- Europe/London clock-change days ----------------------------------------------------------

@pytest.mark.parametrize(
    "day,utc_start,utc_end",
    [
        (SPRING_FORWARD, "08:00", "16:00"),  # BST, UTC+1
        (FALL_BACK, "09:00", "17:00"),  # GMT again
        (SPRING_FORWARD - timedelta(days=1), "09:00", "17:00"),  # the Saturday before: GMT
    ],
    ids=["spring forward", "fall back", "day before spring forward"],
)
def test_nine_to_five_on_a_clock_change_day_is_eight_hours(open_every_day, room, member, at, day, utc_start, utc_end):
    booking = book_space(room, member, at(day, "09:00"), at(day, "17:00"), booked_by=member, now=a_few_days_before(day))
    booking = reloaded(booking)
    assert booking.ends_at - booking.starts_at == timedelta(hours=8)
    assert (booking.starts_at, booking.ends_at) == (utc(day, utc_start), utc(day, utc_end))
    local_start, local_end = utc_to_local(booking.starts_at, "Europe/London"), utc_to_local(booking.ends_at, "Europe/London")
    assert (local_start.time(), local_end.time()) == (time(9, 0), time(17, 0))
    assert booking.price_minor == 8 * room.hourly_rate_minor


def test_a_local_time_that_does_not_exist_is_refused_saying_the_clocks_go_forward(open_every_day, at):
    with pytest.raises(NonexistentLocalTime, match="does not exist in Europe/London: the clocks go forward"):
        at(SPRING_FORWARD, "01:30")


def test_an_ambiguous_local_time_is_the_earlier_instant_still_on_summer_time(at):
    assert at(FALL_BACK, "01:30") == utc(FALL_BACK, "00:30")
    assert at(FALL_BACK, "02:00") == utc(FALL_BACK, "02:00")  # after the change, unambiguous GMT


def test_a_booking_across_the_repeated_hour_lasts_the_real_elapsed_time(open_every_day, hub, room, member):
    set_opening_hours(hub, 6, time(0, 0), time(23, 0))
    db.session.commit()
    starts_at = combine_local(FALL_BACK, time(1, 0), hub.timezone)
    ends_at = combine_local(FALL_BACK, time(3, 0), hub.timezone)
    booking = book_space(room, member, starts_at, ends_at, booked_by=member, now=a_few_days_before(FALL_BACK))
    # 01:00 BST to 03:00 GMT: three hours pass, and three hours are paid for.
    assert booking.ends_at - booking.starts_at == timedelta(hours=3)
    assert booking.price_minor == 3 * room.hourly_rate_minor


@pytest.mark.parametrize(
    "day,window,utc_start,utc_end,price",
    [
        (SPRING_FORWARD, ("08:00", "18:00"), "07:00", "17:00", 1500),
        (SPRING_FORWARD, ("08:00", "13:00"), "07:00", "12:00", 750),
        (SPRING_FORWARD, ("13:00", "18:00"), "12:00", "17:00", 750),
        (FALL_BACK, ("08:00", "18:00"), "08:00", "18:00", 1500),
        (FALL_BACK, ("13:00", "18:00"), "13:00", "18:00", 750),
    ],
)
def test_desk_days_on_clock_change_days_follow_local_opening_hours(open_every_day, hub, desks, member, at, day, window, utc_start, utc_end, price):
    assert desk_windows(hub, day, effective_policy(desks[0])) == {
        "full": (time(8), time(18)), "morning": (time(8), time(13)), "afternoon": (time(13), time(18)),
    }
    booking = book_space(desks[0], member, at(day, window[0]), at(day, window[1]), booked_by=member, now=a_few_days_before(day))
    booking = reloaded(booking)
    assert (booking.starts_at, booking.ends_at) == (utc(day, utc_start), utc(day, utc_end))
    assert booking.price_minor == price


def test_a_desk_in_a_hub_open_round_the_clock_is_priced_by_the_local_half_day(hub, desks, member, at):
    for weekday in range(7):
        set_opening_hours(hub, weekday, time(0, 0), time(23, 59))
    db.session.commit()
    # 00:00–13:00 on spring-forward day is a half day, although only twelve hours pass.
    morning = book_space(desks[0], member, at(SPRING_FORWARD, "00:00"), at(SPRING_FORWARD, "13:00"), booked_by=member, now=a_few_days_before(SPRING_FORWARD))
    assert morning.price_minor == 750


@pytest.mark.parametrize(
    "day,opens,closes",
    [(SPRING_FORWARD, "07:00", "17:00"), (FALL_BACK, "08:00", "18:00"), (date(2027, 3, 27), "08:00", "18:00")],
)
def test_availability_on_clock_change_days_gives_opening_hours_in_utc(open_every_day, room, day, opens, closes):
    hub_day = availability(open_every_day, day)
    assert (hub_day.opens_at, hub_day.closes_at) == (utc(day, opens), utc(day, closes))
    assert hub_day.closed_reason is None
    assert hub_day.spaces[0].free == [(utc(day, opens), utc(day, closes))]


def test_availability_on_spring_forward_day_shows_a_booking_in_local_time(open_every_day, room, member, at, book):
    booking = book(room, at(SPRING_FORWARD, "09:00"), at(SPRING_FORWARD, "10:00"), now=a_few_days_before(SPRING_FORWARD))
    space_day = availability(open_every_day, SPRING_FORWARD).spaces[0]
    assert [b.id for b in space_day.bookings] == [booking.id]
    assert space_day.free == [
        (utc(SPRING_FORWARD, "07:00"), utc(SPRING_FORWARD, "08:00")),
        (utc(SPRING_FORWARD, "09:00"), utc(SPRING_FORWARD, "17:00")),
    ]


def test_local_days_are_23_and_25_hours_long_on_clock_change_days():
    spring = local_day_bounds(SPRING_FORWARD, "Europe/London")
    fall = local_day_bounds(FALL_BACK, "Europe/London")
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert fall[1] - fall[0] == timedelta(hours=25)


# --- other zones ---------------------------------------------------------------------------

@pytest.fixture
def new_york(make_hub, make_space):
    hub = make_hub(slug="nyc", name="NYC Hub", timezone="America/New_York", currency="USD")
    open_all_week(hub)
    return hub, make_space(hub, "room", "Hudson Room", hourly_rate_minor=3000)


@pytest.mark.parametrize(
    "day,utc_start,utc_end",
    [
        (NY_SPRING_FORWARD - timedelta(days=1), "14:00", "22:00"),  # EST, UTC-5
        (NY_SPRING_FORWARD, "13:00", "21:00"),  # EDT, UTC-4
        (SPRING_FORWARD, "13:00", "21:00"),  # London's change day means nothing in New York
        (NY_FALL_BACK, "14:00", "22:00"),
    ],
)
def test_new_york_changes_its_clocks_on_its_own_dates(new_york, member, day, utc_start, utc_end):
    hub, room = new_york
    starts_at, ends_at = combine_local(day, time(9), hub.timezone), combine_local(day, time(17), hub.timezone)
    booking = reloaded(book_space(room, member, starts_at, ends_at, booked_by=member, now=a_few_days_before(day)))
    assert (booking.starts_at, booking.ends_at) == (utc(day, utc_start), utc(day, utc_end))
    assert booking.ends_at - booking.starts_at == timedelta(hours=8)


def test_new_york_gap_and_repeat_follow_the_same_rules():
    with pytest.raises(NonexistentLocalTime, match="02:30 on 14 March 2027 does not exist in America/New_York"):
        combine_local(NY_SPRING_FORWARD, time(2, 30), "America/New_York")
    assert combine_local(NY_FALL_BACK, time(1, 30), "America/New_York") == utc(NY_FALL_BACK, "05:30")
    # London is not in its gap on New York's day, and the other way round.
    assert combine_local(NY_SPRING_FORWARD, time(2, 30), "Europe/London") == utc(NY_SPRING_FORWARD, "02:30")
    assert combine_local(SPRING_FORWARD, time(1, 30), "America/New_York") == utc(SPRING_FORWARD, "05:30")


@pytest.mark.parametrize("day", [SPRING_FORWARD, FALL_BACK, NY_SPRING_FORWARD, date(2027, 6, 1)])
def test_kolkata_is_five_and_a_half_hours_ahead_all_year(make_hub, day):
    hub = make_hub(timezone="Asia/Kolkata", currency="INR")
    open_all_week(hub)
    for hhmm in ("01:30", "02:30", "09:00"):
        hours, minutes = map(int, hhmm.split(":"))
        instant = combine_local(day, time(hours, minutes), hub.timezone)
        assert instant == datetime.combine(day, time(hours, minutes), tzinfo=UTC) - timedelta(hours=5, minutes=30)
    hub_day = availability(hub, day)
    assert hub_day.closes_at - hub_day.opens_at == timedelta(hours=10)
    start, end = local_day_bounds(day, hub.timezone)
    assert end - start == timedelta(hours=24)


# --- the confirmation email and its calendar file -------------------------------------------

def attachment_event(message: OutboxMessage):
    [attachment] = message.attachments
    assert (attachment["filename"], attachment["content_type"]) == ("booking.ics", "text/calendar")
    calendar = Calendar.from_ical(base64.b64decode(attachment["data"]))
    [event] = calendar.walk("VEVENT")
    return event


@pytest.mark.parametrize("day,hhmm_utc", [(SPRING_FORWARD, "08:00"), (FALL_BACK, "09:00")])
def test_the_confirmation_email_carries_a_calendar_file_in_the_hubs_zone(open_every_day, room, member, at, book, day, hhmm_utc):
    booking = book(room, at(day, "09:00"), at(day, "10:30"), now=a_few_days_before(day))
    [message] = db.session.scalars(sa.select(OutboxMessage))
    assert message.to_address == member.email
    assert "Meeting Room" in message.subject and "09:00–10:30" in message.subject
    event = attachment_event(message)
    start = event["DTSTART"]
    assert start.params["TZID"] == "Europe/London"
    assert start.dt.replace(tzinfo=None) == datetime.combine(day, time(9, 0))
    assert start.dt == utc(day, hhmm_utc)
    assert event["DTEND"].dt - start.dt == timedelta(minutes=90)
    assert str(event["UID"]) == f"booking-{booking.id}@coworking-hub"


def test_the_confirmation_email_is_in_the_bookings_transaction(room, member, at):
    day = date(2027, 3, 22)
    book_space(room, member, at(day, "09:00"), at(day, "10:00"), booked_by=member, now=a_few_days_before(day))
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 1
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0


# --- properties: local wall-clock times and UTC ---------------------------------------------

ZONES = (
    "Europe/London",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # a half-hour clock change
    "America/Sao_Paulo",  # changed its clocks at midnight until 2019
    "Europe/Dublin",  # "negative" summer time in the zone database
)
FIRST_DAY, LAST_DAY = date(2016, 1, 1), date(2032, 12, 31)


def clock_change_days(zone_name: str) -> list[date]:
    """Local dates on which the zone's UTC offset changes, found by stepping through the UTC days."""
    tz = ZoneInfo(zone_name)
    days, previous = [], None
    instant = datetime.combine(FIRST_DAY, time(12), tzinfo=UTC)
    while instant.date() <= LAST_DAY:
        offset = instant.astimezone(tz).utcoffset()
        if previous is not None and offset != previous:
            days += [(instant - timedelta(days=1)).astimezone(tz).date(), instant.astimezone(tz).date()]
        previous, instant = offset, instant + timedelta(days=1)
    return days or [date(2027, 6, 1)]


CHANGE_DAYS = {name: clock_change_days(name) for name in ZONES}


@st.composite
def local_moments(draw):
    """A zone and a naive local wall-clock time, often on or next to a clock-change day."""
    zone_name = draw(st.sampled_from(ZONES))
    day = draw(st.one_of(st.dates(FIRST_DAY, LAST_DAY), st.sampled_from(CHANGE_DAYS[zone_name])))
    at = draw(st.one_of(st.times(), st.builds(time, st.integers(0, 3), st.integers(0, 59))))
    return zone_name, datetime.combine(day, at.replace(microsecond=0))


def instants_showing(local: datetime, zone_name: str) -> list[datetime]:
    """Every UTC instant whose wall clock in the zone reads ``local``, found from UTC side only."""
    tz = ZoneInfo(zone_name)
    around = [local.replace(tzinfo=UTC) + timedelta(hours=hours) for hours in range(-30, 31, 6)]
    offsets = {instant.astimezone(tz).utcoffset() for instant in around}
    candidates = {local.replace(tzinfo=UTC) - offset for offset in offsets}
    return sorted(c for c in candidates if c.astimezone(tz).replace(tzinfo=None) == local)


@settings(max_examples=100, deadline=None)
@given(local_moments())
def test_local_times_round_trip_or_are_refused_exactly_when_they_do_not_exist(moment):
    zone_name, local = moment
    instants = instants_showing(local, zone_name)
    if not instants:
        with pytest.raises(NonexistentLocalTime):
            combine_local(local.date(), local.time(), zone_name)
        return
    instant = combine_local(local.date(), local.time(), zone_name)
    assert instant.utcoffset() == timedelta(0)
    assert instant == instants[0]  # the earlier of two, when the wall time happens twice
    assert utc_to_local(instant, zone_name).replace(tzinfo=None) == local


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ZONES), st.data())
def test_a_local_day_runs_from_its_first_instant_to_the_next_days_first(zone_name, data):
    day = data.draw(st.one_of(st.dates(FIRST_DAY, LAST_DAY), st.sampled_from(CHANGE_DAYS[zone_name])))
    start, end = local_day_bounds(day, zone_name)
    assert timedelta(hours=22) <= end - start <= timedelta(hours=26)
    assert utc_to_local(start, zone_name).date() == day
    assert utc_to_local(start - timedelta(seconds=1), zone_name).date() < day
    assert utc_to_local(end - timedelta(seconds=1), zone_name).date() == day
    assert utc_to_local(end, zone_name).date() == day + timedelta(days=1)


# --- properties: intervals ----------------------------------------------------------------

BASE = datetime(2027, 3, 28, tzinfo=UTC)


def minute(n: int) -> datetime:
    return BASE + timedelta(minutes=n)


def minutes_of(start: datetime, end: datetime) -> set[int]:
    return set(range(int((start - BASE).total_seconds() // 60), int((end - BASE).total_seconds() // 60)))


intervals = st.tuples(st.integers(-200, 1600), st.integers(1, 600)).map(lambda p: (minute(p[0]), minute(p[0] + p[1])))


@settings(max_examples=100, deadline=None)
@given(intervals, intervals)
def test_overlap_is_symmetric_and_means_sharing_a_minute(first, second):
    assert overlaps(first, second) == overlaps(second, first)
    assert overlaps(first, second) == bool(minutes_of(*first) & minutes_of(*second))


@settings(max_examples=50, deadline=None)
@given(st.integers(-200, 1600), st.integers(1, 600), st.integers(1, 600))
def test_adjacent_intervals_do_not_overlap(start, first_length, second_length):
    middle = start + first_length
    first, second = (minute(start), minute(middle)), (minute(middle), minute(middle + second_length))
    assert not overlaps(first, second)
    assert not overlaps(second, first)
    assert overlaps(first, first)


@st.composite
def a_day_with_bookings(draw):
    """An opening window and non-overlapping bookings (some touching, some outside the window)."""
    opens = draw(st.integers(0, 1000))
    closes = draw(st.integers(opens + 1, 1440))
    bookings, cursor = [], draw(st.integers(-300, 200))
    for gap, length in draw(st.lists(st.tuples(st.integers(0, 240), st.integers(1, 300)), max_size=8)):
        start = cursor + gap
        bookings.append(SimpleNamespace(starts_at=minute(start), ends_at=minute(start + length)))
        cursor = start + length
    return minute(opens), minute(closes), draw(st.permutations(bookings))


@settings(max_examples=100, deadline=None)
@given(a_day_with_bookings())
def test_free_intervals_and_bookings_exactly_tile_the_opening_hours(day):
    opens_at, closes_at, bookings = day
    free = free_intervals(opens_at, closes_at, bookings)

    window = minutes_of(opens_at, closes_at)
    booked = set().union(*(minutes_of(b.starts_at, b.ends_at) for b in bookings)) & window
    free_minutes = [minutes_of(a, b) for a, b in free]
    assert set().union(*free_minutes) | booked == window
    assert not set().union(*free_minutes) & booked
    assert sum(len(m) for m in free_minutes) == len(set().union(*free_minutes))  # free gaps never overlap
    assert all(opens_at <= a < b <= closes_at for a, b in free)
    assert free == sorted(free)
    # Each gap is as large as it can be: two free intervals never touch.
    assert all(earlier[1] < later[0] for earlier, later in pairwise(free))


def test_no_opening_hours_means_no_free_time():
    assert free_intervals(None, None, []) == []
