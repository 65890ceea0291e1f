"""A month's allowance as the member reads it: what the month's bookings used, and what is left
for more bookings in that month. Read-only: one query per membership, month and resource.

The ledger counts per pool (a membership's month), and a booking draws on the oldest open pool
first: November's bookings use October's carry-over before November's own, and December's may
use what November left. Read pool by pool, "November" would then show December's bookings. So
the month is read from its bookings' side instead (the settlement serves bookings in order of
start, so later bookings never take anything from earlier ones):

- *included*: the month's own grant and adjustments;
- *carried in*: what the earlier pools still open in the month held after the bookings before it;
- *used*: what the month's own bookings drew, from any of those pools;
- *left*: included + carried in - used.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from coworking.extensions import db
from coworking.memberships.ledger import BOOKING_KINDS
from coworking.memberships.models import AllowanceEntry, BookingCharge, EntryKind, Membership
from coworking.memberships.periods import Period
from coworking.memberships.timeline import Timeline
from coworking.memberships.wording import KINDS_OF_RESOURCE, amount, number


@dataclass(frozen=True)
class AllowanceUse:
    """One resource of one membership in one month."""

    resource: str
    covered: bool  # the plan covers a kind of space that uses this resource
    unlimited: bool
    included: int = 0
    carried_in: int = 0
    used: int = 0

    @property
    def available(self) -> int:
        return self.included + self.carried_in

    @property
    def left(self) -> int:
        return max(self.available - self.used, 0)

    @property
    def text(self) -> str:
        """'6 of 10 room hours used, 4 left', 'Unlimited (3 desk days used so far)'."""
        if not self.covered:
            return "Not included in the plan"
        if self.unlimited:
            return f"Unlimited ({amount(self.used, self.resource)} used so far)"
        if not self.available:
            return "None included"
        used = f"{number(self.used, self.resource)} of {amount(self.available, self.resource)} used, " \
               f"{number(self.left, self.resource)} left"
        if self.carried_in:
            return f"{used} ({number(self.included, self.resource)} for the month, " \
                   f"{number(self.carried_in, self.resource)} carried over)"
        return used


def allowance_use(membership: Membership, timeline: Timeline, period: Period, resource: str,
                  today: date) -> AllowanceUse | None:
    """The month's allowance of ``resource``; None when the membership is not active that month."""
    days = timeline.active_days(period)
    if not days:
        return None
    covered = any(timeline.plan_on(day).covers(kind) for day in days for kind in KINDS_OF_RESOURCE[resource])
    if all(timeline.plan_on(day).allowance(resource) is None for day in days):
        return AllowanceUse(resource, covered, True, used=_covered_by_membership(membership, period, resource))
    pools = _usable_pools(membership, timeline, period, today)
    base: dict[Period, int] = defaultdict(int)
    granted: set[Period] = set()
    drawn_before = drawn_now = 0
    for pool_key, kind, quantity, booking_period in db.session.execute(
        sa.select(AllowanceEntry.period, AllowanceEntry.kind, AllowanceEntry.quantity, BookingCharge.period)
        .outerjoin(BookingCharge, BookingCharge.booking_id == AllowanceEntry.booking_id)
        .where(AllowanceEntry.membership_id == membership.id, AllowanceEntry.resource == resource,
               AllowanceEntry.period.in_([pool.key for pool in pools]))
    ):
        pool = Period.from_key(pool_key)
        if kind in BOOKING_KINDS:
            if booking_period is not None and booking_period < period.key:
                drawn_before -= quantity
            elif booking_period == period.key:
                drawn_now -= quantity
        else:  # grants, adjustments (and expiry, which an open pool never has)
            base[pool] += quantity
            if kind == EntryKind.GRANT.value:
                granted.add(pool)
    for pool in pools:  # a month not drawn on yet has no grant written: count it as it will be
        if pool not in granted:
            base[pool] += timeline.grant(pool, resource)
    carried_in = sum(base[pool] for pool in pools if pool != period) - drawn_before
    return AllowanceUse(resource, covered, False, base[period], max(carried_in, 0), drawn_now)


def _usable_pools(membership: Membership, timeline: Timeline, period: Period, today: date) -> list[Period]:
    """The months whose allowance a booking in ``period`` may draw on: earlier months whose
    carry-over reaches it and has not run out, and the month itself (ledger.membership_pools_for)."""
    pools = []
    for back in range(timeline.longest_carry_over(), 0, -1):
        source = period.plus(-back)
        carry = timeline.carry_over_months(source)
        if source >= Period.of(membership.starts_on) and carry >= back and Period.of(today) <= source.plus(carry):
            pools.append(source)
    return [*pools, period]


def _covered_by_membership(membership: Membership, period: Period, resource: str) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(BookingCharge.covered_by_membership), 0)).where(
        BookingCharge.membership_id == membership.id, BookingCharge.period == period.key,
        BookingCharge.resource == resource)) or 0
