"""What pays for a booking, in words for the booking pages: before booking, whether the member's
plan or a pass would cover it or what it will cost; after, how it was settled (its BookingCharge).

The booking pages ask through the questions in ``coworking/events.py`` (bookings may not import
memberships); ``receivers.py`` answers them with these functions. Read-only. The rules are the
settlement's (docs/decisions.md, "Allowances: what a booking uses"): the membership active that
day covers the booking when its plan covers the space's kind, its allowance first, then passes
(desks only), and the booking's price for what neither covers.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from coworking.accounts.models import User
from coworking.bookings.models import Booking
from coworking.bookings.policy import hub_policy
from coworking.bookings.pricing import price_for
from coworking.extensions import db
from coworking.hubs.models import Hub, Space
from coworking.memberships.allowances import pass_balances
from coworking.memberships.billable import booking_vat_rate
from coworking.memberships.lifecycle import timeline_of
from coworking.memberships.models import DESK_DAYS, BookingCharge, Membership
from coworking.memberships.periods import Period
from coworking.memberships.settlement import PASS_KINDS, RESOURCE_OF_KIND
from coworking.memberships.usage import allowance_use
from coworking.memberships.wording import KIND_PLURALS, amount, number
from coworking.money import format_money
from coworking.timezones import local_today, utc_to_local


def membership_on(member_id: int, hub_id: int, day: date) -> Membership | None:
    """The member's membership of the hub that covers ``day`` (pauses aside): at most one."""
    return db.session.scalar(sa.select(Membership).where(
        Membership.member_id == member_id, Membership.hub_id == hub_id, Membership.starts_on <= day,
        sa.or_(Membership.ends_on.is_(None), Membership.ends_on >= day)).limit(1))


# --- before booking -------------------------------------------------------------------------

def coverage_text(hub: Hub, member: User, kind: str, day: date, *, space: Space | None = None,
                  starts_at: datetime | None = None, ends_at: datetime | None = None,
                  today: date | None = None) -> str | None:
    """'Your Hot desk plan covers desks: 6 of 10 desk days left in December.', 'A pass covers
    it: ...', or what the booking will cost. ``space`` None is "any free desk"; the times, when
    known, say how many room hours a room booking needs."""
    resource = RESOURCE_OF_KIND.get(kind)
    if resource is None:
        return None
    today = today or local_today(hub.timezone)
    needed = 1 if resource == DESK_DAYS or not (starts_at and ends_at) else max(1, int((ends_at - starts_at).total_seconds() // 60))
    said: list[str] = []
    membership = membership_on(member.id, hub.id, day)
    if membership is not None:
        note, covered = _plan_coverage(membership, kind, resource, day, needed, today)
        if covered == ALL:
            return note
        if covered == PART:
            return f"{note}; the rest is billed at {_rate_words(hub, kind, space)}."
        said.append(note)
    if kind in PASS_KINDS:
        usable = [(purchase, left) for purchase, left in pass_balances(member, hub, today)
                  if purchase.is_valid_on(day) and left > 0]
        if usable:
            left = sum(units for _, units in usable)
            said.append(f"A pass covers it: {amount(left, DESK_DAYS)} left (valid until {usable[0][0].valid_until:%d %B %Y}).")
            return " ".join(said)
    lead = "You pay" if said else "Not covered by a plan or a pass: you pay"
    if kind == "room" and space is not None and starts_at and ends_at:
        price = price_for(space, starts_at, ends_at, hub_policy(hub))
        said.append(f"{lead} the room's price for these times: {format_money(price, hub.currency)}{_vat(hub)}.")
    else:
        said.append(f"{lead} {_rate_words(hub, kind, space)}.")
    return " ".join(said)


ALL, PART, NONE = "all", "part", "none"


def _plan_coverage(membership: Membership, kind: str, resource: str, day: date, needed: int,
                   today: date) -> tuple[str, str]:
    """What the membership says about the booking, and how much of it the plan covers."""
    timeline = timeline_of(membership)
    plan = timeline.plan_on(day)
    plural = KIND_PLURALS.get(kind, kind)
    if timeline.is_paused_on(day):
        return f"Your membership is paused on {day:%d %B}.", NONE
    if not plan.covers(kind):
        return f"Your {plan.name} plan does not cover {plural}.", NONE
    use = allowance_use(membership, timeline, Period.of(day), resource, today)
    if use.unlimited:
        return f"Your {plan.name} plan covers {plural} without limit.", ALL
    month = f"{day:%B}"
    left = f"{number(use.left, resource)} of {amount(use.available, resource)} left in {month}"
    if use.left >= needed:
        return f"Your {plan.name} plan covers {plural}: {left}.", ALL
    if use.left > 0:
        return f"Your {plan.name} plan covers {plural}: {left}", PART
    if use.available:
        return f"Your {plan.name} plan's {month} allowance of {amount(use.available, resource)} is used up.", NONE
    return f"Your {plan.name} plan includes no {'desk days' if resource == DESK_DAYS else 'room hours'}.", NONE


def _vat(hub: Hub) -> str:
    return " plus VAT" if booking_vat_rate(hub) else ""


def _rate_words(hub: Hub, kind: str, space: Space | None) -> str:
    """'the room's price, £20.00 an hour', 'the desk's price, £15.00 a day (£7.50 a half day)'."""
    currency, vat = hub.currency, _vat(hub)
    rate, per = ("hourly_rate_minor", "an hour") if kind == "room" else ("daily_rate_minor", "a day")
    if space is None:  # not chosen yet: the cheapest of the kind
        rates = [getattr(s, rate) for s in hub.spaces if s.kind == kind and s.active]
        return f"the {kind}'s price, from {format_money(min(rates), currency)} {per}{vat}" if rates else f"the {kind}'s price"
    if kind == "room":
        return f"the room's price, {format_money(space.hourly_rate_minor, currency)} an hour{vat}"
    daily = space.daily_rate_minor
    return (f"the {kind}'s price, {format_money(daily, currency)} a day "
            f"({format_money((daily + 1) // 2, currency)} a half day){vat}")


# --- after booking --------------------------------------------------------------------------

def settlement_text(booking: Booking) -> str | None:
    """How a confirmed booking was settled: 'Covered by the Hot desk plan's allowance (1 desk
    day).', '... ; £10.00 billed for the rest.', 'Not covered by a plan or a pass: £15.00 billed.'"""
    if booking.member_id is None or booking.is_block or not booking.is_confirmed:
        return None
    charge = db.session.get(BookingCharge, booking.id)
    if charge is None:
        return None
    billed = format_money(charge.billable_minor, charge.currency)
    covered = []
    if charge.covered_by_membership:
        membership = db.session.get(Membership, charge.membership_id) if charge.membership_id else None
        if membership is not None:
            plan = timeline_of(membership).plan_on(utc_to_local(booking.starts_at, booking.hub.timezone).date())
            if plan.allowance(charge.resource) is None:
                covered.append(f"the {plan.name} plan")
            else:
                covered.append(f"the {plan.name} plan's allowance ({amount(charge.covered_by_membership, charge.resource)})")
        else:
            covered.append(f"a membership ({amount(charge.covered_by_membership, charge.resource)})")
    if charge.covered_by_passes:
        covered.append(f"a pass ({amount(charge.covered_by_passes, DESK_DAYS)})")
    if not covered:
        return f"Not covered by a plan or a pass: {billed} billed." if charge.billable_minor else "Nothing to pay."
    rest = f"; {billed} billed for the rest" if charge.billable_minor else ""
    return f"Covered by {' and '.join(covered)}{rest}."
