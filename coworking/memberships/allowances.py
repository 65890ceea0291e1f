"""The allowance ledger as managers and members see it: a manager's adjustment (with a
reason), a period's statement (grants, use per booking, balance), and the expiry of what was
not used in time, for a whole hub at once (the invoice run or a nightly job calls it)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coworking.accounts.models import User
from coworking.bookings.models import Booking, BookingStatus
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.memberships.errors import MembershipError
from coworking.memberships.history import record_event, require_manager
from coworking.memberships.ledger import MemberLedger, lock_free_members, membership_pool
from coworking.memberships.lifecycle import timeline_of
from coworking.memberships.models import (
    RESOURCES,
    AllowanceEntry,
    BookingCharge,
    EntryKind,
    Membership,
    PassPurchase,
    Plan,
)
from coworking.memberships.periods import Period
from coworking.memberships.settlement import grant_if_missing, settle_member
from coworking.memberships.timeline import Timeline
from coworking.timezones import local_today

UNITS = {"desk_days": "desk day(s)", "room_minutes": "room minute(s)"}
MAX_ADJUSTMENT = 100_000  # more than a month of room minutes; keeps a typo out of the ledger's integers


def _check_resource(resource: str) -> str:
    if resource not in RESOURCES:
        raise MembershipError("Choose desk days or room minutes.", "resource")
    return resource


def adjust_allowance(membership: Membership, *, by: User, period: Period, resource: str, quantity: int,
                     reason: str, today: date | None = None) -> AllowanceEntry:
    """Add (or, with a negative ``quantity``, take back unused) allowance in one period."""
    hub = membership.hub
    require_manager(by, hub, "adjust allowances")
    _check_resource(resource)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity == 0 or abs(quantity) > MAX_ADJUSTMENT:
        raise MembershipError("Give a whole number of units to add, or to take back (negative).", "quantity")
    reason = (reason or "").strip()
    if not reason or len(reason) > 300:
        raise MembershipError("Say why, in at most 300 characters.", "reason")
    today = today or local_today(hub.timezone)
    timeline = timeline_of(membership)
    days = timeline.active_days(period)
    if not days:
        raise MembershipError("The membership is not active in that month.", "period")
    if all(timeline.plan_on(day).allowance(resource) is None for day in days):
        raise MembershipError("That allowance is unlimited in that month: there is nothing to adjust.", "resource")
    ledger = MemberLedger.load(hub, membership.member_id, period, today)
    pool = membership_pool(membership.id, period, resource)
    if not ledger.is_open(pool):
        raise MembershipError("That month's allowance can no longer be used: it has expired.", "period", status=409)
    grant_if_missing(ledger, pool)
    balance = ledger.balances().get(pool, 0)
    if balance + quantity < 0:
        raise MembershipError(f"Only {balance} {UNITS[resource]} are left to take back.", "quantity")
    entry = ledger.add_entry(pool, EntryKind.ADJUSTMENT, quantity, reason=reason, by=by)
    record_event(membership, "allowance_adjusted",
                 f"{period.label()}: {quantity:+d} {UNITS[resource]}.", by=by, reason=reason)
    settle_member(hub, membership.member_id, period, today=today)
    return entry


# --- statements -----------------------------------------------------------------------------

@dataclass
class PoolStatement:
    """One membership's allowance of one resource in one period."""

    resource: str
    unlimited: bool
    granted: int = 0  # the grant (written, or due when the period is first touched)
    adjusted: int = 0
    expired: int = 0
    used_by_booking: dict[int, int] = field(default_factory=dict)  # units each booking holds from it
    used_unlimited: int = 0  # units covered on days whose plan has no limit

    @property
    def used(self) -> int:
        return sum(self.used_by_booking.values())

    @property
    def balance(self) -> int:
        return self.granted + self.adjusted - self.used - self.expired


def allowance_statement(membership: Membership, period: Period) -> dict[str, PoolStatement]:
    """Per resource: granted, adjusted, used per booking, expired and the balance. Read-only: a
    grant not yet written is shown as it will be written."""
    timeline = timeline_of(membership)
    days = timeline.active_days(period)
    entries = db.session.scalars(sa.select(AllowanceEntry).where(
        AllowanceEntry.membership_id == membership.id, AllowanceEntry.period == period.key))
    statements = {
        resource: PoolStatement(resource, bool(days) and all(timeline.plan_on(d).allowance(resource) is None for d in days))
        for resource in RESOURCES
    }
    written_grants = set()
    for entry in entries:
        statement = statements[entry.resource]
        if entry.kind == EntryKind.GRANT.value:
            statement.granted += entry.quantity
            written_grants.add(entry.resource)
        elif entry.kind == EntryKind.ADJUSTMENT.value:
            statement.adjusted += entry.quantity
        elif entry.kind == EntryKind.EXPIRY.value:
            statement.expired -= entry.quantity
        elif entry.booking_id is not None:
            used = statement.used_by_booking.get(entry.booking_id, 0) - entry.quantity
            statement.used_by_booking[entry.booking_id] = used
    for resource, statement in statements.items():
        statement.used_by_booking = {b: units for b, units in statement.used_by_booking.items() if units}
        if resource not in written_grants:
            statement.granted = timeline.grant(period, resource)
        statement.used_unlimited = _unlimited_use(membership, period, resource) if statement.unlimited else 0
    return statements


