"""Bookings as CSV for a hub's managers: a pure function from bookings to text.

Cells go through ``spreadsheet.safe_cell``, so nothing a member typed runs as a formula.
"""
from __future__ import annotations

import csv
import io

from coworking.money import minor_to_decimal
from coworking.spreadsheet import safe_cell
from coworking.timezones import utc_to_local

COLUMNS = (
    "id",
    "space",
    "member name",
    "member email",
    "local start",
    "local end",
    "status",
    "price",
    "currency",
    "booked by",
    "created at",
)


def booking_row(booking, zone_name: str) -> list[str]:
    member = booking.member
    return [
        safe_cell(value)
        for value in (
            booking.id,
            booking.space.name,
            member.name if member else "",
            member.email if member else "",
            utc_to_local(booking.starts_at, zone_name).isoformat(),
            utc_to_local(booking.ends_at, zone_name).isoformat(),
            booking.status,
            minor_to_decimal(booking.price_minor, booking.currency),
            booking.currency,
            booking.booked_by.email if booking.booked_by else "",
            utc_to_local(booking.created_at, zone_name).isoformat(),
        )
    ]


def bookings_csv(bookings, zone_name: str) -> str:
    """A header row and one row per booking; times are local to the hub, ISO 8601 with offset."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(booking_row(booking, zone_name) for booking in bookings)
    return out.getvalue()
