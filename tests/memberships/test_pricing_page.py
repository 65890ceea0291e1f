"""The public pricing page of a hub (no login needed) and applying for a plan from it: prices
with VAT where the hub is registered for VAT, without where it is not; the apply button brings
a visitor back after logging in; an application shows as waiting; refusals beside the form."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from coworking.extensions import db
from coworking.memberships.applications import apply_for_plan
from coworking.memberships.models import Application
from coworking.memberships.plans import archive_plan, create_pass_product, create_plan
from tests.conftest import post_form
from tests.hubs.helpers import error_beside
from tests.memberships.pages import count, text_of

PRICING = "/hubs/here/pricing"
APPLY = "/hubs/here/apply"


@pytest.fixture
def hot_desk(make_plan):
    return make_plan(name="Hot desk", monthly_price_minor=12_000, vat_rate_bp=2000, desk_days_per_month=10,
                     room_hours_per_month=None, covered_space_kinds=["desk", "room"], notice_period_days=30,
                     pauses_allowed=True, max_pause_months=2, description="Ten days a month at any free desk.")


@pytest.fixture
def logged_in(auth, member):
    assert auth.login(member).status_code == 302
    db.session.rollback()
    return member


# --- the pricing page -----------------------------------------------------------------------

def test_anyone_sees_the_public_plans_with_vat_and_its_part_where_the_hub_is_registered(client, hub, manager, hot_desk, make_plan):
    make_plan(name="Secret", public=False)
    archive_plan(make_plan(name="Old"), by=manager)
    create_pass_product(hub, by=manager, name="Ten desk days", desk_days=10, valid_days=90, price_minor=12_000, vat_rate_bp=2000)
    db.session.commit()

    response = client.get(PRICING)

    assert response.status_code == 200
    page = text_of(response)
    assert "Hot desk £144.00 a month including £24.00 VAT (20%)" in page
    assert "Covers desks and rooms" in page and "10 desk days a month" in page and "Unlimited room hours" in page
    assert "30 days' notice" in page and "Pause for up to 2 months" in page and "This hub only" in page
    assert "Ten desk days £144.00 including £24.00 VAT (20%)" in page
    assert "10 desk days, valid for 90 days" in page
    assert "Secret" not in page and "Old" not in page


def test_a_hub_without_a_vat_number_shows_its_prices_without_vat(client, make_hub, make_manager):
    hub = make_hub(slug="novat", name="No VAT Hub")
    manager = make_manager(hub, email="novat@example.org")
    create_plan(hub, by=manager, name="Community", monthly_price_minor=4_000, vat_rate_bp=2000, desk_days_per_month=4)
    db.session.commit()

    page = text_of(client.get("/hubs/novat/pricing"))

    assert "Community £40.00 a month" in page
    assert "VAT (" not in page and "£48.00" not in page
    assert "not registered for VAT: no VAT is charged" in page


def test_apply_sends_a_visitor_to_log_in_and_back_to_the_plan(client, hub, hot_desk, member):
    response = client.get(PRICING)
    link = next(part for part in response.get_data(as_text=True).split('"') if part.startswith("/login?next=") and "apply" in part)
    target = parse_qs(urlsplit(link.replace("&amp;", "&")).query)["next"][0]
    assert target == f"{APPLY}?plan={hot_desk.id}"

    back = post_form(client, link.replace("&amp;", "&"), {"email": member.email, "password": "correct-horse-battery"})

    assert back.status_code == 302 and back.headers["Location"] == target
    assert re.search(rf'<option (?=[^>]*selected)[^>]*value="{hot_desk.id}"', client.get(target).get_data(as_text=True))


def test_the_pricing_page_of_an_unknown_hub_is_a_404(client):
    assert client.get("/hubs/nowhere/pricing").status_code == 404


def test_the_hub_page_and_the_hubs_list_link_to_the_pricing_page(client, hub):
    assert PRICING in client.get("/hubs/here").get_data(as_text=True)
    assert PRICING in client.get("/").get_data(as_text=True)


# --- applying -------------------------------------------------------------------------------

def test_a_member_applies_and_sees_the_application_waiting(client, logged_in, hot_desk):
    response = post_form(client, APPLY, {"plan": hot_desk.id, "message": "I bake bread."})

    assert response.status_code == 302 and response.headers["Location"] == "/memberships"
    db.session.rollback()
    application = db.session.scalars(sa.select(Application)).one()
    assert (application.member_id, application.plan_id, application.message, application.status) == (
        logged_in.id, hot_desk.id, "I bake bread.", "pending")
    mine = text_of(client.get("/memberships"))
    assert "Applications waiting" in mine and "Hot desk, sent" in mine
    assert "Your application for Hot desk is waiting" in text_of(client.get(PRICING))


def test_applying_twice_is_refused_and_nothing_changes(client, logged_in, hot_desk, today):
    apply_for_plan(logged_in, hot_desk, today=today)
    db.session.commit()

    response = post_form(client, APPLY, {"plan": hot_desk.id})

    assert response.status_code == 409
    assert "You have an application waiting at this hub already." in text_of(response)
    assert count(Application) == 1


def test_a_member_applying_again_is_told_to_change_plan_instead(client, logged_in, hot_desk, make_membership):
    make_membership(logged_in, hot_desk)

    response = post_form(client, APPLY, {"plan": hot_desk.id})

    assert response.status_code == 409
    assert "You are a member here already: change your plan instead." in text_of(response)
    assert count(Application) == 1  # the one approved, nothing new


@pytest.mark.parametrize("which, status, message", [
    ("private", 422, "This plan is offered by the hub's managers only: please ask them."),
    ("elsewhere", 400, "Choose one of the plans Here Hub offers."),
    ("nonsense", 400, "Choose one of the plans Here Hub offers."),
    ("missing", 400, "Choose a plan."),
])
def test_a_plan_that_cannot_be_applied_for_is_refused_beside_the_plan(client, logged_in, make_plan, make_hub, make_manager,
                                                                      which, status, message):
    if which == "private":
        plan_id = make_plan(name="Private", public=False).id
    elif which == "elsewhere":
        other = make_hub(slug="there")
        plan_id = create_plan(other, by=make_manager(other, email="there@example.org"), name="There", monthly_price_minor=1).id
        db.session.commit()
    else:
        plan_id = "nonsense" if which == "nonsense" else ""

    response = post_form(client, APPLY, {"plan": plan_id})

    assert response.status_code == status
    assert error_beside(response.get_data(as_text=True), "plan") == message
    assert count(Application) == 0


def test_applying_needs_a_login(client, hub):
    response = client.get(APPLY)
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
