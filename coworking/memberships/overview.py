"""A member's own view of their memberships ("My membership"): per hub, the current and coming
memberships with this month's allowance used and left (``usage.py``), the passes' balances, the
applications waiting, and an estimate of next month's fee; the memberships that have ended
below. Read-only.

The estimate is what ``billable.billable_items`` will bill for the membership's fee (prorated by
active days, the concession its own line, VAT per line at the plan's rate), worked out from the
same timeline; bookings beyond the allowance are billed besides it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coworking.accounts.models import User
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.memberships.allowances import pass_balances
from coworking.memberships.lifecycle import timeline_of
from coworking.memberships.models import (
    DESK_DAYS,
    ROOM_MINUTES,
    Application,
    ApplicationStatus,
    BookingCharge,
    Membership,
    MembershipPause,
    MembershipPlanChange,
    PassPurchase,
    Plan,
)
from coworking.memberships.periods import Period
from coworking.memberships.proration import percent_of
from coworking.memberships.queries import MembershipState, state_of
from coworking.memberships.timeline import FeePart, Timeline
from coworking.memberships.usage import AllowanceUse, allowance_use
from coworking.timezones import local_today

RESOURCE_LABELS = ((DESK_DAYS, "Desks"), (ROOM_MINUTES, "Rooms"))


# --- the estimate ---------------------------------------------------------------------------

@dataclass(frozen=True)
class EstimateLine:
    description: str
    amount_minor: int  # before VAT; negative for a concession
    vat_minor: int


@dataclass(frozen=True)
class Estimate:
    period: Period
    lines: list[EstimateLine]
    currency: str

    @property
    def net_minor(self) -> int:
        return sum(line.amount_minor for line in self.lines)

    @property
    def vat_minor(self) -> int:
        return sum(line.vat_minor for line in self.lines)

    @property
    def total_minor(self) -> int:
        return self.net_minor + self.vat_minor


def estimate_fee(timeline: Timeline, period: Period, currency: str) -> Estimate:
    """The membership's fee for ``period`` as billable_items will bill it: per plan, prorated by
    active days, with the concession's discount as its own line."""
    by_plan: dict[int, list[FeePart]] = defaultdict(list)
    for part in timeline.fee_parts(period):
        by_plan[part.plan.id].append(part)
    lines = []
    for parts in by_plan.values():
        plan, days = parts[0].plan, sum(part.days for part in parts)
        when = period.label() if days == period.days else f"{period.label()}, {days} of {period.days} days"
        fee = sum(part.amount for part in parts)
        if fee:
            lines.append(EstimateLine(f"{plan.name}, {when}", fee, percent_of(fee, plan.vat_rate_bp)))
        discount = sum(part.discount for part in parts)
        if discount:
            concession = next(part.concession for part in parts if part.concession is not None)
            lines.append(EstimateLine(concession.describe(), -discount, -percent_of(discount, plan.vat_rate_bp)))
    return Estimate(period, lines, currency)


def billable_bookings(member_id: int, hub_id: int, period: Period) -> int:
    """What the member's bookings in the hub cost beyond allowance and passes in the period."""
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(BookingCharge.billable_minor), 0)).where(
        BookingCharge.member_id == member_id, BookingCharge.hub_id == hub_id, BookingCharge.period == period.key)) or 0


# --- one membership, one hub, everything ----------------------------------------------------

@dataclass
class MembershipSummary:
    membership: Membership
    state: MembershipState
    plan: Plan  # the plan today (the first one, for a membership still to come)
    coming_changes: list[MembershipPlanChange]
    coming_pauses: list[MembershipPause]
    period: Period  # this month, in the hub's zone
    allowances: list[tuple[str, AllowanceUse]]  # ("Desks", use) for this month
    estimate: Estimate
    bookings_billable_minor: int  # this month's, so far

    @property
    def can_pause(self) -> bool:
        return self.plan.pauses_allowed and self.state is not MembershipState.ENDED

    @property
    def can_cancel(self) -> bool:
        return not self.membership.is_cancelled and self.state is not MembershipState.ENDED


