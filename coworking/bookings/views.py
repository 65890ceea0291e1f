"""Booking pages for members (availability, book, my bookings) and managers (day/week, blocks).

Views are thin: load or 404, check permission or 403, validate the form, call a service in one
unit of work (``coworking.transactions.unit_of_work``: committed once, or rolled back), flash and
redirect. A refused booking is shown again beside its form with the status the API gives it: 422
for broken rules, 409 for a taken slot, 403 for what the user may not do; 400 for a form that
doesn't parse, or whose choices name no space or account. A booking the user may not see is a 404,
so ids reveal nothing.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coworking.accounts.models import User
from coworking.bookings import grid, series
from coworking.bookings.availability import HubDay, availability
from coworking.bookings.blocks import block_space
from coworking.bookings.csv_export import bookings_csv
from coworking.bookings.errors import (
    BookingConflict,
    BookingError,
    BookingRulesBroken,
    NotCancellable,
    PolicyInvalid,
    SeriesHasConflicts,
)
from coworking.bookings.forms import (
    ANY_DESK,
    BlockForm,
    BookingFilterForm,
    CancelForm,
    DayForm,
    DeskBookingForm,
    GridForm,
    PolicyForm,
    RoomBookingForm,
    SeriesForm,
    SpacePolicyForm,
)
from coworking.bookings.models import Booking, BookingStatus
from coworking.bookings.notifications import calendar_file
from coworking.bookings.opening import day_opening
from coworking.bookings.operations import (
    book_any_desk,
    book_space,
    cancel_booking,
    cancellable_ids,
    cancellation_refusal,
    desk_period,
    desk_policy,
    member_to_book_for,
)
from coworking.bookings.policy import (
    DEFAULT_POLICY,
    Policy,
    hub_policy,
    policy_row_for,
    policy_rows,
    save_policy,
)
from coworking.bookings.queries import attach_people, list_hub_bookings, list_member_bookings, overlapping
from coworking.bookings.recurrence import Recurrence, RecurrenceError
from coworking.bookings.rules import desk_windows
from coworking.errors import DomainError
from coworking.extensions import db
from coworking.forms import add_error, show_refusal
from coworking.hubs import services as hub_services
from coworking.hubs.loaders import hub_or_404, managed_hub, space_or_404, staff_hub
from coworking.hubs.models import Hub, Space
from coworking.timezones import (
    NonexistentLocalTime,
    combine_local,
    local_day_bounds,
    local_today,
    utc_to_local,
)
from coworking.transactions import unit_of_work
from coworking.types import utcnow

bp = Blueprint("bookings", __name__)

LIST_DAYS = 30  # the manager's booking list shows this many days from today by default
PAST_SHOWN = 50


# --- loading and permission -----------------------------------------------------------------

def viewable_booking(booking_id: int) -> Booking:
    """The booking if the current user may see it, else 404 (never 403: don't reveal it exists)."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or not booking.can_view(current_user):
        abort(404)
    return booking


def me() -> User:
    return current_user._get_current_object()


def page(template: str, status: int = 200, **context):
    return render_template(template, **context), status


def form_status(form, status: int | None = None) -> int:
    """200 for a form shown, 400 when a submission came back with errors (unless told otherwise)."""
    if status is not None:
        return status
    return 400 if request.method == "POST" else 200


def show_booking_refusal(form, refusal: DomainError) -> None:
    """Broken rules one by one above the form (a page lists every rule broken); any other
    refusal (a booking's, or one from a receiver of its events), or a rule about one field,
    beside its field."""
    if isinstance(refusal, BookingRulesBroken) and refusal.field not in form:
        for problem in refusal.problems:
            add_error(form, None, problem)
    else:
        show_refusal(form, refusal)


# --- days and times -------------------------------------------------------------------------

def requested_day(hub: Hub, value: date | None) -> date:
    return value or local_today(hub.timezone)


def day_times(hub: Hub, day: date | None, slot_minutes: int) -> tuple[list[time], list[time]]:
    """Start and end choices on the slot grid: that day's opening hours, or the whole week's."""
    hours = [hub.hours_on(day.weekday())] if day is not None else []
    if not hours or hours[0] is None:
        hours = [h for h in (hub.hours_on(weekday) for weekday in range(7)) if h is not None]
    if not hours:
        return [], []
    opens = min(h.opens_at for h in hours)
    closes = max(h.closes_at for h in hours)
    times = grid.time_choices(opens, closes, slot_minutes)
    return [t for t in times if t < closes], [t for t in times if t > opens]


def to_utc(form, field_name: str, day: date, at: time, hub: Hub) -> datetime | None:
    """A local wall-clock time as UTC, or None with the reason beside the field."""
    try:
        return combine_local(day, at, hub.timezone)
    except NonexistentLocalTime as error:
        add_error(form, field_name, str(error))
        return None


def chosen_space(form, hub: Hub, kinds: tuple[str, ...]) -> Space | str | None:
    """The space picked in the form (or ANY_DESK), or None with a message beside the field."""
    if form.space.data == ANY_DESK and "desk" in kinds:
        return ANY_DESK
    space_id = form.space.space_id()
    space = hub_services.get_space_in_hub(hub, space_id) if space_id is not None else None
    if space is None or space.kind not in kinds:
        what = " or ".join(kinds) if len(kinds) < 3 else "space"
        add_error(form, "space", f"Choose a {what} in {hub.name}.")
        return None
    return space


def member_for(form, hub: Hub) -> tuple[User | None, int | None]:
    """Whom the booking is for (``member_to_book_for``), or None and the status of the refusal
    shown beside the email: 403 for a member naming someone, 400 for an email no account uses."""
    try:
        return member_to_book_for(me(), hub, form.member_email.data), None
    except BookingError as refusal:
        show_refusal(form, refusal)
        return None, 403 if refusal.status == 403 else 400


def wants_override(form, hub: Hub) -> bool:
    return bool(current_user.works_at(hub) and form.override_rules.data)


# --- the availability grid ------------------------------------------------------------------

@dataclass
class GridRow:
    space: Space
    cells: list[grid.Cell]
    free: list[tuple[datetime, datetime]]
    bookings: list[Booking]


def grid_rows(hub_day: HubDay, minutes: int) -> list[GridRow]:
    rows = []
    for space_day in hub_day.spaces:
        cells = (
            grid.row_cells(space_day.bookings, hub_day.opens_at, hub_day.closes_at, minutes)
            if hub_day.opens_at is not None
            else []
        )
        rows.append(GridRow(space_day.space, cells, space_day.free, space_day.bookings))
    return rows


def grid_context(hub: Hub, day: date, kind: str | None) -> dict:
    """Everything the grid partial needs for one hub-day, in a bounded number of queries."""
    hub_day = availability(hub, day, kind=kind)
    sees_names = current_user.works_at(hub)
    if sees_names:
        attach_people([b for space_day in hub_day.spaces for b in space_day.bookings])
    minutes = grid.column_minutes(hub_policy(hub).slot_minutes)
    return {
        "hub": hub,
        "day": day,
        "hub_day": hub_day,
        "rows": grid_rows(hub_day, minutes),
        "headings": grid.headings(hub_day.opens_at, hub_day.closes_at, minutes, hub.timezone)
        if hub_day.opens_at is not None
        else [],
        "closed": day_opening(hub, day).closed_message,
        "sees_names": sees_names,
        "now": utcnow(),
        "describe": grid.describe,
        "step": timedelta(days=1),
    }


@bp.route("/book")
@login_required
def start():
    hubs = hub_services.list_hubs()
    if len(hubs) == 1:
        return redirect(url_for("bookings.grid", slug=hubs[0].slug))
    return render_template("bookings/start.html", hubs=hubs)


@bp.route("/hubs/<slug>/book", endpoint="grid")
@login_required
def availability_grid(slug: str):
    hub = hub_or_404(slug)
    form = GridForm(request.args)
    valid = form.validate()
    day = requested_day(hub, form.date.data)
    form.date.data = day
    kind = form.kind.data if form.kind.data in ("desk", "room") else None
    return page(
        "bookings/grid.html", 200 if valid else 400, form=form, kind=kind, **grid_context(hub, day, kind)
    )



# --- booking a desk or a room ---------------------------------------------------------------

def booking_form_data(hub: Hub) -> dict:
    """Initial values from the grid's link (?date=&space=&start=)."""
    data: dict = {"day": local_today(hub.timezone)}
    try:
        data["day"] = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        pass
    if request.args.get("space"):
        data["space"] = request.args["space"]
    if request.args.get("start"):
        data["starts"] = request.args["start"]
    return data


def submit_booking(form, book) -> tuple[Booking | None, int]:
    """Run ``book()`` in one unit of work; a refusal goes on the form with the status that says why."""
    try:
        with unit_of_work():
            booking = book()
    except DomainError as refusal:
        show_booking_refusal(form, refusal)
        return None, refusal.status
    return booking, 201


def booked(booking: Booking) -> Response:
    tz = booking.hub.timezone
    when = f"{utc_to_local(booking.starts_at, tz):%a %d %b %Y, %H:%M}–{utc_to_local(booking.ends_at, tz):%H:%M}"
    flash(f"Booked: {booking.space.name}, {when}. A confirmation email is on its way.", "success")
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


def book_a_desk(hub: Hub, desk: Space | None, member: User, times: tuple[datetime, datetime], override: bool) -> Booking:
    if desk is None:
        return book_any_desk(hub, member, *times, booked_by=me(), override_rules=override)
    return book_space(desk, member, *times, booked_by=me(), override_rules=override)


@bp.route("/hubs/<slug>/book/desk", methods=["GET", "POST"])
@login_required
def book_desk(slug: str):
    hub = hub_or_404(slug)
    form = DeskBookingForm(data=booking_form_data(hub))
    form.space.set_spaces([s for s in hub_services.list_spaces(hub) if s.kind == "desk"], any_desk=True)
    form.set_period_labels(desk_windows(hub, form.day.data or local_today(hub.timezone), desk_policy(hub, None)))
    status = None
    if form.validate_on_submit():
        desk = chosen_space(form, hub, ("desk",))
        member, refused = member_for(form, hub)
        status = refused or 400
        if desk is not None and member is not None:
            desk = None if desk == ANY_DESK else desk
            times, status = desk_times(form, hub, desk)
            if times is not None:
                override = wants_override(form, hub)
                booking, status = submit_booking(form, lambda: book_a_desk(hub, desk, member, times, override))
                if booking is not None:
                    return booked(booking)
    return page("bookings/book_desk.html", form_status(form, status), form=form, hub=hub, staff=current_user.works_at(hub))


@bp.route("/hubs/<slug>/book/room", methods=["GET", "POST"])
@login_required
def book_room(slug: str):
    hub = hub_or_404(slug)
    form = RoomBookingForm(data=booking_form_data(hub))
    form.space.set_spaces([s for s in hub_services.list_spaces(hub) if s.kind == "room"])
    starts, ends = day_times(hub, form.day.data, hub_policy(hub).slot_minutes)
    form.starts.set_times(starts)
    form.ends.set_times(ends)
    status = None
    if form.validate_on_submit():
        space = chosen_space(form, hub, ("room",))
        member, refused = member_for(form, hub)
        starts_at = to_utc(form, "starts", form.day.data, form.starts.data, hub)
        ends_at = to_utc(form, "ends", form.day.data, form.ends.data, hub)
        status = refused or (422 if form.starts.errors or form.ends.errors else 400)
        if space is not None and member is not None and starts_at is not None and ends_at is not None:
            override = wants_override(form, hub)
            booking, status = submit_booking(
                form, lambda: book_space(space, member, starts_at, ends_at, booked_by=me(), override_rules=override)
            )
            if booking is not None:
                return booked(booking)
    return page("bookings/book_room.html", form_status(form, status), form=form, hub=hub, staff=current_user.works_at(hub))


# --- recurring bookings ---------------------------------------------------------------------

def recurrence_from(form: SeriesForm) -> Recurrence:
    return Recurrence.from_choices(
        freq=form.freq.data,
        starts_on=form.starts_on.data,
        interval=form.interval.data,
        weekdays=form.weekdays.data,
        nth=form.nth.data,
        weekday=form.weekday.data,
        until=form.until.data if form.ends_by.data == "until" else None,
        count=form.count.data if form.ends_by.data == "count" else None,
    )


def series_digest(space: Space, member: User, recurrence: Recurrence, starts: time, ends: time, override: bool) -> str:
    """A fingerprint of what was previewed, so "Book the free dates" books exactly that series."""
    shown = json.dumps([space.id, member.id, recurrence.to_json(), starts.isoformat(), ends.isoformat(), override])
    return hashlib.sha256(shown.encode()).hexdigest()[:32]


def recurrence_error(form: SeriesForm, error: RecurrenceError) -> None:
    field = error.field
    if field == "until" and form.ends_by.data == "count":
        field = "count"  # "say when it ends" belongs beside the box they chose
    add_error(form, field, error.message)


@bp.route("/hubs/<slug>/book/series", methods=["GET", "POST"])
@login_required
def book_series(slug: str):
    hub = hub_or_404(slug)
    data = booking_form_data(hub)
    first = data.pop("day")
    form = SeriesForm(data={"starts_on": first, "weekdays": [first.weekday()], "weekday": first.weekday(), **data})
    form.space.set_spaces([s for s in hub_services.list_spaces(hub) if s.kind in ("desk", "room")])
    starts, ends = day_times(hub, None, hub_policy(hub).slot_minutes)
    form.starts.set_times(starts)
    form.ends.set_times(ends)
    preview, status = None, None
    if form.validate_on_submit():
        space = chosen_space(form, hub, ("desk", "room"))
        member, status = member_for(form, hub)
        if space is not None and member is not None:
            override = wants_override(form, hub)
            recurrence = recurrence_from(form)
            digest = series_digest(space, member, recurrence, form.starts.data, form.ends.data, override)
            args = (space, member, recurrence, form.starts.data, form.ends.data)
            try:
                if form.confirm.data and form.previewed.data == digest:
                    with unit_of_work():
                        booked, occurrences = series.book_series(*args, booked_by=me(), skip_conflicts=True, override_rules=override)
                    return series_booked(hub, booked, occurrences, member)
                if form.confirm.data:
                    add_error(form, None, "The details changed since the preview: check the dates below, then book.")
                preview = series.preview_series(*args, booked_by=me(), override_rules=override)
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
    skipped = len(occurrences) - len(free)
    message = f"Booked {len(free)} dates of {booked.space.name}."
    if skipped:
        message += f" {skipped} dates could not be booked and were left out."
    flash(message, "success")
    if member.id != current_user.id:
        return redirect(url_for("bookings.manage_list", slug=hub.slug, email=member.email))
    return redirect(url_for("bookings.mine"))


# --- a member's bookings --------------------------------------------------------------------

@bp.route("/bookings")
@login_required
def mine():
    now = utcnow()
    bookings = list_member_bookings(me())
    upcoming = [b for b in bookings if b.is_upcoming(now)]
    past = [b for b in reversed(bookings) if not b.is_upcoming(now)][:PAST_SHOWN]
    return render_template(
        "bookings/mine.html",
        upcoming=upcoming,
        past=past,
        can_cancel=cancellable_ids(upcoming, me(), now),
        cancel_form=CancelForm(),
    )


@bp.route("/bookings/<int:booking_id>")
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
    )


