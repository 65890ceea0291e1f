"""marshmallow schemas for plans, applications and memberships (the conventions of schemas.py:
money as ``{"amount_minor", "currency"}``, unknown fields refused); ``allowance_schemas.py`` has
those of allowances and billable items, with the fields defined here.

Dates are ISO (``2026-11-16``), local to the hub. A period is a month written ``YYYY-MM``
(``2026-11``); anything else (``2026-13``, ``26-1``) is a 422 naming the field. Rates are basis
points: ``vat_rate_bp: 2000`` is 20%. A plan includes desk days and room hours a month (``null``:
unlimited); the allowance ledger counts desk days and room minutes.
"""
from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from coworking.api.booking_schemas import CalendarDate, PersonSchema, record_id
from coworking.api.schemas import (
    AmountSchema,
    JsonBoolean,
    MoneySchema,
    PageQuerySchema,
    PageSchema,
    TrimmedString,
    whole_number,
)
from coworking.memberships.errors import MembershipError
from coworking.memberships.lifecycle import cancellation_end_date, timeline_of
from coworking.memberships.models import ApplicationStatus
from coworking.memberships.models.plans import FROM_THE_START
from coworking.memberships.periods import parse_period
from coworking.memberships.queries import MembershipState, state_of
from coworking.timezones import local_today

PERIOD_DOC = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}$",
    "example": "2026-11",
    "description": "A calendar month in the hub's zone, YYYY-MM",
}
MESSAGE_LENGTH = 2000
REASON_LENGTH = 300


# --- fields ---------------------------------------------------------------------------------

