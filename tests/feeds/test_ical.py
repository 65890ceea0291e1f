"""The pure iCalendar builder, without a database: what goes in comes back out of a parser."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar

from coworking.ical import CANCELLED, FeedEvent, feed_calendar, one_line

WINDOW = {"first_date": date(2026, 9, 1), "last_date": date(2027, 9, 1)}
STAMP = datetime(2026, 9, 1, tzinfo=timezone.utc)


def event(**overrides) -> FeedEvent:
    values = {
        "uid": "booking-1@coworking-hub",
        "starts": datetime(2027, 3, 28, 8, 0, tzinfo=timezone.utc),
        "ends": datetime(2027, 3, 28, 9, 0, tzinfo=timezone.utc),
        "summary": "Room",
        "zone": "Europe/London",
        "last_modified": datetime(2026, 10, 1, 12, 30, tzinfo=timezone.utc),
    }
    return FeedEvent(**{**values, **overrides})


def parsed(*events: FeedEvent, **options) -> Calendar:
    return Calendar.from_ical(feed_calendar("Test", list(events), **WINDOW, **options))


def test_text_with_commas_semicolons_and_new_lines_comes_back_as_written():
    text = "Room 1; the big one, upstairs\nBring a key\\card"
    [parsed_event] = parsed(event(summary=text, location=text, description=text)).walk("VEVENT")
    assert parsed_event["SUMMARY"] == text
    assert parsed_event["LOCATION"] == text
    assert parsed_event["DESCRIPTION"] == text


def test_long_non_ascii_text_is_folded_without_splitting_characters():
    text = "Réunion très importante à l’étage — " * 5
    body = feed_calendar("Test", [event(summary=text)], **WINDOW)
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    body.decode("utf-8")  # folding never cuts a character in two
    [parsed_event] = Calendar.from_ical(body).walk("VEVENT")
    assert parsed_event["SUMMARY"] == text


def test_an_all_day_event_is_a_date_range_that_does_not_make_anyone_busy():
    [parsed_event] = parsed(event(starts=date(2026, 12, 25), ends=date(2026, 12, 27), last_modified=None), stamp=STAMP).walk("VEVENT")
    assert parsed_event["DTSTART"].dt == date(2026, 12, 25)
    assert parsed_event["DTEND"].dt == date(2026, 12, 27)
    assert parsed_event["TRANSP"] == "TRANSPARENT"
    assert parsed_event["DTSTAMP"].dt == STAMP
    assert parsed_event["LAST-MODIFIED"].dt == STAMP


def test_an_all_day_event_needs_no_vtimezone():
    calendar = parsed(event(starts=date(2026, 12, 25), ends=date(2026, 12, 26)))
    assert calendar.timezones == []


def test_the_calendar_zone_is_the_one_most_events_use_unless_given():
    events = [event(uid="a"), event(uid="b", zone="America/New_York"), event(uid="c", zone="America/New_York")]
    assert parsed(*events)["X-WR-TIMEZONE"] == "America/New_York"
    assert parsed(*events, zone_name="Europe/London")["X-WR-TIMEZONE"] == "Europe/London"
    assert parsed()["X-WR-TIMEZONE"] == "UTC"


def test_times_are_written_in_the_events_zone():
    body = feed_calendar("Test", [event()], **WINDOW)
    # 08:00 UTC on the London spring-forward day is 09:00 summer time.
    assert b"DTSTART;TZID=Europe/London:20270328T090000\r\n" in body
    [parsed_event] = Calendar.from_ical(body).walk("VEVENT")
    assert parsed_event["DTSTART"].dt.astimezone(ZoneInfo("Europe/London")).time() == time(9, 0)


def test_a_cancelled_event_says_so():
    [parsed_event] = parsed(event(status=CANCELLED, sequence=3)).walk("VEVENT")
    assert parsed_event["STATUS"] == "CANCELLED"
    assert parsed_event["SEQUENCE"] == 3


def test_one_line_joins_an_address_typed_over_several_lines():
    assert one_line("1 High Street\r\n\n  Leeds \nLS1 1AA") == "1 High Street, Leeds, LS1 1AA"
    assert one_line("") == ""
