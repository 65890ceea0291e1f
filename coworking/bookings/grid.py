"""The availability grid as a page shows it: pure functions from a day's bookings to table cells.

Time runs across in columns of the slot grid; consecutive columns held by the same booking (or
free) are merged into one cell, so a row reads "Free 08:00–10:00, Busy 10:00–11:00, ...".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from coworking.bookings.models import Booking
from coworking.timezones import utc_to_local

if TYPE_CHECKING:
    from coworking.bookings.availability import HubDay
    from coworking.hubs.models import Space

# Finer grids (5 or 10 minutes) would make a phone-width table hundreds of columns wide.
MIN_COLUMN_MINUTES = 15


@dataclass(frozen=True)
class Cell:
    """A run of columns that are free, or held by one booking."""

    starts_at: datetime
    ends_at: datetime
    booking: Booking | None
    columns: int
    past: bool = False  # free columns that ended before now: shown as past, not free


@dataclass(frozen=True)
class Heading:
    label: str
    columns: int


def column_minutes(slot_minutes: int) -> int:
    return max(slot_minutes, MIN_COLUMN_MINUTES)


def column_starts(opens_at: datetime, closes_at: datetime, minutes: int) -> list[datetime]:
    """Column boundaries from opening to closing, stepped in UTC so clock changes cost nothing."""
    step = timedelta(minutes=minutes)
    starts, cursor = [], opens_at
    while cursor < closes_at:
        starts.append(cursor)
        cursor += step
    return starts


def _holder(bookings: list[Booking], starts_at: datetime, ends_at: datetime) -> Booking | None:
    return next((b for b in bookings if b.starts_at < ends_at and b.ends_at > starts_at), None)


def row_cells(bookings: list[Booking], opens_at: datetime, closes_at: datetime, minutes: int, now: datetime | None = None) -> list[Cell]:
    """One space's row: each column free (or past, when it ended by ``now``) or held by the first
    booking overlapping it, merged."""
    ordered = sorted(bookings, key=lambda b: b.starts_at)
    cells: list[Cell] = []
    step = timedelta(minutes=minutes)
    for start in column_starts(opens_at, closes_at, minutes):
        end = min(start + step, closes_at)
        holder = _holder(ordered, start, end)
        past = holder is None and now is not None and end <= now
        if cells and cells[-1].booking is holder and cells[-1].past == past:
            last = cells[-1]
            cells[-1] = Cell(last.starts_at, end, holder, last.columns + 1, past)
        else:
            cells.append(Cell(start, end, holder, 1, past))
    return cells


def headings(opens_at: datetime, closes_at: datetime, minutes: int, zone_name: str) -> list[Heading]:
    """Column headings: one per local hour, spanning that hour's columns."""
    result: list[Heading] = []
    for start in column_starts(opens_at, closes_at, minutes):
        local = utc_to_local(start, zone_name)
        if result and result[-1].label.startswith(f"{local:%H}:"):
            result[-1] = Heading(result[-1].label, result[-1].columns + 1)
        else:
            result.append(Heading(f"{local:%H:%M}", 1))
    return result


@dataclass
class GridRow:
    """One space's row of the grid, with the free times and bookings it is drawn from."""

    space: Space
    cells: list[Cell]
    free: list[tuple[datetime, datetime]]
    bookings: list[Booking]


def grid_rows(hub_day: HubDay, minutes: int, now: datetime | None = None) -> list[GridRow]:
    """Every space's row on that day (rows without cells when the hub is closed)."""
    rows = []
    for space_day in hub_day.spaces:
        cells = (
            row_cells(space_day.bookings, hub_day.opens_at, hub_day.closes_at, minutes, now)
            if hub_day.opens_at is not None
            else []
        )
        rows.append(GridRow(space_day.space, cells, space_day.free, space_day.bookings))
    return rows


def time_choices(first: time, last: time, slot_minutes: int) -> list[time]:
    """Wall-clock times on the slot grid (such as :00, :15, :30, :45) from ``first`` to ``last``."""
    late = (first.minute % slot_minutes) and slot_minutes - first.minute % slot_minutes
    cursor = datetime.combine(date.min, first.replace(second=0, microsecond=0)) + timedelta(minutes=late)
    end = datetime.combine(date.min, last)
    choices = []
    while cursor <= end:
        choices.append(cursor.time())
        cursor += timedelta(minutes=slot_minutes)
    return choices


def describe(booking: Booking | None, viewer) -> tuple[str, str]:
    """(state, words) for a cell. A booking the viewer may not see in full (``Booking.can_view``:
    not theirs, and they do not work at the hub) is only "Busy", a block only "Unavailable"; the
    hub's managers and staff see names and why a space is blocked."""
    if booking is None:
        return "free", "Free"
    if booking.is_block:
        return "blocked", f"Blocked: {booking.note}" if booking.can_view(viewer) else "Unavailable"
    if booking.is_owned_by(viewer):
        return "yours", "Yours"
    if booking.can_view(viewer):
        return "booked", booking.member.name if booking.member is not None else "Booked"
    return "busy", "Busy"
