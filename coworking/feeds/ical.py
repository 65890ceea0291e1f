"""iCalendar output: pure functions from bookings to RFC 5545 bytes."""
from __future__ import annotations

from datetime import timezone

from icalendar import Calendar, Event

PRODID = "-//Coworking hub//Bookings//EN"


def booking_uid(booking) -> str:
    """Stable for the life of the booking: moves keep it, a new booking never reuses it."""
    return f"booking-{booking.id}@coworking-hub"


def booking_event(booking) -> Event:
    from coworking.timezones import utc_to_local

    tz = booking.hub.timezone
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("dtstamp", booking.updated_at.astimezone(timezone.utc))
    event.add("dtstart", utc_to_local(booking.starts_at, tz))
    event.add("dtend", utc_to_local(booking.ends_at, tz))
    event.add("summary", f"{booking.space.name} at {booking.hub.name}")
    event.add("location", ", ".join(part for part in (booking.space.name, booking.hub.address) if part))
    event.add("sequence", booking.sequence)
    event.add("last-modified", booking.updated_at.astimezone(timezone.utc))
    event.add("status", "CONFIRMED" if booking.is_confirmed else "CANCELLED")
    return event


def booking_ics(booking) -> bytes:
    """A one-off calendar file for one booking (the email attachment, the download)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(booking_event(booking))
    calendar.add_missing_timezones()
    return calendar.to_ical()
