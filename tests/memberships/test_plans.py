"""Plans, their prices over time, passes and organisations: what a manager may set up, and
the bad input refused with a clear message, a 4xx status and nothing changed."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from coworking.extensions import db
from coworking.memberships import plans as services
from coworking.memberships.errors import MembershipError
from coworking.memberships.models import AllowanceEntry, Plan, PlanPrice
from coworking.memberships.models.plans import FROM_THE_START


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_manager_creates_a_plan_with_its_terms_and_a_price_from_the_start(hub, manager):
    plan = services.create_plan(hub, by=manager, name="Hot desk", monthly_price_minor=12_000, vat_rate_bp=2000,
                                desk_days_per_month=10, room_hours_per_month=None, covered_space_kinds=["desk", "room"],
                                carry_over_months=1, notice_period_days=30, pauses_allowed=True, max_pause_months=2)
    db.session.commit()
    assert plan.currency == "GBP"
    assert plan.allowance("desk_days") == 10 and plan.allowance("room_minutes") is None
    assert [(p.effective_from, p.price_minor) for p in plan.prices] == [(FROM_THE_START, 12_000)]


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"monthly_price_minor": -1}, "monthly_price_minor"),
        ({"desk_days_per_month": -2}, "desk_days_per_month"),
        ({"room_hours_per_month": -1}, "room_hours_per_month"),
        ({"vat_rate_bp": 10_001}, "vat_rate_bp"),
        ({"carry_over_months": 13}, "carry_over_months"),
        ({"covered_space_kinds": ["desk", "sauna"]}, "covered_space_kinds"),
        ({"name": "  "}, "name"),
        ({"pauses_allowed": True, "max_pause_months": 0}, "max_pause_months"),
        ({"notice_period_days": -5}, "notice_period_days"),
    ],
)
def test_a_plan_with_a_negative_price_or_allowance_or_other_bad_term_is_refused(hub, manager, terms, field):
    values = {"name": "Plan", "monthly_price_minor": 100, **terms}
    with pytest.raises(MembershipError) as refusal:
        services.create_plan(hub, by=manager, **values)
    assert (refusal.value.field, refusal.value.status) == (field, 422)
    db.session.rollback()
    assert count(Plan) == 0


def test_only_the_hubs_managers_create_plans(hub, make_user, make_hub, make_manager):
    elsewhere = make_manager(make_hub())
    for who in (make_user(), elsewhere):
        with pytest.raises(MembershipError) as refusal:
            services.create_plan(hub, by=who, name="Plan", monthly_price_minor=100)
        assert refusal.value.status == 403


def test_two_plans_of_a_hub_cannot_share_a_name(hub, manager, make_plan):
    make_plan(name="Hot desk")
    with pytest.raises(MembershipError) as refusal:
        services.create_plan(hub, by=manager, name="Hot desk", monthly_price_minor=100)
    assert (refusal.value.field, refusal.value.status) == ("name", 409)


def test_a_price_change_applies_from_a_date_and_leaves_the_past_alone(make_plan, manager, today):
    plan = make_plan(monthly_price_minor=10_000)
    services.change_plan_price(plan, 12_000, today + timedelta(days=10), by=manager, today=today)
    db.session.commit()
    assert plan.price_on(today) == 10_000
    assert plan.price_on(today + timedelta(days=10)) == 12_000
    with pytest.raises(MembershipError) as refusal:
        services.change_plan_price(plan, 9_000, today - timedelta(days=1), by=manager, today=today)
    assert refusal.value.field == "effective_from"
    with pytest.raises(MembershipError):
        services.change_plan_price(plan, -1, today, by=manager, today=today)
    db.session.rollback()
    assert count(PlanPrice) == 2


def test_editing_a_plan_checks_the_same_terms(make_plan, manager):
    plan = make_plan(desk_days_per_month=5)
    services.update_plan(plan, by=manager, desk_days_per_month=8, description=" Quiet ")
    assert (plan.desk_days_per_month, plan.description) == (8, "Quiet")
    with pytest.raises(MembershipError) as refusal:
        services.update_plan(plan, by=manager, room_hours_per_month=-3)
    assert refusal.value.field == "room_hours_per_month"
    with pytest.raises(MembershipError):
        services.update_plan(plan, by=manager, currency="EUR")


def test_archiving_twice_is_refused(make_plan, manager):
    plan = make_plan()
    services.archive_plan(plan, by=manager)
    with pytest.raises(MembershipError) as refusal:
        services.archive_plan(plan, by=manager)
    assert refusal.value.status == 409


def test_selling_a_pass_records_the_sale_and_grants_its_desk_days(hub, manager, member, today):
    product = services.create_pass_product(hub, by=manager, name="10 days", desk_days=10, valid_days=90,
                                           price_minor=10_000, vat_rate_bp=2000)
    purchase = services.sell_pass(product, member, hub=hub, sold_by=manager, today=today)
    db.session.commit()
    assert (purchase.member_id, purchase.sold_by_id, purchase.price_minor, purchase.vat_rate_bp) == (member.id, manager.id, 10_000, 2000)
    assert purchase.valid_until == today + timedelta(days=89)
    grants = db.session.scalars(sa.select(AllowanceEntry).where(AllowanceEntry.pass_purchase_id == purchase.id)).all()
    assert [(e.kind, e.quantity) for e in grants] == [("GRANT", 10)]


def test_an_archived_pass_is_not_sold(hub, manager, member):
    product = services.create_pass_product(hub, by=manager, name="Day", desk_days=1, valid_days=1, price_minor=1500)
    services.archive_pass_product(product, by=manager, hub=hub)
    with pytest.raises(MembershipError) as refusal:
        services.sell_pass(product, member, hub=hub, sold_by=manager)
    assert refusal.value.status == 409


@pytest.mark.parametrize(("terms", "field"), [({"desk_days": 0}, "desk_days"), ({"valid_days": 0}, "valid_days"), ({"price_minor": -1}, "price_minor")])
def test_a_pass_needs_days_and_a_price(hub, manager, terms, field):
    values = {"name": "Pass", "desk_days": 1, "valid_days": 1, "price_minor": 100, **terms}
    with pytest.raises(MembershipError) as refusal:
        services.create_pass_product(hub, by=manager, **values)
    assert refusal.value.field == field


def test_an_organisation_has_a_valid_billing_email(hub, manager):
    with pytest.raises(MembershipError) as refusal:
        services.save_organisation(hub, by=manager, name="Co-op", billing_email="not an email")
    assert refusal.value.field == "billing_email"
    organisation = services.save_organisation(hub, by=manager, name="Co-op", billing_email="Accounts@Coop.example ")
    assert organisation.billing_email == "accounts@coop.example"
