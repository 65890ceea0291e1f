"""The ``bookings_api`` blueprint, which three modules fill: ``availability.py`` (a hub's day),
``bookings.py`` (listing, booking, moving, cancelling) and ``series.py`` (recurring series); and
what the three share.

Views are thin: the schemas refuse malformed input (422 naming the field), then load or 404
(``coworking.api.loaders``), check or 403, and call one bookings service in one unit of work
(``one_write``: committed once, rolled back on any refusal). A booking or series the caller may
not see is a 404, never a 403, so ids reveal nothing. The services' refusals become JSON errors
(``api_error_for``): broken rules 422 (every rule listed), a taken slot or a too-late
cancellation 409, booking for someone else or overriding rules by someone who may not 403.
Nothing is stored when a request is refused.
"""
from __future__ import annotations

from datetime import datetime

from coworking.api.blueprint import ApiBlueprint
from coworking.timezones import utc_to_local

blp = ApiBlueprint(
    "bookings_api",
    __name__,
    description="Availability, bookings and recurring booking series. Times you send are ISO 8601 "
    "with an offset; booking times come back in the hub's local zone.",
)

WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422)


def local_or_none(instant: datetime | None, zone_name: str) -> datetime | None:
    """An instant in the hub's zone, as the answers give times; None (closed, no such time) stays."""
    return utc_to_local(instant, zone_name) if instant is not None else None
