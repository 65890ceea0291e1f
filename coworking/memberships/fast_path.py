"""The common case of a new booking, settled in two to four statements instead of the full
re-settlement (which reads the member's whole ledger and bookings).

A new one-day booking's settlement is known without re-allocating anything when:

- the member has no membership that day covering the space's kind and no pass valid that day:
  pay-as-you-go, nothing else moves;
- the plan that day includes the resource without limit: covered, no ledger entry;
- the plan carries nothing over, the month's grant is written and its balance covers the
  booking: it draws on it and every other booking keeps what it has, exactly as the full
  allocation would decide (a pool with something left means every booking that could draw on
  it is fully covered by it);
- the balance does not cover it (or the plan carries allowance over, so earlier months' pools
  are drawn on first), but no booking of the member comes after it in the allocation's order
  (by start), and no pass could step in: the allocation would serve it last, from what is left,
  oldest month first, and bill the rest.

Anything else (a pass to choose, a booking before others, a first touch of a month, a plan
change with carry-over, a closed month, a booking over midnight, a booking already settled)
takes the full path, which is always right. tests/memberships/test_fast_path.py checks that
both agree.
"""
from __future__ import annotations

from datetime import datetime, timezone
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

NEVER = datetime(9999, 1, 1, tzinfo=timezone.utc)


def settle_new_booking(booking: Booking, hub: Hub, today) -> bool:
    """Settle a booking just made, when the fast path can; False when the full path must."""
    resource = RESOURCE_OF_KIND[booking.space.kind]
    pieces = booking_pieces(booking.starts_at, booking.ends_at, resource, hub.timezone)
    if len(pieces) != 1:
        return False
    day, quantity = pieces[0].day, pieces[0].quantity
    period = Period.of(day)
    lock_member(booking.member_id)
    connection = db.session.connection()  # Core statements: no ORM processing needed
    rows = connection.execute(_what_could_cover(), {
        "booking_id": booking.id, "member_id": booking.member_id, "hub_id": hub.id, "day": day,
        "period": period.key, "resource": resource}).all()
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
    carry = facts.longest_carry_over or 0
    if carry and facts.plan_changed:
        return False
    sources = _open_sources(period, carry, Period.of(facts.starts_on), Period.of(today))
    if period not in sources:
        return False  # a closed month: the full path keeps what its bookings hold
    if len(sources) == 1:  # this month only: the first query read its pool
        pools = {period.key: (facts.balance or 0, facts.grants)}
    else:
        pools = {key: (balance, grants) for key, balance, grants in connection.execute(_pools(), {
            "membership_id": facts.membership_id, "resource": resource, "periods": [p.key for p in sources]})}
    if any(not pools.get(source.key, (0, 0))[1] for source in sources):
        return False  # a month not granted yet: the full path grants it
    available = sum(max(pools[source.key][0], 0) for source in sources)
    if (carry or available < quantity) and _starts_later(booking, hub, None if carry else period):
        return False  # a later booking may hold what this one, coming first, should have
    if available < quantity and facts.pass_valid and kind in PASS_KINDS:
        return False  # which pass, and how much, is the full path's business
    needed, entries = quantity, []
    for source in sources:  # oldest first, as the allocation draws
        taken = min(needed, max(pools[source.key][0], 0))
        if taken:
            entries.append({
                "hub_id": hub.id, "membership_id": facts.membership_id, "pass_purchase_id": None, "period": source.key,
                "resource": resource, "kind": EntryKind.CONSUMPTION.value, "quantity": -taken, "booking_id": booking.id,
                "reason": "", "by_id": None, "created_at": utcnow(),
            })
            needed -= taken
    if entries:
        connection.execute(AllowanceEntry.__table__.insert(), entries)
    _write_charge(booking, hub, facts.membership_id, period, resource, quantity, covered=quantity - needed)
    return True


def _open_sources(period: Period, carry: int, first: Period, this_period: Period) -> list[Period]:
    """The months whose allowance a day in ``period`` may use, oldest first: those since the
    membership started whose carry-over reaches it and has not run out by this month."""
    sources = [period.plus(-back) for back in range(carry, -1, -1)]
    return [source for source in sources if source >= first and this_period <= source.plus(carry)]


# The statements are built once, with bound parameters: building and hashing a statement of
# this size costs more than running it.

