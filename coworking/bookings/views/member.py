"""A member's booking pages: the availability grid, booking a desk or a room, their bookings, one
booking (and its .ics file), and cancelling it or its series.

The hub's managers and staff use the same pages to book for a member (``member_email``) or past
the rules (``override_rules``); a member who names someone else is refused with a 403.
"""
from __future__ import annotations

from datetime import datetime

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from coworking.accounts.models import User
from coworking.bookings import series
from coworking.bookings.desks import desk_period, desk_periods
from coworking.bookings.errors import BookingError, NotCancellable
from coworking.bookings.forms import (
    ANY_DESK,
    CancelForm,
    DeskBookingForm,
    GridForm,
    RoomBookingForm,
)
from coworking.bookings.models import Booking
from coworking.bookings.notifications import calendar_file
from coworking.bookings.operations import (
    book_any_desk,
    book_space,
    cancel_booking,
    cancellable_ids,
    cancellation_refusal,
)
from coworking.bookings.policy import effective_policy, hub_policy
from coworking.bookings.queries import list_member_bookings
from coworking.bookings.views.common import (
    booking_form_data,
    carry_once_key,
    chosen_space,
    clicked_start,
    coverage_notes,
    day_asked,
    day_times,
    default_times,
    earlier_submission,
    form_status,
    grid_context,
    me,
    member_for,
    page,
    remember_submission,
    show_booking_refusal,
    to_utc,
    viewable_booking,
    wants_override,
)
from coworking.errors import DomainError
from coworking.events import answers, booking_settlement_asked
from coworking.forms import show_refusal
from coworking.hubs import services as hub_services
from coworking.hubs.loaders import hub_or_404
from coworking.hubs.models import Hub, Space
from coworking.timezones import local_today, utc_to_local
from coworking.transactions import unit_of_work
from coworking.types import MAX_INTEGER, utcnow

PAST_SHOWN = 10  # "my bookings" lists this many past bookings a page, the latest first


# --- finding a free space -------------------------------------------------------------------

@login_required
def start():
    hubs = hub_services.list_hubs()
    if len(hubs) == 1:
        return redirect(url_for("bookings.grid", slug=hubs[0].slug))
    return render_template("bookings/start.html", hubs=hubs)


@login_required
def availability_grid(slug: str):
    hub = hub_or_404(slug)
    form = GridForm(request.args)
    day, status = day_asked(form, hub)
    kind = form.kind.data if form.kind.data in ("desk", "room") else None
    return page("bookings/grid.html", status, form=form, kind=kind, **grid_context(hub, day, kind))


# --- booking a desk or a room ---------------------------------------------------------------

def submit_booking(form, book) -> tuple[Response | None, int]:
    """Run ``book()`` in one unit of work with the form's one-time key; a refusal goes on the form
    with the status that says why. A twin submission that won the race is shown instead."""
    try:
        with unit_of_work():
            booking = book()
            remember_submission(form, url_for("bookings.show", booking_id=booking.id))
    except DomainError as refusal:
        twin = earlier_submission(form)
        if twin is not None:
            return twin, 302
        show_booking_refusal(form, refusal)
        return None, refusal.status
    except IntegrityError:
        twin = earlier_submission(form)
        if twin is None:
            raise
        return twin, 302
    return booked(booking), 201


def when(booking: Booking) -> str:
    """"Mon 07 Dec 2026, 08:00–18:00" in the hub's zone."""
    tz = booking.hub.timezone
    return f"{utc_to_local(booking.starts_at, tz):%a %d %b %Y, %H:%M}–{utc_to_local(booking.ends_at, tz):%H:%M}"


def booked(booking: Booking) -> Response:
    flash(f"Booked: {booking.space.name}, {when(booking)}. A confirmation email is on its way.", "success")
    if booking.overridden_rules:
        flash("Booked despite these rules: " + " ".join(booking.overridden_rules), "info")
    return redirect(url_for("bookings.show", booking_id=booking.id))


