"""Recurrence: which local dates a series falls on, and that each keeps its wall-clock time."""
from __future__ import annotations

from datetime import date, time, timedelta
from itertools import pairwise

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from coworking.bookings.recurrence import MAX_OCCURRENCES, Recurrence, RecurrenceError, expand
from coworking.timezones import NonexistentLocalTime, combine_local, utc_to_local

FAR = date(2100, 1, 1)
HORIZON = date(2027, 9, 30)
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


@pytest.mark.parametrize(
    "recurrence,dates",
    [
        (Recurrence("daily", date(2027, 3, 22), count=5), ["2027-03-22", "2027-03-23", "2027-03-24", "2027-03-25", "2027-03-26"]),
        (Recurrence("daily", date(2027, 3, 22), interval=2, until=date(2027, 3, 30)), ["2027-03-22", "2027-03-24", "2027-03-26", "2027-03-28", "2027-03-30"]),
        (Recurrence("weekly", date(2027, 3, 22), weekdays=(MON, WED), count=4), ["2027-03-22", "2027-03-24", "2027-03-29", "2027-03-31"]),
        (Recurrence("weekly", date(2027, 3, 23), weekdays=(MON,), count=2), ["2027-03-29", "2027-04-05"]),
        (Recurrence("weekly", date(2027, 3, 22), weekdays=(FRI, MON), interval=2, until=date(2027, 4, 9)), ["2027-03-22", "2027-03-26", "2027-04-05", "2027-04-09"]),
        (Recurrence("monthly", date(2027, 1, 1), nth=2, weekday=TUE, count=3), ["2027-01-12", "2027-02-09", "2027-03-09"]),
        (Recurrence("monthly", date(2027, 1, 1), nth=-1, weekday=FRI, count=3), ["2027-01-29", "2027-02-26", "2027-03-26"]),
        (Recurrence("monthly", date(2027, 1, 5), nth=1, weekday=MON, until=date(2027, 4, 5)), ["2027-02-01", "2027-03-01", "2027-04-05"]),
        (Recurrence("monthly", date(2027, 1, 1), nth=-1, weekday=SUN, interval=3, count=2), ["2027-01-31", "2027-04-25"]),
        (Recurrence("weekly", date(2027, 3, 22), weekdays=(SAT,), until=date(2027, 3, 26)), []),
    ],
    ids=["daily count", "every other day until", "weekly two weekdays", "weekly from another weekday",
         "fortnightly", "second Tuesday", "last Friday", "first Monday until (inclusive)",
         "last Sunday quarterly", "no date in range"],
)
def test_expansion_gives_the_expected_local_dates(recurrence, dates):
    assert expand(recurrence, HORIZON) == [date.fromisoformat(d) for d in dates]


@pytest.mark.parametrize(
    "recurrence,field,words",
    [
        (Recurrence("weekly", date(2027, 3, 22), weekdays=(MON,)), "until", "Say when the series ends"),
        (Recurrence("weekly", date(2027, 3, 22), weekdays=(MON,), until=date(2027, 10, 4)), "until", "up to 30 September 2027"),
        (Recurrence("weekly", date(2027, 3, 22), weekdays=(MON,), count=40), "count", "40 times runs past 30 September 2027"),
        (Recurrence("yearly", date(2027, 3, 22), count=2), "freq", "daily, weekly or monthly"),
        (Recurrence("daily", date(2027, 3, 22), interval=0, count=2), "interval", "1 to 12"),
        (Recurrence("daily", date(2027, 3, 22), count=2, until=date(2027, 4, 1)), "count", "not both"),
        (Recurrence("daily", date(2027, 3, 22), count=0), "count", "between 1 and"),
        (Recurrence("daily", date(2027, 3, 22), until=date(2027, 3, 21)), "until", "cannot end before it starts"),
        (Recurrence("weekly", date(2027, 3, 22), count=2), "weekdays", "at least one weekday"),
        (Recurrence("weekly", date(2027, 3, 22), weekdays=(7,), count=2), "weekdays", "0 (Monday) to 6"),
        (Recurrence("monthly", date(2027, 3, 22), nth=5, weekday=MON, count=2), "nth", "first, second, third, fourth or last"),
        (Recurrence("monthly", date(2027, 3, 22), nth=1, count=2), "weekday", "Choose a weekday"),
    ],
    ids=["no end", "until past the horizon", "count past the horizon", "unknown frequency", "interval 0",
         "until and count", "count 0", "ends before it starts", "weekly without weekdays",
         "weekday out of range", "fifth weekday", "monthly without weekday"],
)
def test_a_recurrence_that_cannot_be_booked_is_refused_with_its_field(recurrence, field, words):
    with pytest.raises(RecurrenceError) as caught:
        expand(recurrence, HORIZON)
    assert caught.value.field == field
    assert words in caught.value.message


