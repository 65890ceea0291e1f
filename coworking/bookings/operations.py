"""Booking workflows on one booking: whom it is for, book a space, book any free desk, move,
cancel, and what may be cancelled.

Every write path takes the write lock first (``ensure_write_lock``: BEGIN IMMEDIATE on SQLite)
so its checks and its writes are one serialised transaction; the database makes no-overlap true
regardless (PostgreSQL exclusion constraint, SQLite trigger), and its refusal becomes the same
``BookingConflict`` a member sees from a check. Each change is announced (``coworking.events``)
inside that transaction. Functions flush, never commit.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from coworking.accounts.models import User
from coworking.accounts.services import find_user_by_email
from coworking.bookings import rules
from coworking.bookings.desks import check_second_desk, desk_policy
from coworking.bookings.errors import (
    BookingConflict,
    BookingError,
    BookingRulesBroken,
    NoDeskFree,
    NotAllowed,
    NotCancellable,
)
from coworking.bookings.models import Booking, BookingSeries, BookingStatus
from coworking.bookings.notifications import queue_cancellation_notice, queue_confirmation
from coworking.bookings.policy import Policy, effective_policy, policy_rows
from coworking.bookings.pricing import price_for
from coworking.bookings.queries import active_booking_count, overlapping
from coworking.events import booking_cancelled, booking_created, booking_moved
from coworking.extensions import db
from coworking.hubs.models import Hub, Space
from coworking.transactions import ensure_write_lock
from coworking.types import utcnow

# --- whom for, and which rules --------------------------------------------------------------

def member_to_book_for(by: User, hub: Hub, email: str | None) -> User:
    """``by`` themselves, or (for the hub's managers and staff) the member with this email."""
    if not email:
        return by
    if not by.works_at(hub):
        raise _not_for_others()
    member = find_user_by_email(email)
    if member is None:
        raise BookingError("No account uses this email; ask them to sign up first.", "member_email", status=422)
    return member


def check_may_book_for(member: User, by: User, hub: Hub) -> None:
    """Only the hub's managers and staff book for someone else (NotAllowed, on ``member_email``)."""
    if member.id != by.id and not by.works_at(hub):
        raise _not_for_others()


def _not_for_others() -> NotAllowed:
    return NotAllowed("Only the hub's managers and staff can book for someone else.", "member_email")


def check_may_override(by: User, hub: Hub, override: bool) -> bool:
    """Whether to override the hub's rules; only its managers and staff may ask (else NotAllowed)."""
    if override and not by.works_at(hub):
        raise NotAllowed("Only the hub's managers and staff can override booking rules.")
    return override


def attempt_for(space: Space, member: User | None, starts_at: datetime, ends_at: datetime, now: datetime, *, exclude_id: int | None = None, policy: Policy | None = None) -> rules.Attempt:
    """A proposed booking with what the rules need to judge it (the member's active bookings,
    the room's neighbours when it needs a buffer)."""
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


# --- booking --------------------------------------------------------------------------------

def insert_booking(booking: Booking) -> Booking:
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
    second_desk: bool | None = None,
) -> Booking:
    """Book a space for a member. Raises BookingRulesBroken, BookingConflict or NotAllowed.

    :param booked_by: the member, or one of the hub's managers and staff (anyone else: NotAllowed).
    :param override_rules: a manager's explicit choice to book despite the hub's rules; the
        broken rules are recorded on the booking. It never overrides the no-overlap guarantee.
    :param second_desk: for a desk, whether a second one the same day was confirmed
        (``check_second_desk``); None (a series, the demo) does not ask.
    """
    ensure_write_lock(db.session)
    now = now or utcnow()
    check_may_book_for(member, booked_by, space.hub)
    override = check_may_override(booked_by, space.hub, override_rules)
    attempt = attempt_for(space, member, starts_at, ends_at, now)
    overridden = check_rules(attempt, override=override)
    if second_desk is not None and space.kind == "desk":
        check_second_desk(space.hub, member, starts_at, confirmed=second_desk)
    # No "is it free?" query first: the insert asks the database, whose refusal (the exclusion
    # constraint, SQLite's trigger) insert_booking turns into the same BookingConflict.
    booking = insert_booking(
        Booking(
            space=space,
            member_id=member.id,
            booked_by_id=booked_by.id,
            # By id, not through the relationship: SQLAlchemy 2 does not cascade a backref, so
            # the booking would sit in series.bookings outside the session when the savepoint flushes.
            series_id=series.id if series is not None else None,
            starts_at=starts_at,
            ends_at=ends_at,
            status=BookingStatus.CONFIRMED.value,
            price_minor=price_for(space, starts_at, ends_at, attempt.policy),
            currency=space.hub.currency,
            note=note,
            overridden_rules=overridden,
            created_at=now,
            updated_at=now,
        )
    )
    booking_created.send(booking)
    if notify:
        queue_confirmation(booking, member)
    return booking


