"""Whether a hub is open on a local day, and when: the one answer the booking rules, the
availability grid and API, the desk booking page and the demo data all ask for.

A day is closed when a closure (a holiday, a refit) covers it, or when the hub does not open on
that weekday. Each place words it its own way (a rule's sentence, the grid's notice, the API's
``closed_reason``), but none of them decides it again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from coworking.hubs.models import WEEKDAYS, Closure, Hub, OpeningHours
from coworking.timezones import combine_local_or_later


@dataclass(frozen=True)
class DayOpening:
    hub: Hub
    day: date
    hours: OpeningHours | None  # that weekday's hours; None when the hub never opens on it
    closure: Closure | None  # a closure covering the day

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
    """The hub's hours and any closure on a local day (from its loaded hours and closures)."""
    return DayOpening(hub, day, hub.hours_on(day.weekday()), hub.closure_on(day))
