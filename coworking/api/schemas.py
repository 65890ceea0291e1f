"""marshmallow schemas: the JSON shapes of the API (and of the OpenAPI document).

Money is integer minor units with its currency beside it: ``{"amount_minor": 1250, "currency":
"GBP"}``. Instants are ISO 8601 with an offset. Request bodies refuse unknown fields (marshmallow's
default ``RAISE``), so a misspelt field is an error rather than silently ignored.
"""
from __future__ import annotations

from flask import url_for
from marshmallow import INCLUDE, Schema, ValidationError, fields, post_load, validate

from coworking.hubs.models import SpaceKind
from coworking.hubs.roles import Role
from coworking.hubs.services import MAX_CAPACITY, MAX_PAYMENT_TERMS_DAYS
from coworking.types import MAX_INTEGER

# The largest value an INTEGER column holds on PostgreSQL: beyond it the database would refuse.
MAX_PER_PAGE = 100


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("This cannot be blank.")


class TrimmedString(fields.String):
    """A string with surrounding white space removed on the way in."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


class JsonBoolean(fields.Boolean):
    """``true`` or ``false`` as JSON writes them: ``1``, ``0.0`` and ``"yes"`` are not booleans.
    (Query strings keep ``fields.Boolean``: there every value is text.)"""

    def _deserialize(self, value, attr, data, **kwargs) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def whole_number(*, minimum: int | None = None, maximum: int = MAX_INTEGER, **kwargs) -> fields.Integer:
    """An integer that refuses "12" and 12.5, and values the database cannot hold; ``minimum`` and
    ``maximum`` are the limits the services enforce, so the OpenAPI document states them."""
    return fields.Integer(strict=True, validate=validate.Range(min=minimum, max=maximum), **kwargs)


# --- errors and paging ----------------------------------------------------------------------

class ErrorDetailSchema(Schema):
    class Meta:
        # Some errors carry more: "rules" (every broken booking rule), "occurrences" (a series).
        unknown = INCLUDE

    code = fields.Str(required=True, metadata={"example": "validation_error"})
    message = fields.Str(required=True, metadata={"description": "A sentence for a person"})
    fields = fields.Dict(
        keys=fields.Str(),
        values=fields.Str(),
        metadata={"description": "Field name → what is wrong with it (empty when no field is to blame)"},
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class PageQuerySchema(Schema):
    # At most what an INTEGER holds: the offset it makes must fit the database's integers (a 500 on SQLite).
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_INTEGER), metadata={"description": "From 1"})
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class PageSchema(Schema):
    page = fields.Int(required=True)
    per_page = fields.Int(required=True)
    total = fields.Int(required=True, metadata={"description": "Items on all pages together"})
    pages = fields.Int(required=True, metadata={"description": "Number of pages (0 when there are no items)"})


# --- users ----------------------------------------------------------------------------------

class HubRoleSchema(Schema):
    hub = fields.Function(lambda role: role.hub.slug, metadata={"type": "string", "description": "The hub's slug"})
    role = fields.Str(metadata={"enum": [role.value for role in Role]})


class UserSchema(Schema):
    id = fields.Int(dump_only=True)
    email = fields.Email(dump_only=True)
    name = fields.Str(dump_only=True)
    is_admin = JsonBoolean(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    roles = fields.List(fields.Nested(HubRoleSchema), dump_only=True, metadata={"description": "Roles in hubs"})


# --- hubs -----------------------------------------------------------------------------------

LOCAL_TIME = {"description": "Hub-local time, HH:MM; null on a closed day", "example": "08:00"}


class OpeningHoursSchema(Schema):
    weekday = fields.Int(metadata={"description": "0 = Monday … 6 = Sunday"})
    closed = JsonBoolean()
    opens_at = fields.Time(format="%H:%M", allow_none=True, metadata=LOCAL_TIME)
    closes_at = fields.Time(format="%H:%M", allow_none=True, metadata=LOCAL_TIME)


class HubSchema(Schema):
    slug = fields.Str(dump_only=True)
    name = fields.Str(dump_only=True)
    timezone = fields.Str(dump_only=True, metadata={"description": "IANA time zone, such as Europe/London"})
    currency = fields.Str(dump_only=True, metadata={"description": "ISO 4217 code, such as GBP"})
    address = fields.Str(dump_only=True)
    vat_number = fields.Str(dump_only=True, allow_none=True)
    payment_terms_days = fields.Int(dump_only=True)
    opening_hours = fields.List(fields.Nested(OpeningHoursSchema), dump_only=True)
    links = fields.Method(
        "dump_links",
        dump_only=True,
        metadata={
            "type": "object",
            "properties": {
                "self": {"type": "string", "format": "uri"},
                "spaces": {"type": "string", "format": "uri"},
            },
        },
    )

    def dump_links(self, hub) -> dict:
        return {
            "self": url_for("api.hub", slug=hub.slug, _external=True),
            "spaces": url_for("api.hub_spaces", slug=hub.slug, _external=True),
        }


class HubPageSchema(PageSchema):
    items = fields.List(fields.Nested(HubSchema), required=True)


class HubChangesSchema(Schema):
    """PATCH a hub: send only what changes."""

    name = TrimmedString(validate=[not_blank, validate.Length(max=120)])
    address = fields.Str(validate=validate.Length(max=2000))
    timezone = fields.Str(metadata={"description": "IANA time zone, such as Europe/London"})
    currency = fields.Str(metadata={"description": "ISO 4217 code, such as GBP"})
    vat_number = TrimmedString(allow_none=True, validate=validate.Length(max=32), metadata={"description": "Blank or null: none"})
    payment_terms_days = whole_number(minimum=0, maximum=MAX_PAYMENT_TERMS_DAYS, metadata={"description": "Days, 0 to 365"})

    @post_load
    def blank_vat_number_means_none(self, data: dict, **kwargs) -> dict:
        if "vat_number" in data:
            data["vat_number"] = data["vat_number"] or None
        return data


# --- spaces ---------------------------------------------------------------------------------

class MoneySchema(Schema):
    amount_minor = whole_number(required=True, metadata={"description": "Integer minor units: 1250 is £12.50"})
    currency = fields.Str(
        metadata={"description": "ISO 4217; always the hub's currency (optional in requests)"}
    )


class AmountSchema(MoneySchema):
    """An amount someone sends (a rate, a price): 0 or more."""

    # The minimum is stated, and checked by the services, which name the field itself
    # ("hourly_rate", "fixed_price") as clients already read it.
    amount_minor = whole_number(required=True, metadata={"minimum": 0, "description": "Integer minor units, 0 or more: 1250 is £12.50"})


class MoneyField(fields.Nested):
    """Dumps ``<name>_minor`` with the hub's currency; loads ``{"amount_minor": ...}`` (0 or more)."""

    def __init__(self, **kwargs):
        super().__init__(AmountSchema, **kwargs)

    def get_value(self, obj, attr, accessor=None, default=None):
        return {"amount_minor": getattr(obj, f"{attr}_minor"), "currency": obj.hub.currency}