def summarise(membership: Membership, today: date) -> MembershipSummary:
    timeline = timeline_of(membership)
    period = Period.of(today)
    allowances = [(label, use) for resource, label in RESOURCE_LABELS
                  if (use := allowance_use(membership, timeline, period, resource, today)) is not None]
    return MembershipSummary(
        membership=membership,
        state=state_of(membership, today),
        plan=timeline.plan_on(max(today, membership.starts_on)),
        coming_changes=[c for c in membership.plan_changes if c.effective_on > today],
        coming_pauses=[p for p in membership.pauses if p.ends_on >= today],
        period=period,
        allowances=allowances,
        estimate=estimate_fee(timeline, period.plus(1), membership.plan.currency),
        bookings_billable_minor=billable_bookings(membership.member_id, membership.hub_id, period),
    )


@dataclass
class HubSummary:
    hub: Hub
    today: date
    memberships: list[MembershipSummary] = field(default_factory=list)
    passes: list[tuple[PassPurchase, int]] = field(default_factory=list)  # (pass, desk days left)
    applications: list[Application] = field(default_factory=list)


@dataclass
class MemberOverview:
    hubs: list[HubSummary]
    past: list[Membership]


def own_memberships(member: User) -> list[Membership]:
    """The member's memberships, newest first, with what their timelines read loaded."""
    return list(db.session.scalars(
        sa.select(Membership).where(Membership.member_id == member.id)
        .options(selectinload(Membership.hub), selectinload(Membership.organisation),
                 selectinload(Membership.pauses), selectinload(Membership.concessions),
                 selectinload(Membership.plan).selectinload(Plan.prices),
                 selectinload(Membership.plan_changes).selectinload(MembershipPlanChange.plan).selectinload(Plan.prices))
        .order_by(Membership.starts_on.desc(), Membership.id.desc())
    ))


def pending_applications_of(member: User) -> list[Application]:
    return list(db.session.scalars(
        sa.select(Application).where(Application.member_id == member.id,
                                     Application.status == ApplicationStatus.PENDING.value)
        .options(selectinload(Application.hub), selectinload(Application.plan))
        .order_by(Application.created_at, Application.id)
    ))


def hubs_with_passes(member: User) -> list[Hub]:
    """Hubs where the member holds a pass that may still be valid (each hub's today decides,
    and no hub's today is more than a day from the server's)."""
    return list(db.session.scalars(
        sa.select(Hub).where(Hub.id.in_(
            sa.select(PassPurchase.hub_id).where(PassPurchase.member_id == member.id,
                                                 PassPurchase.valid_until >= date.today() - timedelta(days=1))))
        .order_by(Hub.name)
    ))


def member_overview(member: User) -> MemberOverview:
    """Everything "My membership" shows: hub by hub, then the memberships that have ended."""
    hubs: dict[int, HubSummary] = {}

    def hub_summary(hub: Hub) -> HubSummary:
        if hub.id not in hubs:
            hubs[hub.id] = HubSummary(hub, local_today(hub.timezone))
        return hubs[hub.id]

    past = []
    for membership in reversed(own_memberships(member)):  # oldest first within each hub
        summary = hub_summary(membership.hub)
        if membership.has_ended(summary.today):
            past.append(membership)
        else:
            summary.memberships.append(summarise(membership, summary.today))
    for application in pending_applications_of(member):
        hub_summary(application.hub).applications.append(application)
    for hub in hubs_with_passes(member):
        summary = hub_summary(hub)
        summary.passes = pass_balances(member, hub, summary.today)
    shown = [s for s in hubs.values() if s.memberships or s.passes or s.applications]
    return MemberOverview(sorted(shown, key=lambda s: s.hub.name), list(reversed(past)))
