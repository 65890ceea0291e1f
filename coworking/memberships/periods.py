"""Billing periods: calendar months in the hub's time zone, written 'YYYY-MM'.

A period is a pair of local dates (its first and last day); which instant a local day starts
at is ``coworking.timezones``' business, so a period's bounds in UTC move with the clocks.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from coworking.dates import OUT_OF_RANGE, is_sensible_day
from coworking.memberships.errors import MembershipError
from coworking.timezones import local_day_bounds, local_today, utc_to_local

PERIOD_PATTERN = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True, order=True)
class Period:
    """One calendar month. Ordered, hashable, and written as its key: ``str(p) == '2026-11'``."""

    year: int
    month: int

    def __post_init__(self):
        if not (1 <= self.month <= 12 and 1 <= self.year <= 9999):
            raise ValueError(f"No such month: {self.year}-{self.month}")

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)

    @classmethod
    def from_key(cls, key: str) -> Period:
        """'2026-11' as stored (trusted); parse_period is for what people type."""
        return cls(int(key[:4]), int(key[5:7]))

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __str__(self) -> str:
        return self.key

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, self.days)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    def plus(self, months: int) -> Period:
        index = self.year * 12 + (self.month - 1) + months
        return Period(index // 12, index % 12 + 1)

    def months_after(self, other: Period) -> int:
        """How many months this period comes after ``other`` (negative when before)."""
        return (self.year - other.year) * 12 + (self.month - other.month)

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def dates(self) -> Iterator[date]:
        day = self.first_day
        while day.month == self.month:
            yield day
            day += timedelta(days=1)

    def utc_bounds(self, zone_name: str) -> tuple[datetime, datetime]:
        """The UTC instants where the period starts in the hub's zone and the next one starts."""
        starts_at, _ = local_day_bounds(self.first_day, zone_name)
        ends_at, _ = local_day_bounds(self.plus(1).first_day, zone_name)
        return starts_at, ends_at

    def label(self) -> str:
        return f"{calendar.month_name[self.month]} {self.year}"


def parse_period(text: str | None, field: str = "period") -> Period:
    """'2026-11' -> Period(2026, 11); '2026-13', '26-1', '2026-1' or '' are refused (422)."""
    match = PERIOD_PATTERN.fullmatch((text or "").strip()) if isinstance(text, str) else None
    if match is not None:
        try:
            period = Period(int(match.group(1)), int(match.group(2)))
        except ValueError:
            period = None
        if period is not None and is_sensible_day(period.first_day):
            return period
        if period is not None:
            raise MembershipError(OUT_OF_RANGE, field)
    raise MembershipError(f"'{text}' is not a month: write it as YYYY-MM, such as 2026-11.", field)


def period_of_instant(instant: datetime, zone_name: str) -> Period:
    return Period.of(utc_to_local(instant, zone_name).date())


def current_period(zone_name: str, now: datetime | None = None) -> Period:
    return Period.of(local_today(zone_name, now))


def periods_between(first: Period, last: Period) -> Iterator[Period]:
    period = first
    while period <= last:
        yield period
        period = period.plus(1)
