"""The VTIMEZONEs we publish: yearly rules where the zone keeps one, every onset listed (DTSTART
included) where it does not, onsets in the local time before the change, and the same bytes for
the same zone and dates. How ical.js reads them is tests/feeds/test_ical_js.py's business."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from icalendar import Calendar

from coworking.ical import FeedEvent, feed_calendar
from coworking.vtimezone import timezone_component
from tests.feeds.conftest import iso


def observances(zone_name: str, first: date, last: date) -> list:
    timezone_component.cache_clear()
    return timezone_component(zone_name, first, last).subcomponents


def test_london_publishes_its_two_yearly_rules_after_the_windows_opening_offset():
    opening, autumn, spring = observances("Europe/London", date(2026, 8, 25), date(2027, 12, 7))
    assert (opening.name, opening["DTSTART"].dt, opening["TZOFFSETTO"].td) == ("DAYLIGHT", datetime(2026, 8, 25), timedelta(hours=1))
    assert opening["TZOFFSETFROM"].td == opening["TZOFFSETTO"].td
    assert (autumn.name, autumn["DTSTART"].dt) == ("STANDARD", datetime(2026, 10, 25, 2, 0))
    assert autumn["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"
    # Clocks go forward at 01:00 GMT: the onset is the wall time before the change.
    assert (spring.name, spring["DTSTART"].dt) == ("DAYLIGHT", datetime(2027, 3, 28, 1, 0))
    assert spring["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"
    assert all("RDATE" not in observance for observance in (opening, autumn, spring))


def test_a_zone_without_dst_has_only_its_opening_offset():
    [only] = observances("Asia/Kolkata", date(2026, 8, 25), date(2027, 12, 7))
    assert only["TZOFFSETTO"].td == timedelta(hours=5, minutes=30)
    assert "RRULE" not in only and "RDATE" not in only


def test_changes_that_follow_no_yearly_rule_are_listed_with_the_first_among_them():
    # Brazil moved the start of DST from the third Sunday of October (2017) to the first of
    # November (2018), then abolished it in 2019.
    summers = [item for item in observances("America/Sao_Paulo", date(2017, 6, 1), date(2019, 12, 31)) if item.name == "DAYLIGHT"]
    [summer] = summers
    assert "RRULE" not in summer
    assert [rdate.dts[0].dt for rdate in summer["RDATE"]] == [datetime(2017, 10, 15), datetime(2018, 11, 4)]
    assert all(len(rdate.dts) == 1 for rdate in summer["RDATE"])  # one a line: ical.js reads only the first
    assert summer["DTSTART"].dt == datetime(2017, 10, 15)


def test_the_same_zone_and_dates_give_the_same_bytes():
    first = timezone_component("Australia/Lord_Howe", date(2026, 1, 1), date(2027, 4, 1)).to_ical()
    timezone_component.cache_clear()
    assert timezone_component("Australia/Lord_Howe", date(2026, 1, 1), date(2027, 4, 1)).to_ical() == first


def test_ical_js_reads_listed_changes_as_the_zone_database_does(ical_js):
    """Sao Paulo's irregular summers of 2017–2019, in a feed built for then."""
    starts = [datetime(2017, 10, 14, 12), datetime(2017, 10, 16, 12), datetime(2018, 2, 17, 12), datetime(2018, 2, 19, 12),
              datetime(2018, 11, 3, 12), datetime(2018, 11, 5, 12), datetime(2019, 2, 16, 12), datetime(2019, 2, 18, 12)]
    events = [
        FeedEvent(uid=f"e{index}", starts=start.replace(tzinfo=timezone.utc), ends=(start + timedelta(hours=1)).replace(tzinfo=timezone.utc),
                  summary="Desk", zone="America/Sao_Paulo")
        for index, start in enumerate(starts)
    ]
    body = feed_calendar("Old", events, first_date=date(2017, 9, 1), last_date=date(2019, 6, 1))
    assert body.count(b"RDATE:") >= 2
    expected = {(0, event.uid, iso(event.starts), iso(event.ends)) for event in events}
    assert ical_js(body) == expected
    assert {(0, str(item["UID"]), iso(item["DTSTART"].dt), iso(item["DTEND"].dt)) for item in Calendar.from_ical(body).walk("VEVENT")} == expected
