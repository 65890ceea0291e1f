"""The common case of a new booking, settled in two to four statements instead of the full
re-settlement (which reads the member's whole ledger and bookings).

A new one-day booking's settlement is known without re-allocating anything when:

- the member has no membership that day covering the space's kind and no pass valid that day:
  pay-as-you-go, nothing else moves;
- the plan that day includes the resource without limit: covered, no ledger entry;
- the plan (all the membership's plans) carries nothing over, the period's grant is written
  and its balance covers the booking: the booking draws on it and every other booking keeps
  what it has, exactly as the full allocation would decide (a pool with something left means
  every booking that could draw on it is fully covered by it);
- the same, but the balance does not cover it, no pass could, and no booking of the member
  starts later in the period: the allocation serves bookings by their start, so this one gets
  what is left and the rest of its price is billable.

Anything else (a pass to choose, an overage before later bookings, a first touch of the month,
carry-over, a closed month, a booking over midnight, a booking already settled) takes the full
path, which is always right. tests/memberships/test_fast_path.py checks that both agree.
"""
from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from coworking.bookings.models import Booking
from coworking.extensions import db
from coworking.hubs.models import Hub, Space
from coworking.memberships.ledger import lock_member
from coworking.memberships.models import (
    AllowanceEntry,
    BookingCharge,
    EntryKind,
    Membership,
    MembershipPause,
    MembershipPlanChange,
    PassPurchase,
    Plan,
)
from coworking.memberships.periods import Period
from coworking.memberships.proration import half_up_fraction
from coworking.memberships.settlement import PASS_KINDS, RESOURCE_OF_KIND, booking_pieces
from coworking.types import UTCDateTime, utcnow


def settle_new_booking(booking: Booking, hub: Hub, today) -> bool:
    """Settle a booking just made, when the fast path can; False when the full path must."""
    resource = RESOURCE_OF_KIND[booking.space.kind]
    pieces = booking_pieces(booking.starts_at, booking.ends_at, resource, hub.timezone)
    if len(pieces) != 1:
        return False
    day, quantity = pieces[0].day, pieces[0].quantity
    period = Period.of(day)
    lock_member(booking.member_id)
    rows = db.session.execute(_what_could_cover(), {
        "booking_id": booking.id, "member_id": booking.member_id, "hub_id": hub.id, "day": day}).all()
    if len(rows) != 1 or rows[0].settled:
        return False
    facts, kind = rows[0], booking.space.kind
    covered_kind = facts.membership_id is not None and not facts.paused and kind in (facts.covered_kinds or [])
    if not covered_kind:
        if facts.pass_valid and kind in PASS_KINDS:
            return False
        _write_charge(booking, hub, facts.membership_id, period, resource, quantity, covered=0)
        return True
    allowance = facts.desk_days if resource == "desk_days" else facts.room_hours
    if allowance is None:
        _write_charge(booking, hub, facts.membership_id, period, resource, quantity, covered=quantity)
        return True
    if facts.longest_carry_over or Period.of(today) > period:
        return False
    balance, grants = db.session.execute(_pool(), {
        "membership_id": facts.membership_id, "period": period.key, "resource": resource}).one()
    if not grants:
        return False
    if balance < quantity and (facts.pass_valid and kind in PASS_KINDS or _starts_later(booking, hub, period)):
        return False  # the pool runs out: who gets what depends on the others
    covered = max(0, min(balance, quantity))
    if covered:
        db.session.execute(AllowanceEntry.__table__.insert(), {
            "hub_id": hub.id, "membership_id": facts.membership_id, "pass_purchase_id": None, "period": period.key,
            "resource": resource, "kind": EntryKind.CONSUMPTION.value, "quantity": -covered, "booking_id": booking.id,
            "reason": "", "by_id": None, "created_at": utcnow(),
        })
    _write_charge(booking, hub, facts.membership_id, period, resource, quantity, covered=covered)
    return True


# The statements are built once, with bound parameters: building and hashing a statement of
# this size costs more than running it.

