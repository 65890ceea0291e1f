"""Booking workflows: book, book any desk, move, cancel, series, blocks, availability.

Every write path takes the write lock first (``ensure_write_lock``: BEGIN IMMEDIATE on SQLite)
so its availability check and its insert are one serialised transaction; the database makes
no-overlap true regardless (PostgreSQL exclusion constraint, SQLite trigger), and its refusal
becomes the same ``BookingConflict`` a member sees from the check. Functions flush, never commit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defaultload, lazyload, selectinload

from coworking.accounts.models import User
from coworking.bookings import rules
from coworking.bookings.models import (
    MAX_BOOKING_SPAN,
    Booking,
    BookingPurpose,
    BookingSeries,
    BookingStatus,
)
from coworking.bookings.policy import Policy, effective_policy
from coworking.bookings.recurrence import Recurrence, expand
from coworking.errors import DomainError
from coworking.extensions import db
from coworking.hubs.models import Hub, Space
from coworking.mail import queue_mail
from coworking.timezones import (
    NonexistentLocalTime,
    combine_local,
    combine_local_or_later,
    local_day_bounds,
    local_today,
    utc_to_local,
)
from coworking.transactions import ensure_write_lock
from coworking.types import utcnow

CONFIRMED = BookingStatus.CONFIRMED.value
CANCELLED = BookingStatus.CANCELLED.value


# --- errors ---------------------------------------------------------------------------------

class BookingError(DomainError):
    status = 400


class BookingConflict(BookingError):
    """The space is already booked then (409)."""

    status = 409

    def __init__(self, message: str = "That space is already booked at that time."):
        super().__init__(message)


class NoDeskFree(BookingConflict):
    def __init__(self, message: str = "No desk is free at that time."):
        super().__init__(message)


class BookingRulesBroken(BookingError):
    """The booking breaks one or more of the hub's rules (422); ``problems`` lists them all."""

    status = 422

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


class NotCancellable(BookingError):
    status = 409


class NotAllowed(BookingError):
    status = 403


# --- reading --------------------------------------------------------------------------------

def overlapping(space_ids, starts_at: datetime, ends_at: datetime, *, exclude_id: int | None = None):
    """Confirmed bookings of these spaces overlapping [starts_at, ends_at).

    No row spans more than MAX_BOOKING_SPAN, so bounding ``starts_at`` from below lets the
    (space_id, starts_at) index answer this without scanning a space's whole history.
    ``space_ids`` is a list of ids, or a SELECT of them (cheaper than hundreds of bound values).
    """
    query = sa.select(Booking).where(
        Booking.space_id.in_(space_ids if isinstance(space_ids, sa.Select) else list(space_ids)),
        Booking.status == CONFIRMED,
        Booking.starts_at < ends_at,
        Booking.starts_at > starts_at - MAX_BOOKING_SPAN,
        Booking.ends_at > starts_at,
    )
    if exclude_id is not None:
        query = query.where(Booking.id != exclude_id)
    # Callers hold these spaces already, and booking.space then comes from the session's
    # identity map; joining the space into every row cost a busy hub-day about a fifth more
    # (bench/availability.py).
    query = query.options(lazyload(Booking.space))
    return list(db.session.scalars(query.order_by(Booking.starts_at)))


def active_booking_count(member: User, hub: Hub, now: datetime, *, exclude_id: int | None = None) -> int:
    query = (
        sa.select(sa.func.count(Booking.id))
        .join(Space, Booking.space_id == Space.id)
        .where(
            Booking.member_id == member.id,
            Space.hub_id == hub.id,
            Booking.status == CONFIRMED,
            Booking.ends_at > now,
            # The (member_id, starts_at) index then reads only the member's recent and future
            # bookings, not their whole history (no row spans more than MAX_BOOKING_SPAN).
            Booking.starts_at > now - MAX_BOOKING_SPAN,
        )
    )
    if exclude_id is not None:
        query = query.where(Booking.id != exclude_id)
    return db.session.scalar(query) or 0


def list_member_bookings(member: User, starts_from: datetime | None = None, ends_before: datetime | None = None, *, hub: Hub | None = None) -> list[Booking]:
    query = sa.select(Booking).where(Booking.member_id == member.id)
    return _in_range(query, starts_from, ends_before, hub)


