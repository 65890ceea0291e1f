"""Blocks: a hub's managers and staff take a space out of use (maintenance, an event).

A block is a Booking row with ``purpose="block"`` and no member, so the no-overlap guarantee
covers it; a long block is stored as one row per local day (no row spans more than
MAX_BOOKING_SPAN). Blocks are not members' bookings: they send no booking events.
"""
from __future__ import annotations

from datetime import datetime

from coworking.accounts.models import User
from coworking.bookings.errors import BookingConflict, BookingRulesBroken, NotAllowed
from coworking.bookings.models import Booking, BookingPurpose, BookingStatus
from coworking.bookings.operations import insert_booking
from coworking.bookings.queries import overlapping
from coworking.extensions import db
from coworking.hubs.models import Space
from coworking.timezones import local_day_bounds, utc_to_local
from coworking.transactions import ensure_write_lock
from coworking.types import utcnow


def block_space(space: Space, starts_at: datetime, ends_at: datetime, reason: str, *, by: User, now: datetime | None = None) -> list[Booking]:
    """Take a space out of use; stored as one row per local day. Refused over existing bookings."""
    ensure_write_lock(db.session)
    now = now or utcnow()
    if not by.works_at(space.hub):
        raise NotAllowed("Only the hub's managers and staff can block a space.")
    if not (reason or "").strip():
        raise BookingRulesBroken(["Say why the space is blocked."])
    if ends_at <= starts_at:
        raise BookingRulesBroken(["The end must be after the start."])
    clashes = overlapping([space.id], starts_at, ends_at)
    if clashes:
        raise BookingConflict(
            f"{len(clashes)} booking(s) fall in that period; cancel or move them first."
        )
    return [
        insert_booking(
            Booking(
                space=space,
                member_id=None,
                booked_by_id=by.id,
                purpose=BookingPurpose.BLOCK.value,
                starts_at=piece_start,
                ends_at=piece_end,
                status=BookingStatus.CONFIRMED.value,
                price_minor=0,
                currency=space.hub.currency,
                note=reason.strip(),
                created_at=now,
                updated_at=now,
            )
        )
        for piece_start, piece_end in split_by_local_day(starts_at, ends_at, space.hub.timezone)
    ]


def split_by_local_day(starts_at: datetime, ends_at: datetime, zone_name: str) -> list[tuple[datetime, datetime]]:
    pieces = []
    cursor = starts_at
    while cursor < ends_at:
        _, day_end = local_day_bounds(utc_to_local(cursor, zone_name).date(), zone_name)
        piece_end = min(day_end, ends_at)
        pieces.append((cursor, piece_end))
        cursor = piece_end
    return pieces
