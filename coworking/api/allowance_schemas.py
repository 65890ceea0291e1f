"""marshmallow schemas for allowances (a member's statement, a manager's adjustment) and a
period's billable items; the fields and conventions are those of ``membership_schemas.py``."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from coworking.api.booking_schemas import record_id
from coworking.api.membership_schemas import (
    PERIOD_DOC,
    REASON_LENGTH,
    Derived,
    PeriodField,
    PlanSummarySchema,
    money,
)
from coworking.api.schemas import JsonBoolean, MoneySchema, TrimmedString
from coworking.memberships.models import RESOURCES
from coworking.types import MAX_INTEGER

UNITS = {"desk_days": "days", "room_minutes": "minutes"}


# --- allowances -----------------------------------------------------------------------------

class AllowanceQuerySchema(Schema):
    period = PeriodField(metadata={"description": "Default: the current month in each hub's zone"})
    membership_id = record_id(strict=False, metadata={"description": "Only this membership of yours"})


class ConsumptionSchema(Schema):
    booking_id = fields.Int()
    units = fields.Int(metadata={"description": "Desk days or room minutes it holds from this allowance"})
    space = fields.Str(allow_none=True, metadata={"description": "The space's name"})
    starts_at = fields.AwareDateTime(allow_none=True, metadata={"description": "In the hub's local zone"})


class AllowanceSchema(Schema):
    resource = fields.Str(metadata={"enum": list(RESOURCES)})
    unit = fields.Str(metadata={"enum": sorted(UNITS.values())})
    unlimited = JsonBoolean(metadata={"description": "No ledger: used counts what the plan covered; balance is null"})
    granted = fields.Int(metadata={"description": "The month's grant, prorated by active days"})
    adjusted = fields.Int(metadata={"description": "Managers' adjustments"})
    used = fields.Int()
    expired = fields.Int(metadata={"description": "What was not used in time"})
    balance = fields.Int(allow_none=True, metadata={"description": "Left to use: granted + adjusted - used - expired"})
    consumption = fields.List(fields.Nested(ConsumptionSchema), metadata={"description": "Use per booking"})


class MembershipAllowanceSchema(Schema):
    membership_id = fields.Int()
    hub = fields.Str(metadata={"description": "The hub's slug"})
    period = PeriodField()
    plan = fields.Nested(PlanSummarySchema, metadata={"description": "Its plan on the period's last active day"})
    allowances = fields.List(fields.Nested(AllowanceSchema))


class MyAllowanceSchema(Schema):
    memberships = fields.List(
        fields.Nested(MembershipAllowanceSchema),
        metadata={"description": "Your memberships that run during the period, newest first"},
    )


class AdjustmentRequestSchema(Schema):
    period = PeriodField(required=True)
    resource = fields.Str(required=True, validate=validate.OneOf(list(RESOURCES)))
    quantity = fields.Integer(
        strict=True, required=True, validate=validate.Range(min=-MAX_INTEGER, max=MAX_INTEGER),
        metadata={"description": "Units to add; negative to take back unused ones"},
    )
    reason = TrimmedString(required=True, validate=validate.Length(max=REASON_LENGTH))


class AdjustmentSchema(Schema):
    id = fields.Int()
    membership_id = fields.Int()
    period = fields.Str(metadata=PERIOD_DOC)
    resource = fields.Str(metadata={"enum": list(RESOURCES)})
    quantity = fields.Int()
    reason = fields.Str()
    created_at = fields.AwareDateTime(metadata={"description": "UTC"})
    balance = fields.Int(metadata={"description": "Left in that month's allowance afterwards"})


# --- billable items -------------------------------------------------------------------------

class BillableQuerySchema(Schema):
    period = PeriodField(metadata={"description": "Default: the current month in the hub's zone"})


class BilledPartySchema(Schema):
    kind = fields.Str(metadata={"enum": ["member", "organisation"]})
    id = fields.Int()
    name = fields.Str()
    email = fields.Str()


class BillableItemSchema(Schema):
    billed_party = fields.Nested(BilledPartySchema)
    member_id = fields.Int(metadata={"description": "Whose membership, booking or pass it is"})
    description = fields.Str()
    quantity = fields.Int()
    unit_amount = Derived(MoneySchema, lambda item: money(item.unit_amount_minor, item.currency))
    amount = Derived(MoneySchema, lambda item: money(item.amount_minor, item.currency),
                     metadata={"description": "Before VAT; negative for a concession"})
    vat_rate_bp = fields.Int(metadata={"description": "Basis points: 2000 is 20%"})
    source_key = fields.Str(metadata={"example": "membership:41:2026-11",
                                      "description": "Stable: an invoice line bills each key once"})
    funded_by_community_fund = JsonBoolean(metadata={"description": "A concession the community fund pays for"})


class BillableItemsSchema(Schema):
    hub = fields.Str(metadata={"description": "The hub's slug"})
    period = PeriodField()
    total = fields.Int(metadata={"description": "How many items"})
    items = fields.List(fields.Nested(BillableItemSchema))