@cache
def _what_could_cover() -> sa.Select:
    """One row: is the booking settled already, is a pass valid that day, and the membership
    covering the day with its plan then (after plan changes), whether it is paused, the longest
    carry-over of its plans, and the balance and grants of its pool for the month."""
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
    this_month = (
        AllowanceEntry.membership_id == membership.c.id, AllowanceEntry.period == sa.bindparam("period"),
        AllowanceEntry.resource == sa.bindparam("resource"),
    )
    balance = sa.select(sa.func.sum(AllowanceEntry.quantity)).where(*this_month).scalar_subquery()
    grants = sa.select(sa.func.count()).where(*this_month, AllowanceEntry.kind == EntryKind.GRANT.value).scalar_subquery()
    return (
        sa.select(
            sa.exists().where(BookingCharge.booking_id == sa.bindparam("booking_id")).label("settled"),
            sa.exists().where(PassPurchase.member_id == sa.bindparam("member_id"), PassPurchase.hub_id == sa.bindparam("hub_id"),
                              PassPurchase.valid_from <= day, PassPurchase.valid_until >= day).label("pass_valid"),
            membership.c.id.label("membership_id"), membership.c.starts_on.label("starts_on"),
            sa.exists().where(MembershipPlanChange.membership_id == membership.c.id).label("plan_changed"),
            sa.exists().where(MembershipPause.membership_id == membership.c.id, MembershipPause.starts_on <= day,
                              MembershipPause.ends_on >= day).label("paused"),
            Plan.desk_days_per_month.label("desk_days"), (Plan.room_hours_per_month * 60).label("room_hours"),
            Plan.covered_space_kinds.label("covered_kinds"), carry.label("longest_carry_over"),
            balance.label("balance"), grants.label("grants"),
        )
        .select_from(sa.select(sa.literal(1).label("one")).subquery())
        .outerjoin(membership, sa.true())
        .outerjoin(Plan, Plan.id == plan_then)
    )


@cache
def _pools() -> sa.Select:
    """Membership pools' balances and how many grants each has had, by month."""
    return sa.select(
        AllowanceEntry.period,
        sa.func.sum(AllowanceEntry.quantity),
        sa.func.count().filter(AllowanceEntry.kind == EntryKind.GRANT.value),
    ).where(
        AllowanceEntry.membership_id == sa.bindparam("membership_id"),
        AllowanceEntry.resource == sa.bindparam("resource"),
        AllowanceEntry.period.in_(sa.bindparam("periods", expanding=True)),
    ).group_by(AllowanceEntry.period)


@cache
def _later_booking() -> sa.Select:
    starts_at = sa.bindparam("starts_at", type_=UTCDateTime)
    return sa.select(sa.exists().where(
        Booking.member_id == sa.bindparam("member_id"), Booking.status == "confirmed", Booking.purpose == "booking",
        Booking.starts_at < sa.bindparam("period_ends_at", type_=UTCDateTime),
        sa.or_(Booking.starts_at > starts_at, sa.and_(Booking.starts_at == starts_at, Booking.id > sa.bindparam("booking_id"))),
        Booking.space_id.in_(sa.select(Space.id).where(Space.hub_id == sa.bindparam("hub_id"))),
    ))


def _starts_later(booking: Booking, hub: Hub, period: Period | None) -> bool:
    """Does a confirmed booking of the member here come after this one in the allocation's
    order (start, then id), within the period (None: at all)?"""
    period_ends_at = period.utc_bounds(hub.timezone)[1] if period else NEVER
    return bool(db.session.connection().scalar(_later_booking(), {
        "member_id": booking.member_id, "hub_id": hub.id, "starts_at": booking.starts_at,
        "booking_id": booking.id, "period_ends_at": period_ends_at}))


def _write_charge(booking: Booking, hub: Hub, membership_id, period: Period, resource: str, quantity: int, *, covered: int) -> None:
    db.session.connection().execute(BookingCharge.__table__.insert(), {
        "booking_id": booking.id, "hub_id": hub.id, "member_id": booking.member_id, "membership_id": membership_id,
        "period": period.key, "resource": resource, "quantity": quantity, "covered_by_membership": covered,
        "covered_by_passes": 0, "price_minor": booking.price_minor,
        "billable_minor": half_up_fraction(booking.price_minor, quantity - covered, quantity),
        "currency": booking.currency, "settled_at": utcnow(),
    })