def list_hub_bookings(hub: Hub, starts_from: datetime | None = None, ends_before: datetime | None = None, *, status: str | None = None, space_id: int | None = None, member_email: str | None = None) -> list[Booking]:
    query = sa.select(Booking)
    if status:
        query = query.where(Booking.status == status)
    if space_id:
        query = query.where(Booking.space_id == space_id)
    if member_email:
        query = query.join(User, Booking.member_id == User.id).where(User.email.contains(member_email.lower()))
    return _in_range(query, starts_from, ends_before, hub)


def _in_range(query, starts_from, ends_before, hub):
    if hub is not None:
        query = query.join(Space, Booking.space_id == Space.id).where(Space.hub_id == hub.id)
    if starts_from is not None:
        query = query.where(Booking.ends_at > starts_from)
    if ends_before is not None:
        query = query.where(Booking.starts_at < ends_before)
    # A member's bookings span hubs: their hubs in one query, not one lazy load per hub.
    query = query.options(
        selectinload(Booking.member), selectinload(Booking.series), defaultload(Booking.space).selectinload(Space.hub)
    )
    return list(db.session.scalars(query.order_by(Booking.starts_at, Booking.id)))


# --- pricing --------------------------------------------------------------------------------

def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def price_for(space: Space, starts_at: datetime, ends_at: datetime, policy: Policy) -> int:
    """Rooms by the hour (pro rata by the minute); desks and offices by the day or half day."""
    minutes = Decimal(int((ends_at - starts_at).total_seconds() // 60))
    if space.kind == "room":
        return _half_up(Decimal(space.hourly_rate_minor) * minutes / 60)
    local_start = utc_to_local(starts_at, space.hub.timezone).replace(tzinfo=None)
    local_end = utc_to_local(ends_at, space.hub.timezone).replace(tzinfo=None)
    windows = rules.desk_windows(space.hub, local_start.date(), policy)
    half_days = {windows.get("morning"), windows.get("afternoon")} - {None}
    if (local_start.time(), local_end.time()) in half_days:
        return _half_up(Decimal(space.daily_rate_minor) / 2)
    # Other lengths (a manager's override) are measured on the wall clock, like the opening
    # hours: a clock-change day does not make a morning longer or shorter.
    wall_minutes = int((local_end - local_start).total_seconds() // 60)
    full = windows.get("full")
    if full and wall_minutes * 2 <= _window_minutes(full):
        return _half_up(Decimal(space.daily_rate_minor) / 2)
    return space.daily_rate_minor


def _window_minutes(window: tuple[time, time]) -> int:
    start, end = window
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


# --- booking --------------------------------------------------------------------------------

def _attempt(space: Space, member: User | None, starts_at: datetime, ends_at: datetime, now: datetime, *, exclude_id: int | None = None, policy: Policy | None = None) -> rules.Attempt:
    policy = policy or effective_policy(space)
    hub = space.hub
    neighbours: tuple = ()
    if policy.buffer_minutes and space.kind == "room" and ends_at > starts_at:
        buffer = timedelta(minutes=policy.buffer_minutes)
        neighbours = tuple(
            (b.starts_at, b.ends_at)
            for b in overlapping([space.id], starts_at - buffer, ends_at + buffer, exclude_id=exclude_id)
        )
    return rules.Attempt(
        hub=hub,
        space=space,
        policy=policy,
        starts_at=starts_at,
        ends_at=ends_at,
        now=now,
        active_bookings=active_booking_count(member, hub, now, exclude_id=exclude_id) if member else 0,
        neighbours=neighbours,
    )


def check_rules(attempt: rules.Attempt, *, override: bool) -> list[str]:
    """Broken rules; with ``override`` only the essential ones count. Raises when any do."""
    essential = rules.broken_rules(attempt, rules.ESSENTIAL_RULES)
    if essential:
        raise BookingRulesBroken(essential)
    broken = rules.broken_rules(attempt, rules.POLICY_RULES)
    if broken and not override:
        raise BookingRulesBroken(broken)
    return broken


def _may_override(by: User, hub: Hub, override: bool) -> bool:
    if override and not by.works_at(hub):
        raise NotAllowed("Only the hub's managers and staff can override booking rules.")
    return override


def _insert(booking: Booking) -> Booking:
    """Insert in a savepoint, so the database's overlap refusal becomes a BookingConflict."""
    try:
        with db.session.begin_nested():
            db.session.add(booking)
            db.session.flush()
    except IntegrityError as error:
        if is_overlap_violation(error):
            raise BookingConflict() from error
        raise
    return booking


def is_overlap_violation(error: IntegrityError) -> bool:
    text = str(error.orig)
    return "ex_bookings_no_overlap" in text or "booking_overlap" in text


def book_space(
    space: Space,
    member: User,
    starts_at: datetime,
    ends_at: datetime,
    *,
    booked_by: User,
    now: datetime | None = None,
    override_rules: bool = False,
    note: str = "",
    series: BookingSeries | None = None,
    notify: bool = True,
) -> Booking:
    """Book a space for a member. Raises BookingRulesBroken, BookingConflict or NotAllowed.

    :param override_rules: a manager's explicit choice to book despite the hub's rules; the
        broken rules are recorded on the booking. It never overrides the no-overlap guarantee.
    """
    ensure_write_lock(db.session)
    now = now or utcnow()
    override = _may_override(booked_by, space.hub, override_rules)
    attempt = _attempt(space, member, starts_at, ends_at, now)
    overridden = check_rules(attempt, override=override)
    # No "is it free?" query first: the insert asks the database, whose refusal (the exclusion
    # constraint, SQLite's trigger) _insert turns into the same BookingConflict.
    booking = _insert(
        Booking(
            space=space,
            member_id=member.id,
            booked_by_id=booked_by.id,
            # By id, not through the relationship: SQLAlchemy 2 does not cascade a backref, so
            # the booking would sit in series.bookings outside the session when the savepoint flushes.
            series_id=series.id if series is not None else None,
            starts_at=starts_at,
            ends_at=ends_at,
            status=CONFIRMED,
            price_minor=price_for(space, starts_at, ends_at, attempt.policy),
            currency=space.hub.currency,
            note=note,
            overridden_rules=overridden,
            created_at=now,
            updated_at=now,
        )
    )
    if notify:
        _queue_confirmation(booking, member)
    return booking


def book_any_desk(hub: Hub, member: User, starts_at: datetime, ends_at: datetime, *, booked_by: User, now: datetime | None = None, override_rules: bool = False, note: str = "") -> Booking:
    """Book whichever desk is free (in name order); NoDeskFree when none is."""
    ensure_write_lock(db.session)
    desks = list(
        db.session.scalars(
            sa.select(Space)
            .where(Space.hub_id == hub.id, Space.kind == "desk", Space.active.is_(True))
            .order_by(Space.name)
        )
    )
    busy = {b.space_id for b in overlapping([d.id for d in desks], starts_at, ends_at)}
    first_refusal: BookingRulesBroken | None = None
    for desk in desks:
        if desk.id in busy:
            continue
        try:
            return book_space(desk, member, starts_at, ends_at, booked_by=booked_by, now=now, override_rules=override_rules, note=note)
        except BookingConflict:
            continue  # taken by someone else in the meantime: try the next desk
        except BookingRulesBroken as refusal:
            first_refusal = first_refusal or refusal
    if first_refusal is not None:
        raise first_refusal
    raise NoDeskFree()


def move_booking(booking: Booking, starts_at: datetime, ends_at: datetime, *, by: User, now: datetime | None = None, override_rules: bool = False, space: Space | None = None) -> Booking:
    """Change a booking's time (or space): the same rules and the same no-overlap guarantee."""
    ensure_write_lock(db.session)
    now = now or utcnow()
    if not (booking.is_owned_by(by) or by.works_at(booking.hub)):
        raise NotAllowed("You can only change your own bookings.")
    if not booking.is_confirmed:
        raise NotCancellable("A cancelled booking cannot be changed.")
    if booking.is_block:
        raise BookingRulesBroken(["A block cannot be moved: cancel it and block the new period."])
    if not by.works_at(booking.hub):
        # Otherwise moving a booking to next week would be a way round the cancellation cutoff.
        cutoff = effective_policy(booking.space).cancellation_cutoff_minutes
        if booking.is_past_cutoff(now, timedelta(minutes=cutoff)):
            raise NotCancellable(
                f"Bookings can be changed up to {cutoff} minutes before they start; please contact the hub."
            )
    target = space or booking.space
    if target.hub_id != booking.space.hub_id:
        raise NotAllowed("A booking can only move within its hub.")
    override = _may_override(by, target.hub, override_rules)
    member = booking.member
    attempt = _attempt(target, member, starts_at, ends_at, now, exclude_id=booking.id)
    overridden = check_rules(attempt, override=override)
    if overlapping([target.id], starts_at, ends_at, exclude_id=booking.id):
        raise BookingConflict()
    try:
        with db.session.begin_nested():
            booking.space = target
            booking.starts_at, booking.ends_at = starts_at, ends_at
            booking.price_minor = price_for(target, starts_at, ends_at, attempt.policy)
            booking.overridden_rules = overridden
            booking.sequence += 1
            booking.updated_at = now
            db.session.flush()
    except IntegrityError as error:
        db.session.refresh(booking)
        if is_overlap_violation(error):
            raise BookingConflict() from error
        raise
    return booking


def cancellation_refusal(booking: Booking, by: User, *, now: datetime, policy: Policy | None = None) -> BookingError | None:
    """Why ``by`` may not cancel ``booking`` now (NotAllowed or NotCancellable), or None when they may.

    Pages ask this to decide whether to offer a cancel button; pass ``policy`` to save a query.
    """
    staff = by.works_at(booking.hub)
    if not (booking.is_owned_by(by) or staff):
        return NotAllowed("You can only cancel your own bookings.")
    if not booking.is_confirmed:
        return NotCancellable("This booking is already cancelled.")
    if staff:
        return None
    policy = policy or effective_policy(booking.space)
    if booking.starts_at <= now:
        return NotCancellable("This booking has already started and can no longer be cancelled.")
    if booking.is_past_cutoff(now, policy.cancellation_cutoff):
        return NotCancellable(
            f"Bookings can be cancelled up to {policy.cancellation_cutoff_minutes} minutes before "
            "they start; please contact the hub."
        )
    return None


def cancel_booking(booking: Booking, *, by: User, reason: str = "", now: datetime | None = None, notify: bool = True) -> Booking:
    """Cancel: the member up to the hub's cutoff; managers and staff any time, with a reason."""
    now = now or utcnow()
    refusal = cancellation_refusal(booking, by, now=now)
    if refusal is not None:
        raise refusal
    if by.works_at(booking.hub) and not booking.is_owned_by(by) and not (reason or "").strip() and not booking.is_block:
        raise BookingRulesBroken(["Give a reason: the member will be told why."])
    booking.status = CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by_id = by.id
    booking.cancel_reason = (reason or "").strip()
    booking.sequence += 1
    booking.updated_at = now
    db.session.flush()
    if notify and booking.member is not None and not booking.is_owned_by(by):
        _queue_cancellation_notice(booking)
    return booking


# --- series ---------------------------------------------------------------------------------

@dataclass
class Occurrence:
    day: date
    starts_at: datetime | None
    ends_at: datetime | None
    problems: list[str] = field(default_factory=list)

    @property
    def is_free(self) -> bool:
        return not self.problems


def series_horizon(space: Space, now: datetime) -> date:
    policy = effective_policy(space)
    today = local_today(space.hub.timezone, now)
    return today + timedelta(days=min(policy.series_horizon_days, policy.max_days_ahead))


def preview_series(space: Space, member: User, recurrence: Recurrence, local_start: time, local_end: time, *, now: datetime | None = None, override_rules: bool = False, booked_by: User | None = None) -> list[Occurrence]:
    """Every date of the series, each free or with the reasons it cannot be booked."""
    now = now or utcnow()
    booked_by = booked_by or member
    override = _may_override(booked_by, space.hub, override_rules)
    policy = effective_policy(space)
    occurrences = []
    active = active_booking_count(member, space.hub, now)
    for day in expand(recurrence, series_horizon(space, now)):
        try:
            starts_at = combine_local(day, local_start, space.hub.timezone)
            ends_at = combine_local(day, local_end, space.hub.timezone)
        except NonexistentLocalTime as error:
            occurrences.append(Occurrence(day, None, None, [str(error)]))
            continue
        attempt = _attempt(space, None, starts_at, ends_at, now, policy=policy)
        attempt = rules.Attempt(**{**attempt.__dict__, "active_bookings": active})
        problems = rules.broken_rules(attempt, rules.ESSENTIAL_RULES)
        if not override:
            problems += rules.broken_rules(attempt, rules.POLICY_RULES)
        if overlapping([space.id], starts_at, ends_at):
            problems.append("Already booked.")
        if not problems:
            active += 1
        occurrences.append(Occurrence(day, starts_at, ends_at, problems))
    return occurrences


def book_series(space: Space, member: User, recurrence: Recurrence, local_start: time, local_end: time, *, booked_by: User, skip_conflicts: bool = False, now: datetime | None = None, override_rules: bool = False) -> tuple[BookingSeries, list[Occurrence]]:
    """Book every free date of a series, or nothing when any date is taken and not ``skip_conflicts``."""
    ensure_write_lock(db.session)
    now = now or utcnow()
    preview = preview_series(space, member, recurrence, local_start, local_end, now=now, override_rules=override_rules, booked_by=booked_by)
    blocked = [o for o in preview if not o.is_free]
    if blocked and not skip_conflicts:
        raise SeriesHasConflicts(preview)
    free = [o for o in preview if o.is_free]
    if not free:
        raise SeriesHasConflicts(preview)
    series = BookingSeries(
        space_id=space.id,
        member_id=member.id,
        booked_by_id=booked_by.id,
        rule=recurrence.to_json(),
        local_start=local_start,
        local_end=local_end,
        created_at=now,
    )
    db.session.add(series)
    db.session.flush()
    for occurrence in free:
        book_space(space, member, occurrence.starts_at, occurrence.ends_at, booked_by=booked_by, now=now, override_rules=override_rules, series=series, notify=False)
    db.session.expire(series, ["bookings"])
    _queue_series_confirmation(series, member, free, recurrence)
    return series, preview


class SeriesHasConflicts(BookingError):
    status = 409

    def __init__(self, preview: list[Occurrence]):
        count = sum(1 for o in preview if not o.is_free)
        super().__init__(f"{count} of {len(preview)} dates cannot be booked; book the free ones or none.")
        self.preview = preview


def cancel_series(series: BookingSeries, *, by: User, from_booking: Booking | None = None, reason: str = "", now: datetime | None = None) -> list[Booking]:
    """Cancel the series' upcoming bookings (or this one and those after it). Never un-cancels."""
    now = now or utcnow()
    if not (series.member_id == by.id or by.works_at(series.space.hub)):
        raise NotAllowed("You can only cancel your own bookings.")
    if from_booking is not None and from_booking.series_id != series.id:
        raise NotAllowed("That booking is not part of this series.")
    cancelled, too_late = [], None
    for booking in series.bookings:
        if not booking.is_confirmed or booking.starts_at <= now:
            continue
        if from_booking is not None and booking.starts_at < from_booking.starts_at:
            continue
        refusal = cancellation_refusal(booking, by, now=now)
        if isinstance(refusal, NotCancellable) and booking is not from_booking:
            too_late = refusal  # too close to start for a member to cancel: it stays, the rest go
            continue
        cancelled.append(cancel_booking(booking, by=by, reason=reason, now=now, notify=False))
    if not cancelled and too_late is not None:
        raise too_late
    if cancelled and series.member is not None and series.member_id != by.id:
        _queue_cancellation_notice(cancelled[0], count=len(cancelled))
    return cancelled


# --- blocks ---------------------------------------------------------------------------------

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
    rows = []
    for piece_start, piece_end in split_by_local_day(starts_at, ends_at, space.hub.timezone):
        rows.append(
            _insert(
                Booking(
                    space=space,
                    member_id=None,
                    booked_by_id=by.id,
                    purpose=BookingPurpose.BLOCK.value,
                    starts_at=piece_start,
                    ends_at=piece_end,
                    status=CONFIRMED,
                    price_minor=0,
                    currency=space.hub.currency,
                    note=reason.strip(),
                    created_at=now,
                    updated_at=now,
                )
            )
        )
    return rows


def split_by_local_day(starts_at: datetime, ends_at: datetime, zone_name: str) -> list[tuple[datetime, datetime]]:
    pieces = []
    cursor = starts_at
    while cursor < ends_at:
        _, day_end = local_day_bounds(utc_to_local(cursor, zone_name).date(), zone_name)
        piece_end = min(day_end, ends_at)
        pieces.append((cursor, piece_end))
        cursor = piece_end
    return pieces


# --- availability ---------------------------------------------------------------------------

@dataclass
class SpaceDay:
    space: Space
    bookings: list[Booking]
    free: list[tuple[datetime, datetime]]


@dataclass
class HubDay:
    hub: Hub
    day: date
    opens_at: datetime | None
    closes_at: datetime | None
    closed_reason: str | None
    spaces: list[SpaceDay]


def availability(hub: Hub, day: date, *, kind: str | None = None) -> HubDay:
    """Each active space's confirmed bookings and free intervals on a local day, in two queries."""
    query = sa.select(Space).where(Space.hub_id == hub.id, Space.active.is_(True))
    if kind:
        query = query.where(Space.kind == kind)
    spaces = list(db.session.scalars(query.order_by(Space.kind, Space.name)))
    day_start, day_end = local_day_bounds(day, hub.timezone)
    by_space: dict[int, list[Booking]] = {space.id: [] for space in spaces}
    if spaces:
        for booking in overlapping(query.with_only_columns(Space.id), day_start, day_end):
            if booking.space_id in by_space:  # else its space became active a moment ago
                by_space[booking.space_id].append(booking)
    opens_at, closes_at, closed_reason = opening_window(hub, day)
    return HubDay(
        hub=hub,
        day=day,
        opens_at=opens_at,
        closes_at=closes_at,
        closed_reason=closed_reason,
        spaces=[
            SpaceDay(space, by_space[space.id], free_intervals(opens_at, closes_at, by_space[space.id]))
            for space in spaces
        ],
    )


def opening_window(hub: Hub, day: date) -> tuple[datetime | None, datetime | None, str | None]:
    closure = hub.closure_on(day)
    if closure is not None:
        return None, None, f"Closed: {closure.reason}"
    hours = hub.hours_on(day.weekday())
    if hours is None:
        return None, None, "Closed"
    return (
        combine_local_or_later(day, hours.opens_at, hub.timezone),
        combine_local_or_later(day, hours.closes_at, hub.timezone),
        None,
    )


def free_intervals(opens_at, closes_at, bookings: list[Booking]) -> list[tuple[datetime, datetime]]:
    """The gaps between bookings within opening hours."""
    if opens_at is None:
        return []
    free, cursor = [], opens_at
    for booking in sorted(bookings, key=lambda b: b.starts_at):
        if booking.starts_at > cursor:
            free.append((cursor, min(booking.starts_at, closes_at)))
        cursor = max(cursor, booking.ends_at)
        if cursor >= closes_at:
            break
    if cursor < closes_at:
        free.append((cursor, closes_at))
    return [(a, b) for a, b in free if b > a]


# --- mail -----------------------------------------------------------------------------------

def _when(booking: Booking) -> str:
    tz = booking.hub.timezone
    start, end = utc_to_local(booking.starts_at, tz), utc_to_local(booking.ends_at, tz)
    return f"{start:%A %d %B %Y}, {start:%H:%M}–{end:%H:%M}"


def _queue_confirmation(booking: Booking, member: User) -> None:
    from coworking.ical import booking_ics

    queue_mail(
        member.email,
        f"Booking confirmed: {booking.space.name}, {_when(booking)}",
        f"Hello {member.first_name},\n\nYou have booked {booking.space.name} at {booking.hub.name}\n"
        f"on {_when(booking)}.\n\nThe attached file adds it to your calendar.\n",
        attachments=[("booking.ics", "text/calendar", booking_ics(booking, current_app.config["BASE_URL"]))],
    )


def _queue_series_confirmation(series: BookingSeries, member: User, booked: list[Occurrence], recurrence: Recurrence) -> None:
    dates = "\n".join(f"  - {o.day:%a %d %b %Y}" for o in booked)
    queue_mail(
        member.email,
        f"Recurring booking confirmed: {series.space.name}",
        f"Hello {member.first_name},\n\nYou have booked {series.space.name}, {recurrence.describe()},\n"
        f"{series.local_start:%H:%M}–{series.local_end:%H:%M}, on these dates:\n{dates}\n",
    )


def _queue_cancellation_notice(booking: Booking, count: int = 1) -> None:
    member = booking.member
    what = f"{booking.space.name} on {_when(booking)}" + (f" and {count - 1} later dates" if count > 1 else "")
    reason = f"\nReason: {booking.cancel_reason}\n" if booking.cancel_reason else ""
    queue_mail(
        member.email,
        f"Booking cancelled: {booking.space.name}",
        f"Hello {member.first_name},\n\n{booking.hub.name} has cancelled your booking of {what}.\n{reason}",
    )
