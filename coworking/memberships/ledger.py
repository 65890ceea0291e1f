"""One member's allowance ledger in one hub, loaded in a fixed number of queries: memberships
(with their plans, plan changes and pauses), passes, the entries of their pools, and the
member's bookings from a period on with what each was charged.

A *pool* is what one membership grants for one period and resource,
``("membership", membership_id, "2026-11", "desk_days")``, or one pass sold, ``("pass", id)``.
Its balance is the sum of its entries. A membership pool is *open* while its allowance can
still be used (its period, plus the plan's carry-over months, has not passed); a pass while
it is valid. Closed pools are never drawn on again; what is left in them expires.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa

from coworking.accounts.models import User
from coworking.bookings.models import Booking
from coworking.extensions import db
from coworking.hubs.models import Hub, Space
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
from coworking.memberships.models.plans import MAX_CARRY_OVER_MONTHS
from coworking.memberships.periods import Period
from coworking.memberships.timeline import Timeline

BOOKING_KINDS = (EntryKind.CONSUMPTION.value, EntryKind.REVERSAL.value)


@dataclass(frozen=True)
class BookingFacts:
    """What the settlement needs of a booking (read as plain columns, not ORM objects)."""

    id: int
    confirmed: bool
    space_kind: str
    starts_at: datetime
    ends_at: datetime
    price_minor: int
    currency: str


def membership_pool(membership_id: int, period: Period, resource: str) -> tuple:
    return ("membership", membership_id, period.key, resource)


def pass_pool(pass_id: int) -> tuple:
    return ("pass", pass_id)


class MemberLedger:
    def __init__(self, hub: Hub, member_id: int, scope: Period, today: date):
        self.hub = hub
        self.member_id = member_id
        self.scope = scope
        self.today = today
        self.today_period = Period.of(today)
        self.memberships: list[Membership] = []
        self.timelines: dict[int, Timeline] = {}
        self.passes: list[PassPurchase] = []
        self.entries: list[AllowanceEntry] = []
        self.bookings: list[BookingFacts] = []
        self.charges: dict[int, BookingCharge] = {}
        self._carry_over: dict[tuple[int, Period], int] = {}

    @classmethod
    def load(cls, hub: Hub, member_id: int, scope: Period, today: date) -> MemberLedger:
        ledger = cls(hub, member_id, scope, today)
        lock_member(member_id)
        ledger._load_memberships()
        ledger._load_passes()
        if ledger.memberships or ledger.passes:
            ledger._load_entries()
        ledger._load_bookings()
        return ledger

    @property
    def lookback(self) -> Period:
        """The oldest period whose allowance the scope's bookings could still draw on."""
        return self.scope.plus(-MAX_CARRY_OVER_MONTHS)

    def _load_memberships(self) -> None:
        """Memberships with their plans (one query), then their plan changes and pauses (one)."""
        rows = db.session.execute(
            sa.select(Membership, Plan)
            .join(Plan, Membership.plan_id == Plan.id)
            .where(
                Membership.member_id == self.member_id,
                Membership.hub_id == self.hub.id,
                sa.or_(Membership.ends_on.is_(None), Membership.ends_on >= self.lookback.first_day),
            )
            .order_by(Membership.starts_on)
        ).all()
        if not rows:
            return
        self.memberships = [membership for membership, _ in rows]
        plans = {plan.id: plan for _, plan in rows}
        changes, pauses = schedules([m.id for m in self.memberships])
        missing = {change.plan_id for listed in changes.values() for change in listed} - set(plans)
        if missing:
            plans |= {plan.id: plan for plan in db.session.scalars(sa.select(Plan).where(Plan.id.in_(missing)))}
        self.timelines = {m.id: Timeline(m, plans, changes[m.id], pauses[m.id]) for m in self.memberships}

    def _load_passes(self) -> None:
        self.passes = list(db.session.scalars(
            sa.select(PassPurchase)
            .where(
                PassPurchase.member_id == self.member_id,
                PassPurchase.hub_id == self.hub.id,
                PassPurchase.valid_until >= self.scope.first_day,
            )
            .order_by(PassPurchase.valid_until, PassPurchase.id)
        ))

    def _load_entries(self) -> None:
        membership_ids = [m.id for m in self.memberships]
        pass_ids = [p.id for p in self.passes]
        self.entries = list(db.session.scalars(
            sa.select(AllowanceEntry)
            .where(sa.or_(
                sa.and_(AllowanceEntry.membership_id.in_(membership_ids), AllowanceEntry.period >= self.lookback.key),
                AllowanceEntry.pass_purchase_id.in_(pass_ids),
            ))
            .order_by(AllowanceEntry.id)
        ))

    def _load_bookings(self) -> None:
        scope_starts_at, _ = self.scope.utc_bounds(self.hub.timezone)
        rows = db.session.execute(
            sa.select(
                Booking.id, Booking.status, Space.kind, Booking.starts_at, Booking.ends_at,
                Booking.price_minor, Booking.currency, BookingCharge,
            )
            .join(Space, Booking.space_id == Space.id)
            .outerjoin(BookingCharge, BookingCharge.booking_id == Booking.id)
            .where(
                Booking.member_id == self.member_id,
                Space.hub_id == self.hub.id,
                Booking.purpose == "booking",
                Booking.starts_at >= scope_starts_at,
            )
            .order_by(Booking.starts_at, Booking.id)
        )
        for booking_id, status, kind, starts_at, ends_at, price, currency, charge in rows:
            self.bookings.append(BookingFacts(booking_id, status == "confirmed", kind, starts_at, ends_at, price, currency))
            if charge is not None:
                self.charges[booking_id] = charge

    # --- pools ------------------------------------------------------------------------------

    def membership_on(self, day: date) -> Membership | None:
        """The membership covering the day (pauses aside); at most one, as they never overlap."""
        return next((m for m in self.memberships if m.covers_date(day)), None)

    def carry_over(self, membership_id: int, period: Period) -> int:
        key = (membership_id, period)
        if key not in self._carry_over:
            self._carry_over[key] = self.timelines[membership_id].carry_over_months(period)
        return self._carry_over[key]

    def is_open(self, pool: tuple) -> bool:
        if pool[0] == "pass":
            return self.pass_by_id(pool[1]).valid_until >= self.today
        _, membership_id, period_key, _ = pool
        period = Period.from_key(period_key)
        return self.today_period <= period.plus(self.carry_over(membership_id, period))

    def pass_by_id(self, pass_id: int) -> PassPurchase:
        return next(p for p in self.passes if p.id == pass_id)

    def membership_pools_for(self, membership: Membership, period: Period, resource: str) -> list[tuple]:
        """Open pools a day in ``period`` may draw on, oldest first: earlier periods whose
        carry-over reaches this one, then the period's own."""
        pools = []
        for back in range(self.timelines[membership.id].longest_carry_over(), -1, -1):
            source = period.plus(-back)
            if source < Period.of(membership.starts_on):
                continue
            if back and self.carry_over(membership.id, source) < back:
                continue
            pool = membership_pool(membership.id, source, resource)
            if self.is_open(pool):
                pools.append(pool)
        return pools

    def pass_pools_for(self, day: date) -> list[tuple]:
        return [pass_pool(p.id) for p in self.passes if p.is_valid_on(day) and p.valid_until >= self.today]

    def balances(self) -> dict[Hashable, int]:
        totals: dict[Hashable, int] = defaultdict(int)
        for entry in self.entries:
            totals[entry.pool] += entry.quantity
        return totals

    def granted(self) -> dict[Hashable, int]:
        totals: dict[Hashable, int] = defaultdict(int)
        for entry in self.entries:
            if entry.kind == EntryKind.GRANT.value:
                totals[entry.pool] += entry.quantity
        return totals

    def draws_by_booking(self) -> dict[int, dict[Hashable, int]]:
        """Units each booking currently holds from each pool (its consumptions less reversals)."""
        draws: dict[int, dict[Hashable, int]] = defaultdict(lambda: defaultdict(int))
        for entry in self.entries:
            if entry.booking_id is not None and entry.kind in BOOKING_KINDS:
                draws[entry.booking_id][entry.pool] -= entry.quantity
        return draws

    def add_entry(self, pool: tuple, kind: EntryKind, quantity: int, *, period: Period | None = None,
                  resource: str | None = None, booking_id: int | None = None, reason: str = "",
                  by: User | None = None) -> AllowanceEntry:
        entry = AllowanceEntry(hub_id=self.hub.id, kind=kind.value, quantity=quantity, booking_id=booking_id,
                               reason=reason, by_id=by.id if by is not None else None)
        if pool[0] == "membership":
            entry.membership_id, entry.period, entry.resource = pool[1], pool[2], pool[3]
        else:
            entry.pass_purchase_id, entry.period, entry.resource = pool[1], period.key, resource
        db.session.add(entry)
        self.entries.append(entry)
        return entry


