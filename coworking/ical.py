"""iCalendar output: pure functions from bookings (or feed events) to RFC 5545 bytes.

Nothing here touches the database, the request or the app: links arrive as text. The feeds
(``coworking/feeds/content.py``) decide what a feed shows (whose names, which bookings, which
links) and hand over ``FeedEvent`` values; this module turns them into a calendar that Google,
Apple and Outlook read alike:

- times carry the hub's ``TZID`` and the calendar holds one ``VTIMEZONE`` per zone used,
  placed before the events and bounded to the feed's window (a VTIMEZONE for 1970–2038 is
  kilobytes of transitions nobody needs), written by ``coworking.vtimezone`` so that ical.js and
  libical read it as icalendar does;
- every event has a stable ``UID``, ``SEQUENCE`` from the booking's change counter and
  ``STATUS``, so an edit or a cancellation replaces the copy in a subscriber's calendar;
- ``DTSTAMP`` and ``LAST-MODIFIED`` are the booking's last change, not "now", so the same
  bookings always give the same bytes (the feed cache and its ETag rely on that).

A feed's events are written directly (``event_ical``), not through icalendar's components, which
cost ~0.2 ms an event; the bytes are icalendar's own, and tests/feeds/test_ical_fast.py holds them so.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache

from icalendar import Calendar, Event, vDDDTypes, vDuration, vInt, vText
from icalendar.caselessdict import canonsort_keys
from icalendar.parser import Contentline

from coworking.timezones import zone
from coworking.vtimezone import timezone_component

PRODID = "-//Coworking hub//Bookings//EN"
REFRESH_INTERVAL = timedelta(hours=1)
# A VTIMEZONE covers its feed's window and a margin, so an event that starts just before the
# window (a block running over midnight) still has its offset defined.
TIMEZONE_MARGIN = timedelta(days=7)
CONFIRMED = "CONFIRMED"
CANCELLED = "CANCELLED"
_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)
CRLF = "\r\n"
_CALENDAR_END = b"END:VCALENDAR\r\n"


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


def event_properties(item: FeedEvent, stamp: datetime | None = None) -> dict[str, str | int | date | datetime]:
    """The VEVENT's properties as plain values: the one list both ways of writing it use.

    A ``str`` is TEXT, an ``int`` an INTEGER, a date or an aware datetime a DATE or DATE-TIME (times
    already in the event's zone, change times in UTC). ``stamp`` stands in for DTSTAMP and
    LAST-MODIFIED when the event has no change time of its own (a closure).
    """
    changed = (item.last_modified or stamp or _EPOCH).astimezone(timezone.utc)
    properties: dict[str, str | int | date | datetime] = {"UID": item.uid, "DTSTAMP": changed}
    if item.all_day:
        properties["DTSTART"] = item.starts
        properties["DTEND"] = item.ends
        properties["TRANSP"] = "TRANSPARENT"  # a closure does not make anyone busy
    else:
        tz = zone(item.zone or "UTC")
        properties["DTSTART"] = item.starts.astimezone(tz)
        properties["DTEND"] = item.ends.astimezone(tz)
    properties["SUMMARY"] = writable(item.summary)
    if item.location:
        properties["LOCATION"] = writable(item.location)
    if item.description:
        properties["DESCRIPTION"] = writable(item.description)
    properties["LAST-MODIFIED"] = changed
    properties["SEQUENCE"] = item.sequence
    properties["STATUS"] = item.status
    return properties


# What RFC 5545 TEXT cannot hold even escaped (controls but tab, CR and LF, which escaping
# writes as \n), and lone surrogates, which cannot be encoded. Input refuses them all
# (coworking.text), but text stored before that must not break a feed.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def writable(text: str) -> str:
    """The text without the characters a calendar cannot carry."""
    return _UNWRITABLE.sub("", text)


def event_component(item: FeedEvent, stamp: datetime | None = None) -> Event:
    """The VEVENT as an icalendar component: for the one-off .ics, and the reference that
    ``event_ical`` is tested against.

    Properties are set as typed values rather than through ``Event.add``, which guesses each
    type and looks the zone up again for every property: the same bytes, in half the time.
    """
    event = Event()
    for name, value in event_properties(item, stamp).items():
        event[name] = _typed_value(value)
    return event


def _typed_value(value: str | int | date | datetime) -> vText | vInt | vDDDTypes:
    if isinstance(value, str):
        return vText(value)
    if isinstance(value, int):
        return vInt(value)
    return vDDDTypes(value)


# --- one VEVENT written directly --------------------------------------------------------------
# A space feed has thousands of events, and icalendar spends ~0.2 ms on each (typed values,
# parameter objects, zone look-ups, folding character by character). ``event_ical`` writes the same bytes from
# the same ``event_properties``, taking from the library everything that is not plain digits:
# the property order, the parameters of a date or a zone, TEXT escaping and line folding.
# tests/feeds/test_ical_fast.py proves the bytes equal, for generated events of every shape.

_SAMPLE_DAY = date(2000, 1, 1)
# Lines the library folds: its limit counts octets, and a line of 75 or more is folded.
_FOLD_AT = 75
# The only characters the library's TEXT escaping rewrites: backslash (``\N`` included),
# semicolon, comma, CR and LF. Text without any is written as it is, sparing most values the call.
_NEEDS_ESCAPING = re.compile(r"[\\;,\r\n]")


@lru_cache(maxsize=16)
def _line_order(names: tuple[str, ...]) -> tuple[str, ...]:
    """The order the library writes these properties in (its canonical order, then A to Z)."""
    return tuple(canonsort_keys(names, Event.canonical_order))


def _library_form(value: date | datetime) -> tuple[str, str]:
    """The parameters the library gives this value (";TZID=Europe/London", ";VALUE=DATE" or none)
    and the value as it writes it."""
    typed = vDDDTypes(value)
    text = typed.to_ical().decode()
    line = Contentline.from_parts("X", typed.params, typed)  # "X" + parameters + ":" + text
    return line[1 : len(line) - len(text) - 1], text


@lru_cache(maxsize=64)
def _datetime_form(tz: tzinfo) -> tuple[str, str]:
    """What the library writes around a date-time in this zone: its parameters (";TZID=…", none
    in UTC) and what follows the digits ("Z" in UTC). For a ZoneInfo or UTC both depend on the
    zone alone, never on the instant, so one sample tells."""
    params, text = _library_form(datetime.combine(_SAMPLE_DAY, time.min, tzinfo=tz))
    return params, text[len("20000101T000000"):]


_DATE_PARAMS = _library_form(_SAMPLE_DAY)[0]


@lru_cache(maxsize=4096)
def _escaped_text(text: str) -> str:
    return vText(text).to_ical().decode()


def _text(text: str) -> str:
    return _escaped_text(text) if _NEEDS_ESCAPING.search(text) else text


def _content_line(name: str, value: str | int | date | datetime) -> str:
    """One property as the library writes it, before folding."""
    if isinstance(value, str):
        return f"{name}:{_text(value)}"
    if isinstance(value, datetime):
        params, suffix = _datetime_form(value.tzinfo)
        return (f"{name}{params}:{value.year:04}{value.month:02}{value.day:02}"
                f"T{value.hour:02}{value.minute:02}{value.second:02}{suffix}")
    if isinstance(value, date):
        return f"{name}{_DATE_PARAMS}:{value.year:04}{value.month:02}{value.day:02}"
    return f"{name}:{int(value)}"


def _folded(line: str) -> str:
    # The library's folding leaves a line shorter than its limit as it is; a longer one is
    # folded by the library itself.
    if len(line) < _FOLD_AT and (line.isascii() or len(line.encode()) < _FOLD_AT):
        return line
    return Contentline(line).to_ical().decode()


def event_ical(item: FeedEvent, stamp: datetime | None = None) -> bytes:
    """``event_component(item, stamp).to_ical()``, byte for byte, some fifteen times faster."""
    properties = event_properties(item, stamp)
    lines = [_folded(_content_line(name, properties[name])) for name in _line_order(tuple(properties))]
    return f"BEGIN:VEVENT\r\n{CRLF.join(lines)}\r\nEND:VEVENT\r\n".encode()


def booking_event(booking, *, summary: str | None = None, description: str = "") -> Event:
    """The VEVENT of one booking as its member sees it."""
    return event_component(booking_feed_event(booking, summary=summary, description=description))


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
    head = feed_header(name, events, first_date=first_date, last_date=last_date, zone_name=zone_name).to_ical()
    return _with_events(head, (event_ical(event, stamp) for event in events))


def _with_events(head: bytes, events: Iterable[bytes]) -> bytes:
    """A calendar the library wrote without events (properties, VTIMEZONEs), with the events
    (written directly) where it would put them: after the VTIMEZONEs, before END:VCALENDAR."""
    if not head.endswith(_CALENDAR_END):
        raise ValueError(f"icalendar ended a calendar unexpectedly: {head[-40:]!r}")
    return b"".join([head[: -len(_CALENDAR_END)], *events, _CALENDAR_END])


def feed_header(name: str, events: list[FeedEvent], *, first_date: date, last_date: date, zone_name: str | None = None) -> Calendar:
    """The feed's calendar without its events: properties and a VTIMEZONE per zone the events use."""
    calendar = _new_calendar()
    zones = [event.zone for event in events if event.zone and not event.all_day]
    # An X- property is not escaped unless typed as TEXT: a line break in a name broke the feed.
    calendar["X-WR-CALNAME"] = vText(writable(name))
    calendar.add("x-wr-timezone", zone_name or (Counter(zones).most_common(1)[0][0] if zones else "UTC"))
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    # An X- property is text unless told otherwise; Outlook wants a real duration here.
    calendar["X-PUBLISHED-TTL"] = vDuration(REFRESH_INTERVAL)
    _add_timezones(calendar, zones, first_date - TIMEZONE_MARGIN, last_date + TIMEZONE_MARGIN)
    return calendar


def booking_ics(booking, *, link: str | None = None) -> bytes:
    """A one-off calendar file for one booking (the email attachment, the download).

    Outlook imports it as one event: METHOD:PUBLISH, a VTIMEZONE of a few weeks around the
    booking, and (given ``link``, absolute: the booking's page) a link to manage the booking in
    the description.
    """
    event = booking_feed_event(booking, description=f"Manage this booking: {link}" if link else "")
    return _with_events(one_off_head(booking.hub.timezone, booking.starts_at.date()), [event_ical(event)])


@lru_cache(maxsize=256)
def one_off_head(zone_name: str, day: date) -> bytes:
    """The library's calendar around a one-off event on ``day``: its properties and a VTIMEZONE
    of a few weeks either side. Cached: writing a VTIMEZONE was most of a booking's .ics, and the
    confirmation email of every booking has one."""
    calendar = _new_calendar()
    _add_timezones(calendar, [zone_name], day - TIMEZONE_MARGIN * 5, day + TIMEZONE_MARGIN * 5)
    return calendar.to_ical()