@bp.route("/bookings/<int:booking_id>.ics")
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


def cancel_by_scope(booking: Booking, scope: str, reason: str) -> int:
    """Cancel this booking, or its series from here, or the whole series; how many were cancelled."""
    if booking.series is None or scope == "one":
        cancel_booking(booking, by=me(), reason=reason)
        return 1
    from_booking = booking if scope == "following" else None
    return len(series.cancel_series(booking.series, by=me(), from_booking=from_booking, reason=reason))


@bp.route("/bookings/<int:booking_id>/cancel", methods=["POST"])
@login_required
def cancel(booking_id: int):
    booking = viewable_booking(booking_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return render_show(booking, form, 400)
    try:
        with unit_of_work():
            count = cancel_by_scope(booking, form.scope.data, form.reason.data or "")
    except NotCancellable as refusal:
        flash(refusal.message, "error")
        return render_show(booking, form, refusal.status)
    except DomainError as refusal:
        show_booking_refusal(form, refusal)
        return render_show(booking, form, refusal.status)
    flash("Cancelled." if count == 1 else f"Cancelled {count} bookings.", "success")
    if form.back.data == "mine":
        return redirect(url_for("bookings.mine"))
    return redirect(url_for("bookings.show", booking_id=booking.id))


# --- the hub's managers and staff: day, week, list, export ---------------------------------

@bp.route("/hubs/<slug>/bookings/day")
@login_required
def manage_day(slug: str):
    hub = staff_hub(slug)
    form = DayForm(request.args)
    valid = form.validate()
    day = requested_day(hub, form.date.data)
    form.date.data = day
    return page("bookings/manage_day.html", 200 if valid else 400, form=form, **grid_context(hub, day, None))


def week_of(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=n) for n in range(7)]


