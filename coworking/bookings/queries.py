"""Reading bookings: what overlaps a time, a member's active count, a member's or a hub's
bookings in a range, and loading the people of many bookings at once."""
from __future__ import annotations

import operator
from datetime import date, datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import defaultload, lazyload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from coworking.accounts.models import User
from coworking.bookings.models import MAX_BOOKING_SPAN, Booking, BookingStatus
from coworking.extensions import db
from coworking.hubs.models import Hub, Space
from coworking.timezones import local_day_bounds
from coworking.types import UTCDateTime

# A bound of a range of bookings: an instant, or a date (a whole local day in the booking's hub).
Bound = date | datetime | None


def overlapping(space_ids, starts_at: datetime, ends_at: datetime, *, exclude_id: int | None = None) -> list[Booking]:
    """Confirmed bookings of these spaces overlapping [starts_at, ends_at).

    ``space_ids`` is a list of ids, or a SELECT of them (cheaper than hundreds of bound values).
    """
    query = sa.select(Booking).where(
        Booking.space_id.in_(space_ids if isinstance(space_ids, sa.Select) else list(space_ids)),
        Booking.status == BookingStatus.CONFIRMED.value,
        Booking.during(starts_at, ends_at),
    )
    if exclude_id is not None:
        query = query.where(Booking.id != exclude_id)
    # Callers hold these spaces already, and booking.space then comes from the session's
    # identity map; joining the space into every row cost a busy hub-day about a fifth more
    # (bench/availability.py).
    query = query.options(lazyload(Booking.space))
    return list(db.session.scalars(query.order_by(Booking.starts_at)))


def active_booking_count(member: User, hub: Hub, now: datetime, *, exclude_id: int | None = None) -> int:
    """The member's upcoming bookings in the hub (``Booking.is_upcoming``), for its limit."""
    return db.session.scalar(_active_count(), {
        "member_id": member.id, "hub_id": hub.id, "now": now, "earliest": now - MAX_BOOKING_SPAN,
        "exclude_id": 0 if exclude_id is None else exclude_id,  # ids start at 1: 0 excludes none
    }) or 0


@cache
def _active_count() -> sa.Select:
    """``active_booking_count``'s statement, built once with bound parameters: building and
    hashing it for every booking cost about a twelfth of the booking (bench/billable_items.py)."""
    now, earliest = sa.bindparam("now", type_=UTCDateTime), sa.bindparam("earliest", type_=UTCDateTime)
    return (
        sa.select(sa.func.count(Booking.id))
        .join(Space, Booking.space_id == Space.id)
        .where(Booking.member_id == sa.bindparam("member_id"), Space.hub_id == sa.bindparam("hub_id"),
               Booking.id != sa.bindparam("exclude_id"),
               # Booking.is_upcoming(now), its lower bound passed in
               Booking.status == BookingStatus.CONFIRMED.value, Booking.during(now, earliest=earliest))
    )


def desk_bookings_on(member: User, hub: Hub, starts_from: datetime, ends_before: datetime) -> list[Booking]:
    """The member's confirmed desk bookings in the hub overlapping [starts_from, ends_before)."""
    query = (
        sa.select(Booking)
        .join(Space, Booking.space_id == Space.id)
        .where(
            Booking.member_id == member.id,
            Space.hub_id == hub.id,
            Space.kind == "desk",
            Booking.status == BookingStatus.CONFIRMED.value,
            Booking.during(starts_from, ends_before),
        )
    )
    return list(db.session.scalars(query.order_by(Booking.starts_at)))


def list_member_bookings(member: User, starts_from: datetime | None = None, ends_before: datetime | None = None, *, hub: Hub | None = None) -> list[Booking]:
    return list(db.session.scalars(member_bookings_query(member, starts_from, ends_before, hub=hub)))


def list_hub_bookings(hub: Hub, starts_from: datetime | None = None, ends_before: datetime | None = None, *, status: str | None = None, space_id: int | None = None, member_email: str | None = None) -> list[Booking]:
    query = hub_bookings_query(hub, starts_from, ends_before, status=status, space_id=space_id, member_email=member_email)
    return list(db.session.scalars(query))


