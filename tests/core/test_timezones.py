"""The one time-zone helper: hub-local wall-clock times to UTC instants and back, and the
documented rules for times a clock change skips (refused) or repeats (the earlier instant)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from coworking.timezones import (
    NonexistentLocalTime,
    combine_local,
    is_timezone,
    local_day_bounds,
    local_to_utc,
    local_today,
    utc_to_local,
    zone,
)

UTC = timezone.utc


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    "zone_name,local,expected",
    [
        ("Europe/London", "2027-01-15 09:00", "2027-01-15 09:00"),  # GMT
        ("Europe/London", "2027-07-15 09:00", "2027-07-15 08:00"),  # BST
        ("Europe/London", "2027-03-28 00:59", "2027-03-28 00:59"),  # the last minute of GMT
        ("Europe/London", "2027-03-28 02:00", "2027-03-28 01:00"),  # the first of BST
        ("Europe/London", "2027-10-31 01:30", "2027-10-31 00:30"),  # repeated: the earlier, BST
        ("America/New_York", "2027-11-07 01:30", "2027-11-07 05:30"),  # repeated: the earlier, EDT
        ("Asia/Kolkata", "2027-03-28 01:30", "2027-03-27 20:00"),
        ("Australia/Sydney", "2027-04-04 02:30", "2027-04-03 15:30"),  # repeated: the earlier, AEDT
        ("UTC", "2027-03-28 01:30", "2027-03-28 01:30"),
    ],
)
def test_a_local_time_becomes_its_utc_instant(zone_name, local, expected):
    instant = local_to_utc(datetime.fromisoformat(local), zone_name)
    assert instant == utc(expected)
    assert instant.tzinfo == UTC


def test_the_rule_for_a_repeated_time_does_not_depend_on_the_fold_asked_for():
    repeated = datetime(2027, 10, 31, 1, 30)
    assert local_to_utc(repeated.replace(fold=1), "Europe/London") == local_to_utc(repeated, "Europe/London")


@pytest.mark.parametrize(
    "zone_name,local",
    [
        ("Europe/London", datetime(2027, 3, 28, 1, 0)),
        ("Europe/London", datetime(2027, 3, 28, 1, 59)),
        ("America/New_York", datetime(2027, 3, 14, 2, 30)),
        ("Australia/Sydney", datetime(2027, 10, 3, 2, 15)),
        ("Australia/Lord_Howe", datetime(2027, 10, 3, 2, 15)),  # a half-hour jump
    ],
)
def test_a_local_time_the_clocks_skip_is_refused(zone_name, local):
    with pytest.raises(NonexistentLocalTime) as caught:
        local_to_utc(local, zone_name)
    assert caught.value.zone == zone_name and caught.value.local == local
    assert isinstance(caught.value, ValueError)  # forms and the API treat it as bad input


def test_the_refusal_says_the_clocks_go_forward():
    with pytest.raises(NonexistentLocalTime) as caught:
        combine_local(date(2027, 3, 28), time(1, 30), "Europe/London")
    assert str(caught.value) == "01:30 on 28 March 2027 does not exist in Europe/London: the clocks go forward then."


def test_utc_to_local_gives_the_wall_clock_time_in_the_zone():
    local = utc_to_local(utc("2027-10-31 00:30"), "Europe/London")
    assert (local.hour, local.minute, local.utcoffset()) == (1, 30, timedelta(hours=1))
    later = utc_to_local(utc("2027-10-31 01:30"), "Europe/London")
    assert (later.hour, later.minute, later.utcoffset()) == (1, 30, timedelta(0))


@pytest.mark.parametrize(
    "zone_name,day,start,hours",
    [
        ("Europe/London", date(2027, 6, 1), "2027-05-31 23:00", 24),
        ("Europe/London", date(2027, 3, 28), "2027-03-28 00:00", 23),
        ("Europe/London", date(2027, 10, 31), "2027-10-30 23:00", 25),
        ("America/New_York", date(2027, 3, 14), "2027-03-14 05:00", 23),
        ("Asia/Kolkata", date(2027, 3, 28), "2027-03-27 18:30", 24),
        # Brazil moved its clocks at midnight: 4 November 2018 began at 01:00.
        ("America/Sao_Paulo", date(2018, 11, 4), "2018-11-04 03:00", 23),
        ("Australia/Lord_Howe", date(2027, 10, 3), "2027-10-02 13:30", 23.5),
    ],
)
def test_a_local_day_runs_from_its_first_instant_for_23_24_or_25_hours(zone_name, day, start, hours):
    day_start, day_end = local_day_bounds(day, zone_name)
    assert day_start == utc(start)
    assert day_end - day_start == timedelta(hours=hours)
    assert utc_to_local(day_start, zone_name).date() == day
    assert utc_to_local(day_end, zone_name).date() == day + timedelta(days=1)


@pytest.mark.parametrize(
    "zone_name,now,today",
    [
        ("Europe/London", "2027-07-15 23:30", date(2027, 7, 16)),  # already tomorrow on BST
        ("Europe/London", "2027-01-15 23:30", date(2027, 1, 15)),
        ("America/New_York", "2027-07-16 02:00", date(2027, 7, 15)),  # still yesterday
        ("Pacific/Kiritimati", "2027-07-15 12:00", date(2027, 7, 16)),  # UTC+14
    ],
)
def test_today_is_the_hubs_local_date(zone_name, now, today):
    assert local_today(zone_name, utc(now)) == today


def test_today_defaults_to_now():
    assert abs((local_today("UTC") - datetime.now(UTC).date()).days) <= 1


@pytest.mark.parametrize("name", ["Europe/London", "America/New_York", "Asia/Kolkata", "UTC"])
def test_known_zones_are_accepted(name):
    assert is_timezone(name)
    assert zone(name).key == name


@pytest.mark.parametrize("name", ["", "Nowhere/Land", "europe/london", "../etc/passwd", "/etc/localtime", "GMT+25"])
def test_unknown_zones_are_refused_plainly(name):
    assert not is_timezone(name)
    with pytest.raises(ValueError, match="Unknown time zone"):
        zone(name)


def test_opening_hours_on_a_lost_wall_time_move_past_the_gap():
    from datetime import date, time

    from coworking.timezones import combine_local_or_later

    # New York skips 02:00-03:00 on 14 March 2027: a hub "opening at 02:30" opens at 03:30 EDT.
    opens = combine_local_or_later(date(2027, 3, 14), time(2, 30), "America/New_York")
    assert opens.isoformat() == "2027-03-14T07:30:00+00:00"
    # An ordinary time is unchanged.
    assert combine_local_or_later(date(2027, 3, 15), time(9), "America/New_York").hour == 13


def test_utc_to_local_refuses_a_naive_datetime():
    from datetime import datetime

    import pytest

    from coworking.timezones import utc_to_local

    with pytest.raises(ValueError, match="aware"):
        utc_to_local(datetime(2027, 1, 1, 9), "Europe/London")
