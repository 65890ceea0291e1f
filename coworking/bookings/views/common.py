"""What the booking pages share: the booking a user may see (or 404), a page and its status, a
refusal shown on its form, the form's choices read as a space, a member, a day and UTC times, and
the availability grid of one hub-day.

The status a page answers with follows the API's: 200 for a form shown, 400 for one that came back
with errors, or the refusal's own status (422 broken rules, 409 a taken slot, 403 not allowed).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request
from flask_login import current_user

from coworking.accounts.models import User
from coworking.bookings import grid, rules
from coworking.bookings.availability import availability
from coworking.bookings.errors import BookingError, BookingRulesBroken
from coworking.bookings.forms import ANY_DESK, parse_hhmm
from coworking.bookings.models import Booking
from coworking.bookings.opening import day_opening
from coworking.bookings.operations import member_to_book_for
from coworking.bookings.policy import Policy, hub_policy
from coworking.bookings.queries import attach_people
from coworking.dates import sensible_day_or_none
from coworking.errors import DomainError
from coworking.events import answers, booking_coverage_asked
from coworking.extensions import db
from coworking.forms import add_error, show_refusal
from coworking.hubs import services as hub_services
from coworking.hubs.models import Hub, Space
from coworking.idempotency import find_key, new_key, remember_key
from coworking.timezones import NonexistentLocalTime, combine_local, local_today
from coworking.types import MAX_INTEGER, utcnow

# --- loading and answering ------------------------------------------------------------------

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


# --- once-only forms (coworking.idempotency) -------------------------------------------------

PAGE_SCOPE = "booking-form"


def carry_once_key(form) -> None:
    """Give a booking form shown for the first time its one-time key (a resubmission keeps its own)."""
    if not form.once.data:
        form.once.data = new_key()


def earlier_submission(form):
    """A repeated submission of the same form (a double click, Back and submit again): a redirect
    to what the first one booked, or None."""
    record = find_key(current_user.id, PAGE_SCOPE, form.once.data)
    if record is None:
        return None
    flash("You sent this form twice; it was booked once, here.", "info")
    return redirect(record.location)


def remember_submission(form, location: str) -> None:
    """In the booking's unit of work: this form's key made what is at ``location``."""
    remember_key(current_user.id, PAGE_SCOPE, form.once.data, location=location)


# --- what the form chose --------------------------------------------------------------------

def day_asked(form, hub: Hub) -> tuple[date, int]:
    """The day a ``?date=`` form asks for (today in the hub when it names none or a bad one),
    and the page's status: 400 when the value does not parse."""
    status = 200 if form.validate() else 400
    form.date.data = form.date.data or local_today(hub.timezone)
    return form.date.data, status


def booking_form_data(hub: Hub) -> dict:
    """Initial values from the grid's link (?date=&space=&start=)."""
    data: dict = {"day": sensible_day_or_none(request.args.get("date")) or local_today(hub.timezone)}
    if request.args.get("space"):
        data["space"] = request.args["space"]
    if request.args.get("start"):
        data["starts"] = request.args["start"]
    return data


def clicked_start(data: dict) -> time | None:
    """The grid cell's start (``?start=HH:MM``) if it is a time."""
    try:
        return parse_hhmm(data["starts"]) if data.get("starts") else None
    except ValueError:
        return None


def default_times(hub: Hub, day: date, policy: Policy, start: time | None = None) -> tuple[time | None, time | None]:
    """A booking form's start and end before anything is chosen, within the hub's rules: the
    clicked cell's start (else the next slot from now today, else opening time), lasting the
    hub's shortest booking on its slot grid; (None, None) on a closed weekday."""
    hours = hub.hours_on(day.weekday())
    if hours is None:
        return None, None
    if start is None:
        start = hours.opens_at
        earliest = rules.walk_in_start(hub, policy, utcnow())
        if earliest.date() == day and earliest.time() > start:
            start = earliest.time()
    if start >= hours.closes_at:
        start = hours.opens_at  # nothing is left today: the form shows the day's first times
    slot = policy.slot_minutes
    length = timedelta(minutes=-(-max(policy.min_duration_minutes, slot) // slot) * slot)
    end = min(datetime.combine(day, start) + length, datetime.combine(day, hours.closes_at))
    return start, end.time()


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


def coverage_notes(form, hub: Hub, kind: str, starts: time | None = None, ends: time | None = None) -> list[str]:
    """What would pay for the booking the form describes (a plan's allowance, a pass, or its
    price), in the words of the areas that know (memberships answers ``booking_coverage_asked``).
    Only for a booking of one's own: for someone else it would describe the wrong person."""
    if form.member_email.data or form.day.data is None:
        return []
    space_id = form.space.space_id() if form.space.data != ANY_DESK else None
    space = hub_services.get_space_in_hub(hub, space_id) if space_id is not None and 0 < space_id <= MAX_INTEGER else None
    starts_at = ends_at = None
    if starts is not None and ends is not None and starts < ends:
        try:
            starts_at, ends_at = (combine_local(form.day.data, at, hub.timezone) for at in (starts, ends))
        except NonexistentLocalTime:
            starts_at = ends_at = None
    return answers(booking_coverage_asked, hub, member=me(), kind=kind, day=form.day.data,
                   space=space if space is not None and space.kind == kind else None,
                   starts_at=starts_at, ends_at=ends_at)


# --- the availability grid ------------------------------------------------------------------

def grid_context(hub: Hub, day: date, kind: str | None) -> dict:
    """Everything the grid partial needs for one hub-day, in a bounded number of queries."""
    now = utcnow()
    hub_day = availability(hub, day, kind=kind, now=now)
    sees_names = current_user.works_at(hub)
    if sees_names:
        attach_people([b for space_day in hub_day.spaces for b in space_day.bookings])
    minutes = grid.column_minutes(hub_policy(hub).slot_minutes)
    return {
        "hub": hub,
        "day": day,
        "hub_day": hub_day,
        "rows": grid.grid_rows(hub_day, minutes, now),
        "headings": grid.headings(hub_day.opens_at, hub_day.closes_at, minutes, hub.timezone)
        if hub_day.opens_at is not None
        else [],
        "closed": day_opening(hub, day).closed_message,
        "sees_names": sees_names,
        "now": now,
        "describe": grid.describe,
        "step": timedelta(days=1),
    }