@bp.route("/hubs/<slug>/bookings/week")
@login_required
def manage_week(slug: str):
    hub = staff_hub(slug)
    form = DayForm(request.args)
    valid = form.validate()
    days = week_of(requested_day(hub, form.date.data))
    form.date.data = days[0]
    starts_from, ends_before = local_day_bounds(days[0], hub.timezone)[0], local_day_bounds(days[-1], hub.timezone)[1]
    bookings = list_hub_bookings(hub, starts_from, ends_before, status=BookingStatus.CONFIRMED.value)
    cells: dict[tuple[int, date], list[Booking]] = {}
    for booking in bookings:
        local_day = utc_to_local(booking.starts_at, hub.timezone).date()
        cells.setdefault((booking.space_id, local_day), []).append(booking)
    return page(
        "bookings/manage_week.html",
        200 if valid else 400,
        hub=hub,
        form=form,
        days=days,
        spaces=hub_services.list_spaces(hub, include_inactive=True),
        cells=cells,
        closed={day: day_opening(hub, day).closed_message for day in days},
        step=timedelta(days=7),
    )


def filtered_bookings(hub: Hub, form: BookingFilterForm) -> list[Booking]:
    """The bookings (not blocks) matching the list's filters, with members and bookers loaded."""
    today = local_today(hub.timezone)
    starts_on = form.starts_on.data or today
    ends_on = form.ends_on.data or starts_on + timedelta(days=LIST_DAYS)
    bookings = list_hub_bookings(
        hub,
        local_day_bounds(starts_on, hub.timezone)[0],
        local_day_bounds(ends_on, hub.timezone)[1],
        status=form.status.data or None,
        space_id=form.space_id(),
        member_email=form.email.data or None,
    )
    bookings = [b for b in bookings if not b.is_block]
    attach_people(bookings, "booked_by")
    return bookings


