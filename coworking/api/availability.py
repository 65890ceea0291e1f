"""/api/v1/hubs/<slug>/availability: a hub's active spaces on one local day, their bookings and
free intervals. Other members' bookings show only as busy (``Booking.can_view`` decides, as on
the pages' grid).

A route of the ``bookings_api`` blueprint (``coworking.api.bookings_blueprint``).
"""
from __future__ import annotations

from flask.views import MethodView

from coworking.accounts.models import User
from coworking.api.auth import current_api_user
from coworking.api.booking_schemas import AvailabilityQuerySchema, AvailabilitySchema, BusySlot
from coworking.api.bookings_blueprint import blp, local_or_none
from coworking.api.loaders import load_hub
from coworking.api.revalidation import NOT_MODIFIED_DOC, VALIDATORS_DOC
from coworking.bookings.availability import HubDay, availability
from coworking.bookings.models import Booking
from coworking.bookings.queries import attach_people
from coworking.hubs.models import Hub
from coworking.timezones import utc_to_local


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
    @blp.response(200, AvailabilitySchema, headers=VALIDATORS_DOC)
    @blp.alt_response(304, description=NOT_MODIFIED_DOC, headers=VALIDATORS_DOC)
    @blp.documents_errors(401, 404)
    def get(self, query: dict, slug: str):
        """A hub's active spaces on one local day: their bookings and free intervals within opening hours

        Other members' bookings show only as `{starts_at, ends_at, busy: true}`; your own, and every
        booking for the hub's managers and staff, in full.
        """
        hub, user = load_hub(slug, with_hours=True), current_api_user()
        hub_day = availability(hub, query["date"], kind=query.get("kind"))
        if user.works_at(hub):
            attach_people([booking for space_day in hub_day.spaces for booking in space_day.bookings])
        return availability_body(hub_day, user)
