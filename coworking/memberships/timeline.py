"""A membership day by day: which plan, whether paused, which concession, and from that the
fee and the allowance of a period. Pure: built from rows already loaded, it runs no query, so
billing 2,000 memberships costs the same few queries as billing one.

A day is *active* when it lies between the membership's start and end (both counted) and no
pause covers it. Only active days cost a fee, earn allowance, or are covered by the plan.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from coworking.memberships.models import Concession, Membership, MembershipPause, MembershipPlanChange, Plan
from coworking.memberships.periods import Period
from coworking.memberships.proration import percent_of, share_of_month


@dataclass(frozen=True)
class FeePart:
    """A run of consecutive active days in one period with the same plan, price and concession."""

    plan: Plan
    first: date
    last: date
    amount: int  # the plan's price for these days, before any concession
    discount: int  # what the concession takes off it (0 without one); never more than amount
    concession: Concession | None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


class Timeline:
    def __init__(
        self,
        membership: Membership,
        plans: Mapping[int, Plan],
        changes: Iterable[MembershipPlanChange] = (),
        pauses: Iterable[MembershipPause] = (),
        concessions: Iterable[Concession] = (),
    ):
        self.membership = membership
        self.plans = plans
        self.changes = sorted(((c.effective_on, c.plan_id) for c in changes), key=lambda change: change[0])
        self.pauses = [(p.starts_on, p.ends_on) for p in pauses]
        self.concessions = sorted(concessions, key=lambda c: c.starts_on)

    # --- one day ----------------------------------------------------------------------------

    def plan_id_on(self, day: date) -> int:
        plan_id = self.membership.plan_id
        for effective_on, changed_to in self.changes:
            if effective_on <= day:
                plan_id = changed_to
        return plan_id

    def plan_on(self, day: date) -> Plan:
        return self.plans[self.plan_id_on(day)]

    def longest_carry_over(self) -> int:
        """The most months any of its plans lets allowance carry over."""
        plan_ids = {self.membership.plan_id} | {plan_id for _, plan_id in self.changes}
        return max(self.plans[plan_id].carry_over_months for plan_id in plan_ids)

    def is_paused_on(self, day: date) -> bool:
        return any(starts_on <= day <= ends_on for starts_on, ends_on in self.pauses)

    def is_active_on(self, day: date) -> bool:
        return self.membership.covers_date(day) and not self.is_paused_on(day)

    def concession_on(self, day: date) -> Concession | None:
        return next((c for c in self.concessions if c.covers_date(day)), None)

    def covers(self, day: date, space_kind: str) -> bool:
        """The membership is active that day and its plan then covers this kind of space."""
        return self.is_active_on(day) and self.plan_on(day).covers(space_kind)

    # --- a period ---------------------------------------------------------------------------

    def active_days(self, period: Period) -> list[date]:
        first = max(period.first_day, self.membership.starts_on)
        last = period.last_day if self.membership.ends_on is None else min(period.last_day, self.membership.ends_on)
        days, day = [], first
        while day <= last:
            if not self.is_paused_on(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def runs(self, period: Period, key) -> list[tuple[date, date, object]]:
        """Maximal runs of consecutive active days with the same ``key(day)``: (first, last, key)."""
        runs: list[list] = []
        for day in self.active_days(period):
            value = key(day)
            if runs and runs[-1][2] == value and runs[-1][1] + timedelta(days=1) == day:
                runs[-1][1] = day
            else:
                runs.append([day, day, value])
        return [tuple(run) for run in runs]

    def grant(self, period: Period, resource: str) -> int:
        """The limited allowance earned in the period: each plan's monthly allowance prorated
        over its active days. Days on a plan with an unlimited allowance earn nothing here."""
        total = 0
        for first, last, plan_id in self.runs(period, self.plan_id_on):
            allowance = self.plans[plan_id].allowance(resource)
            if allowance:
                total += share_of_month(allowance, first, last, period.days)
        return total

    def carry_over_months(self, period: Period) -> int:
        """How long the period's unused allowance lasts: the plan of its last active day decides."""
        days = self.active_days(period)
        return self.plan_on(days[-1]).carry_over_months if days else 0

    def fee_parts(self, period: Period) -> list[FeePart]:
        """The period's fee, run by run; the parts of a month add up to its price (see proration)."""
        def terms(day: date):
            plan = self.plan_on(day)
            concession = self.concession_on(day)
            return plan.id, plan.price_on(day), concession.id if concession else None

        concessions = {c.id: c for c in self.concessions}
        parts = []
        for first, last, (plan_id, price, concession_id) in self.runs(period, terms):
            amount = share_of_month(price, first, last, period.days)
            concession = concessions.get(concession_id)
            parts.append(FeePart(self.plans[plan_id], first, last, amount, discount_for(concession, amount, first, last, period), concession))
        return parts


def discount_for(concession: Concession | None, amount: int, first: date, last: date, period: Period) -> int:
    """What a concession takes off ``amount`` (the fee for first..last): a percentage of it, or
    the difference to the fixed monthly price prorated the same way; never below 0 or above it."""
    if concession is None:
        return 0
    if concession.percent_bp is not None:
        return percent_of(amount, concession.percent_bp)
    fixed = share_of_month(concession.fixed_price_minor, first, last, period.days)
    return max(0, amount - fixed)