def desk_times(form: DeskBookingForm, hub: Hub, desk: Space | None) -> tuple[tuple[datetime, datetime] | None, int]:
    """The period chosen as UTC times (``desk_period``), or None with the refusal beside its field."""
    try:
        return desk_period(hub, desk, form.day.data, form.period.data), 200
    except BookingError as refusal:
        show_refusal(form, refusal)
        return None, refusal.status


def book_a_desk(hub: Hub, desk: Space | None, member: User, times: tuple[datetime, datetime], override: bool, second_desk: bool) -> Booking:
    if desk is None:
        return book_any_desk(hub, member, *times, booked_by=me(), override_rules=override, second_desk=second_desk)
    return book_space(desk, member, *times, booked_by=me(), override_rules=override, second_desk=second_desk)


@login_required
def book_desk(slug: str):
    hub = hub_or_404(slug)
    form = DeskBookingForm(data=booking_form_data(hub))
    form.space.set_spaces([s for s in hub_services.list_spaces(hub) if s.kind == "desk"], any_desk=True)
    form.set_period_labels(desk_periods(hub, None, form.day.data or local_today(hub.timezone)))
    carry_once_key(form)
    status = None
    submitted = form.validate_on_submit()
    if submitted and (twin := earlier_submission(form)) is not None:
        return twin
    if submitted:
        desk = chosen_space(form, hub, ("desk",))
        member, refused = member_for(form, hub)
        status = refused or 400
        if desk is not None and member is not None:
            desk = None if desk == ANY_DESK else desk
            times, status = desk_times(form, hub, desk)
            if times is not None:
                override = wants_override(form, hub)
                second = form.second_desk.data
                response, status = submit_booking(form, lambda: book_a_desk(hub, desk, member, times, override, second))
                if response is not None:
                    return response
    return page("bookings/book_desk.html", form_status(form, status), form=form, hub=hub, staff=current_user.works_at(hub),
                coverage=coverage_notes(form, hub, "desk"), ask_second_desk=bool(form.second_desk.errors or form.second_desk.data))


@login_required
def book_room(slug: str):
    hub = hub_or_404(slug)
    form = RoomBookingForm(data=room_form_data(hub))
    form.space.set_spaces([s for s in hub_services.list_spaces(hub) if s.kind == "room"])
    starts, ends = day_times(hub, form.day.data, hub_policy(hub).slot_minutes)
    form.starts.set_times(starts)
    form.ends.set_times(ends)
    carry_once_key(form)
    status = None
    submitted = form.validate_on_submit()
    if submitted and (twin := earlier_submission(form)) is not None:
        return twin
    if submitted:
        space = chosen_space(form, hub, ("room",))
        member, refused = member_for(form, hub)
        starts_at = to_utc(form, "starts", form.day.data, form.starts.data, hub)
        ends_at = to_utc(form, "ends", form.day.data, form.ends.data, hub)
        status = refused or (422 if form.starts.errors or form.ends.errors else 400)
        if space is not None and member is not None and starts_at is not None and ends_at is not None:
            override = wants_override(form, hub)
            response, status = submit_booking(
                form, lambda: book_space(space, member, starts_at, ends_at, booked_by=me(), override_rules=override)
            )
            if response is not None:
                return response
    return page("bookings/book_room.html", form_status(form, status), form=form, hub=hub, staff=current_user.works_at(hub),
                coverage=coverage_notes(form, hub, "room", form.starts.data, form.ends.data))


def room_form_data(hub: Hub) -> dict:
    """The grid link's values (?date=&space=&start=), with a start and an end the hub's rules
    allow: the room's own shortest booking from the clicked cell."""
    data = booking_form_data(hub)
    space_id = request.args.get("space", type=int)
    space = hub_services.get_space_in_hub(hub, space_id) if space_id and 0 < space_id <= MAX_INTEGER else None
    policy = effective_policy(space) if space is not None else hub_policy(hub)
    starts, ends = default_times(hub, data["day"], policy, clicked_start(data))
    if starts is not None:
        data["starts"], data["ends"] = starts, ends
    return data


# --- a member's bookings --------------------------------------------------------------------

