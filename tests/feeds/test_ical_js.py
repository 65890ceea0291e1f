"""Feeds and one-off .ics files read by ical.js (Thunderbird, Nextcloud Calendar, many web
calendars) give every event the same UTC instants as icalendar with recurring-ical-events, and
both give the booking's own: in zones north and south, without DST, with a 30-minute change, and
one that abolished DST, with bookings either side of every clock change in the feed's window and
in its first and last weeks.

ical.js builds each zone from the file's VTIMEZONE (icalendar from the TZID's name), so this is
the test of what we publish. It runs ``tests/ical_instants.mjs`` with the ical.js pinned in
package.json (``npm ci``); without node or node_modules it is skipped locally and fails in CI
(``CI=1`` or ``REQUIRE_NODE=1``, set by ``.ci/run``).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from coworking.feeds.definitions import FUTURE_DAYS, PAST_DAYS
from coworking.ical import booking_ics
from tests.feeds.conftest import clock_changes, expanded, iso, local, parse, today_utc, uid

ZONES = (
    "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Australia/Lord_Howe", "America/Sao_Paulo",
)


def booking_days(zone_name: str) -> list[date]:
    """The day before and the day after every clock change in the window, and days in its first
    and last weeks."""
    first, last = today_utc() - timedelta(days=PAST_DAYS), today_utc() + timedelta(days=FUTURE_DAYS)
    days = {first + timedelta(days=1), first + timedelta(days=5), last - timedelta(days=5), last - timedelta(days=1)}
    for change in clock_changes(zone_name, first + timedelta(days=1), last - timedelta(days=2)):
        days |= {change, change + timedelta(days=1)}
    return sorted(days)


@pytest.fixture
def bookings_in(place, make_hub, make_space, member):
    """bookings_in(zone): the member's 09:00–10:30 bookings, local time, on booking_days(zone)."""

    def make(zone_name: str):
        hub = make_hub(name=f"Hub in {zone_name}", timezone=zone_name)
        room = make_space(hub, "room", "Room")
        return [
            place(room, member, local(day, "09:00", zone_name), local(day, "10:30", zone_name))
            for day in booking_days(zone_name)
        ]

    return make


def truth(bookings) -> set[tuple[str, str, str]]:
    return {(uid(booking), iso(booking.starts_at), iso(booking.ends_at)) for booking in bookings}


def vtimezone_offsets_agree(calendar: Calendar, bookings, zone_name: str) -> None:
    """Our VTIMEZONE, read by icalendar itself, gives each booking's wall time the zone's offset."""
    [vtimezone] = [item for item in calendar.timezones if item["TZID"] == zone_name]
    from_vtimezone, expected = vtimezone.to_tz(lookup_tzid=False), ZoneInfo(zone_name)
    for booking in bookings:
        wall = booking.starts_at.astimezone(expected).replace(tzinfo=None)
        assert wall.replace(tzinfo=from_vtimezone).utcoffset() == wall.replace(tzinfo=expected).utcoffset(), wall


@pytest.mark.parametrize("zone_name", ZONES)
def test_a_feed_reads_the_same_in_ical_js_and_icalendar(client, feed_path, member, bookings_in, ical_js, zone_name):
    bookings = bookings_in(zone_name)
    assert len(bookings) >= 4
    body = client.get(feed_path(member)).data
    calendar = parse(client.get(feed_path(member)))

    from_icalendar = {
        (key, iso(event["DTSTART"].dt), iso(event["DTEND"].dt)) for key, event in expanded(calendar).items()
    }
    from_ical_js = {(key, start, end) for _, key, start, end in ical_js(body)}
    assert from_ical_js == from_icalendar == truth(bookings)
    vtimezone_offsets_agree(calendar, bookings, zone_name)


@pytest.mark.parametrize("zone_name", ZONES)
def test_each_one_off_ics_reads_the_same_in_ical_js_and_icalendar(bookings_in, ical_js, zone_name):
    bookings = bookings_in(zone_name)
    bodies = [booking_ics(booking, link="https://hub.example.org/bookings/1") for booking in bookings]

    from_ical_js = ical_js(*bodies)
    from_icalendar = set()
    for index, body in enumerate(bodies):
        calendar = Calendar.from_ical(body)
        [event] = calendar.walk("VEVENT")
        from_icalendar.add((index, str(event["UID"]), iso(event["DTSTART"].dt), iso(event["DTEND"].dt)))
        vtimezone_offsets_agree(calendar, [bookings[index]], zone_name)
    assert from_ical_js == from_icalendar
    assert {(key, start, end) for _, key, start, end in from_ical_js} == truth(bookings)


def test_the_window_has_clock_changes_on_both_sides_for_every_zone_with_dst():
    """The bookings above straddle changes where the zone has them (not a test that cannot fail)."""
    first, last = today_utc() - timedelta(days=PAST_DAYS), today_utc() + timedelta(days=FUTURE_DAYS)
    for zone_name in ("Europe/London", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe"):
        changes = clock_changes(zone_name, first, last)
        assert len(changes) >= 2, zone_name
        offsets = {datetime.combine(day, time(12), tzinfo=ZoneInfo(zone_name)).utcoffset() for day in changes}
        assert len(offsets) == 2, zone_name
