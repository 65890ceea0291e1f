"""A membership's life after approval: plan changes, pauses, cancellation with notice,
concessions and the organisation billed. Each writes a MembershipEvent and re-settles the
member's allowance where the membership's days changed. Functions flush, never commit."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from coworking.accounts.models import User
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.memberships.errors import MembershipError
from coworking.memberships.history import record_event, require_manager, require_member_or_manager
from coworking.memberships.models import (
    Concession,
    Membership,
    MembershipPause,
    MembershipPlanChange,
    Organisation,
    Plan,
)
from coworking.memberships.periods import Period
from coworking.memberships.plans import check_price
from coworking.memberships.settlement import settle_member
from coworking.memberships.timeline import Timeline
from coworking.timezones import local_today
from coworking.types import utcnow


def _today(membership: Membership, today: date | None) -> date:
    return today or local_today(membership.hub.timezone)


def timeline_of(membership: Membership) -> Timeline:
    plans = {membership.plan_id: membership.plan} | {c.plan_id: c.plan for c in membership.plan_changes}
    return Timeline(membership, plans, membership.plan_changes, membership.pauses, membership.concessions)


def _refuse_ended(membership: Membership, today: date) -> None:
    if membership.has_ended(today):
        raise MembershipError("This membership has ended.", status=409)


def _resettle(membership: Membership, from_period: Period, today: date) -> None:
    db.session.flush()
    db.session.expire(membership, ["plan", "plan_changes", "pauses"])
    settle_member(membership.hub, membership.member_id, from_period, today=today, regrant_from=from_period)


# --- plan changes ---------------------------------------------------------------------------

def change_plan(membership: Membership, plan: Plan, *, by: User, today: date | None = None, at_once: bool = False,
                effective_on: date | None = None, reason: str = "") -> MembershipPlanChange | None:
    """Move the membership to ``plan`` from the next period (the default), or today with the
    fee and allowance prorated (``at_once``: members only where the hub allows it, see
    ``Hub.members_may_change_plan_at_once``). A manager may choose another date. Returns the
    change, or None when the membership had not started yet and simply starts on the new plan."""
    is_manager = require_member_or_manager(by, membership, "change its plan")
    today = _today(membership, today)
    _refuse_ended(membership, today)
    if plan.hub_id != membership.hub_id:
        raise MembershipError("That plan is not offered at this hub.", "plan")
    if plan.is_archived:
        raise MembershipError("That plan is no longer offered.", "plan", status=409)
    if not plan.public and not is_manager:
        raise MembershipError("That plan is offered by the hub's managers only.", "plan", status=403)
    if effective_on is not None and not is_manager:
        raise MembershipError("Only the hub's managers can choose the date of a plan change.", "effective_on", status=403)
    if effective_on is None:
        effective_on = today if at_once else Period.of(today).plus(1).first_day
    if effective_on < today:
        raise MembershipError("A plan change applies from today or a later date.", "effective_on")
    effective_on = max(effective_on, membership.starts_on)
    if membership.ends_on is not None and effective_on > membership.ends_on:
        raise MembershipError("The membership ends before then.", "effective_on", status=409)
    timeline = timeline_of(membership)
    before = timeline.plan_on(effective_on)
    if before.id == plan.id:
        raise MembershipError(f"The membership is on {plan.name} then already.", "plan", status=409)
    if at_once and not is_manager and not membership.hub.members_may_change_plan_at_once:
        raise MembershipError("At this hub a new plan starts with the next month: ask the managers if you need it sooner.",
                              "at_once")
    for superseded in [c for c in membership.plan_changes if c.effective_on >= effective_on]:
        record_event(membership, "plan_change_withdrawn",
                     f"Change to {superseded.plan.name} from {superseded.effective_on:%d %B %Y} replaced.", by=by)
        membership.plan_changes.remove(superseded)
    change = None
    if effective_on == membership.starts_on:
        membership.plan_id = plan.id
    else:
        change = MembershipPlanChange(plan_id=plan.id, effective_on=effective_on, created_by_id=by.id)
        membership.plan_changes.append(change)
    how = "at once, prorated" if effective_on.day != 1 else "from the start of the month"
    record_event(membership, "plan_changed", f"Plan {before.name} → {plan.name} from {effective_on:%d %B %Y} ({how}).",
                 by=by, reason=reason)
    _resettle(membership, Period.of(effective_on), today)
    return change


# --- pauses ---------------------------------------------------------------------------------

def pause_membership(membership: Membership, *, by: User, first_period: Period, months: int,
                     today: date | None = None, reason: str = "") -> MembershipPause:
    """Pause for ``months`` whole months from ``first_period`` (a month still to come): no fee,
    no allowance, bookings pay-as-you-go. Only where the plan allows it, and no longer."""
    require_member_or_manager(by, membership, "pause it")
    today = _today(membership, today)
    _refuse_ended(membership, today)
    plan = timeline_of(membership).plan_on(max(first_period.first_day, membership.starts_on))
    if not plan.pauses_allowed:
        raise MembershipError(f"The {plan.name} plan does not allow pauses.", "months")
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise MembershipError("A pause lasts one month or more.", "months")
    if months > plan.max_pause_months:  # checked again below with the pauses next to it
        raise MembershipError(f"A pause on the {plan.name} plan lasts at most {plan.max_pause_months} months.", "months")
    if first_period <= Period.of(today):
        raise MembershipError("A pause starts at the beginning of a month still to come.", "first_period")
    starts_on, ends_on = first_period.first_day, first_period.plus(months - 1).last_day
    if starts_on < membership.starts_on:
        raise MembershipError("A pause cannot start before the membership does.", "first_period")
    if membership.ends_on is not None and ends_on > membership.ends_on:
        raise MembershipError("The membership ends before the pause would.", "months", status=409)
    if any(p.starts_on <= ends_on and starts_on <= p.ends_on for p in membership.pauses):
        raise MembershipError("The membership is paused in some of those months already.", "first_period", status=409)
    run = months + _adjacent_paused_months(membership, starts_on, ends_on)
    if run > plan.max_pause_months:
        raise MembershipError(f"A pause on the {plan.name} plan lasts at most {plan.max_pause_months} months"
                              + (" in a row." if run > months else "."), "months")
    pause = MembershipPause(starts_on=starts_on, ends_on=ends_on, reason=(reason or "").strip(), created_by_id=by.id)
    membership.pauses.append(pause)
    record_event(membership, "paused", f"Paused for {months} month(s): {first_period.label()} to "
                 f"{first_period.plus(months - 1).label()}.", by=by, reason=reason)
    _resettle(membership, first_period, today)
    return pause


def _adjacent_paused_months(membership: Membership, starts_on: date, ends_on: date) -> int:
    """Months of pauses that directly precede or follow this one (a longer pause in pieces)."""
    months = 0
    for pause in membership.pauses:
        if pause.ends_on + timedelta(days=1) == starts_on or ends_on + timedelta(days=1) == pause.starts_on:
            months += Period.of(pause.ends_on).months_after(Period.of(pause.starts_on)) + 1
    return months


# --- cancellation ---------------------------------------------------------------------------

def cancellation_end_date(membership: Membership, today: date) -> date:
    """The last day of a membership cancelled today: the notice runs from today, and the
    membership ends with the month in which it runs out (never before it starts)."""
    plan = timeline_of(membership).plan_on(max(today, membership.starts_on))
    notice_ends = max(today + timedelta(days=plan.notice_period_days), membership.starts_on)
    return notice_ends.replace(day=calendar.monthrange(notice_ends.year, notice_ends.month)[1])


def cancel_membership(membership: Membership, *, by: User, today: date | None = None, reason: str = "",
                      ends_on: date | None = None) -> Membership:
    """Cancel with the plan's notice (see cancellation_end_date). A manager may give another end
    date instead (back-dated by at most MEMBERSHIP_BACKDATE_DAYS). Cancelling twice is refused."""
    is_manager = require_member_or_manager(by, membership, "cancel it")
    today = _today(membership, today)
    if membership.is_cancelled:
        raise MembershipError("This membership is cancelled already.", status=409)
    _refuse_ended(membership, today)
    if ends_on is None:
        ends_on = cancellation_end_date(membership, today)
    elif not is_manager:
        raise MembershipError("Only the hub's managers can choose the end date.", "ends_on", status=403)
    else:
        backdate_days = current_app.config.get("MEMBERSHIP_BACKDATE_DAYS", 31)
        if ends_on < membership.starts_on or ends_on < today - timedelta(days=backdate_days):
            raise MembershipError("That end date is before the membership starts, or too far back.", "ends_on")
    membership.ends_on = ends_on
    membership.cancelled_at, membership.cancelled_by_id = utcnow(), by.id
    membership.cancel_reason = (reason or "").strip()
    _drop_what_follows_the_end(membership, ends_on, by)
    record_event(membership, "cancelled", f"Cancelled: the membership ends on {ends_on:%d %B %Y}.", by=by, reason=reason)
    _resettle(membership, Period.of(ends_on), today)
    return membership


def _drop_what_follows_the_end(membership: Membership, ends_on: date, by: User) -> None:
    for change in [c for c in membership.plan_changes if c.effective_on > ends_on]:
        record_event(membership, "plan_change_withdrawn",
                     f"Change to {change.plan.name} from {change.effective_on:%d %B %Y} withdrawn: the membership ends first.", by=by)
        membership.plan_changes.remove(change)
    for pause in list(membership.pauses):
        if pause.starts_on > ends_on:
            membership.pauses.remove(pause)
        elif pause.ends_on > ends_on:
            pause.ends_on = ends_on


# --- concessions ----------------------------------------------------------------------------

def add_concession(membership: Membership, *, by: User, reason: str, percent_bp: int | None = None,
                   fixed_price_minor: int | None = None, review_on: date | None = None,
                   funded_by_community_fund: bool = False, starts_on: date | None = None,
                   ends_on: date | None = None, today: date | None = None) -> Concession:
    """A discount of ``percent_bp`` (0..10000) or a fixed monthly price, applied before VAT."""
    require_manager(by, membership.hub, "grant concessions")
    today = _today(membership, today)
    if (percent_bp is None) == (fixed_price_minor is None):
        raise MembershipError("Give either a percentage or a fixed monthly price.", "percent_bp")
    if percent_bp is not None and (isinstance(percent_bp, bool) or not isinstance(percent_bp, int) or not 0 <= percent_bp <= 10_000):
        raise MembershipError("A concession is between 0 and 100%.", "percent_bp")
    if fixed_price_minor is not None:
        check_price(fixed_price_minor, "fixed_price_minor")
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise MembershipError("Say why (bursary, unemployed, student...), in at most 200 characters.", "reason")
    starts_on = starts_on or max(today, membership.starts_on)
    if starts_on < membership.starts_on:
        raise MembershipError("A concession cannot start before the membership.", "starts_on")
    if ends_on is not None and ends_on < starts_on:
        raise MembershipError("A concession ends after it starts.", "ends_on")
    far = date.max
    if any(c.starts_on <= (ends_on or far) and starts_on <= (c.ends_on or far) for c in membership.concessions):
        raise MembershipError("The membership has a concession at that time already.", "starts_on", status=409)
    concession = Concession(percent_bp=percent_bp, fixed_price_minor=fixed_price_minor, currency=membership.hub.currency,
                            reason=reason, review_on=review_on, funded_by_community_fund=bool(funded_by_community_fund),
                            starts_on=starts_on, ends_on=ends_on, created_by_id=by.id)
    membership.concessions.append(concession)
    funded = " (funded by the community fund)" if funded_by_community_fund else ""
    record_event(membership, "concession_added", f"{concession.describe()} from {starts_on:%d %B %Y}{funded}.",
                 by=by, reason=reason)
    db.session.flush()
    return concession


def end_concession(concession: Concession, *, by: User, ends_on: date, reason: str = "") -> Concession:
    membership = concession.membership
    require_manager(by, membership.hub, "change concessions")
    if ends_on < concession.starts_on:
        raise MembershipError("A concession ends after it starts.", "ends_on")
    concession.ends_on = ends_on
    record_event(membership, "concession_ended", f"{concession.describe()} ends on {ends_on:%d %B %Y}.", by=by, reason=reason)
    db.session.flush()
    return concession


def concessions_due_for_review(hub: Hub, today: date) -> list[Concession]:
    """Concessions still running whose review date has come, soonest first."""
    return list(db.session.scalars(
        sa.select(Concession).join(Membership, Concession.membership_id == Membership.id)
        .where(Membership.hub_id == hub.id, Concession.review_on <= today,
               sa.or_(Concession.ends_on.is_(None), Concession.ends_on >= today))
        .options(selectinload(Concession.membership).selectinload(Membership.member))
        .order_by(Concession.review_on, Concession.id)
    ))


# --- who is billed --------------------------------------------------------------------------

def set_organisation(membership: Membership, organisation: Organisation | None, *, by: User, reason: str = "") -> Membership:
    """Bill the membership to an organisation of the hub (None: to the member again)."""
    require_manager(by, membership.hub, "choose who is billed")
    if organisation is not None and organisation.hub_id != membership.hub_id:
        raise MembershipError("That organisation is not one of this hub's.", "organisation")
    membership.organisation_id = organisation.id if organisation else None
    billed = organisation.name if organisation else "the member"
    record_event(membership, "billing_changed", f"Billed to {billed}.", by=by, reason=reason)
    db.session.flush()
    return membership
