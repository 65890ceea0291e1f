"""The pages of a hub's managers and staff: the day and the week, the list of bookings and its CSV
export, and blocking a space (for repairs, an event). Each loads the hub with ``staff_hub``: 404
for no such hub, 403 for anyone who does not work there."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import login_required

from coworking.bookings.blocks import block_space
from coworking.bookings.csv_export import bookings_csv
from coworking.bookings.errors import BookingConflict
from coworking.bookings.forms import BlockForm, BookingFilterForm, DayForm
from coworking.bookings.models import Booking, BookingStatus
from coworking.bookings.opening import day_opening
from coworking.bookings.queries import attach_people, list_hub_bookings, overlapping
from coworking.bookings.views.common import (
    chosen_space,
    day_asked,
    form_status,
    grid_context,
    me,
    page,
    show_booking_refusal,
    to_utc,
)
from coworking.errors import DomainError
from coworking.forms import add_error
from coworking.hubs import services as hub_services
from coworking.hubs.loaders import staff_hub
from coworking.hubs.models import Hub
from coworking.timezones import local_day_bounds, local_today, utc_to_local
from coworking.transactions import unit_of_work

LIST_DAYS = 30  # the manager's booking list shows this many days from today by default


# --- the day and the week -------------------------------------------------------------------

@login_required
def manage_day(slug: str):
    hub = staff_hub(slug)
    form = DayForm(request.args)
    day, status = day_asked(form, hub)
    return page("bookings/manage_day.html", status, form=form, **grid_context(hub, day, None))


def week_of(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=n) for n in range(7)]


@login_required
def manage_week(slug: str):
    hub = staff_hub(slug)
    form = DayForm(request.args)
    day, status = day_asked(form, hub)
    days = week_of(day)
    form.date.data = days[0]
    starts_from, ends_before = local_day_bounds(days[0], hub.timezone)[0], local_day_bounds(days[-1], hub.timezone)[1]
    bookings = list_hub_bookings(hub, starts_from, ends_before, status=BookingStatus.CONFIRMED.value)
    cells: dict[tuple[int, date], list[Booking]] = {}
    for booking in bookings:
        local_day = utc_to_local(booking.starts_at, hub.timezone).date()
        cells.setdefault((booking.space_id, local_day), []).append(booking)
    return page(
        "bookings/manage_week.html",
        status,
        hub=hub,
        form=form,
        days=days,
        spaces=hub_services.list_spaces(hub, include_inactive=True),
        cells=cells,
        closed={day: day_opening(hub, day).closed_message for day in days},
        step=timedelta(days=7),
    )


# --- the list of bookings and its export ----------------------------------------------------

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


@login_required
def manage_list(slug: str):
    hub = staff_hub(slug)
    form = filter_form(hub)
    valid = filters_valid(form)
    bookings = filtered_bookings(hub, form) if valid else []
    return page(
        "bookings/manage_list.html", 200 if valid else 400, hub=hub, form=form, bookings=bookings, query=request.args
    )


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
