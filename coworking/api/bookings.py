"""/api/v1: availability, bookings and recurring booking series.

Views are thin: the schemas refuse malformed input (422 naming the field), then load or 404,
check or 403, and call one bookings service in one unit of work (``unit_of_work``: committed
once, rolled back on any refusal). A booking or series the caller may not see is a 404, never a
403, so ids reveal nothing. The services' refusals become JSON errors (``api_error_for``): broken
rules 422 (every rule listed), a taken slot or a too-late cancellation 409, booking for someone
else or overriding rules by someone who may not 403. Nothing is stored when a request is refused.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from http import HTTPStatus

import sqlalchemy as sa
from flask import jsonify, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy.orm import selectinload

from coworking.accounts.models import User
from coworking.api.auth import current_api_user
from coworking.api.booking_schemas import (
    AvailabilityQuerySchema,
    AvailabilitySchema,
    BookingChangesSchema,
    BookingCreateSchema,
    BookingListQuerySchema,
    BookingPageSchema,
    BookingSchema,
    BusySlot,
    CancelledSchema,
    OccurrenceSchema,
    ReasonSchema,
    SeriesBookedSchema,
    SeriesCancelQuerySchema,
    SeriesCreateSchema,
    SeriesDetailSchema,
    SeriesPreviewSchema,
)
from coworking.api.paging import page_of
from coworking.api.views import load_hub
from coworking.bookings import series as series_service
from coworking.bookings.availability import HubDay, availability
from coworking.bookings.errors import SeriesHasConflicts
from coworking.bookings.models import Booking, BookingSeries
from coworking.bookings.operations import (
    book_any_desk,
    book_space,
    cancel_booking,
    member_to_book_for,
    move_booking,
)
from coworking.bookings.queries import attach_people, list_hub_bookings, list_member_bookings
from coworking.bookings.recurrence import Recurrence, RecurrenceError
from coworking.bookings.series import Occurrence
from coworking.errors import ApiError, DomainError, api_error_for
from coworking.extensions import db
from coworking.hubs.models import Hub, Space
from coworking.hubs.services import get_hub_by_slug
from coworking.timezones import local_day_bounds, utc_to_local
from coworking.transactions import unit_of_work
from coworking.types import MAX_INTEGER

blp = Blueprint(
    "bookings_api",
    __name__,
    description="Availability, bookings and recurring booking series. Times you send are ISO 8601 "
    "with an offset; booking times come back in the hub's local zone.",
)

WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422)
NO_SUCH_BOOKING = "There is no booking with this id."
NO_SUCH_SERIES = "There is no booking series with this id."


def documents_errors(*statuses: int):
    """List the error answers in the OpenAPI document (each uses the shared Error schema)."""

    def decorate(view):
        for status in statuses:
            view = blp.alt_response(status, response=HTTPStatus(status).name)(view)
        return view

    return decorate


# --- refusals as JSON -----------------------------------------------------------------------

def json_field(error: DomainError) -> str | None:
    """The API's name for the field a refusal concerns, where it differs from the form's."""
    if isinstance(error, RecurrenceError) and error.field == "starts_on":
        return "start_date"
    return None


@contextmanager
def refusals_answered() -> Iterator[None]:
    """A service's refusal answered as JSON (``api_error_for``)."""
    try:
        yield
    except DomainError as error:
        raise api_error_for(error, json_field(error)) from error


@contextmanager
def one_write() -> Iterator[None]:
    """The request's unit of work (its loads, checks and writes serialised on SQLite, committed
    at the end), with its refusals answered as JSON."""
    with refusals_answered(), unit_of_work():
        yield


# --- loading and permission -----------------------------------------------------------------

def visible_booking(booking_id: int, user: User) -> Booking:
    """The booking if the user may see it (their own, or they work at its hub), else 404."""
    booking = db.session.get(Booking, booking_id) if booking_id <= MAX_INTEGER else None
    if booking is None or not booking.can_view(user):
        raise ApiError(404, NO_SUCH_BOOKING)
    return booking


def visible_series(series_id: int, user: User) -> BookingSeries:
    """The series if the user may see it (``BookingSeries.can_view``), else 404."""
    series = db.session.get(BookingSeries, series_id) if series_id <= MAX_INTEGER else None
    if series is None or not series.can_view(user):
        raise ApiError(404, NO_SUCH_SERIES)
    return series


def space_named(space_id: int, field: str = "space_id") -> Space:
    # The id is in the body, not the path, so an unknown one is a mistake in the request (422).
    space = db.session.get(Space, space_id)
    if space is None:
        raise ApiError(422, "There is no space with this id.", {field: "There is no space with this id."})
    return space


def hub_named(slug: str) -> Hub:
    hub = get_hub_by_slug(slug)
    if hub is None:
        raise ApiError(422, "There is no hub with this slug.", {"hub": "There is no hub with this slug."})
    return hub


