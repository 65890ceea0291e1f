"""Availability: each active space of a hub on one local day, its bookings and free times.

The pages' grid and the API's availability both read this; which bookings a viewer sees in
full is ``Booking.can_view`` (anyone else sees only that the space is busy).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from coworking.bookings import rules
from coworking.bookings.models import Booking
from coworking.bookings.opening import DayOpening
from coworking.bookings.policy import hub_policy
from coworking.bookings.queries import overlapping
from coworking.extensions import db
from coworking.hubs.models import Closure, Hub, Space
from coworking.timezones import local_day_bounds, utc_to_local
from coworking.types import utcnow


@dataclass
class SpaceDay:
    space: Space
    bookings: list[Booking]
    free: list[tuple[datetime, datetime]]


@dataclass
class HubDay:
    hub: Hub
    day: date
    opens_at: datetime | None
    closes_at: datetime | None
    closed_reason: str | None
    spaces: list[SpaceDay]


def availability(hub: Hub, day: date, *, kind: str | None = None, now: datetime | None = None) -> HubDay:
    """Each active space's confirmed bookings and free intervals on a local day, in three queries
    (spaces, bookings, the day's closure), and one more for the hub's hours unless loaded.

    Free means bookable: today's free times start at the first slot a booking could start now
    (``bookable_from``: the hub's notice, its slot grid); past days have none.
    """
    query = sa.select(Space).where(Space.hub_id == hub.id, Space.active.is_(True))
    if kind:
        query = query.where(Space.kind == kind)
    spaces = list(db.session.scalars(query.order_by(Space.kind, Space.name)))
    day_start, day_end = local_day_bounds(day, hub.timezone)
    by_space: dict[int, list[Booking]] = {space.id: [] for space in spaces}
    if spaces:
        for booking in overlapping(query.with_only_columns(Space.id), day_start, day_end):
            if booking.space_id in by_space:  # else its space became active a moment ago
                by_space[booking.space_id].append(booking)
    opening = DayOpening(hub, day, hub.hours_on(day.weekday()), closure_on(hub, day))
    opens_at, closes_at = opening.window()
    # Only today (or earlier) has free times that have slipped into the past: a later day's are
    # all still bookable, so it spares reading the hub's rules.
    today = utc_to_local(now or utcnow(), hub.timezone).date()
    not_before = bookable_from(hub, now) if day <= today else None
    return HubDay(
        hub=hub,
        day=day,
        opens_at=opens_at,
        closes_at=closes_at,
        closed_reason=opening.closed_reason,
        spaces=[
            SpaceDay(space, by_space[space.id], free_intervals(opens_at, closes_at, by_space[space.id], not_before))
            for space in spaces
        ],
    )


def bookable_from(hub: Hub, now: datetime | None = None) -> datetime:
    """The first instant a booking could start now (``rules.walk_in_start``): free times before
    it are not offered. The availability ETag includes it, since the body changes with it."""
    return rules.walk_in_start(hub, hub_policy(hub), now or utcnow())


def closure_on(hub: Hub, day: date) -> Closure | None:
    """The closure covering the day (as ``Hub.closure_on``), read alone: a hub's closures pile up."""
    query = sa.select(Closure).where(Closure.hub_id == hub.id, Closure.starts_on <= day, Closure.ends_on >= day)
    return db.session.scalars(query.order_by(Closure.starts_on, Closure.id).limit(1)).first()


def free_intervals(opens_at, closes_at, bookings: list[Booking], not_before: datetime | None = None) -> list[tuple[datetime, datetime]]:
    """The gaps between bookings within opening hours (from ``not_before`` on, when given)."""
    if opens_at is None:
        return []
    free, cursor = [], opens_at
    for booking in sorted(bookings, key=lambda b: b.starts_at):
        if booking.starts_at > cursor:
            free.append((cursor, min(booking.starts_at, closes_at)))
        cursor = max(cursor, booking.ends_at)
        if cursor >= closes_at:
            break
    if cursor < closes_at:
        free.append((cursor, closes_at))
    if not_before is not None:
        free = [(max(a, not_before), b) for a, b in free]
    return [(a, b) for a, b in free if b > a]
