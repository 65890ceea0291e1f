"""Booking rules as small composable checks.

Each check looks at one ``Attempt`` and returns a sentence a member understands, or None.
``broken_rules`` runs them all, so a refused booking lists every rule it breaks at once.
Overlap is not a rule here: it is the database's guarantee (see operations.book_space).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from coworking.bookings.models import MAX_BOOKING_SPAN
from coworking.bookings.opening import DayOpening, booking_day_opening, day_opening
from coworking.bookings.policy import Policy
from coworking.hubs.models import WEEKDAYS, Hub, Space
from coworking.timezones import local_today, utc_to_local


@dataclass(frozen=True)
class Attempt:
    """A proposed booking with everything the rules need to judge it."""

    hub: Hub
    space: Space
    policy: Policy
    starts_at: datetime
    ends_at: datetime
    now: datetime
    active_bookings: int = 0  # the member's confirmed upcoming bookings in this hub
    neighbours: tuple[tuple[datetime, datetime], ...] = ()  # other bookings near this one

    @property
    def local_start(self) -> datetime:
        return utc_to_local(self.starts_at, self.hub.timezone)

    @property
    def local_end(self) -> datetime:
        return utc_to_local(self.ends_at, self.hub.timezone)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @cached_property
    def opening(self) -> DayOpening:
        """The hub's hours and closures on the local day the booking starts."""
        return booking_day_opening(self.hub, self.local_start.date())


Rule = Callable[[Attempt], "str | None"]


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} hour" + ("s" if hours != 1 else "")] if hours else []
    if rest or not hours:
        parts.append(f"{rest} minute" + ("s" if rest != 1 else ""))
    return " ".join(parts)


def overlaps(first: tuple[datetime, datetime], second: tuple[datetime, datetime]) -> bool:
    """Half-open intervals [start, end) overlap: [09:00, 10:00) and [10:00, 11:00) do not."""
    return first[0] < second[1] and second[0] < first[1]


def desk_windows(hub: Hub, day: date, policy: Policy) -> dict[str, tuple[time, time]]:
    """The full-day and half-day windows a desk can be booked for on a local day (by its weekly
    hours: a closure is the rules' business, which say why)."""
    hours = day_opening(hub, day).hours
    if hours is None:
        return {}
    windows = {"full": (hours.opens_at, hours.closes_at)}
    if hours.opens_at < policy.half_day_split < hours.closes_at:
        windows["morning"] = (hours.opens_at, policy.half_day_split)
        windows["afternoon"] = (policy.half_day_split, hours.closes_at)
    return windows


