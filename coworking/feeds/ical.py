"""iCalendar output: pure functions from bookings (or feed events) to RFC 5545 bytes.

Nothing here touches the database or the request. ``coworking/feeds/services.py`` decides
what a feed shows (whose names, which bookings) and hands over ``FeedEvent`` values; this
module turns them into a calendar that Google, Apple and Outlook read alike:

- times carry the hub's ``TZID`` and the calendar holds one ``VTIMEZONE`` per zone used,
  placed before the events and bounded to the feed's window (a VTIMEZONE for 1970–2038 is
  kilobytes of transitions nobody needs);
- every event has a stable ``UID``, ``SEQUENCE`` from the booking's change counter and
  ``STATUS``, so an edit or a cancellation replaces the copy in a subscriber's calendar;
- ``DTSTAMP`` and ``LAST-MODIFIED`` are the booking's last change, not "now", so the same
  bookings always give the same bytes (the feed cache and its ETag rely on that).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from icalendar import Calendar, Event, Timezone, vDDDTypes, vDuration, vInt, vText

from coworking.timezones import zone

PRODID = "-//Coworking hub//Bookings//EN"
REFRESH_INTERVAL = timedelta(hours=1)
# A VTIMEZONE covers its feed's window and a margin, so an event that starts just before the
# window (a block running over midnight) still has its offset defined.
TIMEZONE_MARGIN = timedelta(days=7)
CONFIRMED = "CONFIRMED"
CANCELLED = "CANCELLED"
_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class FeedEvent:
    """One VEVENT, already decided: what it says and to whom is the services' business.

    ``starts``/``ends`` are UTC instants shown in ``zone``, or dates for an all-day event (``ends``
    is then the day after the last day, as RFC 5545 wants).
    """

    uid: str
    starts: datetime | date
    ends: datetime | date
    summary: str
    location: str = ""
    description: str = ""
    zone: str | None = None
    status: str = CONFIRMED
    sequence: int = 0
    last_modified: datetime | None = None

    @property
    def all_day(self) -> bool:
        return not isinstance(self.starts, datetime)


def booking_uid(booking) -> str:
    """Stable for the life of the booking: moves keep it, a new booking never reuses it."""
    return f"booking-{booking.id}@coworking-hub"


def closure_uid(closure) -> str:
    return f"closure-{closure.id}@coworking-hub"


def one_line(text: str) -> str:
    """An address typed over several lines, as one line ("1 High St, Leeds")."""
    return ", ".join(part.strip() for part in (text or "").splitlines() if part.strip())


def booking_location(booking) -> str:
    hub = booking.hub
    return ", ".join(part for part in (booking.space.name, hub.name, one_line(hub.address)) if part)


def booking_link(booking, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/bookings/{booking.id}"


def booking_feed_event(booking, *, summary: str | None = None, description: str = "") -> FeedEvent:
    """A booking as it appears to its member (or to the hub's staff, with another summary)."""
    return FeedEvent(
        uid=booking_uid(booking),
        starts=booking.starts_at,
        ends=booking.ends_at,
        zone=booking.hub.timezone,
        summary=summary or f"{booking.space.name} at {booking.hub.name}",
        location=booking_location(booking),
        description=description,
        status=CONFIRMED if booking.is_confirmed else CANCELLED,
        sequence=booking.sequence,
        last_modified=booking.updated_at,
    )


def event_component(item: FeedEvent, stamp: datetime | None = None) -> Event:
    """The VEVENT; ``stamp`` stands in for DTSTAMP and LAST-MODIFIED when the event has no
    change time of its own (a closure).

    Properties are set as typed values rather than through ``Event.add``, which guesses each
    type and looks the zone up again for every property: the same bytes, in half the time, and
    a space feed has thousands of events.
    """
    changed = vDDDTypes((item.last_modified or stamp or _EPOCH).astimezone(timezone.utc))
    event = Event()
    event["UID"] = vText(item.uid)
    event["DTSTAMP"] = changed
    if item.all_day:
        event["DTSTART"] = vDDDTypes(item.starts)
        event["DTEND"] = vDDDTypes(item.ends)
        event["TRANSP"] = vText("TRANSPARENT")  # a closure does not make anyone busy
    else:
        tz = zone(item.zone or "UTC")
        event["DTSTART"] = vDDDTypes(item.starts.astimezone(tz))
        event["DTEND"] = vDDDTypes(item.ends.astimezone(tz))
    event["SUMMARY"] = vText(item.summary)
    if item.location:
        event["LOCATION"] = vText(item.location)
    if item.description:
        event["DESCRIPTION"] = vText(item.description)
    event["LAST-MODIFIED"] = changed
    event["SEQUENCE"] = vInt(item.sequence)
    event["STATUS"] = vText(item.status)
    return event


def booking_event(booking, *, summary: str | None = None, description: str = "") -> Event:
    """The VEVENT of one booking as its member sees it."""
    return event_component(booking_feed_event(booking, summary=summary, description=description))


@lru_cache(maxsize=64)
def timezone_component(zone_name: str, first_date: date, last_date: date) -> Timezone:
    """The VTIMEZONE of a zone, with only the transitions between the two dates.

    Cached: computing one walks the zone's history. The component is never changed after this.
    """
    return Timezone.from_tzid(zone_name, first_date=first_date, last_date=last_date)


def _new_calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    return calendar


def _add_timezones(calendar: Calendar, zones: Iterable[str], first_date: date, last_date: date) -> None:
    # Added before any event: some clients read the file top to bottom and need the zone first.
    for zone_name in sorted(set(zones) - {"UTC"}):
        calendar.add_component(timezone_component(zone_name, first_date, last_date))


def feed_calendar(name: str, events: list[FeedEvent], *, first_date: date, last_date: date, zone_name: str | None = None, stamp: datetime | None = None) -> bytes:
    """A subscription feed: its events, one VTIMEZONE per zone they use, and the refresh hints.

    :param first_date: the window's first day (the VTIMEZONE starts a margin before it).
    :param last_date: the window's last day.
    :param zone_name: the calendar's own zone (``X-WR-TIMEZONE``); by default the zone most events use.
    :param stamp: DTSTAMP for events with no change time of their own (closures).
    """
    calendar = _new_calendar()
    zones = [event.zone for event in events if event.zone and not event.all_day]
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone_name or (Counter(zones).most_common(1)[0][0] if zones else "UTC"))
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    # An X- property is text unless told otherwise; Outlook wants a real duration here.
    calendar["X-PUBLISHED-TTL"] = vDuration(REFRESH_INTERVAL)
    _add_timezones(calendar, zones, first_date - TIMEZONE_MARGIN, last_date + TIMEZONE_MARGIN)
    for event in events:
        calendar.add_component(event_component(event, stamp))
    return calendar.to_ical()


def booking_ics(booking, base_url: str | None = None) -> bytes:
    """A one-off calendar file for one booking (the email attachment, the download).

    Outlook imports it as one event: METHOD:PUBLISH, a VTIMEZONE of a few weeks around the
    booking, and (given ``base_url``) a link to manage the booking in the description.
    """
    description = f"Manage this booking: {booking_link(booking, base_url)}" if base_url else ""
    calendar = _new_calendar()
    day = booking.starts_at.date()
    _add_timezones(calendar, [booking.hub.timezone], day - TIMEZONE_MARGIN * 5, day + TIMEZONE_MARGIN * 5)
    calendar.add_component(booking_event(booking, description=description))
    return calendar.to_ical()
