"""/api/v1/booking-series: booking a recurring series (each date its own booking) or previewing
it, reading one, and cancelling its upcoming bookings.

Routes of the ``bookings_api`` blueprint (``coworking.api.bookings_blueprint``, which says how
they answer). A series the caller may not see is a 404, never a 403.
"""
from __future__ import annotations

from flask import jsonify, url_for
from flask.views import MethodView

from coworking.accounts.models import User
from coworking.api.auth import current_api_user
from coworking.api.blueprint import one_write, refusals_answered
from coworking.api.booking_schemas import (
    CancelledSchema,
    OccurrenceSchema,
    ReasonSchema,
    SeriesBookedSchema,
    SeriesCancelQuerySchema,
    SeriesCreateSchema,
    SeriesDetailSchema,
    SeriesPreviewSchema,
)
from coworking.api.bookings_blueprint import WRITE_ERRORS, blp, local_or_none
from coworking.api.document_rules import SERIES_EXAMPLE
from coworking.api.idempotency import HEADER_DOC, earlier_answer, remember_answer, twin_answer
from coworking.api.loaders import reloaded, space_named, visible_series
from coworking.bookings import series as series_service
from coworking.bookings.errors import SeriesHasConflicts
from coworking.bookings.models import Booking, BookingSeries
from coworking.bookings.operations import member_to_book_for
from coworking.bookings.recurrence import Recurrence
from coworking.bookings.series import Occurrence
from coworking.errors import ApiError
from coworking.extensions import db

# The API's names for the fields the series services (and the page's form) call otherwise.
API_FIELDS = {"starts_on": "start_date"}


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
    @blp.arguments(SeriesCreateSchema, example=SERIES_EXAMPLE)
    @blp.response(201, SeriesBookedSchema, headers={"Location": {"description": "The series' URL", "schema": {"type": "string"}}})
    @blp.alt_response(200, schema=SeriesPreviewSchema, description="The preview (`preview: true`): nothing is stored", success=True)
    @blp.documents_errors(*WRITE_ERRORS)
    @blp.doc(parameters=[HEADER_DOC])
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
        if (replayed := earlier_answer(user, CREATE_SCOPE, values)) is not None:
            return replayed
        try:
            with one_write(API_FIELDS):
                series, occurrences = book_series(values, user)
                zone_name = series.space.hub.timezone
                body = {"series": series, "bookings": list(series.bookings), "occurrences": occurrences_body(occurrences, zone_name)}
                location = url_for("bookings_api.one_series", series_id=series.id, _external=True)
                remember_answer(user, CREATE_SCOPE, values, SeriesBookedSchema().dump(body), location)
        except ApiError as error:
            return twin_answer(error, user, CREATE_SCOPE, values)
        body["bookings"] = reloaded(series.bookings)
        return body, {"Location": location}


CREATE_SCOPE = "POST /api/v1/booking-series"


def series_arguments(values: dict, user: User) -> tuple:
    space = space_named(values["space_id"])
    member = member_to_book_for(user, space.hub, values.get("member_email"))
    recurrence = Recurrence.chosen_in({**values, "starts_on": values["start_date"]})
    return space, member, recurrence, values["start_time"], values["end_time"]


def preview(values: dict, user: User):
    with refusals_answered(API_FIELDS):
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
    @blp.documents_errors(401, 404)
    def get(self, series_id: int):
        """A recurring series with all its bookings: your own, or any of a hub you work at"""
        series = visible_series(series_id, current_api_user())
        return {"series": series, "bookings": series.bookings}

    @blp.arguments(SeriesCancelQuerySchema, location="query")
    @blp.arguments(ReasonSchema, location="json", required=False)
    @blp.response(200, CancelledSchema)
    @blp.documents_errors(401, 404, 409)
    def delete(self, query: dict, body: dict, series_id: int):
        """Cancel a series' upcoming bookings, or with `from_booking` that booking and those after it

        Cancelled bookings stay cancelled. The hub's managers and staff give a `reason` when the
        series is someone else's. 409 when a member is past the cancellation cutoff of one of them.
        """
        user = current_api_user()
        with one_write(API_FIELDS):
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
