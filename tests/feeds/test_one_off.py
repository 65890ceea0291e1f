"""The one-off .ics of a single booking (the download, and the confirmation email's attachment)."""
from __future__ import annotations

import base64
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from icalendar import Calendar

from coworking.extensions import db
from coworking.ical import booking_ics
from coworking.mail import OutboxMessage
from coworking.urls import external_url
from tests.feeds.conftest import local, today_utc


def test_the_download_is_one_event_with_its_time_zone(client, auth, member, place, room, hub):
    day = today_utc() + timedelta(days=3)
    booking = place(room, member, local(day, "09:00", hub.timezone), local(day, "10:00", hub.timezone))
    auth.login(member)
    response = client.get(f"/bookings/{booking.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.data
    assert body.count(b"\n") == body.count(b"\r\n")
    calendar = Calendar.from_ical(body)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["VERSION"] == "2.0"
    [zone] = calendar.timezones
    assert zone["TZID"] == "Europe/London"
    assert body.index(b"BEGIN:VTIMEZONE") < body.index(b"BEGIN:VEVENT")
    assert len(zone.subcomponents) <= 3  # a few weeks around the booking, not 1970 to 2038
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == f"booking-{booking.id}@coworking-hub"
    assert event["DTSTART"].dt.astimezone(ZoneInfo("Europe/London")).time() == time(9, 0)
    for name in ("DTSTAMP", "DTEND", "SUMMARY", "LOCATION", "SEQUENCE", "STATUS"):
        assert name in event


def test_given_its_link_it_shows_where_to_manage_the_booking(app, member, place, room, hub):
    app.config["BASE_URL"] = "https://hub.example.org"
    day = today_utc() + timedelta(days=3)
    booking = place(room, member, local(day, "09:00", hub.timezone), local(day, "10:00", hub.timezone))
    link = external_url("bookings.show", booking_id=booking.id)
    [event] = Calendar.from_ical(booking_ics(booking, link=link)).walk("VEVENT")
    assert event["DESCRIPTION"] == f"Manage this booking: https://hub.example.org/bookings/{booking.id}"


def test_without_a_link_it_has_no_description(member, place, room, hub):
    day = today_utc() + timedelta(days=3)
    booking = place(room, member, local(day, "09:00", hub.timezone), local(day, "10:00", hub.timezone))
    [event] = Calendar.from_ical(booking_ics(booking)).walk("VEVENT")
    assert "DESCRIPTION" not in event


def test_the_confirmation_email_attaches_a_calendar_that_parses(member, book, room, hub, open_every_day):
    day = today_utc() + timedelta(days=3)
    booking = book(room, local(day, "09:00", hub.timezone), local(day, "10:00", hub.timezone))
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to_address == member.email))
    [attachment] = message.attachments
    assert attachment["filename"] == "booking.ics"
    assert attachment["content_type"] == "text/calendar"
    calendar = Calendar.from_ical(base64.b64decode(attachment["data"]))
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == f"booking-{booking.id}@coworking-hub"
    assert [str(zone["TZID"]) for zone in calendar.timezones] == ["Europe/London"]


def test_the_file_is_byte_for_byte_what_icalendar_itself_writes(member, place, room, hub):
    """The event is written directly and the header cached: the bytes must stay the library's."""
    from coworking import ical

    day = today_utc() + timedelta(days=4)
    booking = place(room, member, local(day, "09:00", hub.timezone), local(day, "10:30", hub.timezone))
    reference = ical._new_calendar()
    start = booking.starts_at.date()
    ical._add_timezones(reference, [hub.timezone], start - ical.TIMEZONE_MARGIN * 5, start + ical.TIMEZONE_MARGIN * 5)
    reference.add_component(ical.booking_event(booking, description=f"Manage this booking: http://x/bookings/{booking.id}"))
    assert booking_ics(booking, link=f"http://x/bookings/{booking.id}") == reference.to_ical()
