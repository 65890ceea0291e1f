"""After approval: plan changes, pauses, cancellation with notice and concessions, each kept
in the membership's history (who, when, what, why), and the bad input each refuses."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from coworking.extensions import db
from coworking.memberships.errors import MembershipError
from coworking.memberships.lifecycle import (
    add_concession,
    cancel_membership,
    cancellation_end_date,
    change_plan,
    concessions_due_for_review,
    pause_membership,
    timeline_of,
)
from coworking.memberships.models import AllowanceEntry, BookingCharge, Concession, Membership
from coworking.memberships.periods import Period
from tests.memberships.conftest import weekdays


def refused(call, **kwargs) -> MembershipError:
    with pytest.raises(MembershipError) as refusal:
        call(**kwargs)
    db.session.rollback()
    return refusal.value


@pytest.fixture
def on_plan(member, make_plan, make_membership, today):
    return make_membership(member, make_plan(name="Hot desk", desk_days_per_month=4, pauses_allowed=True,
                                             max_pause_months=2, notice_period_days=30))


# --- plan changes ---------------------------------------------------------------------------

def test_a_plan_change_applies_from_the_next_period_by_default(on_plan, member, make_plan, today):
    studio = make_plan(name="Studio")
    change = change_plan(on_plan, studio, by=member, today=today, reason="Growing")
    db.session.commit()
    next_period = Period.of(today).plus(1)
    assert change.effective_on == next_period.first_day
    timeline = timeline_of(on_plan)
    assert timeline.plan_on(today).name == "Hot desk" and timeline.plan_on(next_period.first_day).name == "Studio"
    assert [(e.kind, e.by_id, e.reason) for e in on_plan.events][-1] == ("plan_changed", member.id, "Growing")


def test_a_change_at_once_takes_effect_today_and_prorates_the_allowance(on_plan, member, make_plan, desks, book, coming):
    on_the_day = coming.first_day + timedelta(days=14)
    book(desks[0], weekdays(coming, 1)[0])  # grants the month: 4 desk days
    on_plan.hub.members_may_change_plan_at_once = True
    change_plan(on_plan, make_plan(name="Twenty", desk_days_per_month=20), by=member, today=on_the_day, at_once=True)
    db.session.commit()
    granted = db.session.scalar(sa.select(sa.func.sum(AllowanceEntry.quantity)).where(
        AllowanceEntry.kind == "GRANT", AllowanceEntry.period == coming.key))
    assert granted == timeline_of(on_plan).grant(coming, "desk_days") > 4


def test_changing_to_the_same_an_archived_or_a_private_plan_is_refused(on_plan, member, manager, make_plan, today):
    from coworking.memberships.plans import archive_plan

    assert refused(change_plan, membership=on_plan, plan=on_plan.plan, by=member, today=today, at_once=True).status == 409
    archived = make_plan()
    archive_plan(archived, by=manager)
    db.session.commit()
    assert refused(change_plan, membership=on_plan, plan=archived, by=member, today=today).status == 409
    assert refused(change_plan, membership=on_plan, plan=make_plan(public=False), by=member, today=today).status == 403


def test_another_member_cannot_change_someone_elses_membership(on_plan, make_user, make_plan, today):
    assert refused(change_plan, membership=on_plan, plan=make_plan(), by=make_user(), today=today).status == 403


# --- pauses ---------------------------------------------------------------------------------

def test_a_pause_of_whole_months_means_no_allowance_and_pay_as_you_go(on_plan, member, desks, book, today, coming):
    pause = pause_membership(on_plan, by=member, first_period=coming, months=1, today=today, reason="Travelling")
    db.session.commit()
    assert (pause.starts_on, pause.ends_on) == (coming.first_day, coming.last_day)
    booking = book(desks[0], weekdays(coming, 1)[0])
    charge = db.session.get(BookingCharge, booking.id)
    assert (charge.covered_by_membership, charge.billable_minor) == (0, 1500)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AllowanceEntry)) == 0
    assert on_plan.events[-1].kind == "paused"


def test_a_pause_longer_than_the_plan_allows_is_refused(on_plan, member, today, coming):
    refusal = refused(pause_membership, membership=on_plan, by=member, first_period=coming, months=3, today=today)
    assert (refusal.field, refusal.status) == ("months", 422) and "at most 2 months" in refusal.message
    pause_membership(on_plan, by=member, first_period=coming, months=2, today=today)
    db.session.commit()
    refusal = refused(pause_membership, membership=on_plan, by=member, first_period=coming.plus(2), months=1, today=today)
    assert "in a row" in refusal.message


@pytest.mark.parametrize("first", [0, -1])
def test_a_pause_starts_at_a_month_still_to_come(on_plan, member, today, first):
    refusal = refused(pause_membership, membership=on_plan, by=member, first_period=Period.of(today).plus(first), months=1, today=today)
    assert refusal.field == "first_period"


def test_a_plan_without_pauses_cannot_be_paused(member, make_plan, make_membership, today, coming):
    membership = make_membership(member, make_plan(pauses_allowed=False))
    assert "does not allow pauses" in refused(pause_membership, membership=membership, by=member, first_period=coming, months=1, today=today).message


# --- cancellation ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("cancelled_on", "notice", "ends_on"),
    [
        (date(2026, 11, 10), 30, date(2026, 12, 31)),  # notice runs out on 10 December
        (date(2026, 11, 30), 0, date(2026, 11, 30)),
        (date(2026, 11, 30), 1, date(2026, 12, 31)),
        (date(2026, 1, 31), 28, date(2026, 2, 28)),
    ],
)
def test_a_cancelled_membership_ends_with_the_month_in_which_the_notice_runs_out(make_plan, cancelled_on, notice, ends_on):
    plan = make_plan(notice_period_days=notice)
    membership = Membership(plan=plan, plan_id=plan.id, starts_on=date(2025, 6, 1))
    assert cancellation_end_date(membership, cancelled_on) == ends_on
    assert cancellation_end_date(membership, date(2025, 5, 1)) >= membership.starts_on


def test_cancelling_sets_the_end_and_cancelling_again_is_refused(on_plan, member, today):
    cancel_membership(on_plan, by=member, today=today, reason="Moving away")
    db.session.commit()
    assert on_plan.ends_on == cancellation_end_date(on_plan, today) and on_plan.cancelled_by_id == member.id
    assert on_plan.events[-1].reason == "Moving away"
    refusal = refused(cancel_membership, membership=on_plan, by=member, today=today)
    assert refusal.status == 409 and "cancelled already" in refusal.message


def test_after_the_end_bookings_are_pay_as_you_go_and_later_plans_are_withdrawn(on_plan, member, manager, make_plan, desks, book, today, coming):
    booking = book(desks[0], weekdays(coming, 1)[0])
    change_plan(on_plan, make_plan(name="Later"), by=member, today=today, effective_on=None)
    db.session.commit()
    cancel_membership(on_plan, by=manager, today=today, ends_on=today, reason="Asked to leave today")
    db.session.commit()
    assert on_plan.ends_on == today and on_plan.plan_changes == []
    charge = db.session.get(BookingCharge, booking.id)
    assert (charge.membership_id, charge.billable_minor) == (None, 1500)
    assert "withdrawn" in on_plan.events[-2].description


def test_only_a_manager_chooses_the_end_date(on_plan, member, today):
    assert refused(cancel_membership, membership=on_plan, by=member, today=today, ends_on=today).status == 403


# --- concessions ----------------------------------------------------------------------------

def test_a_concession_over_100_percent_is_refused(on_plan, manager, today):
    refusal = refused(add_concession, membership=on_plan, by=manager, reason="Bursary", percent_bp=10_001, today=today)
    assert (refusal.field, refusal.status) == ("percent_bp", 422)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Concession)) == 0


def test_a_concession_is_a_percentage_or_a_fixed_price_with_a_reason(on_plan, manager, today):
    assert refused(add_concession, membership=on_plan, by=manager, reason="x", percent_bp=100, fixed_price_minor=1, today=today).field == "percent_bp"
    assert refused(add_concession, membership=on_plan, by=manager, reason=" ", percent_bp=100, today=today).field == "reason"
    assert refused(add_concession, membership=on_plan, by=manager, reason="x", fixed_price_minor=-1, today=today).field == "fixed_price_minor"


def test_concessions_are_funded_recorded_and_listed_for_review(on_plan, manager, member, today):
    concession = add_concession(on_plan, by=manager, reason="Unemployed", percent_bp=5000, review_on=today,
                                funded_by_community_fund=True, today=today)
    db.session.commit()
    assert concession.funded_by_community_fund and on_plan.events[-1].kind == "concession_added"
    assert concessions_due_for_review(on_plan.hub, today) == [concession]
    assert concessions_due_for_review(on_plan.hub, today - timedelta(days=1)) == []
    assert refused(add_concession, membership=on_plan, by=manager, reason="Student", percent_bp=1000, today=today).status == 409
    assert refused(add_concession, membership=on_plan, by=member, reason="Student", percent_bp=1000, today=today).status == 403
