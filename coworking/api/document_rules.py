"""Rules across fields that the request schemas check but marshmallow cannot state in the OpenAPI
document (send this or that, not both), added to the document's components once the
blueprints are registered, so clients and fuzzers know them as the server does."""
from __future__ import annotations

from apispec import APISpec


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
