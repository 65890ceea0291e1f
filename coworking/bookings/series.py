"""Recurring bookings: preview a series date by date, book its free dates, cancel it.

Each date of a series is its own Booking (booked through ``operations.book_space``, so each
is announced and checked like any other); the series remembers the rule and the local times.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from coworking.accounts.models import User
from coworking.bookings import rules
from coworking.bookings.errors import NotAllowed, NotCancellable, SeriesHasConflicts
from coworking.bookings.models import Booking, BookingSeries
from coworking.bookings.notifications import queue_cancellation_notice, queue_series_confirmation
from coworking.bookings.opening import load_opening
from coworking.bookings.operations import (
    attempt_for,
    book_space,
    cancel_booking,
    cancellation_refusal,
    check_may_book_for,
    check_may_override,
)
from coworking.bookings.policy import effective_policy
from coworking.bookings.queries import active_booking_count, overlapping
from coworking.bookings.recurrence import Recurrence, expand
from coworking.extensions import db
from coworking.hubs.models import Space
from coworking.timezones import NonexistentLocalTime, combine_local, local_today
from coworking.transactions import ensure_write_lock
from coworking.types import utcnow


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
    check_may_book_for(member, booked_by, space.hub)
    override = check_may_override(booked_by, space.hub, override_rules)
    policy = effective_policy(space)
    load_opening(space.hub)  # each date's rules read them
    occurrences = []
    active = active_booking_count(member, space.hub, now)
    for day in expand(recurrence, series_horizon(space, now)):
        try:
            starts_at = combine_local(day, local_start, space.hub.timezone)
            ends_at = combine_local(day, local_end, space.hub.timezone)
        except NonexistentLocalTime as error:
            occurrences.append(Occurrence(day, None, None, [str(error)]))
            continue
        # The member's active bookings as if the free dates before this one were booked.
        attempt = replace(attempt_for(space, None, starts_at, ends_at, now, policy=policy), active_bookings=active)
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
    queue_series_confirmation(series, member, free, recurrence)
    return series, preview


def cancel_series(series: BookingSeries, *, by: User, from_booking: Booking | None = None, reason: str = "", now: datetime | None = None) -> list[Booking]:
    """Cancel the series' bookings not yet started (or this one and those after it). Never un-cancels."""
    ensure_write_lock(db.session)
    now = now or utcnow()
    if not series.can_view(by):
        raise NotAllowed("You can only cancel your own bookings.")
    if from_booking is not None and from_booking.series_id != series.id:
        raise NotAllowed("That booking is not part of this series.")
    cancelled, too_late = [], None
    for booking in series.bookings:
        if not booking.is_confirmed or booking.has_started(now):
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
        queue_cancellation_notice(cancelled[0], count=len(cancelled))
    return cancelled