def reloaded(bookings: list[Booking]) -> list[Booking]:
    """The bookings refreshed after the commit in one query (with their members), not one each."""
    if not bookings:
        return []
    ids = [booking.id for booking in bookings]
    query = sa.select(Booking).where(Booking.id.in_(ids)).options(selectinload(Booking.member))
    by_id = {booking.id: booking for booking in db.session.scalars(query)}
    return [by_id[booking_id] for booking_id in ids]


# --- availability ---------------------------------------------------------------------------

def local_or_none(instant: datetime | None, zone_name: str) -> datetime | None:
    return utc_to_local(instant, zone_name) if instant is not None else None


def shown_to(user: User, hub: Hub, booking: Booking) -> Booking | BusySlot:
    """The booking in full to whom ``Booking.can_view`` allows; to anyone else only "busy"."""
    if booking.can_view(user):
        return booking
    return BusySlot(utc_to_local(booking.starts_at, hub.timezone), utc_to_local(booking.ends_at, hub.timezone))


def availability_body(hub_day: HubDay, user: User) -> dict:
    hub, zone_name = hub_day.hub, hub_day.hub.timezone
    return {
        "hub": hub.slug,
        "date": hub_day.day,
        "timezone": zone_name,
        "opens_at": local_or_none(hub_day.opens_at, zone_name),
        "closes_at": local_or_none(hub_day.closes_at, zone_name),
        "closed_reason": hub_day.closed_reason,
        "items": [
            {
                "space": space_day.space,
                "bookings": [shown_to(user, hub, booking) for booking in space_day.bookings],
                "free": [
                    {"starts_at": utc_to_local(start, zone_name), "ends_at": utc_to_local(end, zone_name)}
                    for start, end in space_day.free
                ],
            }
            for space_day in hub_day.spaces
        ],
    }


@blp.route("/hubs/<slug>/availability", endpoint="availability")
class Availability(MethodView):
    @blp.arguments(AvailabilityQuerySchema, location="query")
    @blp.response(200, AvailabilitySchema)
    @documents_errors(401, 404)
    def get(self, query: dict, slug: str):
        """A hub's active spaces on one local day: their bookings and free intervals within opening hours

        Other members' bookings show only as `{starts_at, ends_at, busy: true}`; your own, and every
        booking for the hub's managers and staff, in full.
        """
        hub, user = load_hub(slug), current_api_user()
        hub_day = availability(hub, query["date"], kind=query.get("kind"))
        if user.works_at(hub):
            attach_people([booking for space_day in hub_day.spaces for booking in space_day.bookings])
        return availability_body(hub_day, user)


# --- bookings -------------------------------------------------------------------------------

def day_start(bound: date | datetime | None, zone_name: str) -> datetime | None:
    if isinstance(bound, datetime) or bound is None:
        return bound
    return local_day_bounds(bound, zone_name)[0]


def day_end(bound: date | datetime | None, zone_name: str) -> datetime | None:
    """A date bound includes that whole local day."""
    if isinstance(bound, datetime) or bound is None:
        return bound
    return local_day_bounds(bound, zone_name)[1]


def roughly(bound: date | datetime | None, days: int) -> datetime | None:
    """A UTC instant at least as wide as ``bound`` in any zone (zones are within a day of UTC)."""
    if isinstance(bound, datetime) or bound is None:
        return bound
    return datetime.combine(bound, datetime.min.time(), tzinfo=timezone.utc) + timedelta(days=days)


def own_bookings(user: User, starts_from, ends_before) -> list[Booking]:
    """The user's bookings in range, a date meaning that day in each booking's own hub."""
    candidates = list_member_bookings(user, roughly(starts_from, -1), roughly(ends_before, 2))
    return [
        booking
        for booking in candidates
        if in_range(booking, day_start(starts_from, booking.hub.timezone), day_end(ends_before, booking.hub.timezone))
    ]


def in_range(booking: Booking, starts_from: datetime | None, ends_before: datetime | None) -> bool:
    return (starts_from is None or booking.ends_at > starts_from) and (
        ends_before is None or booking.starts_at < ends_before
    )


def check_range(starts_from, ends_before) -> None:
    if starts_from is None or ends_before is None or type(starts_from) is not type(ends_before):
        return
    if ends_before < starts_from:
        message = "The end of the range cannot be before its start."
        raise ApiError(422, message, {"to": message})