class Change(NamedTuple):
    plan_id: int
    effective_on: date


class Pause(NamedTuple):
    starts_on: date
    ends_on: date


def schedules(membership_ids: list[int]) -> tuple[dict[int, list[Change]], dict[int, list[Pause]]]:
    """The plan changes and pauses of these memberships, in one query."""
    changes = sa.select(
        MembershipPlanChange.membership_id, MembershipPlanChange.plan_id, MembershipPlanChange.effective_on.label("starts_on"),
        sa.cast(sa.null(), sa.Date).label("ends_on"),
    ).where(MembershipPlanChange.membership_id.in_(membership_ids))
    pauses = sa.select(
        MembershipPause.membership_id, sa.cast(sa.null(), sa.Integer), MembershipPause.starts_on, MembershipPause.ends_on,
    ).where(MembershipPause.membership_id.in_(membership_ids))
    by_change: dict[int, list[Change]] = defaultdict(list)
    by_pause: dict[int, list[Pause]] = defaultdict(list)
    for membership_id, plan_id, starts_on, ends_on in db.session.execute(sa.union_all(changes, pauses)):
        if ends_on is None:
            by_change[membership_id].append(Change(plan_id, starts_on))
        else:
            by_pause[membership_id].append(Pause(starts_on, ends_on))
    return by_change, by_pause


def lock_member(member_id: int) -> None:
    """Serialise settlements of one member (PostgreSQL: a row lock held to the commit), so two
    bookings made at once cannot both spend the same allowance. FOR NO KEY UPDATE, so rows that
    merely refer to the member (a login session, a booking) are not held up. SQLite's writes
    are serialised already by its write lock."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(User.id).where(User.id == member_id).with_for_update(key_share=True))


def lock_free_members(member_ids) -> set[int]:
    """Hold those of the members no one else holds (PostgreSQL: SKIP LOCKED) and return them: a
    hub-wide task (the allowance expiry) leaves a member whose settlement is under way to that
    settlement, instead of waiting for it, or deadlocking with a transaction that holds several.
    SQLite's write lock holds them all already."""
    member_ids = set(member_ids)
    if not member_ids or db.session.get_bind().dialect.name != "postgresql":
        return member_ids
    return set(db.session.scalars(sa.select(User.id).where(User.id.in_(sorted(member_ids)))
                                  .order_by(User.id).with_for_update(key_share=True, skip_locked=True)))
