"""VTIMEZONE components that every calendar parser reads alike, for a zone over a window of dates.

icalendar's ``Timezone.from_tzid`` gives an observance a DTSTART *and* an RDATE list, the first
onset in DTSTART only. RFC 5545 counts DTSTART as an onset, but ical.js (Thunderbird, Nextcloud,
many web calendars) and older libical take the RDATEs alone when there are any, so the first
winter of a feed was an hour off there. This module writes what every parser agrees on:

- an opening observance at the window's start, in the offset the zone has then (from = to);
- per kind of clock change in the window, one observance whose DTSTART is its first onset and,
  where the changes follow a yearly rule (the last Sunday of March, the first Sunday of
  October ...), an ``RRULE:FREQ=YEARLY`` as Google, Apple and Outlook publish them; otherwise
  an RDATE for every onset, the DTSTART's among them (read alike with or without it), one a
  line (ical.js reads only the first date of an RDATE list);
- onsets in the local time before the change, as RFC 5545 wants (icalendar wrote the time after).

The rule is checked against the zone database for every year of the window before it is used,
so a zone whose rules change in the window (or are irregular) gets RDATEs. The same zone and
dates always give the same bytes: feed ETags and the feed cache rely on that.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

from coworking.timezones import zone

# Clock changes are months apart; stepping through the window six hours at a time finds each,
# then halving the step finds its second.
_SCAN_STEP = timedelta(hours=6)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class ClockChange:
    """One change of a zone's offset: the UTC instant, the offsets either side, the name after."""

    at: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool

    @property
    def onset(self) -> datetime:
        """The change as the clocks on the wall showed it just before (naive, RFC 5545's DTSTART)."""
        return (self.at + self.offset_from).replace(tzinfo=None)

    @property
    def kind(self) -> tuple[timedelta, timedelta, str, bool]:
        return self.offset_from, self.offset_to, self.name, self.daylight


def _state(zone_name: str, instant: datetime) -> tuple[timedelta, str, bool]:
    local = instant.astimezone(zone(zone_name))
    return local.utcoffset(), local.tzname() or "", bool(local.dst())


def clock_changes(zone_name: str, starts_at: datetime, ends_at: datetime) -> list[ClockChange]:
    """Every change of the zone's offset between two UTC instants, in order."""
    changes = []
    before, instant = starts_at, starts_at + _SCAN_STEP
    while before < ends_at:
        instant = min(instant, ends_at)
        if _state(zone_name, before)[0] != _state(zone_name, instant)[0]:
            changes.append(_change_between(zone_name, before, instant))
        before, instant = instant, instant + _SCAN_STEP
    return changes


def _change_between(zone_name: str, before: datetime, after: datetime) -> ClockChange:
    while after - before > timedelta(seconds=1):
        middle = before + timedelta(seconds=int((after - before).total_seconds()) // 2)
        if _state(zone_name, middle)[0] == _state(zone_name, before)[0]:
            before = middle
        else:
            after = middle
    offset_to, name, daylight = _state(zone_name, after)
    return ClockChange(after, _state(zone_name, before)[0], offset_to, name, daylight)


def _nth_weekday(year: int, month: int, weekday: int, week: int) -> date | None:
    """The ``week``th (or with -1 the last) ``weekday`` of a month, or None if it has none."""
    if week > 0:
        first = date(year, month, 1)
        day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week - 1))
        return day if day.month == month else None
    following = date(year + month // 12, month % 12 + 1, 1)
    last = following - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def yearly_rule(changes: list[ClockChange], ends_at: datetime) -> dict | None:
    """The RRULE (as icalendar takes it) that gives exactly these changes up to ``ends_at``, or
    None when no "nth (or last) weekday of a month at a time" rule does."""
    first = changes[0].onset
    weeks = (-1, (first.day - 1) // 7 + 1)
    for week in weeks:
        onsets = []
        for year in range(first.year, ends_at.year + 1):
            day = _nth_weekday(year, first.month, first.weekday(), week)
            if day is not None and day >= first.date():
                onset = datetime.combine(day, first.time())
                if onset - changes[0].offset_from < ends_at.replace(tzinfo=None):
                    onsets.append(onset)
        if onsets == [change.onset for change in changes]:
            return {"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": f"{week}{_WEEKDAYS[first.weekday()]}"}
    return None


def _observance(daylight: bool, onset: datetime, offset_from: timedelta, offset_to: timedelta, name: str):
    observance = TimezoneDaylight() if daylight else TimezoneStandard()
    observance.add("dtstart", onset)
    observance.add("tzname", name)
    observance.add("tzoffsetfrom", offset_from)
    observance.add("tzoffsetto", offset_to)
    return observance


@lru_cache(maxsize=64)
def timezone_component(zone_name: str, first_date: date, last_date: date) -> Timezone:
    """The VTIMEZONE of a zone from the start of ``first_date`` to the end of ``last_date``.

    Cached: finding the changes walks the window. The component is never changed after this.
    """
    starts_at = datetime.combine(first_date, time.min, tzinfo=zone(zone_name)).astimezone(timezone.utc)
    ends_at = datetime.combine(last_date + timedelta(days=1), time.min, tzinfo=timezone.utc)
    component = Timezone()
    component.add("tzid", zone_name)
    component.add("comment", f"This timezone only works from {first_date} to {last_date}.")
    offset, name, daylight = _state(zone_name, starts_at)
    opening = (starts_at + offset).replace(tzinfo=None)
    component.add_component(_observance(daylight, opening, offset, offset, name))
    kinds: dict[tuple, list[ClockChange]] = {}
    for change in clock_changes(zone_name, starts_at, ends_at):
        kinds.setdefault(change.kind, []).append(change)
    for kind, same_kind in kinds.items():  # in the order of their first change
        observance = _observance(kind[3], same_kind[0].onset, kind[0], kind[1], kind[2])
        rule = yearly_rule(same_kind, ends_at)
        if rule is not None:
            observance.add("rrule", rule)
        else:
            # One RDATE a line: ical.js reads only the first date of a list.
            for change in same_kind:
                observance.add("rdate", change.onset)
        component.add_component(observance)
    return component
