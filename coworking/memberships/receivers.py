"""The memberships area listens to bookings (coworking/events.py): each booking event re-settles
the member's allowance from the period the booking was (and now is) in. Receivers run in the
booking's transaction and flush, never commit; settling is idempotent, so a booking whose event
arrives twice is still settled once. It also answers the booking pages' questions (what would
cover a booking, how one was settled) in words, from ``coverage.py``."""
from __future__ import annotations

from datetime import date, datetime

from coworking.events import (
    booking_cancelled,
    booking_coverage_asked,
    booking_created,
    booking_moved,
    booking_settlement_asked,
)
from coworking.memberships.coverage import coverage_text, settlement_text
from coworking.memberships.fast_path import settle_new_booking
from coworking.memberships.periods import period_of_instant
from coworking.memberships.settlement import settle_member
from coworking.timezones import local_today


def settle_booking(booking, *, previous_starts_at: datetime | None = None, today: date | None = None) -> None:
    """Settle the allowance of the booking's member in its hub, from the booking's period (or
    the period it was moved from, when earlier). Blocks and bookings without a member are ignored."""
    if booking.member_id is None or booking.purpose != "booking":
        return
    hub = booking.space.hub
    period = period_of_instant(booking.starts_at, hub.timezone)
    if previous_starts_at is not None:
        period = min(period, period_of_instant(previous_starts_at, hub.timezone))
    settle_member(hub, booking.member_id, period, today=today)


def on_booking_created(booking, **_) -> None:
    """A new booking: the fast path when it can tell the answer alone, else the full settlement."""
    if booking.member_id is None or booking.purpose != "booking":
        return
    hub = booking.space.hub
    if not settle_new_booking(booking, hub, local_today(hub.timezone)):
        settle_booking(booking)


def on_booking_moved(booking, *, previous_starts_at: datetime | None = None, **_) -> None:
    settle_booking(booking, previous_starts_at=previous_starts_at)


def on_booking_cancelled(booking, **_) -> None:
    settle_booking(booking)


def on_booking_coverage_asked(hub, *, member, kind, day, space=None, starts_at=None, ends_at=None, **_) -> str | None:
    return coverage_text(hub, member, kind, day, space=space, starts_at=starts_at, ends_at=ends_at)


def on_booking_settlement_asked(booking, **_) -> str | None:
    return settlement_text(booking)


def connect_receivers() -> None:
    """Called once by create_app; connecting the same function again is a no-op (blinker)."""
    booking_created.connect(on_booking_created)
    booking_moved.connect(on_booking_moved)
    booking_cancelled.connect(on_booking_cancelled)
    booking_coverage_asked.connect(on_booking_coverage_asked)
    booking_settlement_asked.connect(on_booking_settlement_asked)