@blp.route("/bookings", endpoint="bookings")
class Bookings(MethodView):
    @blp.arguments(BookingListQuerySchema, location="query")
    @blp.response(200, BookingPageSchema)
    @documents_errors(401, 403, 404)
    def get(self, query: dict):
        """Your bookings, by start time; with `hub`, all of that hub's bookings (its managers and staff)

        `from` and `to` take a date (a whole day in the hub's zone; `to` includes that day) or an
        instant with an offset. Cancelled bookings are listed too, unless `status` says otherwise.
        """
        user = current_api_user()
        starts_from, ends_before = query.get("starts_from"), query.get("ends_before")
        check_range(starts_from, ends_before)
        if query.get("hub"):
            hub = load_hub(query["hub"])
            if not user.works_at(hub):
                raise ApiError(403, "Only the hub's managers and staff may list its bookings.")
            bookings = list_hub_bookings(
                hub, day_start(starts_from, hub.timezone), day_end(ends_before, hub.timezone), status=query.get("status")
            )
        else:
            bookings = own_bookings(user, starts_from, ends_before)
            if query.get("status"):
                bookings = [booking for booking in bookings if booking.status == query["status"]]
        return page_of(bookings, query["page"], query["per_page"])

    @blp.arguments(BookingCreateSchema)
    @blp.response(201, BookingSchema, headers={"Location": {"description": "The booking's URL", "schema": {"type": "string"}}})
    @documents_errors(*WRITE_ERRORS)
    def post(self, values: dict):
        """Book a space, or any free desk of a hub

        Send `space_id`, or `hub` with `kind: "desk"` to let the hub pick a free desk. A `space_id`
        that does not exist is a 422 naming it; a space of another hub is booked like any other
        (a member may book in any hub). `member_email` and `override_rules` are for the hub's
        managers and staff (403 for anyone else). 409 when the slot is taken (or no desk is free).

        A 422 for broken rules lists every one: joined in `error.fields.rules`, and as a list of
        sentences in the extra key `error.rules`.
        """
        user = current_api_user()
        with one_write():
            booking = book(values, user)
        booking = reloaded([booking])[0]
        return booking, {"Location": url_for("bookings_api.booking", booking_id=booking.id, _external=True)}


def book(values: dict, user: User) -> Booking:
    times = (values["starts_at"], values["ends_at"])
    options = {"booked_by": user, "override_rules": values["override_rules"], "note": values["note"]}
    if "space_id" in values:
        space = space_named(values["space_id"])
        return book_space(space, member_to_book_for(user, space.hub, values.get("member_email")), *times, **options)
    hub = hub_named(values["hub"])
    return book_any_desk(hub, member_to_book_for(user, hub, values.get("member_email")), *times, **options)


@blp.route("/bookings/<int:booking_id>", endpoint="booking")
class BookingResource(MethodView):
    @blp.response(200, BookingSchema)
    @documents_errors(401, 404)
    def get(self, booking_id: int):
        """One booking: your own, or any of a hub you work at (anyone else: 404)"""
        return visible_booking(booking_id, current_api_user())

    @blp.arguments(BookingChangesSchema)
    @blp.response(200, BookingSchema)
    @documents_errors(*WRITE_ERRORS)
    def patch(self, changes: dict, booking_id: int):
        """Move a booking to another time, or another space of the same hub

        The same rules and the same no-overlap guarantee as booking; its `sequence` increases.
        Members may move their own bookings up to the hub's cancellation cutoff (409 after it).

        A 422 for broken rules lists every one: joined in `error.fields.rules`, and as a list of
        sentences in the extra key `error.rules`.
        """
        user = current_api_user()
        with one_write():
            booking = visible_booking(booking_id, user)
            move_booking(
                booking,
                changes.get("starts_at", booking.starts_at),
                changes.get("ends_at", booking.ends_at),
                by=user,
                override_rules=changes["override_rules"],
                space=space_in_hub_of(booking, changes["space_id"]) if "space_id" in changes else None,
            )
        return reloaded([booking])[0]

    @blp.arguments(ReasonSchema, location="query")
    @blp.arguments(ReasonSchema, location="json", required=False)
    @blp.response(200, BookingSchema)
    @documents_errors(401, 404, 409)
    def delete(self, query: dict, body: dict, booking_id: int):
        """Cancel a booking

        Members cancel their own up to the hub's cancellation cutoff (409 after it). The hub's
        managers and staff cancel any booking at any time, giving a `reason` (in the JSON body or
        the query) when it is someone else's: the member is emailed it.
        """
        user = current_api_user()
        with one_write():
            booking = visible_booking(booking_id, user)
            cancel_booking(booking, by=user, reason=body.get("reason") or query.get("reason", ""))
        return reloaded([booking])[0]


def space_in_hub_of(booking: Booking, space_id: int) -> Space:
    space = space_named(space_id)
    if space.hub_id != booking.space.hub_id:
        message = "A booking can only move to another space of the same hub."
        raise ApiError(422, message, {"space_id": message})
    return space


# --- series ---------------------------------------------------------------------------------