@cache
def _what_could_cover() -> sa.Select:
    """One row: is the booking settled already, is a pass valid that day, and the membership
    covering the day with its plan then (after plan changes), whether it is paused, and the
    longest carry-over of its plans."""
    day = sa.bindparam("day", type_=sa.Date)
    membership = sa.select(Membership).where(
        Membership.member_id == sa.bindparam("member_id"), Membership.hub_id == sa.bindparam("hub_id"),
        Membership.starts_on <= day, sa.or_(Membership.ends_on.is_(None), Membership.ends_on >= day),
    ).subquery()
    plan_then = sa.func.coalesce(
        sa.select(MembershipPlanChange.plan_id)
        .where(MembershipPlanChange.membership_id == membership.c.id, MembershipPlanChange.effective_on <= day)
        .order_by(MembershipPlanChange.effective_on.desc()).limit(1).scalar_subquery(),
        membership.c.plan_id,
    )
    any_plan = aliased(Plan)
    carry = sa.select(sa.func.max(any_plan.carry_over_months)).where(sa.or_(
        any_plan.id == membership.c.plan_id,
        any_plan.id.in_(sa.select(MembershipPlanChange.plan_id).where(MembershipPlanChange.membership_id == membership.c.id)),
    )).scalar_subquery()
    return (
        sa.select(
            sa.exists().where(BookingCharge.booking_id == sa.bindparam("booking_id")).label("settled"),
            sa.exists().where(PassPurchase.member_id == sa.bindparam("member_id"), PassPurchase.hub_id == sa.bindparam("hub_id"),
                              PassPurchase.valid_from <= day, PassPurchase.valid_until >= day).label("pass_valid"),
            membership.c.id.label("membership_id"),
            sa.exists().where(MembershipPause.membership_id == membership.c.id, MembershipPause.starts_on <= day,
                              MembershipPause.ends_on >= day).label("paused"),
            Plan.desk_days_per_month.label("desk_days"), (Plan.room_hours_per_month * 60).label("room_hours"),
            Plan.covered_space_kinds.label("covered_kinds"), carry.label("longest_carry_over"),
        )
        .select_from(sa.select(sa.literal(1).label("one")).subquery())
        .outerjoin(membership, sa.true())
        .outerjoin(Plan, Plan.id == plan_then)
    )


@cache
def _pool() -> sa.Select:
    """A membership pool's balance and how many grants it has had."""
    return sa.select(
        sa.func.coalesce(sa.func.sum(AllowanceEntry.quantity), 0),
        sa.func.count().filter(AllowanceEntry.kind == EntryKind.GRANT.value),
    ).where(AllowanceEntry.membership_id == sa.bindparam("membership_id"),
            AllowanceEntry.period == sa.bindparam("period"), AllowanceEntry.resource == sa.bindparam("resource"))


@cache
def _later_booking() -> sa.Select:
    starts_at = sa.bindparam("starts_at", type_=UTCDateTime)
    return sa.select(sa.exists().where(
        Booking.member_id == sa.bindparam("member_id"), Booking.status == "confirmed", Booking.purpose == "booking",
        Booking.starts_at < sa.bindparam("period_ends_at", type_=UTCDateTime),
        sa.or_(Booking.starts_at > starts_at, sa.and_(Booking.starts_at == starts_at, Booking.id > sa.bindparam("booking_id"))),
        Booking.space_id.in_(sa.select(Space.id).where(Space.hub_id == sa.bindparam("hub_id"))),
    ))


def _starts_later(booking: Booking, hub: Hub, period: Period) -> bool:
    """Does a confirmed booking of the member here come after this one in the allocation's
    order (start, then id) within the period?"""
    _, period_ends_at = period.utc_bounds(hub.timezone)
    return bool(db.session.scalar(_later_booking(), {
        "member_id": booking.member_id, "hub_id": hub.id, "starts_at": booking.starts_at,
        "booking_id": booking.id, "period_ends_at": period_ends_at}))


def _write_charge(booking: Booking, hub: Hub, membership_id, period: Period, resource: str, quantity: int, *, covered: int) -> None:
    db.session.execute(BookingCharge.__table__.insert(), {
        "booking_id": booking.id, "hub_id": hub.id, "member_id": booking.member_id, "membership_id": membership_id,
        "period": period.key, "resource": resource, "quantity": quantity, "covered_by_membership": covered,
        "covered_by_passes": 0, "price_minor": booking.price_minor,
        "billable_minor": half_up_fraction(booking.price_minor, quantity - covered, quantity),
        "currency": booking.currency, "settled_at": utcnow(),
    })
