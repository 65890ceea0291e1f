"""What a desk booking is: the hub's full and half days (a desk may split its own), the rest of
today for a walk-in, and the question a member holding a desk that day is asked before a second."""
from __future__ import annotations

from datetime import date, datetime, time

from coworking.accounts.models import User
from coworking.bookings import rules
from coworking.bookings.errors import BookingRulesBroken, SecondDeskUnconfirmed
from coworking.bookings.opening import day_opening
from coworking.bookings.policy import Policy, effective_policy, hub_policy
from coworking.bookings.queries import desk_bookings_on
from coworking.hubs.models import Hub, Space
from coworking.timezones import (
    NonexistentLocalTime,
    combine_local,
    local_day_bounds,
    local_today,
    utc_to_local,
)
from coworking.types import utcnow


def desk_policy(hub: Hub, desk: Space | None) -> Policy:
    """A named desk keeps its own half-day split; "any desk" (``desk`` None) goes by the hub's."""
    return effective_policy(desk) if desk is not None else hub_policy(hub)


def desk_periods(hub: Hub, desk: Space | None, day: date, now: datetime | None = None) -> dict[str, tuple[time, time]]:
    """The local windows a desk is offered for on a day ("full", "morning", "afternoon").

    Today, once a period has begun, it is the rest of it: from now (with the hub's notice,
    rounded up to its slot grid) to its end, so a walk-in can book a desk; a period already
    over is left out.
    """
    policy = desk_policy(hub, desk)
    windows = rules.desk_windows(hub, day, policy)
    now = now or utcnow()
    if windows and day == local_today(hub.timezone, now):
        earliest = rules.walk_in_start(hub, policy, now)
        if earliest.date() > day:
            return {}
        windows = {
            period: (max(opens, earliest.time()), closes)
            for period, (opens, closes) in windows.items()
            if earliest.time() < closes
        }
    return windows


def desk_period(hub: Hub, desk: Space | None, day: date, period: str, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The UTC start and end of a desk booking for a ``period`` (``desk_periods``)."""
    every_window = rules.desk_windows(hub, day, desk_policy(hub, desk))
    if not every_window:
        raise BookingRulesBroken([day_opening(hub, day).closed_message], "day")
    if period not in every_window:
        raise BookingRulesBroken(["Half days are not offered on that day; book the full day."], "period")
    offered = desk_periods(hub, desk, day, now)
    if period not in offered:
        closes = every_window[period][1]
        raise BookingRulesBroken([f"That period ended at {closes:%H:%M} today; choose a later one or another day."], "period")
    opens, closes = offered[period]
    try:
        return combine_local(day, opens, hub.timezone), combine_local(day, closes, hub.timezone)
    except NonexistentLocalTime as error:
        raise BookingRulesBroken([str(error)], "period") from error


def check_second_desk(hub: Hub, member: User, starts_at: datetime, *, confirmed: bool) -> None:
    """A member who already holds a desk in the hub that day is asked to confirm a second one
    (it may be for a guest): SecondDeskUnconfirmed unless ``confirmed``."""
    if confirmed:
        return
    day = utc_to_local(starts_at, hub.timezone).date()
    held = desk_bookings_on(member, hub, *local_day_bounds(day, hub.timezone))
    if held:
        raise SecondDeskUnconfirmed(
            f"{member.name} already has {held[0].space.name} on {day:%a %d %b %Y}. "
            "To book a second desk that day (for a guest, say), confirm it and book again."
        )
