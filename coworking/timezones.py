"""The one place that turns hub-local wall-clock times into UTC instants and back.

Rules, because wall clocks are not continuous:
- a local time that does not exist (01:30 on the Europe/London spring-forward day) is refused
  with ``NonexistentLocalTime``;
- an ambiguous local time (01:30 on the autumn fall-back day happens twice) resolves to the
  *first* occurrence (``fold=0``, the earlier instant, still on summer time). Documented in
  docs/decisions.md.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


class NonexistentLocalTime(ValueError):
    def __init__(self, local: datetime, zone: str):
        self.local = local
        self.zone = zone
        super().__init__(
            f"{local:%H:%M} on {local:%d %B %Y} does not exist in {zone}: "
            "the clocks go forward then."
        )


@cache
def all_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_timezone(name: str) -> bool:
    return name in all_timezones()


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"Unknown time zone {name!r}") from error


def local_to_utc(local: datetime, zone_name: str) -> datetime:
    """A naive hub-local wall-clock time to an aware UTC instant (see the module's rules)."""
    tz = zone(zone_name)
    candidate = local.replace(tzinfo=tz, fold=0)
    round_trip = candidate.astimezone(timezone.utc).astimezone(tz)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(local, zone_name)
    return candidate.astimezone(timezone.utc)


def combine_local(day: date, at: time, zone_name: str) -> datetime:
    return local_to_utc(datetime.combine(day, at), zone_name)


def combine_local_or_later(day: date, at: time, zone_name: str) -> datetime:
    """Like combine_local, but a wall time lost to the clocks going forward is moved forward by
    the gap (a hub "opening at 02:30" on that night opens at 03:30). For opening hours, never
    for what a person asked to book."""
    try:
        return combine_local(day, at, zone_name)
    except NonexistentLocalTime:
        # fold=0 reads the lost time with the offset from before the change: past the gap.
        local = datetime.combine(day, at).replace(tzinfo=zone(zone_name), fold=0)
        return local.astimezone(timezone.utc)


def utc_to_local(instant: datetime, zone_name: str) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("utc_to_local needs an aware datetime, not a naive one")
    return instant.astimezone(zone(zone_name))


def local_day_bounds(day: date, zone_name: str) -> tuple[datetime, datetime]:
    """The UTC instants where a local day starts and the next one starts (23 or 25 hours on DST days)."""
    tz = zone(zone_name)
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def local_today(zone_name: str, now: datetime | None = None) -> date:
    now = now or datetime.now(timezone.utc)
    return now.astimezone(zone(zone_name)).date()