def bookings_of_period(membership: Membership, period: Period) -> list[tuple[Booking, BookingCharge]]:
    """The member's confirmed bookings of the period made under the membership, with how each
    was settled (units its allowance and passes covered, and what is billable), by start."""
    return [tuple(row) for row in db.session.execute(
        sa.select(Booking, BookingCharge).join(BookingCharge, BookingCharge.booking_id == Booking.id)
        .where(BookingCharge.membership_id == membership.id, BookingCharge.period == period.key,
               Booking.status == BookingStatus.CONFIRMED.value)
        .order_by(Booking.starts_at, Booking.id)
    )]


def _unlimited_use(membership: Membership, period: Period, resource: str) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(BookingCharge.covered_by_membership), 0)).where(
        BookingCharge.membership_id == membership.id, BookingCharge.period == period.key,
        BookingCharge.resource == resource)) or 0


def pass_balances(member: User, hub: Hub, today: date) -> list[tuple[PassPurchase, int]]:
    """The member's passes still valid at the hub, with the desk days left on each."""
    passes = list(db.session.scalars(sa.select(PassPurchase).where(
        PassPurchase.member_id == member.id, PassPurchase.hub_id == hub.id, PassPurchase.valid_until >= today,
    ).options(selectinload(PassPurchase.product)).order_by(PassPurchase.valid_until, PassPurchase.id)))
    if not passes:
        return []
    sums = dict(db.session.execute(
        sa.select(AllowanceEntry.pass_purchase_id, sa.func.sum(AllowanceEntry.quantity))
        .where(AllowanceEntry.pass_purchase_id.in_([p.id for p in passes]))
        .group_by(AllowanceEntry.pass_purchase_id)
    ).all())
    return [(purchase, sums.get(purchase.id, 0)) for purchase in passes]


# --- expiry ---------------------------------------------------------------------------------

def expire_allowances(hub: Hub, today: date | None = None, *, lookback_months: int = 24) -> int:
    """Write EXPIRY entries for every closed pool of the hub that still holds something (the
    receivers do it lazily for the member they settle; this does the whole hub). Returns how many."""
    today = today or local_today(hub.timezone)
    this_period = Period.of(today)
    oldest = this_period.plus(-lookback_months).key
    membership_pools = (
        sa.select(Membership.member_id, AllowanceEntry.membership_id, AllowanceEntry.period, AllowanceEntry.resource,
                  sa.func.sum(AllowanceEntry.quantity))
        .join(Membership, Membership.id == AllowanceEntry.membership_id)
        .where(AllowanceEntry.hub_id == hub.id, AllowanceEntry.period >= oldest,
               AllowanceEntry.period < this_period.key)
        .group_by(Membership.member_id, AllowanceEntry.membership_id, AllowanceEntry.period, AllowanceEntry.resource)
        .having(sa.func.sum(AllowanceEntry.quantity) > 0)
    )
    pass_pools = (
        sa.select(PassPurchase.member_id, PassPurchase.id, PassPurchase.valid_until, sa.func.sum(AllowanceEntry.quantity))
        .join(AllowanceEntry, AllowanceEntry.pass_purchase_id == PassPurchase.id)
        .where(PassPurchase.hub_id == hub.id, PassPurchase.valid_until < today)
        .group_by(PassPurchase.member_id, PassPurchase.id, PassPurchase.valid_until)
        .having(sa.func.sum(AllowanceEntry.quantity) > 0)
    )
    # A settlement of one of these members, which expires its closed pools too, may be under
    # way. Hold the members no settlement holds, then read the balances afresh: a pool is expired
    # by one of the two, never both. The others' pools (and any that filled up meanwhile for a
    # member not held) wait for their settlement or the next run.
    held = lock_free_members({row[0] for row in db.session.execute(membership_pools)}
                             | {row[0] for row in db.session.execute(pass_pools)})
    balances = [row for row in db.session.execute(membership_pools) if row[0] in held]
    timelines = _timelines({membership_id for _, membership_id, *_ in balances})
    expired = []
    for _, membership_id, period_key, resource, balance in balances:
        period = Period.from_key(period_key)
        if this_period > period.plus(timelines[membership_id].carry_over_months(period)):
            expired.append(AllowanceEntry(hub_id=hub.id, membership_id=membership_id, period=period_key, resource=resource,
                                          kind=EntryKind.EXPIRY.value, quantity=-balance, reason="Not used in time"))
    for member_id, pass_id, valid_until, balance in db.session.execute(pass_pools):
        if member_id in held:
            expired.append(AllowanceEntry(hub_id=hub.id, pass_purchase_id=pass_id, period=Period.of(valid_until).key,
                                          resource="desk_days", kind=EntryKind.EXPIRY.value, quantity=-balance,
                                          reason="Not used in time"))
    db.session.add_all(expired)
    db.session.flush()
    return len(expired)


def _timelines(membership_ids: set[int]) -> dict[int, Timeline]:
    if not membership_ids:
        return {}
    memberships = list(db.session.scalars(
        sa.select(Membership).where(Membership.id.in_(membership_ids))
        .options(selectinload(Membership.plan_changes), selectinload(Membership.pauses))
    ))
    plan_ids = {m.plan_id for m in memberships} | {c.plan_id for m in memberships for c in m.plan_changes}
    plans = {plan.id: plan for plan in db.session.scalars(sa.select(Plan).where(Plan.id.in_(plan_ids)))}
    return {m.id: Timeline(m, plans, m.plan_changes, m.pauses) for m in memberships}
