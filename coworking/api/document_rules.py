"""What the OpenAPI document says beyond the schemas: valid request examples, and rules across
fields that the request schemas check but marshmallow cannot state (send this or that, not
both), added to the document's components once the blueprints are registered, so clients and
fuzzers know them as the server does."""
from __future__ import annotations

from apispec import APISpec

from coworking.api.booking_schemas import END_EXAMPLE, INSTANT_EXAMPLE

# Request examples for the document: valid requests, as a client would send them.
BOOKING_EXAMPLE = {"space_id": 1, "starts_at": INSTANT_EXAMPLE, "ends_at": END_EXAMPLE, "note": "Client meeting"}
MOVE_EXAMPLE = {"starts_at": "2026-03-02T10:00:00+00:00", "ends_at": "2026-03-02T11:30:00+00:00"}
SERIES_EXAMPLE = {
    "space_id": 1, "start_date": "2026-03-02", "start_time": "09:00", "end_time": "17:00",
    "freq": "weekly", "weekdays": [0, 2], "count": 4,
}


def _one_of(*alternatives: str) -> dict:
    """Exactly one of these fields."""
    return {"oneOf": [{"required": [name]} for name in alternatives]}


RULES_ACROSS_FIELDS = {
    # space_id, or hub with kind: "desk"; never both.
    "BookingCreate": {
        "oneOf": [
            {"required": ["space_id"], "not": {"anyOf": [{"required": ["hub"]}, {"required": ["kind"]}]}},
            {"required": ["hub", "kind"], "not": {"required": ["space_id"]}},
        ]
    },
    # A move changes the times, the space, or both.
    "BookingChanges": {"anyOf": [{"required": ["starts_at"]}, {"required": ["ends_at"]}, {"required": ["space_id"]}]},
    "SeriesCreate": _one_of("until", "count"),
    "ConcessionRequest": _one_of("percent", "fixed_price"),
}


def document_rules_across_fields(spec: APISpec) -> None:
    for name, rule in RULES_ACROSS_FIELDS.items():
        spec.components.schemas[name].update(rule)
