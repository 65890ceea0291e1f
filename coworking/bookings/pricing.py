"""What a booking costs: rooms by the hour, desks and offices by the day or half day.

The price is worked out when a booking is made (or moved) and stored on it, in the hub's
currency's minor units, rounded half-up like every amount (``coworking.money.to_minor``).
"""
from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from coworking.bookings import rules
from coworking.bookings.policy import Policy
from coworking.hubs.models import Space
from coworking.money import minor_to_decimal, to_minor
from coworking.timezones import utc_to_local


def price_for(space: Space, starts_at: datetime, ends_at: datetime, policy: Policy) -> int:
    """Rooms by the hour (pro rata by the minute); desks and offices by the day or half day."""
    if space.kind == "room":
        currency = space.hub.currency
        minutes = Decimal(int((ends_at - starts_at).total_seconds() // 60))
        return to_minor(minor_to_decimal(space.hourly_rate_minor, currency) * minutes / 60, currency)
    local_start = utc_to_local(starts_at, space.hub.timezone).replace(tzinfo=None)
    local_end = utc_to_local(ends_at, space.hub.timezone).replace(tzinfo=None)
    windows = rules.desk_windows(space.hub, local_start.date(), policy)
    half_days = {windows.get("morning"), windows.get("afternoon")} - {None}
    if (local_start.time(), local_end.time()) in half_days:
        return _half_day(space)
    # Other lengths (a manager's override) are measured on the wall clock, like the opening
    # hours: a clock-change day does not make a morning longer or shorter.
    wall_minutes = int((local_end - local_start).total_seconds() // 60)
    full = windows.get("full")
    if full and wall_minutes * 2 <= _window_minutes(full):
        return _half_day(space)
    return space.daily_rate_minor


def _half_day(space: Space) -> int:
    currency = space.hub.currency
    return to_minor(minor_to_decimal(space.daily_rate_minor, currency) / 2, currency)


def _window_minutes(window: tuple[time, time]) -> int:
    start, end = window
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
