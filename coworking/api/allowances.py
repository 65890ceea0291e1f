"""/api/v1/me/allowance, .../memberships/<id>/allowance-adjustments and .../billable-items: your
allowance in a period (grants, use per booking, balance), a manager's adjustment of one, and
everything a hub bills for a period.

Routes of the ``memberships_api`` blueprint (``coworking.api.memberships_blueprint``, which says
how they answer). The allowance is a ledger: what these answers show is summed from its entries.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask.views import MethodView
from sqlalchemy.orm import selectinload

from coworking.accounts.models import User
from coworking.api.allowance_schemas import (
    UNITS,
    AdjustmentRequestSchema,
    AdjustmentSchema,
    AllowanceQuerySchema,
    BillableItemsSchema,
    BillableQuerySchema,
    MyAllowanceSchema,
)
from coworking.api.auth import current_api_user
from coworking.api.blueprint import one_write
from coworking.api.loaders import hub_membership, managers_only, own_membership
from coworking.api.memberships_blueprint import API_FIELDS, WRITE_ERRORS, blp
from coworking.bookings.models import Booking
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.memberships.allowances import PoolStatement, adjust_allowance, allowance_statement
from coworking.memberships.billable import billable_items
from coworking.memberships.lifecycle import timeline_of
from coworking.memberships.models import Membership
from coworking.memberships.periods import Period, current_period
from coworking.memberships.queries import member_memberships
from coworking.timezones import utc_to_local


@blp.route("/me/allowance", endpoint="my_allowance")
class MyAllowance(MethodView):
    @blp.arguments(AllowanceQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, MyAllowanceSchema)
    @blp.documents_errors(401, 404, 422)
    def get(self, period: Period | None = None, membership_id: int | None = None):
        """Your allowance in a period: per membership and resource, what was granted, adjusted, used (per booking), expired and left

        `period` (YYYY-MM) defaults to the current month in each hub's zone. Lists your
        memberships that run during it, or with `membership_id` that one of yours (anyone
        else's is a 404). Room allowances count minutes.
        """
        user = current_api_user()
        return {"memberships": allowances_of(user, period, membership_id)}


def allowances_of(user: User, period: Period | None, membership_id: int | None) -> list[dict]:
    """The user's memberships that run during the period (each hub's current month unless it is
    given), or the one ``membership_id`` names, each with its statement."""
    chosen = [own_membership(user, membership_id)] if membership_id is not None else member_memberships(user)
    months = [(membership, period or current_period(membership.hub.timezone)) for membership in chosen]
    if membership_id is None:
        months = [(membership, month) for membership, month in months if runs_during(membership, month)]
    statements = [(membership, month, allowance_statement(membership, month)) for membership, month in months]
    bookings = bookings_by_id({booking_id for *_, by_resource in statements
                               for statement in by_resource.values() for booking_id in statement.used_by_booking})
    return [membership_allowance(*statement, bookings) for statement in statements]


def runs_during(membership: Membership, period: Period) -> bool:
    return membership.starts_on <= period.last_day and (membership.ends_on is None or membership.ends_on >= period.first_day)


def bookings_by_id(booking_ids: set[int]) -> dict[int, Booking]:
    if not booking_ids:
        return {}
    query = sa.select(Booking).where(Booking.id.in_(booking_ids)).options(selectinload(Booking.space))
    return {booking.id: booking for booking in db.session.scalars(query)}


def membership_allowance(membership: Membership, period: Period, by_resource: dict[str, PoolStatement],
                         bookings: dict[int, Booking]) -> dict:
    return {
        "membership_id": membership.id,
        "hub": membership.hub.slug,
        "period": period,
        "plan": timeline_of(membership).plan_on(last_day_within(membership, period)),
        "allowances": [resource_allowance(s, membership.hub.timezone, bookings) for s in by_resource.values()],
    }


def last_day_within(membership: Membership, period: Period) -> date:
    day = max(period.last_day, membership.starts_on)
    return day if membership.ends_on is None else min(day, membership.ends_on)


def resource_allowance(statement: PoolStatement, zone_name: str, bookings: dict[int, Booking]) -> dict:
    def use(booking_id: int, units: int) -> dict:
        booking = bookings.get(booking_id)
        return {
            "booking_id": booking_id,
            "units": units,
            "space": booking.space.name if booking else None,
            "starts_at": utc_to_local(booking.starts_at, zone_name) if booking else None,
        }

    return {
        "resource": statement.resource,
        "unit": UNITS[statement.resource],
        "unlimited": statement.unlimited,
        "granted": statement.granted,
        "adjusted": statement.adjusted,
        "used": statement.used + statement.used_unlimited,
        "expired": statement.expired,
        "balance": None if statement.unlimited else statement.balance,
        "consumption": [use(booking_id, units) for booking_id, units in sorted(statement.used_by_booking.items())],
    }


@blp.route("/hubs/<slug>/memberships/<int:membership_id>/allowance-adjustments", endpoint="allowance_adjustments")
class AllowanceAdjustments(MethodView):
    @managers_only
    @blp.arguments(AdjustmentRequestSchema)
    @blp.response(201, AdjustmentSchema)
    @blp.documents_errors(*WRITE_ERRORS)
    def post(self, values: dict, hub: Hub, membership_id: int):
        """Add to a month's allowance, or take back what is unused (a negative `quantity`), with a reason (managers)

        Refused (422) for a month the membership is not active in, an unlimited allowance, or
        taking back more than is left; 409 for a month whose allowance has expired.
        """
        with one_write(API_FIELDS):
            membership = hub_membership(hub, membership_id)
            entry = adjust_allowance(membership, by=current_api_user(), period=values["period"],
                                     resource=values["resource"], quantity=values["quantity"], reason=values["reason"])
        statement = allowance_statement(membership, values["period"])[entry.resource]
        return {
            "id": entry.id, "membership_id": membership.id, "period": entry.period, "resource": entry.resource,
            "quantity": entry.quantity, "reason": entry.reason, "created_at": entry.created_at,
            "balance": statement.balance,
        }


@blp.route("/hubs/<slug>/billable-items", endpoint="billable_items")
class BillableItems(MethodView):
    @managers_only
    @blp.arguments(BillableQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, BillableItemsSchema)
    @blp.documents_errors(401, 403, 404, 422)
    def get(self, hub: Hub, period: Period | None = None):
        """Everything the hub bills for a period, each with its billed party, amount before VAT, VAT rate and source key (managers)

        `period` (YYYY-MM) defaults to the current month in the hub's zone. Membership fees
        (prorated), concessions (negative, beside the fee they reduce), bookings beyond the
        allowance or paid as you go, and passes sold. Not paged: the items of a period are
        computed together, in a fixed number of statements, and an invoice run takes them all.
        """
        period = period or current_period(hub.timezone)
        items = billable_items(hub, period)
        return {"hub": hub.slug, "period": period, "total": len(items), "items": items}
