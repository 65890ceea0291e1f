"""What a hub closure does to bookings: before it is added, the bookings it would cancel (for the
manager to confirm); once added, those bookings cancelled and their members emailed.

The closure lives in the hubs area, which may not import bookings: the closure page asks
``closure_bookings_asked`` and the service announces ``closure_added`` (``coworking.events``);
these receivers answer and act in the same transaction.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from coworking.accounts.models import User
from coworking.bookings.models import Booking, BookingPurpose, BookingStatus
from coworking.bookings.operations import cancel_booking
from coworking.events import closure_added, closure_bookings_asked
from coworking.extensions import db
from coworking.hubs.models import Closure, Hub, Space
from coworking.timezones import local_day_bounds, utc_to_local
from coworking.types import utcnow


def bookings_on_days(hub: Hub, starts_on: date, ends_on: date) -> list[Booking]:
    """Members' confirmed bookings in the hub on those local days that have not ended yet (blocks are the hub's own)."""
    starts_from = local_day_bounds(starts_on, hub.timezone)[0]
    ends_before = local_day_bounds(ends_on, hub.timezone)[1]
    query = (
        sa.select(Booking)
        .join(Space, Booking.space_id == Space.id)
        .where(
            Space.hub_id == hub.id,
            Booking.status == BookingStatus.CONFIRMED.value,
            Booking.purpose == BookingPurpose.BOOKING.value,
            Booking.during(starts_from, ends_before),
            Booking.ends_at > utcnow(),
        )
    )
    return list(db.session.scalars(query.order_by(Booking.starts_at, Booking.id)))


def describe(booking: Booking) -> str:
    """"Desk 1, Tue 08 Dec 2026 08:00–18:00, Alice Member (alice@example.org)"."""
    tz = booking.hub.timezone
    starts, ends = utc_to_local(booking.starts_at, tz), utc_to_local(booking.ends_at, tz)
    member = booking.member
    return f"{booking.space.name}, {starts:%a %d %b %Y %H:%M}–{ends:%H:%M}, {member.name} ({member.email})"


def on_closure_bookings_asked(hub: Hub, *, starts_on: date, ends_on: date) -> list[str]:
    return [describe(booking) for booking in bookings_on_days(hub, starts_on, ends_on)]


def on_closure_added(closure: Closure, *, by: User | None = None) -> None:
    """Cancel the bookings on the closed days, each member told why by email (the cancellation's
    events let allowances and feeds follow). Without ``by`` nobody cancels them."""
    if by is None:
        return
    hub = closure.hub
    for booking in bookings_on_days(hub, closure.starts_on, closure.ends_on):
        cancel_booking(booking, by=by, reason=f"{hub.name} is closed: {closure.reason}")


def connect_receivers() -> None:
    """Called once by create_app; connecting the same function again is a no-op (blinker)."""
    closure_bookings_asked.connect(on_closure_bookings_asked)
    closure_added.connect(on_closure_added)
