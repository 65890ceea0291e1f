"""Booking a recurring series from a page: the form is previewed first (every date free or with its
problems), then "Book the free dates" books exactly what was previewed, or says it changed."""
from __future__ import annotations

import hashlib
import json
from datetime import date, time, timedelta

from flask import Response, flash, redirect, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from coworking.accounts.models import User
from coworking.bookings import series as series_service
from coworking.bookings.errors import SeriesHasConflicts
from coworking.bookings.forms import SeriesForm
from coworking.bookings.policy import effective_policy, hub_policy
from coworking.bookings.recurrence import Recurrence, RecurrenceError
from coworking.bookings.views.common import (
    booking_form_data,
    carry_once_key,
    chosen_space,
    clicked_start,
    day_times,
    default_times,
    earlier_submission,
    form_status,
    me,
    member_for,
    page,
    remember_submission,
    show_booking_refusal,
    wants_override,
)
from coworking.errors import DomainError
from coworking.forms import add_error
from coworking.hubs import services as hub_services
from coworking.hubs.loaders import hub_or_404
from coworking.hubs.models import Hub, Space
from coworking.transactions import unit_of_work


def series_digest(space: Space, member: User, recurrence: Recurrence, starts: time, ends: time, override: bool) -> str:
    """A fingerprint of what was previewed, so "Book the free dates" books exactly that series."""
    shown = json.dumps([space.id, member.id, recurrence.to_json(), starts.isoformat(), ends.isoformat(), override])
    return hashlib.sha256(shown.encode()).hexdigest()[:32]


def recurrence_error(form: SeriesForm, error: RecurrenceError) -> None:
    field = error.field
    if field == "until" and form.ends_by.data == "count":
        field = "count"  # "say when it ends" belongs beside the box they chose
    add_error(form, field, error.message)


def series_form_data(hub: Hub, spaces: list[Space]) -> dict:
    """The form's first values: the grid link's date and space, the weekday of that date, and
    times the hub's rules allow (a desk's full day; a room's shortest booking)."""
    data = booking_form_data(hub)
    first = data.pop("day")
    chosen = next((s for s in spaces if str(s.id) == str(data.get("space"))), spaces[0] if spaces else None)
    data.update(starts_on=first, weekdays=[first.weekday()], weekday=first.weekday(), weekdays_for=first.isoformat())
    day = next_open_day(hub, first)
    if chosen is not None and day is not None:
        hours = hub.hours_on(day.weekday())
        if chosen.kind == "desk":
            data["starts"], data["ends"] = hours.opens_at, hours.closes_at
        else:
            data["starts"], data["ends"] = default_times(hub, day, effective_policy(chosen), clicked_start(data))
    return data


def next_open_day(hub: Hub, first: date) -> date | None:
    """The first date, or the next weekday the hub opens on."""
    return next((first + timedelta(days=n) for n in range(7) if hub.hours_on((first + timedelta(days=n)).weekday())), None)


def follow_first_date(form: SeriesForm) -> None:
    """Weekday boxes left as they were filled in for another first date follow the new one (and
    an empty weekly choice means the first date's weekday)."""
    first = form.starts_on.data
    try:
        shown_for = date.fromisoformat(form.weekdays_for.data or "")
    except ValueError:
        shown_for = None
    if first is None:
        return
    if shown_for is not None and shown_for != first:
        if set(form.weekdays.data or []) == {shown_for.weekday()}:
            form.weekdays.data = [first.weekday()]
        if form.weekday.data == shown_for.weekday():
            form.weekday.data = first.weekday()
    if not form.weekdays.data:
        form.weekdays.data = [first.weekday()]
    form.weekdays_for.data = first.isoformat()


@login_required
def book_series(slug: str):
    hub = hub_or_404(slug)
    spaces = [s for s in hub_services.list_spaces(hub) if s.kind in ("desk", "room")]
    form = SeriesForm(data=series_form_data(hub, spaces))
    form.space.set_spaces(spaces)
    starts, ends = day_times(hub, None, hub_policy(hub).slot_minutes)
    form.starts.set_times(starts)
    form.ends.set_times(ends)
    carry_once_key(form)
    preview, status = None, None
    submitted = form.validate_on_submit()
    if submitted:
        follow_first_date(form)
    if submitted and form.confirm.data and (twin := earlier_submission(form)) is not None:
        return twin
    if submitted:
        space = chosen_space(form, hub, ("desk", "room"))
        member, status = member_for(form, hub)
        if space is not None and member is not None:
            override = wants_override(form, hub)
            recurrence = Recurrence.chosen_in(form.data)
            digest = series_digest(space, member, recurrence, form.starts.data, form.ends.data, override)
            args = (space, member, recurrence, form.starts.data, form.ends.data)
            try:
                if form.confirm.data and form.previewed.data == digest:
                    with unit_of_work():
                        booked, occurrences = series_service.book_series(
                            *args, booked_by=me(), skip_conflicts=True, override_rules=override
                        )
                        remember_submission(form, after_series(hub, member))
                    return series_booked(hub, booked, occurrences, member)
                if form.confirm.data:
                    add_error(form, None, "The details changed since the preview: check the dates below, then book.")
                preview = series_service.preview_series(*args, booked_by=me(), override_rules=override)
                form.previewed.data = digest
                status = 200
            except RecurrenceError as error:
                recurrence_error(form, error)
                status = 422
            except SeriesHasConflicts as refusal:
                add_error(form, None, refusal.message)
                preview, status = refusal.preview, 409
            except DomainError as refusal:
                show_booking_refusal(form, refusal)
                status = refusal.status
            except IntegrityError:
                twin = earlier_submission(form)  # a twin submission booked it a moment before
                if twin is None:
                    raise
                return twin
    return page(
        "bookings/book_series.html",
        form_status(form, status),
        form=form,
        hub=hub,
        staff=current_user.works_at(hub),
        preview=preview,
        free_count=sum(1 for o in preview or () if o.is_free),
    )


def series_booked(hub: Hub, booked, occurrences, member: User) -> Response:
    free = [o for o in occurrences if o.is_free]
    flash(f"Booked {len(free)} date{'s' if len(free) != 1 else ''} of {booked.space.name}.", "success")
    skipped = [o for o in occurrences if not o.is_free]
    if skipped:
        flash(skipped_message(skipped), "info")
    return redirect(after_series(hub, member))


def skipped_message(skipped: list) -> str:
    """"1 date could not be booked: Tue 8 Dec 2026 (Here Hub is closed on 08 December 2026 (Christmas))"."""
    dates = "; ".join(f"{o.day:%a} {o.day.day} {o.day:%b %Y} ({' '.join(p.rstrip('.') for p in o.problems)})" for o in skipped)
    return f"{len(skipped)} date{' could' if len(skipped) == 1 else 's could'} not be booked: {dates}."


def after_series(hub: Hub, member: User) -> str:
    """Where a booked series is shown: the member's bookings, or the hub's list for staff."""
    if member.id != current_user.id:
        return url_for("bookings.manage_list", slug=hub.slug, email=member.email)
    return url_for("bookings.mine")
