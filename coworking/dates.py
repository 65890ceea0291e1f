"""The range of dates the app accepts: every page and API endpoint that takes a date refuses one
outside it with a message (a typo such as 0001 or 9999 would otherwise overflow date arithmetic,
and nobody books a desk in the year 3000). The range is in docs/decisions.md."""
from __future__ import annotations

from datetime import date, datetime, timezone

EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2100, 12, 31)
EARLIEST_INSTANT = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST_INSTANT = datetime(2101, 1, 1, tzinfo=timezone.utc)  # the end of LATEST_DAY, exclusive
OUT_OF_RANGE = "Choose a date between the years 2000 and 2100."


def is_sensible_day(day: date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


def sensible_day_or_none(text: str | None) -> date | None:
    """A YYYY-MM-DD query value as a date in the range, or None (missing, malformed or out of range)."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return None
    return day if is_sensible_day(day) else None