def test_a_series_ending_on_the_horizon_itself_is_allowed():
    dates = expand(Recurrence("daily", date(2027, 9, 28), until=HORIZON), HORIZON)
    assert dates[-1] == HORIZON


def test_a_series_never_has_more_than_the_most_occurrences():
    far_horizon = date(2030, 1, 1)
    with pytest.raises(RecurrenceError, match=f"between 1 and {MAX_OCCURRENCES}"):
        expand(Recurrence("daily", date(2027, 1, 1), until=date(2029, 1, 1)), far_horizon)


@pytest.mark.parametrize(
    "recurrence,text",
    [
        (Recurrence("weekly", date(2027, 3, 22), weekdays=(WED, MON), count=4), "every week on Monday, Wednesday, 4 times"),
        (Recurrence("daily", date(2027, 3, 22), interval=2, until=date(2027, 4, 1)), "every 2 days, until 01 Apr 2027"),
        (Recurrence("monthly", date(2027, 3, 1), nth=-1, weekday=FRI, count=3), "on the last Friday of every month, 3 times"),
    ],
)
def test_a_recurrence_describes_itself_in_words(recurrence, text):
    assert recurrence.describe() == text


# --- properties ----------------------------------------------------------------------------

ZONES = ("Europe/London", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe", "Asia/Kolkata")
# Dates either side of clock changes in those zones, so expansions often cross one.
NEAR_CHANGES = [
    date(2027, 3, 1), date(2027, 3, 20), date(2027, 3, 27), date(2027, 10, 1), date(2027, 10, 25),
    date(2027, 11, 1), date(2028, 3, 5), date(2028, 3, 25), date(2027, 4, 1), date(2027, 9, 30),
]


@st.composite
def recurrences(draw):
    starts_on = draw(st.one_of(st.dates(date(2026, 1, 1), date(2030, 12, 31)), st.sampled_from(NEAR_CHANGES)))
    freq = draw(st.sampled_from(["daily", "weekly", "monthly"]))
    options = {"interval": draw(st.integers(1, 3))}
    if freq == "weekly":
        options["weekdays"] = tuple(draw(st.sets(st.integers(0, 6), min_size=1)))
    elif freq == "monthly":
        options["nth"] = draw(st.sampled_from([1, 2, 3, 4, -1]))
        options["weekday"] = draw(st.integers(0, 6))
    if draw(st.booleans()):
        options["count"] = draw(st.integers(1, 60))
    else:
        options["until"] = starts_on + timedelta(days=draw(st.integers(0, 400)))
    return Recurrence(freq, starts_on, **options)


def is_nth_weekday(day: date, nth: int) -> bool:
    if nth == -1:
        return (day + timedelta(days=7)).month != day.month
    return (day.day - 1) // 7 + 1 == nth


@settings(max_examples=100, deadline=None)
@given(recurrences(), st.integers(0, 400))
@example(Recurrence("daily", date(2027, 3, 1), until=date(2028, 4, 4)), 400)  # 401 dates: too many
def test_expansion_keeps_to_its_rule_its_end_and_the_horizon(recurrence, horizon_days):
    horizon = recurrence.starts_on + timedelta(days=horizon_days)
    unbounded = expand(recurrence, FAR) if recurrence.count else None
    try:
        dates = expand(recurrence, horizon)
    except RecurrenceError:
        # Refused only when it would run past the horizon, or could hold more bookings than a
        # series may (at most one a day, so only a span of more than MAX_OCCURRENCES days can).
        too_many = recurrence.until is not None and (recurrence.until - recurrence.starts_on).days + 1 > MAX_OCCURRENCES
        assert (recurrence.until and recurrence.until > horizon) or (unbounded and unbounded[-1] > horizon) or too_many
        return

    assert dates == sorted(set(dates))  # strictly increasing
    assert all(recurrence.starts_on <= day <= horizon for day in dates)
    if recurrence.until:
        assert all(day <= recurrence.until for day in dates)
    else:
        assert len(dates) == recurrence.count
    if recurrence.freq == "daily":
        assert all((later - earlier).days == recurrence.interval for earlier, later in pairwise(dates))
    elif recurrence.freq == "weekly":
        assert all(day.weekday() in recurrence.weekdays for day in dates)
        if recurrence.interval == 1 and dates:
            last = recurrence.until or dates[-1]
            every_day = (recurrence.starts_on + timedelta(days=n) for n in range((last - recurrence.starts_on).days + 1))
            assert dates == [day for day in every_day if day.weekday() in recurrence.weekdays]
    else:
        assert all(day.weekday() == recurrence.weekday and is_nth_weekday(day, recurrence.nth) for day in dates)
        months = [day.year * 12 + day.month for day in dates]
        assert all(later - earlier == recurrence.interval for earlier, later in pairwise(months))


@settings(max_examples=100, deadline=None)
@given(recurrences(), st.sampled_from(ZONES), st.integers(0, 95))
def test_every_occurrence_keeps_its_local_wall_clock_time_across_clock_changes(recurrence, zone_name, quarter):
    starts = time(quarter // 4, 15 * (quarter % 4))
    dates = expand(recurrence, FAR)
    instants = []
    for day in dates:
        try:
            instant = combine_local(day, starts, zone_name)
        except NonexistentLocalTime:
            assert starts < time(4)  # only in the small hours of a clock-change day
            continue
        local = utc_to_local(instant, zone_name)
        assert (local.date(), local.time()) == (day, starts)
        instants.append(instant)
    assert instants == sorted(set(instants))


def test_a_form_and_an_api_request_name_the_same_recurrence():
    form_data = {
        "freq": "weekly", "starts_on": date(2027, 3, 22), "interval": 1, "weekdays": [MON, WED],
        "nth": 1, "weekday": 0, "until": date(2027, 5, 1), "count": 4, "ends_by": "count",
        "space": "7", "starts": time(9), "csrf_token": "x",
    }
    api_values = {"freq": "weekly", "starts_on": date(2027, 3, 22), "interval": 1, "weekdays": [MON, WED], "count": 4}

    assert Recurrence.chosen_in(form_data) == Recurrence.chosen_in(api_values) == Recurrence(
        "weekly", date(2027, 3, 22), weekdays=(MON, WED), count=4
    )


@pytest.mark.parametrize(
    "ends_by, until, count",
    [("until", date(2027, 5, 1), None), ("count", None, 4), (None, date(2027, 5, 1), 4)],
    ids=["a form ending on a date", "a form ending after a count", "an API request sending both"],
)
def test_only_the_ending_chosen_counts_and_without_a_choice_both_do(ends_by, until, count):
    recurrence = Recurrence.from_choices(freq="daily", starts_on=date(2027, 3, 22), until=date(2027, 5, 1), count=4, ends_by=ends_by)
    assert (recurrence.until, recurrence.count) == (until, count)