class PeriodField(fields.Field):
    """A month written YYYY-MM, loaded as a ``Period`` (``parse_period``'s refusal becomes the
    field's message)."""

    def __init__(self, **kwargs):
        metadata = {**PERIOD_DOC, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_period(value)
        except MembershipError as error:
            raise ValidationError(error.message) from error

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


class Derived(fields.Nested):
    """A nested object computed from the one dumped: ``compute(obj)`` (None for null)."""

    def __init__(self, nested, compute, **kwargs):
        super().__init__(nested, **kwargs)
        self.compute = compute

    def get_value(self, obj, attr, accessor=None, default=None):
        return self.compute(obj)


def money(amount_minor: int | None, currency: str) -> dict | None:
    return None if amount_minor is None else {"amount_minor": amount_minor, "currency": currency}


def hub_slug() -> fields.Function:
    return fields.Function(lambda row: row.hub.slug, metadata={"type": "string", "description": "The hub's slug"})


def text(length: int, **kwargs) -> TrimmedString:
    return TrimmedString(load_default="", validate=validate.Length(max=length), **kwargs)


# --- plans ----------------------------------------------------------------------------------

class PlanSummarySchema(Schema):
    id = fields.Int()
    name = fields.Str()


class PlanPriceSchema(Schema):
    effective_from = fields.Function(
        lambda price: None if price.effective_from == FROM_THE_START else price.effective_from.isoformat(),
        metadata={"type": "string", "format": "date", "nullable": True, "description": "null: from the start"},
    )
    price = Derived(MoneySchema, lambda price: money(price.price_minor, price.currency))


class PlanSchema(Schema):
    id = fields.Int()
    hub = hub_slug()
    name = fields.Str()
    description = fields.Str()
    monthly_price = Derived(
        MoneySchema, lambda plan: money(plan.price_on(local_today(plan.hub.timezone)), plan.currency),
        metadata={"description": "Today's price, before VAT"},
    )
    prices = fields.List(fields.Nested(PlanPriceSchema), metadata={"description": "Its prices over time, oldest first"})
    vat_rate_bp = fields.Int(metadata={"description": "Basis points: 2000 is 20%"})
    desk_days_per_month = fields.Int(allow_none=True, metadata={"description": "null: unlimited"})
    room_hours_per_month = fields.Int(allow_none=True, metadata={"description": "null: unlimited"})
    covered_space_kinds = fields.List(fields.Str())
    network_access = JsonBoolean(metadata={"description": "Also admits to the network's other hubs"})
    carry_over_months = fields.Int(metadata={"description": "How long unused allowance lasts beyond its month"})
    public = JsonBoolean(metadata={"description": "false: offered by the hub's managers only"})
    notice_period_days = fields.Int()
    pauses_allowed = JsonBoolean()
    max_pause_months = fields.Int()
    archived = JsonBoolean(attribute="is_archived", metadata={"description": "No longer offered; members on it keep it"})


class PlanPageSchema(PageSchema):
    items = fields.List(fields.Nested(PlanSchema), required=True)


class PlanQuerySchema(PageQuerySchema):
    include_private = fields.Boolean(load_default=False, metadata={"description": "Managers of the hub only"})
    include_archived = fields.Boolean(load_default=False, metadata={"description": "Managers of the hub only"})


# --- applications ---------------------------------------------------------------------------

class MemberSummarySchema(Schema):
    id = fields.Int()
    name = fields.Str()
    email = fields.Str()


class ApplicationSchema(Schema):
    id = fields.Int()
    hub = hub_slug()
    member = fields.Nested(MemberSummarySchema)
    plan = fields.Nested(PlanSummarySchema)
    message = fields.Str()
    status = fields.Str(metadata={"enum": [status.value for status in ApplicationStatus]})
    created_at = fields.AwareDateTime(metadata={"description": "UTC"})
    decided_at = fields.AwareDateTime(allow_none=True, metadata={"description": "UTC"})
    decision_message = fields.Str()
    membership_id = fields.Int(allow_none=True, metadata={"description": "The membership it became, once approved"})


class ApplicationPageSchema(PageSchema):
    items = fields.List(fields.Nested(ApplicationSchema), required=True)


class ApplicationListQuerySchema(PageQuerySchema):
    status = fields.Str(
        load_default=ApplicationStatus.PENDING.value,
        validate=validate.OneOf([status.value for status in ApplicationStatus] + ["all"]),
        metadata={"description": "pending (the default), approved, declined or all"},
    )


class ApplySchema(Schema):
    plan_id = record_id(required=True, metadata={"description": "One of the hub's public plans"})
    message = text(MESSAGE_LENGTH, metadata={"description": "For the hub's managers"})


class ApproveSchema(Schema):
    starts_on = CalendarDate(
        required=True,
        metadata={"description": "Today or later; a manager may back-date it a little (MEMBERSHIP_BACKDATE_DAYS)"},
    )
    organisation_id = record_id(metadata={"description": "Bill one of the hub's organisations instead of the member"})
    message = text(MESSAGE_LENGTH, metadata={"description": "Sent to the member with the welcome"})


class DeclineSchema(Schema):
    message = text(MESSAGE_LENGTH, metadata={"description": "Required: the member is sent it"})


# --- memberships ----------------------------------------------------------------------------

class PlanChangeSchema(Schema):
    plan = fields.Nested(PlanSummarySchema)
    effective_on = fields.Date()


class PauseSchema(Schema):
    starts_on = fields.Date(metadata={"description": "The first day of its first month"})
    ends_on = fields.Date(metadata={"description": "The last day of its last month"})
    reason = fields.Str()


class ConcessionSchema(Schema):
    id = fields.Int()
    percent = fields.Function(
        lambda c: None if c.percent_bp is None else c.percent_bp / 100,
        metadata={"type": "number", "nullable": True, "description": "Off the fee, before VAT; or fixed_price"},
    )
    fixed_price = Derived(
        MoneySchema, lambda c: money(c.fixed_price_minor, c.currency), allow_none=True,
        metadata={"description": "The monthly fee before VAT instead of the plan's; or percent"},
    )
    reason = fields.Str()
    description = fields.Function(lambda c: c.describe(), metadata={"type": "string"})
    review_on = fields.Date(allow_none=True)
    funded_by_community_fund = JsonBoolean()
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)


class OrganisationSummarySchema(Schema):
    id = fields.Int()
    name = fields.Str()
    billing_email = fields.Str()


def hub_today(membership):
    return local_today(membership.hub.timezone)


def plan_today(membership):
    """Its plan today, or on its first day (not started yet) or its last (ended)."""
    day = max(membership.starts_on, hub_today(membership))
    if membership.ends_on is not None:
        day = min(day, membership.ends_on)
    return timeline_of(membership).plan_on(day)


def end_if_cancelled_today(membership) -> str | None:
    today = hub_today(membership)
    if membership.is_cancelled or membership.has_ended(today):
        return None
    return cancellation_end_date(membership, today).isoformat()