class SpaceSchema(Schema):
    id = fields.Int(dump_only=True)
    hub = fields.Function(lambda space: space.hub.slug, dump_only=True, metadata={"type": "string"})
    kind = fields.Str(dump_only=True, metadata={"enum": [kind.value for kind in SpaceKind]})
    name = fields.Str(dump_only=True)
    capacity = fields.Int(dump_only=True)
    hourly_rate = MoneyField(dump_only=True)
    daily_rate = MoneyField(dump_only=True)
    amenities = fields.List(fields.Str(), dump_only=True)
    active = JsonBoolean(dump_only=True)


class SpacePageSchema(PageSchema):
    items = fields.List(fields.Nested(SpaceSchema), required=True)


class SpaceQuerySchema(PageQuerySchema):
    include_inactive = fields.Boolean(
        load_default=False, metadata={"description": "Managers of the hub only: list inactive spaces too"}
    )


class SpaceChangesSchema(Schema):
    """PATCH a space: send only what changes."""

    kind = fields.Str(validate=validate.OneOf([kind.value for kind in SpaceKind]))
    name = TrimmedString(validate=[not_blank, validate.Length(max=120)])
    capacity = whole_number(minimum=1, maximum=MAX_CAPACITY, metadata={"description": f"People, 1 to {MAX_CAPACITY}"})
    hourly_rate = MoneyField()
    daily_rate = MoneyField()
    amenities = fields.List(
        TrimmedString(validate=[not_blank, validate.Length(max=60)]), validate=validate.Length(max=30)
    )
    active = JsonBoolean()


class SpaceCreateSchema(SpaceChangesSchema):
    kind = fields.Str(required=True, validate=validate.OneOf([kind.value for kind in SpaceKind]))
    name = TrimmedString(required=True, validate=[not_blank, validate.Length(max=120)])
