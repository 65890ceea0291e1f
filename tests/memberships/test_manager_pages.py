"""What a hub manager does with plans, passes, organisations and applications, through the pages:
bad input comes back beside its field with a 4xx and nothing changed; staff read, managers change."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from coworking.extensions import db
from coworking.mail import OutboxMessage
from coworking.memberships.applications import apply_for_plan
from coworking.memberships.models import (
    Application,
    Membership,
    Organisation,
    PassProduct,
    PassPurchase,
    Plan,
)
from coworking.memberships.periods import Period
from tests.conftest import post_form
from tests.memberships.manage_fixtures import count, error_beside, flashes, fresh_snapshot, text

PLAN_FORM = {
    "name": "Studio", "description": "A desk of your own", "monthly_price": "180.00", "vat_rate": "20",
    "desk_days_per_month": "", "desk_days_unlimited": "y", "room_hours_per_month": "6",
    "covered_space_kinds": ["desk", "room"], "carry_over_months": "1", "notice_period_days": "60",
    "pauses_allowed": "y", "max_pause_months": "2", "public": "y",
}


def stored_plan(name: str) -> Plan | None:
    fresh_snapshot()
    return db.session.scalar(sa.select(Plan).where(Plan.name == name))


@pytest.fixture
def application(member, hot_desk, today):
    application = apply_for_plan(member, hot_desk, message="I bake bread", today=today)
    db.session.commit()
    return application


# --- plans ----------------------------------------------------------------------------------

def test_a_manager_creates_a_plan_with_its_terms(client, login, manager, hub):
    login(manager)
    response = post_form(client, "/hubs/here/plans/new", PLAN_FORM)
    assert response.status_code == 302 and response.headers["Location"].endswith("/hubs/here/plans")
    plan = stored_plan("Studio")
    assert (plan.price_on(plan.prices[0].effective_from), plan.vat_rate_bp, plan.currency) == (18_000, 2000, hub.currency)
    assert (plan.desk_days_per_month, plan.room_hours_per_month, plan.covered_space_kinds) == (None, 6, ["desk", "room"])
    assert (plan.carry_over_months, plan.notice_period_days, plan.pauses_allowed, plan.max_pause_months, plan.public) == (1, 60, True, 2, True)
    page = text(client.get("/hubs/here/plans"))
    assert "Studio" in page and "£180.00" in page and "Unlimited" in page


@pytest.mark.parametrize("field,value,message", [
    ("monthly_price", "-5.00", "cannot be negative"),
    ("desk_days_per_month", "-1", "0 or more, or unlimited"),
    ("vat_rate", "120", "between 0 and 100%"),
    ("max_pause_months", "0", "how many months a pause may last"),
    ("monthly_price", "12.345", "at most 2 decimal places"),
])
def test_a_bad_plan_is_shown_beside_its_field_and_nothing_is_stored(client, login, manager, field, value, message):
    login(manager)
    form = {**PLAN_FORM, field: value}
    if field == "desk_days_per_month":
        form.pop("desk_days_unlimited")
    response = post_form(client, "/hubs/here/plans/new", form)
    assert response.status_code in (400, 422)
    assert message in error_beside(text(response), field)
    assert stored_plan("Studio") is None


def test_a_manager_edits_a_plans_terms_and_its_price_stays(client, login, manager, hot_desk):
    login(manager)
    page = text(client.get(f"/hubs/here/plans/{hot_desk.id}/edit"))
    assert 'value="Hot desk"' in page and "Change the monthly price from a date" in page
    form = {**PLAN_FORM, "name": "Flexi desk", "desk_days_unlimited": "", "desk_days_per_month": "8"}
    form.pop("desk_days_unlimited")
    response = post_form(client, f"/hubs/here/plans/{hot_desk.id}/edit", form)
    assert response.status_code == 302
    plan = stored_plan("Flexi desk")
    assert (plan.id, plan.desk_days_per_month, [p.price_minor for p in plan.prices]) == (hot_desk.id, 8, [12_000])


def test_a_price_change_applies_from_its_date_and_past_months_keep_theirs(client, login, manager, hot_desk, today):
    login(manager)
    next_month = Period.of(today).plus(1).first_day
    response = post_form(client, f"/hubs/here/plans/{hot_desk.id}/price", {"price": "130", "effective_from": next_month.isoformat()})
    assert response.status_code == 302
    plan = stored_plan("Hot desk")
    assert (plan.price_on(today), plan.price_on(next_month)) == (12_000, 13_000)
    page = text(client.get("/hubs/here/plans"))
    assert "£120.00" in page and f"From {next_month:%d %b %Y}" in page and "£130.00" in page


@pytest.mark.parametrize("form,field,message", [
    ({"price": "-1", "days": 1}, "price", "cannot be negative"),
    ({"price": "140", "days": -1}, "effective_from", "past periods keep their price"),
])
def test_a_bad_price_change_is_refused_beside_its_field(client, login, manager, hot_desk, today, form, field, message):
    login(manager)
    data = {"price": form["price"], "effective_from": (today + timedelta(days=form["days"])).isoformat()}
    response = post_form(client, f"/hubs/here/plans/{hot_desk.id}/price", data)
    assert response.status_code == 422
    assert message in error_beside(text(response), field)
    assert [p.price_minor for p in stored_plan("Hot desk").prices] == [12_000]


def test_archiving_a_plan_keeps_the_memberships_on_it(client, login, manager, member, hot_desk, make_membership):
    membership = make_membership(member, hot_desk)
    login(manager)
    response = post_form(client, f"/hubs/here/plans/{hot_desk.id}/archive")
    assert response.status_code == 302
    assert stored_plan("Hot desk").is_archived
    assert db.session.get(Membership, membership.id).plan_id == hot_desk.id
    page = text(client.get("/hubs/here/plans"))
    assert "Archived: members on it keep it" in page
    again = post_form(client, f"/hubs/here/plans/{hot_desk.id}/archive", follow_redirects=True)
    assert "This plan is archived already." in flashes(text(again))


# --- passes ---------------------------------------------------------------------------------

def test_a_manager_creates_a_pass_and_sells_it_to_a_member_by_email(client, login, manager, member, desks):
    login(manager)
    response = post_form(client, "/hubs/here/passes/new", {
        "name": "Ten desk days", "desk_days": "10", "valid_days": "90", "price": "120.00", "vat_rate": "20", "public": "y"})
    assert response.status_code == 302
    product = db.session.scalar(sa.select(PassProduct))
    response = post_form(client, "/hubs/here/passes/sell", {"product": product.id, "member_email": " Member@Example.org "})
    assert response.status_code == 302
    purchase = db.session.scalar(sa.select(PassPurchase))
    assert (purchase.member_id, purchase.sold_by_id, purchase.price_minor, purchase.desk_days) == (member.id, manager.id, 12_000, 10)
    page = text(client.get("/hubs/here/passes"))
    assert "Mary Member" in page and "Mo Manager" in page and "Ten desk days" in page
    assert "Mary Member" in text(client.get("/hubs/here/passes?page=1"))


def test_selling_to_an_unknown_email_or_a_stopped_pass_is_refused(client, login, manager, hub):
    login(manager)
    post_form(client, "/hubs/here/passes/new", {"name": "Day pass", "desk_days": "1", "valid_days": "1", "price": "15", "vat_rate": "0"})
    product = db.session.scalar(sa.select(PassProduct))
    response = post_form(client, "/hubs/here/passes/sell", {"product": product.id, "member_email": "nobody@example.org"})
    assert response.status_code == 422
    assert "No account uses that email" in error_beside(text(response), "member_email")
    assert post_form(client, f"/hubs/here/passes/{product.id}/archive").status_code == 302
    response = post_form(client, "/hubs/here/passes/sell", {"product": product.id, "member_email": "manager@example.org"})
    assert response.status_code == 409 and "no longer sold" in error_beside(text(response), "product")
    assert count(PassPurchase) == 0


def test_a_pass_with_a_negative_price_is_refused(client, login, manager):
    login(manager)
    response = post_form(client, "/hubs/here/passes/new", {"name": "Odd", "desk_days": "1", "valid_days": "1", "price": "-3", "vat_rate": "0"})
    assert response.status_code == 422 and "cannot be negative" in error_beside(text(response), "price")
    assert count(PassProduct) == 0


# --- organisations --------------------------------------------------------------------------

def test_a_manager_adds_and_edits_an_organisation(client, login, manager):
    login(manager)
    data = {"name": "Bakery Co-op", "billing_email": "accounts@bakery.example", "address": "1 Oven Lane"}
    assert post_form(client, "/hubs/here/organisations/new", data).status_code == 302
    organisation = db.session.scalar(sa.select(Organisation))
    response = post_form(client, f"/hubs/here/organisations/{organisation.id}/edit", {**data, "billing_email": "not an email"})
    assert response.status_code == 422 and "valid email" in error_beside(text(response), "billing_email")
    response = post_form(client, f"/hubs/here/organisations/{organisation.id}/edit", {**data, "name": "Bread Co-op"})
    assert response.status_code == 302
    fresh_snapshot()
    assert (db.session.get(Organisation, organisation.id).name, count(Organisation)) == ("Bread Co-op", 1)
    assert "Bread Co-op" in text(client.get("/hubs/here/organisations"))


# --- applications ---------------------------------------------------------------------------

def test_the_pending_applications_are_listed_and_counted_in_the_navigation(client, login, manager, application):
    login(manager)
    page = text(client.get("/hubs/here/applications"))
    assert "Mary Member" in page and "Hot desk" in page and "I bake bread" in page
    assert "Applications (1 waiting)" in page
    assert "Applications (1 waiting)" in text(client.get("/hubs/here/edit"))  # the hub managers' navigation


def test_approving_starts_the_membership_and_emails_the_member(client, login, manager, member, application, today):
    login(manager)
    starts_on = today + timedelta(days=3)
    response = post_form(client, f"/hubs/here/applications/{application.id}/approve",
                         {"approve-starts_on": starts_on.isoformat(), "approve-message": "See you Monday"})
    membership = db.session.scalar(sa.select(Membership))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/hubs/here/memberships/{membership.id}")
    assert (membership.member_id, membership.starts_on) == (member.id, starts_on)
    mail = db.session.scalar(sa.select(OutboxMessage))
    assert mail.to_address == member.email and "See you Monday" in mail.body_text


def test_approving_twice_is_refused_and_nothing_changes(client, login, manager, application, today):
    login(manager)
    data = {"approve-starts_on": today.isoformat()}
    assert post_form(client, f"/hubs/here/applications/{application.id}/approve", data).status_code == 302
    response = post_form(client, f"/hubs/here/applications/{application.id}/approve", data)
    assert response.status_code == 409 and "approved already" in text(response)
    assert (count(Membership), count(OutboxMessage)) == (1, 1)


def test_a_start_date_further_back_than_allowed_is_shown_beside_it(client, login, manager, application, today):
    login(manager)
    response = post_form(client, f"/hubs/here/applications/{application.id}/approve",
                         {"approve-starts_on": (today - timedelta(days=40)).isoformat()})
    assert response.status_code == 422
    assert "at most 31 days in the past" in error_beside(text(response), "approve-starts_on")
    assert count(Membership) == 0 and count(Application, Application.status == "pending") == 1


def test_declining_needs_a_message_and_sends_it(client, login, manager, member, application):
    login(manager)
    response = post_form(client, f"/hubs/here/applications/{application.id}/decline", {"decline-message": "  "})
    assert response.status_code == 422 and "Write a message" in error_beside(text(response), "decline-message")
    assert count(OutboxMessage) == 0
    response = post_form(client, f"/hubs/here/applications/{application.id}/decline", {"decline-message": "We are full until spring."})
    assert response.status_code == 302
    assert count(Application, Application.status == "declined") == 1
    assert "We are full until spring." in db.session.scalar(sa.select(OutboxMessage)).body_text


def test_enrolling_a_member_on_a_private_plan(client, login, manager, member, make_plan, today):
    community = make_plan(name="Community", public=False)
    login(manager)
    response = post_form(client, "/hubs/here/memberships/new",
                         {"member_email": member.email, "plan": community.id, "starts_on": today.isoformat()})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Membership)).plan_id == community.id
    response = post_form(client, "/hubs/here/memberships/new", {"member_email": member.email, "plan": community.id,
                                                                "starts_on": today.isoformat()})
    assert response.status_code == 409 and count(Membership) == 1


# --- who may -----------------------------------------------------------------------------

def test_staff_read_the_lists_without_the_managers_controls(client, login, staff, application, hot_desk):
    login(staff)
    page = text(client.get("/hubs/here/plans"))
    assert "Hot desk" in page and "Add a plan" not in page and "Archive" not in page
    page = text(client.get(f"/hubs/here/applications/{application.id}"))
    assert "Mary Member" in page and "Approve" not in page
    assert client.get("/hubs/here/plans/new").status_code == 403
    assert post_form(client, f"/hubs/here/applications/{application.id}/approve", {}).status_code == 403


def test_another_hubs_manager_is_refused_and_another_hubs_rows_are_not_found(client, login, outsider, application, hot_desk, make_hub):
    login(outsider)
    assert client.get("/hubs/here/applications").status_code == 403
    assert post_form(client, f"/hubs/here/applications/{application.id}/approve", {"approve-starts_on": "2030-01-01"}).status_code == 403
    assert client.get(f"/hubs/away/plans/{hot_desk.id}/edit").status_code == 404
    assert client.get(f"/hubs/away/applications/{application.id}").status_code == 404
    assert client.get("/hubs/away/plans/99999999999/edit").status_code == 404
    assert count(Membership) == 0