class MembershipSchema(Schema):
    id = fields.Int()
    hub = hub_slug()
    member = fields.Nested(MemberSummarySchema)
    plan = fields.Nested(PlanSummarySchema, metadata={"description": "The plan it started on"})
    current_plan = Derived(PlanSummarySchema, lambda m: plan_today(m),
                           metadata={"description": "Its plan today (or on its first or last day)"})
    plan_changes = fields.List(fields.Nested(PlanChangeSchema), metadata={"description": "Later plans, from a date"})
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True, metadata={"description": "Its last day; null: until cancelled"})
    state = fields.Function(
        lambda m: state_of(m, hub_today(m)).value,
        metadata={"type": "string", "enum": [state.value for state in MembershipState], "description": "Today, in the hub's zone"},
    )
    notice_period_days = fields.Function(lambda m: plan_today(m).notice_period_days,
                                         metadata={"type": "integer", "description": "Its plan's, today"})
    ends_if_cancelled_today = fields.Function(
        end_if_cancelled_today,
        metadata={
            "type": "string", "format": "date", "nullable": True,
            "description": "The last day it would have if cancelled today (the notice, then the end of that "
            "month); null once cancelled or ended",
        },
    )
    cancelled_at = fields.AwareDateTime(allow_none=True, metadata={"description": "UTC"})
    cancel_reason = fields.Str()
    organisation = fields.Nested(OrganisationSummarySchema, allow_none=True, metadata={"description": "Billed instead of the member"})
    pauses = fields.List(fields.Nested(PauseSchema))
    concessions = fields.List(fields.Nested(ConcessionSchema))
    approved_at = fields.AwareDateTime(metadata={"description": "UTC"})


class MembershipEventSchema(Schema):
    at = fields.AwareDateTime(metadata={"description": "UTC"})
    by = fields.Nested(PersonSchema, allow_none=True, metadata={"description": "Who (id and name); null: the system"})
    kind = fields.Str(metadata={"example": "plan_changed"})
    description = fields.Str()
    reason = fields.Str()


class MembershipDetailSchema(MembershipSchema):
    events = fields.List(fields.Nested(MembershipEventSchema), metadata={"description": "Its history, oldest first"})


class MembershipPageSchema(PageSchema):
    items = fields.List(fields.Nested(MembershipSchema), required=True)


class MembershipListQuerySchema(PageQuerySchema):
    plan_id = record_id(strict=False, metadata={"description": "Started on this plan"})
    state = fields.Str(validate=validate.OneOf([state.value for state in MembershipState]), metadata={"description": "Today"})
    concession = fields.Boolean(metadata={"description": "true: with a concession running (or to come); false: without"})
    organisation_id = record_id(strict=False, metadata={"description": "Billed to this organisation"})


class PlanChangeRequestSchema(Schema):
    plan_id = record_id(required=True, metadata={"description": "One of the hub's plans still offered"})
    at_once = JsonBoolean(load_default=False, metadata={"description": "From today, prorated; else from next month"})
    effective_on = CalendarDate(metadata={"description": "Another date, today or later (instead of at_once)"})
    reason = text(REASON_LENGTH)


class PauseRequestSchema(Schema):
    first_period = PeriodField(required=True, metadata={"description": "A month still to come, YYYY-MM"})
    months = whole_number(required=True, metadata={"description": "Whole months, at most what the plan allows"})
    reason = text(REASON_LENGTH)


class CancelRequestSchema(Schema):
    reason = text(REASON_LENGTH)
    ends_on = CalendarDate(metadata={"description": "Another last day than the notice gives (back-dated a little at most)"})


class ConcessionRequestSchema(Schema):
    percent = fields.Float(
        validate=validate.Range(min=0, max=100, error="A concession is between 0 and 100%."),
        metadata={"description": "Off the fee, 0 to 100, two decimals at most; or fixed_price"},
    )
    fixed_price = fields.Nested(AmountSchema, metadata={"description": "The monthly fee before VAT; or percent"})
    reason = TrimmedString(required=True, validate=validate.Length(max=200), metadata={"example": "bursary"})
    review_on = CalendarDate(metadata={"description": "When the hub means to look at it again"})
    funded_by_community_fund = JsonBoolean(load_default=False)
    starts_on = CalendarDate(metadata={"description": "Default: today (or the membership's start)"})
    ends_on = CalendarDate()

    @validates_schema
    def percent_or_fixed_price(self, data: dict, **kwargs) -> None:
        if "percent" in data and "fixed_price" in data:
            raise ValidationError("Give a percent or a fixed_price, not both.", "percent")
        if "percent" not in data and "fixed_price" not in data:
            raise ValidationError("Give a percent off the fee, or a fixed_price a month.", "percent")
        hundredths = Decimal(str(data.get("percent", 0))) * 100
        if hundredths != hundredths.to_integral_value():
            raise ValidationError("Give the percentage with two decimals at most.", "percent")


def basis_points(percent: float | None) -> int | None:
    """12.5 (percent) -> 1250 (basis points), exactly (through its decimal digits, not binary)."""
    return None if percent is None else int(Decimal(str(percent)) * 100)