def filter_form(hub: Hub) -> BookingFilterForm:
    form = BookingFilterForm(request.args)
    form.space.choices = [("", "All spaces")] + [
        (str(space.id), space.name) for space in hub_services.list_spaces(hub, include_inactive=True)
    ]
    return form


def filters_valid(form: BookingFilterForm) -> bool:
    valid = form.validate()
    if valid and form.starts_on.data and form.ends_on.data and form.ends_on.data < form.starts_on.data:
        add_error(form, "ends_on", "The last day cannot be before the first.")
        return False
    return valid


@bp.route("/hubs/<slug>/bookings")
@login_required
def manage_list(slug: str):
    hub = staff_hub(slug)
    form = filter_form(hub)
    valid = filters_valid(form)
    bookings = filtered_bookings(hub, form) if valid else []
    return page(
        "bookings/manage_list.html", 200 if valid else 400, hub=hub, form=form, bookings=bookings, query=request.args
    )


@bp.route("/hubs/<slug>/bookings.csv")
@login_required
def export_csv(slug: str):
    hub = staff_hub(slug)
    form = filter_form(hub)
    if not filters_valid(form):
        abort(400, description="The filters are not valid: " + " ".join(e for errors in form.errors.values() for e in errors))
    body = bookings_csv(filtered_bookings(hub, form), hub.timezone)
    return Response(
        body,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{hub.slug}-bookings.csv"',
        },
    )