def walk_in_start(hub: Hub, policy: Policy, now: datetime) -> datetime:
    """The earliest local start a walk-in can book from: now plus the hub's notice, rounded up
    to its slot grid (08:25 on a 15-minute grid is 08:30)."""
    local = utc_to_local(now + timedelta(minutes=policy.min_notice_minutes), hub.timezone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    slot = timedelta(minutes=policy.slot_minutes)
    return midnight + -(-(local - midnight) // slot) * slot


def is_rest_of_window_today(attempt: Attempt, windows: dict[str, tuple[time, time]]) -> bool:
    """A desk booked today from a time on the slot grid inside a window until that window's end
    (a walk-in: the rest of the day, the morning or the afternoon)."""
    start, end = attempt.local_start, attempt.local_end
    if start.date() != local_today(attempt.hub.timezone, attempt.now) or end.date() != start.date():
        return False
    if (start.hour * 60 + start.minute) % attempt.policy.slot_minutes or start.second:
        return False
    return any(opens < start.time() < closes and end.time() == closes for opens, closes in windows.values())


def ends_after_start(attempt: Attempt) -> str | None:
    if attempt.ends_at <= attempt.starts_at:
        return "The end must be after the start."
    return None


def not_too_long(attempt: Attempt) -> str | None:
    if attempt.ends_at - attempt.starts_at > MAX_BOOKING_SPAN:
        return "A booking cannot last longer than a day."
    return None


def not_in_past(attempt: Attempt) -> str | None:
    if attempt.starts_at < attempt.now:
        return "That time has already passed."
    return None


def enough_notice(attempt: Attempt) -> str | None:
    notice = attempt.policy.min_notice_minutes
    if notice and attempt.now <= attempt.starts_at < attempt.now + timedelta(minutes=notice):
        return f"Bookings need at least {notice} minutes' notice."
    return None


def within_booking_window(attempt: Attempt) -> str | None:
    # Whole local days, as the series horizon counts them: "90 days ahead" lets a member book
    # any time on the 90th day, not only until the hour of day it is now.
    days = attempt.policy.max_days_ahead
    last_day = local_today(attempt.hub.timezone, attempt.now) + timedelta(days=days)
    if attempt.local_start.date() > last_day:
        return f"You can book at most {days} days ahead."
    return None


def space_is_active(attempt: Attempt) -> str | None:
    if not attempt.space.active:
        return f"{attempt.space.name} is not available for booking."
    return None


def hub_is_open(attempt: Attempt) -> str | None:
    start, end = attempt.local_start, attempt.local_end
    hours = attempt.opening.hours
    if hours is None:
        return attempt.opening.closed_on_weekday
    opens, closes = hours.opens_at, hours.closes_at
    if start.date() != end.date() or start.time() < opens or end.time() > closes:
        return (
            f"{attempt.hub.name} is open {_hhmm(opens)}–{_hhmm(closes)} on "
            f"{WEEKDAYS[start.weekday()]}s; choose a time within those hours."
        )
    return None


def not_on_closure(attempt: Attempt) -> str | None:
    closure = attempt.opening.closure
    if closure is not None:
        return f"{attempt.hub.name} is closed on {attempt.opening.day:%d %B %Y} ({closure.reason})."
    return None


def on_slot_grid(attempt: Attempt) -> str | None:
    if attempt.space.kind == "desk":
        return None
    slot = attempt.policy.slot_minutes
    start, end = attempt.local_start, attempt.local_end
    if any((moment.hour * 60 + moment.minute) % slot or moment.second for moment in (start, end)):
        example = (datetime.combine(start.date(), time(9, 0)) + timedelta(minutes=slot)).time()
        return f"Bookings start and end on the {slot}-minute grid (such as 09:00, {_hhmm(example)})."
    return None


def duration_in_range(attempt: Attempt) -> str | None:
    if attempt.space.kind == "desk":
        return None
    low, high = attempt.policy.min_duration_minutes, attempt.policy.max_duration_minutes
    if attempt.minutes < low:
        return f"Bookings last at least {_duration(low)}."
    if attempt.minutes > high:
        return f"Bookings last at most {_duration(high)}."
    return None


def desk_is_day_or_half_day(attempt: Attempt) -> str | None:
    if attempt.space.kind != "desk":
        return None
    windows = desk_windows(attempt.hub, attempt.local_start.date(), attempt.policy)
    if not windows:
        return None  # hub_is_open says why
    chosen = (attempt.local_start.time(), attempt.local_end.time())
    if attempt.local_start.date() == attempt.local_end.date() and chosen in windows.values():
        return None
    if is_rest_of_window_today(attempt, windows):
        return None
    described = " or ".join(f"{_hhmm(a)}–{_hhmm(b)}" for a, b in windows.values())
    return f"Desks are booked for a full day or a half day: {described} (today: from now until one of those ends)."


def under_active_limit(attempt: Attempt) -> str | None:
    limit = attempt.policy.max_active_bookings
    if attempt.active_bookings >= limit:
        plural = "" if limit == 1 else "s"
        return (
            f"{attempt.hub.name} allows at most {limit} upcoming booking{plural} per member, and you "
            f"already have {attempt.active_bookings}: cancel one, or book again once one has passed."
        )
    return None


def buffer_respected(attempt: Attempt) -> str | None:
    buffer = timedelta(minutes=attempt.policy.buffer_minutes)
    if not buffer or attempt.space.kind != "room":
        return None
    proposed = (attempt.starts_at, attempt.ends_at)
    widened = (attempt.starts_at - buffer, attempt.ends_at + buffer)
    for neighbour in attempt.neighbours:
        # An overlapping neighbour is a conflict ("already booked"), not a buffer question.
        if overlaps(neighbour, widened) and not overlaps(neighbour, proposed):
            return f"This room needs {attempt.policy.buffer_minutes} minutes free between bookings."
    return None


# Rules nobody may override: they are about the booking making sense at all.
ESSENTIAL_RULES: tuple[Rule, ...] = (ends_after_start, not_too_long)
POLICY_RULES: tuple[Rule, ...] = (
    not_in_past,
    enough_notice,
    within_booking_window,
    space_is_active,
    hub_is_open,
    not_on_closure,
    on_slot_grid,
    duration_in_range,
    desk_is_day_or_half_day,
    under_active_limit,
    buffer_respected,
)


def broken_rules(attempt: Attempt, rules: tuple[Rule, ...]) -> list[str]:
    return [message for rule in rules if (message := rule(attempt)) is not None]
