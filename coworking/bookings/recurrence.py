"""Recurrence: which local dates a series falls on. Pure functions over dates, no time zones.

Dates are expanded in the hub's calendar first and only then combined with the local start
and end times and turned into UTC, one occurrence at a time: that is what keeps a weekly
09:00 booking at 09:00 local on both sides of a clock change.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, rrule, weekday

from coworking.errors import DomainError

FREQUENCIES = {"daily": DAILY, "weekly": WEEKLY, "monthly": MONTHLY}
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
MAX_OCCURRENCES = 400
# Recurrence.from_choices' arguments, named as the series form names its fields (the API's
# schema says start_date for starts_on and has no ends_by).
CHOICES = ("freq", "starts_on", "interval", "weekdays", "nth", "weekday", "until", "count", "ends_by")


class RecurrenceError(DomainError):
    """The series' dates cannot be made as asked; ``field`` names the field at fault."""


@dataclass(frozen=True)
class Recurrence:
    """How a series repeats.

    ``monthly`` repeats on the ``nth`` (1-4, or -1 for last) ``weekday`` of the month, such as
    "the last Friday"; ``weekly`` on ``weekdays`` (0 = Monday); ``daily`` every ``interval`` days.
    It ends on ``until`` (inclusive) or after ``count`` occurrences.
    """

    freq: str
    starts_on: date
    interval: int = 1
    weekdays: tuple[int, ...] = field(default_factory=tuple)
    nth: int | None = None
    weekday: int | None = None
    until: date | None = None
    count: int | None = None

    def to_json(self) -> dict:
        return {
            "freq": self.freq,
            "starts_on": self.starts_on.isoformat(),
            "interval": self.interval,
            "weekdays": list(self.weekdays),
            "nth": self.nth,
            "weekday": self.weekday,
            "until": self.until.isoformat() if self.until else None,
            "count": self.count,
        }

    @classmethod
    def from_choices(cls, *, freq: str, starts_on: date, interval: int = 1, weekdays=(), nth: int | None = None, weekday: int | None = None, until: date | None = None, count: int | None = None, ends_by: str | None = None) -> Recurrence:
        """The recurrence a booking form or an API request asks for. Weekdays count only for a
        weekly series and the nth weekday only for a monthly one: a form keeps the others from
        before its frequency was switched. Likewise ``ends_by`` ("until" or "count"), when given,
        keeps only the ending chosen; without it both count, and sending both is refused."""
        monthly = freq == "monthly"
        return cls(
            freq=freq,
            starts_on=starts_on,
            interval=interval,
            weekdays=tuple(weekdays or ()) if freq == "weekly" else (),
            nth=nth if monthly else None,
            weekday=weekday if monthly else None,
            until=until if ends_by in (None, "until") else None,
            count=count if ends_by in (None, "count") else None,
        )

    @classmethod
    def chosen_in(cls, values: Mapping[str, Any]) -> Recurrence:
        """``from_choices`` with the choices found by name in a form's data or an API request's
        values (anything else in them is left aside)."""
        return cls.from_choices(**{name: values[name] for name in CHOICES if name in values})

    @classmethod
    def from_json(cls, rule: dict) -> Recurrence:
        """The recurrence a series stored with ``to_json``."""
        return cls(
            freq=rule["freq"],
            starts_on=date.fromisoformat(rule["starts_on"]),
            interval=rule.get("interval", 1),
            weekdays=tuple(rule.get("weekdays") or ()),
            nth=rule.get("nth"),
            weekday=rule.get("weekday"),
            until=date.fromisoformat(rule["until"]) if rule.get("until") else None,
            count=rule.get("count"),
        )

    def describe(self) -> str:
        every = "" if self.interval == 1 else f" {self.interval}"
        if self.freq == "daily":
            text = "every day" if self.interval == 1 else f"every{every} days"
        elif self.freq == "weekly":
            days = ", ".join(WEEKDAY_NAMES[d] for d in sorted(self.weekdays))
            text = (f"every week on {days}" if self.interval == 1 else f"every{every} weeks on {days}")
        else:
            text = f"on the {ORDINALS[self.nth]} {WEEKDAY_NAMES[self.weekday]} of " + (
                "every month" if self.interval == 1 else f"every{every} months"
            )
        ending = f", until {self.until:%d %b %Y}" if self.until else f", {self.count} times"
        return text + ending


def check(recurrence: Recurrence, horizon_end: date) -> None:
    """Refuse a recurrence with no end, or one that ends past the booking horizon."""
    if recurrence.freq not in FREQUENCIES:
        raise RecurrenceError("Choose daily, weekly or monthly.", "freq")
    if not 1 <= recurrence.interval <= 12:
        raise RecurrenceError("Repeat every 1 to 12 periods.", "interval")
    if recurrence.until is None and recurrence.count is None:
        raise RecurrenceError("Say when the series ends: an end date or a number of times.", "until")
    if recurrence.until is not None and recurrence.count is not None:
        raise RecurrenceError("Give an end date or a number of times, not both.", "count")
    if recurrence.count is not None and not 1 <= recurrence.count <= MAX_OCCURRENCES:
        raise RecurrenceError(f"A series has between 1 and {MAX_OCCURRENCES} bookings.", "count")
    if recurrence.until is not None and recurrence.until < recurrence.starts_on:
        raise RecurrenceError("The series cannot end before it starts.", "until")
    if recurrence.until is not None and recurrence.until > horizon_end:
        raise RecurrenceError(
            f"Series can be booked up to {horizon_end:%d %B %Y}; choose an earlier end.", "until"
        )
    if recurrence.freq == "weekly" and not recurrence.weekdays:
        raise RecurrenceError("Choose at least one weekday.", "weekdays")
    if any(not 0 <= day <= 6 for day in recurrence.weekdays):
        raise RecurrenceError("Weekdays are 0 (Monday) to 6 (Sunday).", "weekdays")
    if recurrence.freq == "monthly":
        if recurrence.nth not in ORDINALS:
            raise RecurrenceError("Choose the first, second, third, fourth or last weekday.", "nth")
        if recurrence.weekday is None or not 0 <= recurrence.weekday <= 6:
            raise RecurrenceError("Choose a weekday.", "weekday")


def expand(recurrence: Recurrence, horizon_end: date) -> list[date]:
    """Every local date of the series, checked first. A count that runs past the horizon is refused."""
    check(recurrence, horizon_end)
    options: dict = {
        "dtstart": datetime.combine(recurrence.starts_on, datetime.min.time()),
        "interval": recurrence.interval,
    }
    if recurrence.freq == "weekly":
        options["byweekday"] = sorted(set(recurrence.weekdays))
    elif recurrence.freq == "monthly":
        options["byweekday"] = weekday(recurrence.weekday)(recurrence.nth)
    if recurrence.count is not None:
        options["count"] = recurrence.count
    else:
        options["until"] = datetime.combine(recurrence.until, datetime.min.time())
    dates = [moment.date() for moment in rrule(FREQUENCIES[recurrence.freq], **options)]
    if len(dates) > MAX_OCCURRENCES:
        raise RecurrenceError(f"A series has between 1 and {MAX_OCCURRENCES} bookings; choose an earlier end.", "until")
    if dates and dates[-1] > horizon_end:
        raise RecurrenceError(
            f"{recurrence.count} times runs past {horizon_end:%d %B %Y}, as far ahead as series go; "
            "choose fewer.",
            "count",
        )
    return dates
