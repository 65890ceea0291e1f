"""A member's feed: a valid RFC 5545 calendar that a second library reads back as we meant it,
times right on the days the clocks change, cancellations and moves that reach subscribers, and
nobody else's bookings."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from coworking.bookings.operations import cancel_booking, move_booking
from coworking.feeds.definitions import CANCELLED_KEPT_DAYS, FUTURE_DAYS, PAST_DAYS
from coworking.types import utcnow
from tests.feeds.conftest import clock_changes, events_by_uid, expanded, local, parse, today_utc, uid

REQUIRED_EVENT_PROPERTIES = (
    "UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "LAST-MODIFIED", "SEQUENCE", "STATUS",
)


def observance_starts(vtimezone) -> list[datetime]:
    """Every moment a VTIMEZONE says its offset changes (DTSTART and RDATEs of each observance)."""
    starts = []
    for observance in vtimezone.subcomponents:
        starts.append(observance["DTSTART"].dt)
        rdates = observance.get("RDATE", [])
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            starts.extend(item.dt for item in rdate.dts)
    return starts


@pytest.fixture
def soon(hub) -> date:
    return today_utc() + timedelta(days=3)


@pytest.fixture
def booked(place, room, member, soon, hub):
    return place(room, member, local(soon, "09:00", hub.timezone), local(soon, "10:30", hub.timezone))


def test_the_feed_is_a_calendar_with_the_required_headers(client, feed_path, member, booked):
    response = client.get(feed_path(member))
    calendar = parse(response)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//Coworking hub//Bookings//EN"
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "My bookings"
    assert calendar["X-WR-TIMEZONE"] == "Europe/London"
    body = response.data
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in body


def test_every_line_ends_in_crlf_and_is_folded_to_75_octets(client, feed_path, member, room, place, hub, soon):
    place(room, member, local(soon, "11:00", hub.timezone), local(soon, "12:00", hub.timezone))
    room.hub.address = "The Old Library, 12 Very Long Street Name That Goes On And On, Leeds, West Yorkshire LS1 1AA"
    from coworking.extensions import db

    db.session.commit()
    body = client.get(feed_path(member)).data
    assert body.endswith(b"\r\n")
    assert body.count(b"\n") == body.count(b"\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines), "the long LOCATION should have been folded"


def test_every_event_has_the_properties_calendar_apps_need(client, feed_path, member, booked, hub):
    calendar = parse(client.get(feed_path(member)))
    [event] = calendar.walk("VEVENT")
    for name in REQUIRED_EVENT_PROPERTIES:
        assert name in event, name
    assert event["UID"] == uid(booked)
    assert event["SUMMARY"] == "Meeting Room at Here Hub"
    assert event["LOCATION"].startswith("Meeting Room, Here Hub")
    assert f"http://localhost/bookings/{booked.id}" in event["DESCRIPTION"]
    assert event["STATUS"] == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTSTART"].dt == booked.starts_at
    assert event["DTEND"].dt == booked.ends_at
    assert event["LAST-MODIFIED"].dt == booked.updated_at.replace(microsecond=0)


def test_the_time_zone_comes_first_and_holds_only_the_windows_transitions(client, feed_path, member, booked):
    body = client.get(feed_path(member)).data
    assert body.index(b"BEGIN:VTIMEZONE") < body.index(b"BEGIN:VEVENT")
    calendar = parse(client.get(feed_path(member)))
    [zone] = calendar.timezones
    assert zone["TZID"] == "Europe/London"
    starts = observance_starts(zone)
    # A window of 15 months holds two or three clock changes, plus the observance it opens in.
    assert 2 <= len(starts) <= 5
    first, last = today_utc() - timedelta(days=PAST_DAYS + 8), today_utc() + timedelta(days=FUTURE_DAYS + 8)
    assert all(first <= start.date() <= last for start in starts)


@pytest.mark.parametrize("zone_name", ("Europe/London", "America/New_York"))
def test_a_0900_booking_on_each_clock_change_day_stays_at_0900_local(client, feed_path, member, place, make_hub, make_space, zone_name):
    hub = make_hub(slug="dst", name="DST Hub", timezone=zone_name)
    room = make_space(hub, "room", "Room")
    first, last = today_utc() - timedelta(days=PAST_DAYS - 2), today_utc() + timedelta(days=FUTURE_DAYS - 2)
    change_days = clock_changes(zone_name, first, last)
    assert len(change_days) >= 2  # spring forward and fall back, at least one of each
    bookings = [place(room, member, local(day, "09:00", zone_name), local(day, "10:00", zone_name)) for day in change_days]

    calendar = parse(client.get(feed_path(member)))
    expected_zone = ZoneInfo(zone_name)
    [vtimezone] = calendar.timezones
    assert vtimezone["TZID"] == zone_name
    from_vtimezone = vtimezone.to_tz()
    by_uid = expanded(calendar)
    for booking, day in zip(bookings, change_days, strict=True):
        start = by_uid[uid(booking)]["DTSTART"].dt
        assert start.astimezone(expected_zone).date() == day
        assert start.astimezone(expected_zone).time() == time(9, 0)
        assert start == booking.starts_at
        # The VTIMEZONE we wrote gives 09:00 the same offset as the zone database does.
        wall = datetime.combine(day, time(9, 0))
        assert wall.replace(tzinfo=from_vtimezone).utcoffset() == wall.replace(tzinfo=expected_zone).utcoffset()


def test_a_feed_spanning_two_zones_has_one_vtimezone_each(client, feed_path, member, place, booked, make_hub, make_space, soon):
    new_york = make_hub(slug="nyc", name="NYC Hub", timezone="America/New_York")
    desk = make_space(new_york, "desk", "Hot Desk")
    there = place(desk, member, local(soon, "09:00", "America/New_York"), local(soon, "17:00", "America/New_York"))
    calendar = parse(client.get(feed_path(member)))
    assert sorted(str(zone["TZID"]) for zone in calendar.timezones) == ["America/New_York", "Europe/London"]
    event = expanded(calendar)[uid(there)]
    assert event["DTSTART"].dt.astimezone(ZoneInfo("America/New_York")).time() == time(9, 0)


def test_a_cancelled_booking_stays_cancelled_with_a_higher_sequence(client, feed_path, member, booked):
    cancel_booking(booked, by=member, notify=False)
    from coworking.extensions import db

    db.session.commit()
    event = events_by_uid(parse(client.get(feed_path(member))))[uid(booked)]
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_a_booking_cancelled_more_than_30_days_ago_drops_out(client, feed_path, member, manager, place, room, hub, booked):
    long_ago = utcnow() - timedelta(days=CANCELLED_KEPT_DAYS + 10)
    earlier = place(room, member, local(today_utc() + timedelta(days=20), "09:00", hub.timezone),
                    local(today_utc() + timedelta(days=20), "10:00", hub.timezone), now=long_ago - timedelta(days=1))
    cancel_booking(earlier, by=manager, reason="Room closed", now=long_ago, notify=False)
    from coworking.extensions import db

    db.session.commit()
    uids = events_by_uid(parse(client.get(feed_path(member))))
    assert uid(earlier) not in uids
    assert uid(booked) in uids


def test_a_moved_booking_keeps_its_uid_with_a_higher_sequence(client, feed_path, member, booked, hub, soon):
    move_booking(booked, local(soon, "14:00", hub.timezone), local(soon, "15:00", hub.timezone), by=member, override_rules=False)
    from coworking.extensions import db

    db.session.commit()
    events = parse(client.get(feed_path(member))).walk("VEVENT")
    assert len(events) == 1
    assert events[0]["UID"] == uid(booked)
    assert events[0]["SEQUENCE"] == 1
    assert events[0]["DTSTART"].dt.astimezone(ZoneInfo(hub.timezone)).time() == time(14, 0)


def test_the_feed_covers_90_days_back_to_a_year_ahead(client, feed_path, member, place, room, hub):
    today = today_utc()
    inside = [place(room, member, local(day, "09:00", hub.timezone), local(day, "10:00", hub.timezone))
              for day in (today - timedelta(days=PAST_DAYS - 1), today + timedelta(days=FUTURE_DAYS - 1))]
    outside = [place(room, member, local(day, "09:00", hub.timezone), local(day, "10:00", hub.timezone))
               for day in (today - timedelta(days=PAST_DAYS + 2), today + timedelta(days=FUTURE_DAYS + 2))]
    uids = events_by_uid(parse(client.get(feed_path(member))))
    assert all(uid(booking) in uids for booking in inside)
    assert not any(uid(booking) in uids for booking in outside)


def test_a_members_feed_never_holds_another_members_bookings(client, feed_path, member, booked, place, room, hub, make_user, soon):
    other = make_user(email="other@example.org", name="Olivia Other")
    theirs = place(room, other, local(soon, "13:00", hub.timezone), local(soon, "14:00", hub.timezone))
    mine = client.get(feed_path(member)).data
    assert uid(booked).encode() in mine and uid(theirs).encode() not in mine
    assert b"Olivia" not in mine and b"other@example.org" not in mine
    theirs_feed = client.get(feed_path(other)).data
    assert uid(theirs).encode() in theirs_feed and uid(booked).encode() not in theirs_feed