@login_required
def mine():
    now = utcnow()
    bookings = list_member_bookings(me())
    upcoming = [b for b in bookings if b.is_upcoming(now)]
    past = [b for b in reversed(bookings) if not b.is_upcoming(now)]
    past_page = max(1, min(request.args.get("past", 1, type=int), 1 + (len(past) - 1) // PAST_SHOWN))
    return render_template(
        "bookings/mine.html",
        upcoming=upcoming,
        past=past[(past_page - 1) * PAST_SHOWN:past_page * PAST_SHOWN],
        past_page=past_page,
        past_pages=1 + (len(past) - 1) // PAST_SHOWN if past else 1,
        can_cancel=cancellable_ids(upcoming, me(), now),
        cancel_form=CancelForm(),
    )


@login_required
def show(booking_id: int):
    booking = viewable_booking(booking_id)
    return render_show(booking, CancelForm())


def render_show(booking: Booking, cancel_form: CancelForm, status: int = 200):
    refusal = cancellation_refusal(booking, me(), now=utcnow())
    return page(
        "bookings/show.html",
        status,
        booking=booking,
        hub=booking.hub,
        cancel_form=cancel_form,
        can_cancel=refusal is None,
        staff=current_user.works_at(booking.hub),
        # How it was paid for: the memberships area answers from the booking's settlement.
        settlement=answers(booking_settlement_asked, booking),
    )


@login_required
def ics(booking_id: int):
    booking = viewable_booking(booking_id)
    return Response(
        calendar_file(booking),
        headers={
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="booking-{booking.id}.ics"',
        },
    )


# --- cancelling -----------------------------------------------------------------------------

def cancel_by_scope(booking: Booking, scope: str, reason: str) -> int:
    """Cancel this booking, or its series from here, or the whole series; how many were cancelled."""
    if booking.series is None or scope == "one":
        cancel_booking(booking, by=me(), reason=reason)
        return 1
    from_booking = booking if scope == "following" else None
    return len(series.cancel_series(booking.series, by=me(), from_booking=from_booking, reason=reason))


@login_required
def cancel(booking_id: int):
    """Asks first, naming the booking (GET, or a cancel button's POST), then cancels (POST with
    ``confirmed``) and says what was cancelled."""
    booking = viewable_booking(booking_id)
    form = CancelForm()
    if request.method == "GET":
        return ask_to_cancel(booking, form)
    if not form.validate_on_submit():
        return render_show(booking, form, 400)
    if form.confirmed.data != "yes":
        return ask_to_cancel(booking, form)
    try:
        with unit_of_work():
            count = cancel_by_scope(booking, form.scope.data, form.reason.data or "")
    except NotCancellable as refusal:
        flash(refusal.message, "error")
        return render_show(booking, form, refusal.status)
    except DomainError as refusal:
        show_booking_refusal(form, refusal)
        return render_show(booking, form, refusal.status)
    flash(cancelled_message(booking, count, form.scope.data), "success")
    if form.back.data == "mine":
        return redirect(url_for("bookings.mine"))
    return redirect(url_for("bookings.show", booking_id=booking.id))


def ask_to_cancel(booking: Booking, form: CancelForm):
    """The confirmation page naming the booking, or its page saying why it cannot be cancelled."""
    refusal = cancellation_refusal(booking, me(), now=utcnow())
    if refusal is not None:
        flash(refusal.message, "error")
        return render_show(booking, CancelForm(), refusal.status)
    form.confirmed.data = "yes"
    return page("bookings/cancel.html", booking=booking, hub=booking.hub, form=form, when=when(booking),
                staff=current_user.works_at(booking.hub))


def cancelled_message(booking: Booking, count: int, scope: str) -> str:
    what = "Removed the block" if booking.is_block else "Cancelled"
    if count == 1:
        return f"{what}: {booking.space.name}, {when(booking)}."
    which = f"from {when(booking)} on" if scope == "following" else "every date still to come"
    return f"Cancelled {count} bookings of {booking.space.name} (the recurring booking, {which})."