# --- blocks ---------------------------------------------------------------------------------

@bp.route("/hubs/<slug>/blocks/new", methods=["GET", "POST"])
@login_required
def new_block(slug: str):
    hub = staff_hub(slug)
    today = local_today(hub.timezone)
    form = BlockForm(data={"starts_on": today, "ends_on": today, "space": request.args.get("space")})
    form.space.set_spaces(hub_services.list_spaces(hub, include_inactive=True))
    status, clashes = None, []
    if form.validate_on_submit():
        space = chosen_space(form, hub, ("desk", "room", "office"))
        starts_at = to_utc(form, "starts", form.starts_on.data, form.starts.data, hub)
        ends_at = to_utc(form, "ends", form.ends_on.data, form.ends.data, hub)
        status = 422 if form.starts.errors or form.ends.errors else 400
        if space is not None and starts_at is not None and ends_at is not None:
            try:
                with unit_of_work():
                    block_space(space, starts_at, ends_at, form.reason.data, by=me())
            except BookingConflict as conflict:
                add_error(form, None, conflict.message)
                clashes = overlapping([space.id], starts_at, ends_at)
                attach_people(clashes)
                status = conflict.status
            except DomainError as refusal:
                show_booking_refusal(form, refusal)
                status = refusal.status
            else:
                flash(f"{space.name} is blocked: {form.reason.data}", "success")
                local_start = utc_to_local(starts_at, hub.timezone).date()
                return redirect(url_for("bookings.manage_day", slug=hub.slug, date=local_start.isoformat()))
    return page("bookings/new_block.html", form_status(form, status), hub=hub, form=form, clashes=clashes)


