"""A member changes plan (from next month, or at once where the hub allows it), pauses for whole
months where the plan allows, and cancels with the plan's notice, the end date shown before
confirming. Bad input comes back beside its field with a 4xx, and nothing changes."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from coworking.extensions import db
from coworking.memberships.lifecycle import cancellation_end_date, timeline_of
from coworking.memberships.models import Membership, MembershipEvent, MembershipPause, MembershipPlanChange
from coworking.memberships.periods import Period
from tests.conftest import post_form
from tests.hubs.helpers import error_beside
from tests.memberships.pages import count, text_of


@pytest.fixture
def hot_desk(make_plan):
    return make_plan(name="Hot desk", monthly_price_minor=12_000, desk_days_per_month=10, notice_period_days=30,
                     pauses_allowed=True, max_pause_months=2)


@pytest.fixture
def resident(make_plan):
    return make_plan(name="Resident", monthly_price_minor=25_000, desk_days_per_month=None)


@pytest.fixture
def membership(member, hot_desk, make_membership, today):
    return make_membership(member, hot_desk, Period.of(today).first_day)


@pytest.fixture
def logged_in(auth, member):
    assert auth.login(member).status_code == 302
    db.session.rollback()
    return member


def url(membership, page: str) -> str:
    return f"/memberships/{membership.id}/{page}"


def stored(membership) -> Membership:
    db.session.rollback()
    return db.session.get(Membership, membership.id)


# --- changing plan --------------------------------------------------------------------------

def test_a_plan_change_starts_with_the_next_month_by_default(client, logged_in, membership, resident, today):
    page = text_of(client.get(url(membership, "plan")))
    next_first = Period.of(today).plus(1).first_day
    assert f"From the start of next month ({next_first:%d %B %Y})" in page
    assert "At once" not in page  # the hub does not allow it

    response = post_form(client, url(membership, "plan"), {"plan": resident.id, "at_once": "next"})

    assert response.status_code == 302 and response.headers["Location"] == "/memberships"
    assert [(c.plan_id, c.effective_on) for c in stored(membership).plan_changes] == [(resident.id, next_first)]
    assert f"Plan change Resident from {next_first:%d %B %Y}" in text_of(client.get("/memberships"))


def test_a_change_at_once_where_the_hub_does_not_allow_it_is_refused_beside_the_choice(client, logged_in, membership, resident):
    response = post_form(client, url(membership, "plan"), {"plan": resident.id, "at_once": "now"})

    assert response.status_code == 422
    assert error_beside(response.get_data(as_text=True), "at_once") == (
        "At this hub a new plan starts with the next month: ask the managers if you need it sooner.")
    assert count(MembershipPlanChange) == 0 and stored(membership).plan_id != resident.id


def test_a_change_at_once_where_the_hub_allows_it_starts_today(client, logged_in, membership, resident, hub, today):
    hub.members_may_change_plan_at_once = True
    db.session.commit()
    assert "At once, with this month's fee and allowance prorated" in text_of(client.get(url(membership, "plan")))

    response = post_form(client, url(membership, "plan"), {"plan": resident.id, "at_once": "now"})

    assert response.status_code == 302
    assert timeline_of(stored(membership)).plan_on(today).id == resident.id


@pytest.mark.parametrize("form, field, message", [
    ({"plan": "999999"}, "plan", "Choose one of the plans Here Hub offers."),
    ({"plan": ""}, "plan", "Choose a plan."),
    ({"plan": "{resident}", "at_once": "tomorrow"}, "at_once", "Choose when the new plan starts."),
])
def test_a_plan_change_that_does_not_parse_is_shown_again_and_changes_nothing(client, logged_in, membership, resident,
                                                                              form, field, message):
    form = {key: value.format(resident=resident.id) for key, value in form.items()}
    response = post_form(client, url(membership, "plan"), form)

    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), field) == message
    assert count(MembershipPlanChange) == 0


# --- pausing --------------------------------------------------------------------------------

def test_a_pause_of_whole_months_from_a_coming_month(client, logged_in, membership, today):
    coming = Period.of(today).plus(1)

    response = post_form(client, url(membership, "pause"), {"first_period": coming.key, "months": "2", "reason": "Travel"})

    assert response.status_code == 302
    [pause] = stored(membership).pauses
    assert (pause.starts_on, pause.ends_on, pause.reason) == (coming.first_day, coming.plus(1).last_day, "Travel")


@pytest.mark.parametrize("form, field, message", [
    ({"months": "3"}, "months", "A pause on the Hot desk plan lasts at most 2 months."),
    ({"months": "0"}, "months", "A pause lasts one month or more."),
    ({"first_period": "2026-13"}, "first_period", "'2026-13' is not a month: write it as YYYY-MM, such as 2026-11."),
    ({"first_period": "{this}"}, "first_period", "A pause starts at the beginning of a month still to come."),
])
def test_a_pause_the_plan_does_not_allow_is_refused_beside_its_field(client, logged_in, membership, today, form, field, message):
    data = {"first_period": Period.of(today).plus(1).key, "months": "1"}
    data.update({key: value.format(this=Period.of(today).key) for key, value in form.items()})

    response = post_form(client, url(membership, "pause"), data)

    assert response.status_code == 422
    assert error_beside(response.get_data(as_text=True), field) == message
    assert count(MembershipPause) == 0


def test_a_plan_without_pauses_says_so_and_refuses_one(client, logged_in, make_plan, make_membership, today):
    no_pauses = make_membership(logged_in, make_plan(name="Fixed"), Period.of(today).first_day)

    page = client.get(url(no_pauses, "pause")).get_data(as_text=True)
    assert "Your Fixed plan does not allow pauses." in page and 'name="months"' not in page

    response = post_form(client, url(no_pauses, "pause"), {"first_period": Period.of(today).plus(1).key, "months": "1"})

    assert response.status_code == 422
    assert error_beside(response.get_data(as_text=True), "months") == "The Fixed plan does not allow pauses."
    assert count(MembershipPause) == 0


# --- cancelling -----------------------------------------------------------------------------

def test_cancelling_shows_the_end_date_first_then_ends_the_membership_then(client, logged_in, membership, today):
    ends_on = cancellation_end_date(membership, today)

    page = text_of(client.get(url(membership, "cancel")))
    assert "Your Hot desk plan has 30 days' notice." in page
    assert f"If you cancel today, your membership ends on {ends_on:%A %d %B %Y}." in page
    assert stored(membership).ends_on is None  # looking changes nothing

    response = post_form(client, url(membership, "cancel"), {"ends_on": ends_on.isoformat(), "reason": "Moving away"})

    assert response.status_code == 302
    cancelled = stored(membership)
    assert (cancelled.ends_on, cancelled.cancel_reason, cancelled.cancelled_by_id) == (ends_on, "Moving away", logged_in.id)
    assert f"Ends {ends_on:%d %B %Y} (cancelled)" in text_of(client.get("/memberships"))


def test_cancelling_twice_is_refused_and_changes_nothing(client, logged_in, membership, today):
    ends_on = cancellation_end_date(membership, today).isoformat()
    assert post_form(client, url(membership, "cancel"), {"ends_on": ends_on}).status_code == 302
    assert "This membership is cancelled already" in text_of(client.get(url(membership, "cancel")))

    response = post_form(client, url(membership, "cancel"), {"ends_on": ends_on, "reason": "Again"})

    assert response.status_code == 409
    assert "This membership is cancelled already." in text_of(response)
    assert stored(membership).cancel_reason == ""
    assert count(MembershipEvent, MembershipEvent.kind == "cancelled") == 1


def test_an_end_date_that_moved_since_the_page_was_shown_is_confirmed_again(client, logged_in, membership, today):
    shown = Period.of(today).plus(-1).last_day.isoformat()  # as if the page had been shown long ago

    response = post_form(client, url(membership, "cancel"), {"ends_on": shown})

    assert response.status_code == 409
    ends_on = cancellation_end_date(membership, today)
    assert f"Your membership would now end on {ends_on:%d %B %Y}. Confirm again if that suits you." in text_of(response)
    assert f'value="{ends_on.isoformat()}"' in response.get_data(as_text=True)
    assert stored(membership).ends_on is None


# --- the hub's setting ----------------------------------------------------------------------

def test_a_manager_lets_members_change_plan_at_once_from_the_hub_form(client, auth, hub, manager):
    assert auth.login(manager).status_code == 302
    assert 'name="members_may_change_plan_at_once"' in client.get("/hubs/here/edit").get_data(as_text=True)

    response = post_form(client, "/hubs/here/edit", {
        "name": hub.name, "address": "", "timezone": hub.timezone, "currency": hub.currency, "vat_number": hub.vat_number,
        "invoice_prefix": hub.invoice_prefix, "payment_terms_days": "14", "members_may_change_plan_at_once": "y"})

    assert response.status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(type(hub).members_may_change_plan_at_once).where(type(hub).id == hub.id)) is True


def test_a_new_hub_does_not_let_members_change_plan_at_once(hub):
    assert hub.members_may_change_plan_at_once is False
