"""Billable items: everything a hub bills for one period, for the invoicing run to turn into
invoice lines. Read-only, and a fixed number of queries however many members the hub has.

Items, each with its billed party (the member, or the organisation that holds the membership),
amount in minor units before VAT, VAT rate and a stable ``source_key``:

- ``membership:41:2026-11``: the period's fee, prorated by active days (pauses and days
  outside the membership cost nothing); a second plan in the same period (a change at once)
  is its own item, ``membership:41:2026-11:plan:7``;
- ``concession:41:2026-11``: the concession's discount, negative, beside the fee it reduces
  (applied before VAT, at the fee's rate, so the full price stays visible);
- ``booking:9120``: the billable part of a booking in the period (it starts in it): overage
  beyond the allowance, or the whole stored price when pay-as-you-go. A booking that was never
  settled (made before memberships existed) counts as pay-as-you-go;
- ``pass:77``: a pass sold in the period.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from coworking.accounts.models import User
from coworking.bookings.models import Booking
from coworking.extensions import db
from coworking.hubs.models import Hub, Space
from coworking.memberships.models import (
    BookingCharge,
    Concession,
    Membership,
    MembershipPause,
    MembershipPlanChange,
    Organisation,
    PassProduct,
    PassPurchase,
    Plan,
)
from coworking.memberships.periods import Period
from coworking.memberships.timeline import FeePart, Timeline
from coworking.money import format_money
from coworking.timezones import utc_to_local

UNITS = {"desk_days": "desk days", "room_minutes": "minutes"}


@dataclass(frozen=True)
class BilledParty:
    kind: str  # "member" or "organisation"
    id: int
    name: str
    email: str


@dataclass(frozen=True)
class BillableItem:
    billed_party: BilledParty
    description: str
    quantity: int
    unit_amount_minor: int
    amount_minor: int  # before VAT; negative for a concession
    vat_rate_bp: int
    currency: str
    source_key: str
    member_id: int
    funded_by_community_fund: bool = False


def booking_vat_rate(hub: Hub) -> int:
    """Bookings carry VAT only where the hub is registered for it (it has a VAT number)."""
    return current_app.config.get("BOOKING_VAT_RATE_BP", 2000) if hub.vat_number else 0


def billable_items(hub: Hub, period: Period) -> list[BillableItem]:
    """Every billable item of every member and organisation of the hub for the period."""
    reader = _PeriodReader(hub, period)
    return [*reader.membership_items(), *reader.booking_items(), *reader.pass_items()]


def billable_items_in_batches(hub: Hub, period: Period, members_per_batch: int = 200) -> Iterator[list[BillableItem]]:
    """The same items as ``billable_items``, a batch of members at a time (ordered by member id),
    so a run over thousands of members never holds them all. Each item is in exactly one batch:
    the batch of the member it is for (``item.member_id``)."""
    after = 0
    ids = _billed_member_ids(hub, period)
    while True:
        member_ids = list(db.session.scalars(
            sa.select(ids.c.member_id).where(ids.c.member_id > after)
            .order_by(ids.c.member_id).limit(members_per_batch)))
        if not member_ids:
            return
        reader = _PeriodReader(hub, period, member_ids)
        yield [*reader.membership_items(), *reader.booking_items(), *reader.pass_items()]
        after = member_ids[-1]


def count_billed_members(hub: Hub, period: Period) -> int:
    """How many members have something that may be billed in the period (a run's progress total)."""
    ids = _billed_member_ids(hub, period)
    return db.session.scalar(sa.select(sa.func.count(sa.distinct(ids.c.member_id))))


def _billed_member_ids(hub: Hub, period: Period):
    """The ids of the members with a membership, a booking or a pass in the period (a subquery)."""
    starts_at, ends_at = period.utc_bounds(hub.timezone)
    memberships = sa.select(Membership.member_id.label("member_id")).where(
        Membership.hub_id == hub.id, Membership.starts_on <= period.last_day,
        sa.or_(Membership.ends_on.is_(None), Membership.ends_on >= period.first_day))
    bookings = sa.select(Booking.member_id).join(Space, Booking.space_id == Space.id).where(
        Space.hub_id == hub.id, Booking.status == "confirmed", Booking.purpose == "booking",
        Booking.starts_at >= starts_at, Booking.starts_at < ends_at)
    passes = sa.select(PassPurchase.member_id).where(
        PassPurchase.hub_id == hub.id, PassPurchase.sold_at >= starts_at, PassPurchase.sold_at < ends_at)
    return sa.union(memberships, bookings, passes).subquery("billed_members")


class _PeriodReader:
    def __init__(self, hub: Hub, period: Period, member_ids: list[int] | None = None):
        self.hub, self.period = hub, period
        self.organisations = {o.id: o for o in db.session.scalars(sa.select(Organisation).where(Organisation.hub_id == hub.id))}
        self.members: dict[int, BilledParty] = {}
        self.member_ids = member_ids

    def _of_members(self, column):
        """No condition when reading the whole hub; else only the batch's members."""
        return sa.true() if self.member_ids is None else column.in_(self.member_ids)

    def party(self, member_id: int, organisation_id: int | None) -> BilledParty:
        if organisation_id is not None and organisation_id in self.organisations:
            organisation = self.organisations[organisation_id]
            return BilledParty("organisation", organisation.id, organisation.name, organisation.billing_email)
        return self.members[member_id]

    def _remember(self, member_id: int, name: str, email: str) -> None:
        if member_id not in self.members:
            self.members[member_id] = BilledParty("member", member_id, name, email)

    # --- fees and concessions ---------------------------------------------------------------

    def _memberships_query(self):
        return sa.select(Membership.id).where(
            Membership.hub_id == self.hub.id, self._of_members(Membership.member_id),
            Membership.starts_on <= self.period.last_day,
            sa.or_(Membership.ends_on.is_(None), Membership.ends_on >= self.period.first_day))

    def _by_membership(self, model, *conditions) -> dict[int, list]:
        rows: dict[int, list] = defaultdict(list)
        query = sa.select(model).where(model.membership_id.in_(self._memberships_query()), *conditions)
        for row in db.session.scalars(query):
            rows[row.membership_id].append(row)
        return rows

    def membership_items(self):
        first, last = self.period.first_day, self.period.last_day
        memberships = db.session.execute(
            sa.select(Membership, User.name, User.email).join(User, Membership.member_id == User.id)
            .where(Membership.id.in_(self._memberships_query())).order_by(Membership.id)
        ).all()
        plans = {p.id: p for p in db.session.scalars(
            sa.select(Plan).where(Plan.hub_id == self.hub.id).options(selectinload(Plan.prices)))}
        changes = self._by_membership(MembershipPlanChange, MembershipPlanChange.effective_on <= last)
        pauses = self._by_membership(MembershipPause, MembershipPause.starts_on <= last, MembershipPause.ends_on >= first)
        concessions = self._by_membership(Concession, Concession.starts_on <= last,
                                          sa.or_(Concession.ends_on.is_(None), Concession.ends_on >= first))
        for membership, name, email in memberships:
            self._remember(membership.member_id, name, email)
            timeline = Timeline(membership, plans, changes[membership.id], pauses[membership.id], concessions[membership.id])
            yield from self._fee_items(membership, timeline.fee_parts(self.period))

    def _fee_items(self, membership: Membership, parts: list[FeePart]):
        by_plan: dict[int, list[FeePart]] = {}
        for part in parts:
            by_plan.setdefault(part.plan.id, []).append(part)
        party = self.party(membership.member_id, membership.organisation_id)
        for index, (plan_id, plan_parts) in enumerate(by_plan.items()):
            plan = plan_parts[0].plan
            suffix = "" if index == 0 else f":plan:{plan_id}"
            amount = sum(part.amount for part in plan_parts)
            days = sum(part.days for part in plan_parts)
            when = self.period.label() if days == self.period.days else f"{_runs(plan_parts)} {self.period.label()}, prorated"
            if amount:
                yield BillableItem(party, f"{plan.name} membership, {when}", 1, amount, amount, plan.vat_rate_bp,
                                   plan.currency, f"membership:{membership.id}:{self.period}{suffix}", membership.member_id)
            discount = sum(part.discount for part in plan_parts)
            if discount:
                concession = next(part.concession for part in plan_parts if part.concession is not None)
                yield BillableItem(party, f"{_describe(concession, plan)}, {when}", 1, -discount, -discount,
                                   plan.vat_rate_bp, plan.currency, f"concession:{membership.id}:{self.period}{suffix}",
                                   membership.member_id, concession.funded_by_community_fund)

    # --- bookings ---------------------------------------------------------------------------

    def booking_items(self):
        starts_at, ends_at = self.period.utc_bounds(self.hub.timezone)
        rows = db.session.execute(
            sa.select(Booking.id, Booking.member_id, Booking.starts_at, Booking.ends_at, Booking.price_minor,
                      Booking.currency, Space.name, User.name, User.email, BookingCharge.billable_minor,
                      BookingCharge.quantity, BookingCharge.covered_by_membership, BookingCharge.covered_by_passes,
                      BookingCharge.resource, BookingCharge.membership_id, Membership.organisation_id)
            .join(Space, Booking.space_id == Space.id)
            .join(User, Booking.member_id == User.id)
            .outerjoin(BookingCharge, BookingCharge.booking_id == Booking.id)
            .outerjoin(Membership, Membership.id == BookingCharge.membership_id)
            .where(Space.hub_id == self.hub.id, self._of_members(Booking.member_id),
                   Booking.status == "confirmed", Booking.purpose == "booking",
                   Booking.starts_at >= starts_at, Booking.starts_at < ends_at)
            .order_by(Booking.starts_at, Booking.id)
        )
        vat_rate = booking_vat_rate(self.hub)
        for (booking_id, member_id, booked_from, booked_until, price, currency, space_name, name, email, billable,
             quantity, by_membership, by_passes, resource, membership_id, organisation_id) in rows:
            amount = price if billable is None else billable
            if not amount:
                continue
            self._remember(member_id, name, email)
            yield BillableItem(self.party(member_id, organisation_id),
                               f"{_what(billable, quantity, by_membership, by_passes, resource, membership_id)}: "
                               f"{space_name}, {self._when(booked_from, booked_until)}", 1, amount, amount,
                               vat_rate, currency, f"booking:{booking_id}", member_id)

    def _when(self, starts_at, ends_at) -> str:
        start, end = utc_to_local(starts_at, self.hub.timezone), utc_to_local(ends_at, self.hub.timezone)
        return f"{start:%a %d %b %Y} {start:%H:%M}–{end:%H:%M}"

    # --- passes -----------------------------------------------------------------------------

    def pass_items(self):
        starts_at, ends_at = self.period.utc_bounds(self.hub.timezone)
        rows = db.session.execute(
            sa.select(PassPurchase, PassProduct.name, User.name, User.email)
            .join(PassProduct, PassPurchase.product_id == PassProduct.id)
            .join(User, PassPurchase.member_id == User.id)
            .where(PassPurchase.hub_id == self.hub.id, self._of_members(PassPurchase.member_id),
                   PassPurchase.sold_at >= starts_at, PassPurchase.sold_at < ends_at)
            .order_by(PassPurchase.sold_at, PassPurchase.id)
        )
        for purchase, product_name, name, email in rows:
            self._remember(purchase.member_id, name, email)
            description = (f"{product_name}: {purchase.desk_days} desk day(s), valid "
                           f"{purchase.valid_from:%d %b %Y}–{purchase.valid_until:%d %b %Y}")
            yield BillableItem(self.party(purchase.member_id, purchase.organisation_id), description, 1,
                               purchase.price_minor, purchase.price_minor, purchase.vat_rate_bp, purchase.currency,
                               f"pass:{purchase.id}", purchase.member_id)


def _what(billable, quantity, by_membership, by_passes, resource, membership_id) -> str:
    covered = (by_membership or 0) + (by_passes or 0)
    if covered:
        return f"Overage ({covered} of {quantity} {UNITS[resource]} covered)"
    if billable is not None and membership_id is not None:
        return "Not covered by the membership's allowance"
    return "Pay as you go"


def _runs(parts: list[FeePart]) -> str:
    return ", ".join(f"{p.first.day}" if p.first == p.last else f"{p.first.day}–{p.last.day}" for p in parts)


def _describe(concession: Concession, plan: Plan) -> str:
    if concession.percent_bp is not None:
        return f"Concession ({concession.reason}): {concession.percent_bp / 100:g}% off {plan.name}"
    fixed = format_money(concession.fixed_price_minor, concession.currency)
    return f"Concession ({concession.reason}): {plan.name} at {fixed} a month"
