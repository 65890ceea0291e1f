"""/api/v1/bookings: your bookings or a hub's, booking a space or any free desk, moving a booking
and cancelling it.

Routes of the ``bookings_api`` blueprint (``coworking.api.bookings_blueprint``, which says how
they answer). A booking the caller may not see is a 404, never a 403.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import url_for
from flask.views import MethodView

from coworking.accounts.models import User
from coworking.api.auth import current_api_user
from coworking.api.blueprint import one_write
from coworking.api.booking_schemas import (
    BookingChangesSchema,
    BookingCreateSchema,
    BookingListQuerySchema,
    BookingPageSchema,
    BookingSchema,
    ReasonSchema,
    shared_schema,
)
from coworking.api.bookings_blueprint import WRITE_ERRORS, blp
from coworking.api.document_rules import BOOKING_EXAMPLE, MOVE_EXAMPLE
from coworking.api.idempotency import HEADER_DOC, earlier_answer, remember_answer, twin_answer
from coworking.api.loaders import hub_named, load_hub, reloaded, space_named, visible_booking
from coworking.api.revalidation import NOT_MODIFIED_DOC, VALIDATORS_DOC
from coworking.bookings.models import Booking
from coworking.bookings.operations import (
    book_any_desk,
    book_space,
    cancel_booking,
    member_to_book_for,
    move_booking,
)
from coworking.bookings.queries import hub_bookings_query, member_bookings_query
from coworking.errors import ApiError
from coworking.hubs.models import Space
from coworking.paging import page_of_query
from coworking.timezones import local_day_bounds

# --- a range of dates or instants -----------------------------------------------------------

def as_instant(bound: date | datetime | None, zone_name: str, *, end: bool = False) -> datetime | None:
    """A bound of a range as an instant: a date is that whole local day, from its start (or, for
    the ``end`` of a range, to its end)."""
    if isinstance(bound, datetime) or bound is None:
        return bound
    return local_day_bounds(bound, zone_name)[1 if end else 0]


def check_range(starts_from, ends_before) -> None:
    if starts_from is None or ends_before is None or type(starts_from) is not type(ends_before):
        return
    if ends_before < starts_from:
        message = "The end of the range cannot be before its start."
        raise ApiError(422, message, {"to": message})


# --- routes ---------------------------------------------------------------------------------

@blp.route("/bookings", endpoint="bookings")
class Bookings(MethodView):
    @blp.arguments(BookingListQuerySchema, location="query")
    @blp.response(200, BookingPageSchema, headers=VALIDATORS_DOC)
    @blp.alt_response(304, description=NOT_MODIFIED_DOC, headers=VALIDATORS_DOC)
    @blp.documents_errors(401, 403, 404)
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
            listed = hub_bookings_query(
                hub,
                as_instant(starts_from, hub.timezone),
                as_instant(ends_before, hub.timezone, end=True),
                status=query.get("status"),
            )
        else:
            listed = member_bookings_query(user, starts_from, ends_before, status=query.get("status"))
        return page_of_query(listed, query["page"], query["per_page"])

    @blp.arguments(BookingCreateSchema, example=BOOKING_EXAMPLE)
    @blp.response(201, BookingSchema, headers={"Location": {"description": "The booking's URL", "schema": {"type": "string"}}})
    @blp.documents_errors(*WRITE_ERRORS)
    @blp.doc(parameters=[HEADER_DOC])
    def post(self, values: dict):
        """Book a space, or any free desk of a hub

        Send `space_id`, or `hub` with `kind: "desk"` to let the hub pick a free desk. A `space_id`
        that does not exist is a 422 naming it; a space of another hub is booked like any other
        (a member may book in any hub). `member_email` and `override_rules` are for the hub's
        managers and staff (403 for anyone else). 409 when the slot is taken (or no desk is free).

        A 422 for broken rules lists every one: joined in `error.fields.rules`, and as a list of
        sentences in the extra key `error.rules`.

        A member who already holds a desk in the hub that day gets a 409 naming `second_desk`:
        send `second_desk: true` to book another (for a guest, say). With an `Idempotency-Key`
        header, a repeat of the same request answers as the first did and books nothing.
        """
        user = current_api_user()
        if (replayed := earlier_answer(user, CREATE_SCOPE, values)) is not None:
            return replayed
        try:
            with one_write():
                booking = book(values, user)
                location = url_for("bookings_api.booking", booking_id=booking.id, _external=True)
                remember_answer(user, CREATE_SCOPE, values, shared_schema(BookingSchema).dump(booking), location)
        except ApiError as error:
            return twin_answer(error, user, CREATE_SCOPE, values)
        booking = reloaded([booking])[0]
        return booking, {"Location": location}


CREATE_SCOPE = "POST /api/v1/bookings"


def book(values: dict, user: User) -> Booking:
    times = (values["starts_at"], values["ends_at"])
    options = {"booked_by": user, "override_rules": values["override_rules"], "note": values["note"],
               "second_desk": values["second_desk"]}
    if "space_id" in values:
        space = space_named(values["space_id"])
        return book_space(space, member_to_book_for(user, space.hub, values.get("member_email")), *times, **options)
    hub = hub_named(values["hub"])
    return book_any_desk(hub, member_to_book_for(user, hub, values.get("member_email")), *times, **options)


@blp.route("/bookings/<int:booking_id>", endpoint="booking")
class BookingResource(MethodView):
    @blp.response(200, BookingSchema, headers=VALIDATORS_DOC)
    @blp.alt_response(304, description=NOT_MODIFIED_DOC, headers=VALIDATORS_DOC)
    @blp.documents_errors(401, 404)
    def get(self, booking_id: int):
        """One booking: your own, or any of a hub you work at (anyone else: 404)"""
        return visible_booking(booking_id, current_api_user())

    @blp.arguments(BookingChangesSchema, example=MOVE_EXAMPLE)
    @blp.response(200, BookingSchema)
    @blp.documents_errors(*WRITE_ERRORS)
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
    @blp.documents_errors(401, 404, 409)
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
