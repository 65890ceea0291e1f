"""Whether a hub is open on a local day, and when: the one answer the booking rules, the
availability grid and API, the desk booking page and the demo data all ask for.

A day is closed when a closure (a holiday, a refit) covers it, or when the hub does not open on
that weekday. Each place words it its own way (a rule's sentence, the grid's notice, the API's
``closed_reason``), but none of them decides it again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache

import sqlalchemy as sa

from coworking.extensions import db
from coworking.hubs.models import WEEKDAYS, Closure, Hub, OpeningHours
from coworking.timezones import combine_local_or_later


@dataclass(frozen=True)
class HoursThatDay:
    """A weekday's hours as read for one day alone (what DayOpening uses of OpeningHours)."""
    opens_at: time
    closes_at: time


@dataclass(frozen=True)
class ClosureThatDay:
    """A closure as read for one day alone (what DayOpening uses of Closure)."""
    reason: str


@dataclass(frozen=True)
class DayOpening:
    hub: Hub
    day: date
    hours: OpeningHours | HoursThatDay | None  # that weekday's hours; None when the hub never opens on it
    closure: Closure | ClosureThatDay | None  # a closure covering the day

    @property
    def is_closed(self) -> bool:
        return self.closure is not None or self.hours is None

    @property
    def closed_on_weekday(self) -> str:
        """The sentence for a weekday the hub never opens on (the rules say it too)."""
        return f"{self.hub.name} is closed on {WEEKDAYS[self.day.weekday()]}s."

    @property
    def closed_message(self) -> str | None:
        """Why the hub is closed, as the booking pages say it; None when it is open."""
        if self.closure is not None:
            return f"{self.hub.name} is closed on {self.day:%A %d %B %Y}: {self.closure.reason}."
        if self.hours is None:
            return self.closed_on_weekday
        return None

    @property
    def closed_reason(self) -> str | None:
        """Why the hub is closed, in short (the availability API's ``closed_reason``)."""
        if self.closure is not None:
            return f"Closed: {self.closure.reason}"
        if self.hours is None:
            return "Closed"
        return None

    def window(self) -> tuple[datetime | None, datetime | None]:
        """The UTC instants the hub opens and closes that day; (None, None) when it is closed."""
        if self.is_closed:
            return None, None
        zone_name = self.hub.timezone
        return (
            combine_local_or_later(self.day, self.hours.opens_at, zone_name),
            combine_local_or_later(self.day, self.hours.closes_at, zone_name),
        )


def day_opening(hub: Hub, day: date) -> DayOpening:
    """The hub's hours and any closure on a local day (from its hours and closures, loaded once
    for every day a page asks about)."""
    return DayOpening(hub, day, hub.hours_on(day.weekday()), hub.closure_on(day))


def booking_day_opening(hub: Hub, day: date) -> DayOpening:
    """``day_opening`` for one booking's rules: from the hub's hours and closures when they are
    loaded, else one statement about that day alone. Loading them (two collections, the whole
    history of closures) was about a tenth of a booking's time (bench/billable_items.py)."""
    state = sa.inspect(hub)
    if not state.persistent or not {"opening_hours", "closures"} & state.unloaded:
        return day_opening(hub, day)
    row = db.session.execute(_one_day(), {"hub_id": hub.id, "weekday": day.weekday(), "day": day}).one()
    hours = HoursThatDay(row.opens_at, row.closes_at) if row.opens_at is not None else None
    closure = ClosureThatDay(row.reason) if row.reason is not None else None
    return DayOpening(hub, day, hours, closure)


def load_opening(hub: Hub) -> None:
    """Load the hub's hours and closures, for a caller about to judge bookings on many days (a
    series): every day is then answered from them, none with a statement of its own."""
    hub.opening_hours, hub.closures  # noqa: B018 - reading them loads them


@cache
def _one_day() -> sa.Select:
    """A weekday's hours (unless marked closed) and the first closure covering a day, as
    ``Hub.hours_on`` and ``Hub.closure_on`` find them; built once, with bound parameters."""
    hub_id, day = sa.bindparam("hub_id"), sa.bindparam("day", type_=sa.Date)
    hours = sa.select(OpeningHours).where(
        OpeningHours.hub_id == hub_id, OpeningHours.weekday == sa.bindparam("weekday"), OpeningHours.closed.is_(False),
    ).subquery()
    closure = (
        sa.select(Closure.reason).where(Closure.hub_id == hub_id, Closure.starts_on <= day, Closure.ends_on >= day)
        .order_by(Closure.starts_on).limit(1).scalar_subquery()
    )
    return sa.select(
        sa.select(hours.c.opens_at).scalar_subquery().label("opens_at"),
        sa.select(hours.c.closes_at).scalar_subquery().label("closes_at"),
        closure.label("reason"),
    )
