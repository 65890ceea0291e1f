"""What a feed says: its bookings (and closures) in the window, as events, as calendar bytes.

Which bookings a feed shows, read as rows in three queries however many there are; what each
audience may read of them (a member their own booking in full, staff the member's name, the
public "Booked" or a first name); and ``build_feed``, the calendar written from them now. Bodies
are kept by ``cache``; the same rows always give the same bytes, which its ETags rely on.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from coworking import ical
from coworking.accounts.models import User
from coworking.bookings.models import Booking, BookingPurpose, BookingStatus
from coworking.extensions import db
from coworking.feeds.definitions import Audience, Feed, FeedWindow
from coworking.feeds.links import EventLinks
from coworking.hubs.models import Closure, Hub, Space

# --- which bookings a feed shows ------------------------------------------------------------

def _booking_scope(feed: Feed) -> list:
    if feed.member_id is not None:
        scope = [Booking.member_id == feed.member_id]
    elif feed.space is not None:
        scope = [Booking.space_id == feed.space.id]
    else:
        scope = [Booking.space_id.in_(sa.select(Space.id).where(Space.hub_id == feed.hub.id))]
    if feed.closures:
        scope.append(Booking.purpose == BookingPurpose.BLOCK.value)
    return scope


def _in_window(window: FeedWindow) -> list:
    return [
        Booking.during(window.starts_at, window.ends_at),
        sa.or_(
            Booking.status == BookingStatus.CONFIRMED.value,
            Booking.cancelled_at >= window.cancelled_since,
        ),
    ]


def _closures_in_window(feed: Feed, window: FeedWindow) -> list:
    return [Closure.hub_id == feed.hub.id, Closure.ends_on >= window.first_date, Closure.starts_on <= window.last_date]


class FeedBooking(NamedTuple):
    """The part of a booking a feed shows, read as a row: a feed has thousands, and building an
    ORM object for each cost more than writing its event. Its space (with the hub) and member
    are objects loaded once per feed and shared by the rows."""

    id: int
    starts_at: datetime
    ends_at: datetime
    status: str
    purpose: str
    note: str
    sequence: int
    updated_at: datetime
    space: Space
    member: User | None

    # Booking's own answers, so a row and a booking cannot disagree.
    is_confirmed = Booking.is_confirmed
    is_block = Booking.is_block
    hub = Booking.hub


# FeedBooking's own fields in order, then the ids of its space and member.
_FEED_BOOKING_COLUMNS = (
    Booking.id, Booking.starts_at, Booking.ends_at, Booking.status, Booking.purpose, Booking.note,
    Booking.sequence, Booking.updated_at, Booking.space_id, Booking.member_id,
)


def feed_bookings(feed: Feed, window: FeedWindow) -> list[FeedBooking]:
    """The feed's bookings in time order, in three queries however many there are: the rows,
    then the distinct spaces (with hubs) and members they name."""
    rows = db.session.execute(
        sa.select(*_FEED_BOOKING_COLUMNS)
        .where(*_booking_scope(feed), *_in_window(window))
        .order_by(Booking.starts_at, Booking.id)
    ).all()
    spaces = _spaces_by_id({row.space_id for row in rows})
    members = _users_by_id({row.member_id for row in rows if row.member_id is not None})
    return [FeedBooking(*row[:-2], space=spaces[row.space_id], member=members.get(row.member_id)) for row in rows]


def _spaces_by_id(ids: set[int]) -> dict[int, Space]:
    if not ids:
        return {}
    spaces = db.session.scalars(sa.select(Space).where(Space.id.in_(ids)).options(joinedload(Space.hub)))
    return {space.id: space for space in spaces}


def _users_by_id(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}


# --- what each audience reads ---------------------------------------------------------------

def _member_event(booking: FeedBooking, feed: Feed, links: EventLinks) -> ical.FeedEvent:
    return ical.booking_feed_event(booking, description=_manage_booking(booking, links))


def _staff_event(booking: FeedBooking, feed: Feed, links: EventLinks) -> ical.FeedEvent:
    if booking.is_block:
        summary = f"Blocked: {booking.note}" if booking.note else "Blocked"
    else:
        summary = booking.member.name if booking.member is not None else "Booked"
    if feed.space is None:  # the whole hub's feed: say which space
        summary = f"{summary} ({booking.space.name})"
    return ical.booking_feed_event(booking, summary=summary, description=_manage_booking(booking, links))


def _public_event(booking: FeedBooking, feed: Feed, links: EventLinks) -> ical.FeedEvent:
    # Nothing about the person beyond, at most, the first name the manager chose to show.
    if booking.is_block:
        summary = "Unavailable" if feed.space is not None else f"Unavailable: {booking.space.name}"
    elif feed.space is not None and feed.space.feed_shows_first_name and booking.member is not None:
        summary = booking.member.first_name
    else:
        summary = "Booked"
    hub = booking.hub
    return ical.booking_feed_event(booking, summary=summary, description=f"{hub.name}: {links.hub_page(hub)}")


def _manage_booking(booking: FeedBooking, links: EventLinks) -> str:
    return f"Manage this booking: {links.booking_page(booking.id)}"


EVENT_BUILDERS = {Audience.MEMBER: _member_event, Audience.STAFF: _staff_event, Audience.PUBLIC: _public_event}


def _closure_event(closure: Closure, hub: Hub, links: EventLinks) -> ical.FeedEvent:
    return ical.FeedEvent(
        uid=ical.closure_uid(closure),
        starts=closure.starts_on,
        ends=closure.ends_on + timedelta(days=1),
        summary=f"Closed: {closure.reason}",
        location=", ".join(part for part in (hub.name, ical.one_line(hub.address)) if part),
        description=f"{hub.name} is closed. {links.hub_page(hub)}",
        zone=hub.timezone,
    )


# --- the calendar ---------------------------------------------------------------------------

def feed_events(feed: Feed, window: FeedWindow) -> list[ical.FeedEvent]:
    build, links = EVENT_BUILDERS[feed.audience], EventLinks()
    events = [build(booking, feed, links) for booking in feed_bookings(feed, window)]
    if feed.closures:
        closures = db.session.scalars(
            sa.select(Closure).where(*_closures_in_window(feed, window)).order_by(Closure.starts_on, Closure.id)
        )
        events = [_closure_event(closure, feed.hub, links) for closure in closures] + events
    return events


def build_feed(feed: Feed, window: FeedWindow) -> bytes:
    """The feed's calendar, built from the database now (no cache)."""
    return ical.feed_calendar(
        feed.title,
        feed_events(feed, window),
        first_date=window.first_date,
        last_date=window.last_date,
        zone_name=feed.hub.timezone if feed.hub is not None else None,
        stamp=window.began,
    )