def book_any_desk(hub: Hub, member: User, starts_at: datetime, ends_at: datetime, *, booked_by: User, now: datetime | None = None, override_rules: bool = False, note: str = "", second_desk: bool | None = None) -> Booking:
    """Book whichever desk is free (in name order); NoDeskFree when none is.

    "Any desk" is booked for the hub's full or half day (``desk_policy``); a desk with a split
    of its own is skipped for a half day that is not its own.
    """
    ensure_write_lock(db.session)
    now = now or utcnow()
    check_may_book_for(member, booked_by, hub)
    desks = list(
        db.session.scalars(
            sa.select(Space)
            .where(Space.hub_id == hub.id, Space.kind == "desk", Space.active.is_(True))
            .order_by(Space.name)
        )
    )
    if desks and not check_may_override(booked_by, hub, override_rules):
        _check_hub_day_or_half_day(desks[0], member, starts_at, ends_at, now)
    busy = {b.space_id for b in overlapping([d.id for d in desks], starts_at, ends_at)}
    first_refusal: BookingRulesBroken | None = None
    for desk in desks:
        if desk.id in busy:
            continue
        try:
            return book_space(desk, member, starts_at, ends_at, booked_by=booked_by, now=now, override_rules=override_rules, note=note, second_desk=second_desk)
        except BookingConflict:
            continue  # taken by someone else in the meantime: try the next desk
        except BookingRulesBroken as refusal:
            first_refusal = first_refusal or refusal
    if first_refusal is not None:
        raise first_refusal
    raise NoDeskFree()


def _check_hub_day_or_half_day(desk: Space, member: User, starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    """Refuse times that are not the hub's full or half day, listing every rule they break."""
    policy = desk_policy(desk.hub, None)
    attempt = rules.Attempt(hub=desk.hub, space=desk, policy=policy, starts_at=starts_at, ends_at=ends_at, now=now)
    if rules.desk_is_day_or_half_day(attempt) is not None:
        check_rules(attempt_for(desk, member, starts_at, ends_at, now, policy=policy), override=False)


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
    override = check_may_override(by, target.hub, override_rules)
    attempt = attempt_for(target, booking.member, starts_at, ends_at, now, exclude_id=booking.id)
    overridden = check_rules(attempt, override=override)
    if overlapping([target.id], starts_at, ends_at, exclude_id=booking.id):
        raise BookingConflict()
    previous = {"previous_starts_at": booking.starts_at, "previous_ends_at": booking.ends_at, "previous_space_id": booking.space_id}
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
    booking_moved.send(booking, **previous)
    return booking


# --- cancelling -----------------------------------------------------------------------------

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
    if booking.has_started(now):
        return NotCancellable("This booking has already started and can no longer be cancelled.")
    if booking.is_past_cutoff(now, policy.cancellation_cutoff):
        return NotCancellable(
            f"Bookings can be cancelled up to {policy.cancellation_cutoff_minutes} minutes before "
            "they start; please contact the hub."
        )
    return None


def cancellable_ids(bookings: list[Booking], user: User, now: datetime) -> set[int]:
    """Ids of the bookings ``user`` may cancel now (``cancellation_refusal``), one policy query per hub."""
    rows_by_hub: dict[int, dict] = {}
    allowed = set()
    for booking in bookings:
        hub = booking.space.hub
        if hub.id not in rows_by_hub:
            rows_by_hub[hub.id] = policy_rows(hub)
        policy = effective_policy(booking.space, rows_by_hub[hub.id])
        if cancellation_refusal(booking, user, now=now, policy=policy) is None:
            allowed.add(booking.id)
    return allowed


def cancel_booking(booking: Booking, *, by: User, reason: str = "", now: datetime | None = None, notify: bool = True) -> Booking:
    """Cancel: the member up to the hub's cutoff; managers and staff any time, with a reason."""
    ensure_write_lock(db.session)
    now = now or utcnow()
    refusal = cancellation_refusal(booking, by, now=now)
    if refusal is not None:
        raise refusal
    reason = (reason or "").strip()
    if by.works_at(booking.hub) and not booking.is_owned_by(by) and not reason and not booking.is_block:
        raise BookingRulesBroken(["Give a reason: the member will be told why."], "reason")
    booking.status = BookingStatus.CANCELLED.value
    booking.cancelled_at = now
    booking.cancelled_by_id = by.id
    booking.cancel_reason = reason
    booking.sequence += 1
    booking.updated_at = now
    db.session.flush()
    if not booking.is_block:
        booking_cancelled.send(booking, by=by)
    if notify and booking.member is not None and not booking.is_owned_by(by):
        queue_cancellation_notice(booking)
    return booking