def member_bookings_query(member: User, starts_from: Bound = None, ends_before: Bound = None, *, hub: Hub | None = None,
                          status: str | None = None) -> sa.Select:
    """A member's bookings by start time (a SELECT to page). A date bound is that whole local day
    in each booking's own hub (``starts_from`` from its start, ``ends_before`` to its end)."""
    query = sa.select(Booking).where(Booking.member_id == member.id)
    if status:
        query = query.where(Booking.status == status)
    if _is_day(starts_from) or _is_day(ends_before):
        # One statement more, however many hubs: the zones the hubs are in.
        zones = list(db.session.scalars(sa.select(Hub.timezone).distinct().order_by(Hub.timezone)))
        starts_from, ends_before = _per_zone(starts_from, zones, 0), _per_zone(ends_before, zones, 1)
        query = query.join(Space, Booking.space_id == Space.id).join(Hub, Space.hub_id == Hub.id)
        if hub is not None:
            query, hub = query.where(Space.hub_id == hub.id), None
    return _in_range(query, starts_from, ends_before, hub)


def hub_bookings_query(hub: Hub, starts_from: datetime | None = None, ends_before: datetime | None = None, *,
                       status: str | None = None, space_id: int | None = None, member_email: str | None = None) -> sa.Select:
    """A hub's bookings by start time (a SELECT to page), filtered."""
    query = sa.select(Booking)
    if status:
        query = query.where(Booking.status == status)
    if space_id:
        query = query.where(Booking.space_id == space_id)
    if member_email:
        query = query.join(User, Booking.member_id == User.id).where(User.email.contains(member_email.lower()))
    return _in_range(query, starts_from, ends_before, hub)


def _is_day(bound: Bound) -> bool:
    return isinstance(bound, date) and not isinstance(bound, datetime)


def _per_zone(bound: Bound, zones: list[str], edge: int) -> Bound | dict[str, datetime]:
    """A date bound as the instant its local day starts (edge 0) or ends (edge 1) in each zone."""
    if bound is None or isinstance(bound, datetime):
        return bound
    return {zone_name: local_day_bounds(bound, zone_name)[edge] for zone_name in zones}


def _bound(column, instants: datetime | dict[str, datetime], compare):
    if isinstance(instants, datetime):
        return compare(column, instants)
    if not instants:
        return sa.false()
    return sa.or_(*(sa.and_(Hub.timezone == zone_name, compare(column, instant)) for zone_name, instant in instants.items()))


def _started_after_span(column, instant: datetime):
    return column > instant - MAX_BOOKING_SPAN


def _in_range(query, starts_from, ends_before, hub) -> sa.Select:
    if hub is not None:
        query = query.join(Space, Booking.space_id == Space.id).where(Space.hub_id == hub.id)
    if starts_from is not None:
        # No booking spans more than MAX_BOOKING_SPAN: bounding starts_at from below too lets
        # the (space_id, starts_at) and (member_id, starts_at) indexes skip older history.
        query = query.where(_bound(Booking.ends_at, starts_from, operator.gt),
                            _bound(Booking.starts_at, starts_from, _started_after_span))
    if ends_before is not None:
        query = query.where(_bound(Booking.starts_at, ends_before, operator.lt))
    # A member's bookings span hubs: their hubs in one query, not one lazy load per hub.
    # Members without their hub roles (a statement more, which no list of bookings needs).
    query = query.options(
        selectinload(Booking.member).lazyload(User.roles), selectinload(Booking.series),
        defaultload(Booking.space).selectinload(Space.hub),
    )
    return query.order_by(Booking.starts_at, Booking.id)


def attach_people(bookings: list[Booking], *relations: str) -> None:
    """Load the members (or bookers: ``"booked_by"``) of many bookings in one query, not one each."""
    relations = relations or ("member",)
    ids = {getattr(b, f"{name}_id") for b in bookings for name in relations} - {None}
    query = sa.select(User).where(User.id.in_(ids)).options(lazyload(User.roles))
    people = {u.id: u for u in db.session.scalars(query)} if ids else {}
    for booking in bookings:
        for name in relations:
            set_committed_value(booking, name, people.get(getattr(booking, f"{name}_id")))