# --- booking rules --------------------------------------------------------------------------

def rules_page(hub: Hub, form: PolicyForm, row_for, inherited: Policy, space: Space | None):
    if form.validate_on_submit():
        try:
            with unit_of_work():
                save_policy(row_for(), form.values(), inherited)
        except PolicyInvalid as invalid:
            for name, message in invalid.problems.items():
                add_error(form, name, message)
        else:
            flash("The booking rules are saved.", "success")
            if space is None:
                return redirect(url_for("bookings.rules", slug=hub.slug))
            return redirect(url_for("bookings.space_rules", slug=hub.slug, space_id=space.id))
    rows = policy_rows(hub)
    return page(
        "bookings/rules.html",
        form_status(form),
        hub=hub,
        form=form,
        space=space,
        inherited=inherited,
        spaces=hub_services.list_spaces(hub, include_inactive=True) if space is None else [],
        overridden={space_id for space_id, row in rows.items() if space_id is not None and any(
            getattr(row, name) is not None for name in form.values()
        )},
    )


@bp.route("/hubs/<slug>/booking-rules", methods=["GET", "POST"])
@login_required
def rules(slug: str):
    hub = managed_hub(slug)
    form = PolicyForm(obj=policy_rows(hub).get(None))
    return rules_page(hub, form, lambda: policy_row_for(hub), DEFAULT_POLICY, None)


@bp.route("/hubs/<slug>/spaces/<int:space_id>/booking-rules", methods=["GET", "POST"])
@login_required
def space_rules(slug: str, space_id: int):
    hub = managed_hub(slug)
    space = space_or_404(hub, space_id)
    form = SpacePolicyForm(obj=policy_rows(hub).get(space.id))
    return rules_page(hub, form, lambda: policy_row_for(hub, space), hub_policy(hub), space)