def recurrence_from(values: dict) -> Recurrence:
    return Recurrence.from_choices(
        freq=values["freq"],
        starts_on=values["start_date"],
        interval=values["interval"],
        weekdays=values.get("weekdays"),
        nth=values.get("nth"),
        weekday=values.get("weekday"),
        until=values.get("until"),
        count=values.get("count"),
    )


def occurrences_body(occurrences: list[Occurrence], zone_name: str) -> list[dict]:
    return [
        {
            "date": occurrence.day,
            "starts_at": local_or_none(occurrence.starts_at, zone_name),
            "ends_at": local_or_none(occurrence.ends_at, zone_name),
            "free": occurrence.is_free,
            "problems": occurrence.problems,
        }
        for occurrence in occurrences
    ]


@blp.route("/booking-series", endpoint="booking_series")
class BookingSeriesCollection(MethodView):
    @blp.arguments(SeriesCreateSchema)
    @blp.response(201, SeriesBookedSchema, headers={"Location": {"description": "The series' URL", "schema": {"type": "string"}}})
    @blp.alt_response(200, schema=SeriesPreviewSchema, description="The preview (`preview: true`): nothing is stored", success=True)
    @documents_errors(*WRITE_ERRORS)
    def post(self, values: dict):
        """Book a recurring series (each date is its own booking), or preview it

        `start_time` and `end_time` are the hub's wall clock on every date, across clock changes;
        a time that does not exist on a date (the spring-forward night) is a problem for that date.
        With `preview: true` the answer (200) lists every date as free or with its problems and
        nothing is stored. Otherwise, when any date cannot be booked: 409 with every date in the
        extra key `error.occurrences` and nothing stored, unless `skip_conflicts` books the free
        ones. A series with no end, or past how far ahead the hub lets you book, is a 422.

        A 422 for broken rules lists every one: joined in `error.fields.rules`, and as a list of
        sentences in the extra key `error.rules`.
        """
        user = current_api_user()
        if values["preview"]:
            return preview(values, user)
        with one_write():
            series, occurrences = book_series(values, user)
            zone_name = series.space.hub.timezone
        body = {"series": series, "bookings": reloaded(series.bookings), "occurrences": occurrences_body(occurrences, zone_name)}
        return body, {"Location": url_for("bookings_api.one_series", series_id=series.id, _external=True)}


def series_arguments(values: dict, user: User) -> tuple:
    space = space_named(values["space_id"])
    member = member_to_book_for(user, space.hub, values.get("member_email"))
    return space, member, recurrence_from(values), values["start_time"], values["end_time"]


def preview(values: dict, user: User):
    with refusals_answered():
        arguments = series_arguments(values, user)
        occurrences = series_service.preview_series(*arguments, booked_by=user, override_rules=values["override_rules"])
    return jsonify(SeriesPreviewSchema().dump({"occurrences": occurrences_body(occurrences, arguments[0].hub.timezone)}))


def book_series(values: dict, user: User) -> tuple[BookingSeries, list[Occurrence]]:
    arguments = series_arguments(values, user)
    try:
        return series_service.book_series(
            *arguments, booked_by=user, skip_conflicts=values["skip_conflicts"], override_rules=values["override_rules"]
        )
    except SeriesHasConflicts as conflict:
        raise ApiError(409, conflict.message, occurrences=OccurrenceSchema(many=True).dump(
            occurrences_body(conflict.preview, arguments[0].hub.timezone)
        )) from conflict


@blp.route("/booking-series/<int:series_id>", endpoint="one_series")
class OneSeries(MethodView):
    @blp.response(200, SeriesDetailSchema)
    @documents_errors(401, 404)
    def get(self, series_id: int):
        """A recurring series with all its bookings: your own, or any of a hub you work at"""
        series = visible_series(series_id, current_api_user())
        return {"series": series, "bookings": series.bookings}

    @blp.arguments(SeriesCancelQuerySchema, location="query")
    @blp.arguments(ReasonSchema, location="json", required=False)
    @blp.response(200, CancelledSchema)
    @documents_errors(401, 404, 409)
    def delete(self, query: dict, body: dict, series_id: int):
        """Cancel a series' upcoming bookings, or with `from_booking` that booking and those after it

        Cancelled bookings stay cancelled. The hub's managers and staff give a `reason` when the
        series is someone else's. 409 when a member is past the cancellation cutoff of one of them.
        """
        user = current_api_user()
        with one_write():
            series = visible_series(series_id, user)
            from_booking = booking_of(series, query["from_booking"]) if "from_booking" in query else None
            reason = body.get("reason") or query.get("reason", "")
            cancelled = series_service.cancel_series(series, by=user, from_booking=from_booking, reason=reason)
        return {"cancelled": reloaded(cancelled)}


def booking_of(series: BookingSeries, booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.series_id != series.id:
        message = "That booking is not part of this series."
        raise ApiError(422, message, {"from_booking": message})
    return booking
