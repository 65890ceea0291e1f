"""Memberships through the API: a member reads their own at every hub; the hub's managers list
theirs (filtered, paged in SQL), read one with its history, and change its plan, pause it,
cancel it and grant concessions. Every refusal is a clear JSON error and changes nothing.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from coworking.extensions import db
from coworking.memberships.lifecycle import add_concession, change_plan, pause_membership
from coworking.memberships.periods import Period
from coworking.memberships.plans import archive_plan, save_organisation
from tests.api.conftest import assert_json_error, statements_to_get, stored_memberships_state
from tests.conftest import bearer

MEMBERSHIPS = "/api/v1/hubs/leeds-central/memberships"


@pytest.fixture
def hot_desk(make_plan):
    return make_plan(name="Hot desk", monthly_price_minor=15_000, notice_period_days=30)


@pytest.fixture
def resident(make_plan):
    return make_plan(name="Resident", monthly_price_minor=30_000)


@pytest.fixture
def membership(mary, hot_desk, make_membership):
    return make_membership(mary, hot_desk)


def url(membership, action: str = "") -> str:
    return f"{MEMBERSHIPS}/{membership.id}" + (f"/{action}" if action else "")


# --- reading --------------------------------------------------------------------------------

def test_members_read_their_own_memberships_at_every_hub(client, people, mary, membership, make_plan, make_membership,
                                                         make_user, make_token, today):
    away = make_membership(mary, make_plan(at=people.away, name="Away plan"), starts_on=today + timedelta(days=5))
    make_membership(make_user(), make_plan(name="Someone else's"))

    body = client.get("/api/v1/me/memberships", headers=bearer(make_token(mary))).get_json()

    assert body["total"] == 2
    assert [(m["id"], m["hub"], m["state"]) for m in body["items"]] == [
        (away.id, "away", "upcoming"), (membership.id, "leeds-central", "active")]
    mine = body["items"][1]
    assert mine["member"]["email"] == "mary@example.org"
    assert mine["notice_period_days"] == 30
    assert mine["ends_if_cancelled_today"] == Period.of(today + timedelta(days=30)).last_day.isoformat()
    assert "events" not in mine


def test_members_read_one_of_theirs_with_its_history_and_no_one_elses(client, mary, membership, make_user, make_token,
                                                                       people):
    own = client.get(f"/api/v1/me/memberships/{membership.id}", headers=bearer(make_token(mary)))
    assert own.status_code == 200
    assert (own.get_json()["id"], [e["kind"] for e in own.get_json()["events"]]) == (membership.id, ["approved"])

    for someone_else in (make_user(email="olga@example.org"), people.manager, people.admin):
        response = client.get(f"/api/v1/me/memberships/{membership.id}", headers=bearer(make_token(someone_else)))
        assert assert_json_error(response, 404, "not_found")["message"] == "There is no membership with this id."


def test_a_manager_reads_one_membership_with_its_history(client, membership, as_manager, resident, people, today):
    change_plan(membership, resident, by=people.admin, reason="Needs more days")
    db.session.commit()

    body = client.get(url(membership), headers=as_manager).get_json()

    next_month = Period.of(today).plus(1).first_day
    assert body["plan"]["name"] == body["current_plan"]["name"] == "Hot desk"
    assert body["plan_changes"] == [{"plan": {"id": resident.id, "name": "Resident"}, "effective_on": next_month.isoformat()}]
    assert [(e["kind"], e["reason"], e["by"]["name"]) for e in body["events"]] == [
        ("approved", "", "Ada Admin"), ("plan_changed", "Needs more days", "Ada Admin")]


def test_a_membership_of_another_hub_or_none_at_all_is_a_404(client, people, mary, make_plan, make_membership, as_manager):
    away = make_membership(mary, make_plan(at=people.away, name="Away plan"))
    for membership_id in (away.id, 99_999, 2**40):
        assert_json_error(client.get(f"{MEMBERSHIPS}/{membership_id}", headers=as_manager), 404, "not_found")


@pytest.mark.parametrize("who", ("member", "staff", "manager of another hub"))
def test_only_the_hubs_managers_list_and_read_its_memberships(client, membership, token_of, who):
    assert_json_error(client.get(MEMBERSHIPS, headers=bearer(token_of(who))), 403, "forbidden")
    assert_json_error(client.get(url(membership), headers=bearer(token_of(who))), 403, "forbidden")


def test_the_list_filters_by_plan_state_concession_and_organisation(client, hub, membership, mary, resident, people,
                                                                     make_user, make_membership, as_manager, today):
    olga = make_membership(make_user(name="Olga"), resident)
    later = make_membership(make_user(name="Lars"), resident, starts_on=today + timedelta(days=10))
    add_concession(olga, by=people.admin, percent_bp=5000, reason="bursary")
    organisation = save_organisation(hub, by=people.admin, name="Bakery Co", billing_email="bills@bakery.example")
    db.session.commit()
    make_membership(make_user(name="Ben"), resident, organisation=organisation)

    def ids(query: str) -> list[int]:
        body = client.get(f"{MEMBERSHIPS}?{query}", headers=as_manager).get_json()
        return sorted(item["id"] for item in body["items"])

    assert ids(f"plan_id={membership.plan_id}") == [membership.id]
    assert ids("state=upcoming") == [later.id]
    assert ids("concession=true") == [olga.id]
    assert len(ids("concession=false")) == 3
    assert len(ids(f"organisation_id={organisation.id}")) == 1
    page = client.get(f"{MEMBERSHIPS}?per_page=3&page=2", headers=as_manager).get_json()
    assert (page["total"], page["pages"], len(page["items"])) == (4, 2, 1)
    error = assert_json_error(client.get(f"{MEMBERSHIPS}?state=asleep", headers=as_manager), 422, "validation_error")
    assert "state" in error["fields"]


def with_history(membership, new_plan, admin, today) -> None:
    """A plan change, a pause and a concession: what a page shows of each membership."""
    change_plan(membership, new_plan, by=admin)
    pause_membership(membership, by=admin, first_period=Period.of(today).plus(2), months=1)
    add_concession(membership, by=admin, percent_bp=2500, reason="student")
    db.session.commit()


def test_a_page_of_a_hubs_memberships_costs_the_same_however_many_there_are(client, hub, hot_desk, resident, people,
                                                                            make_user, make_membership, as_manager,
                                                                            today):
    organisation = save_organisation(hub, by=people.admin, name="Bakery Co", billing_email="bills@bakery.example")
    db.session.commit()

    def add_members(count: int) -> None:
        for _ in range(count):
            with_history(make_membership(make_user(), hot_desk, organisation=organisation), resident, people.admin, today)

    add_members(2)
    few = len(statements_to_get(client, MEMBERSHIPS, as_manager))
    add_members(6)
    assert len(statements_to_get(client, MEMBERSHIPS, as_manager)) == few


def test_a_page_of_your_memberships_costs_the_same_however_many_you_hold(client, mary, make_hub, make_plan,
                                                                         make_membership, make_token, people, today):
    def join_hubs(count: int) -> None:
        for _ in range(count):
            elsewhere = make_hub(timezone="Europe/London")
            plans = make_plan(at=elsewhere, name="Hot desk"), make_plan(at=elsewhere, name="Resident")
            with_history(make_membership(mary, plans[0]), plans[1], people.admin, today)

    as_mary = bearer(make_token(mary))
    join_hubs(2)
    few = len(statements_to_get(client, "/api/v1/me/memberships", as_mary))
    join_hubs(6)
    assert len(statements_to_get(client, "/api/v1/me/memberships", as_mary)) == few


# --- changing the plan ----------------------------------------------------------------------

def test_a_plan_change_applies_from_next_month_by_default(client, membership, resident, as_manager, today):
    response = client.post(url(membership, "change-plan"), json={"plan_id": resident.id, "reason": "More days"},
                           headers=as_manager)

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["plan_changes"] == [
        {"plan": {"id": resident.id, "name": "Resident"}, "effective_on": Period.of(today).plus(1).first_day.isoformat()}]
    assert body["events"][-1]["kind"] == "plan_changed"


def test_a_plan_change_at_once_applies_from_today(client, membership, resident, as_manager, today, make_plan,
                                                  make_membership, make_user):
    started_earlier = make_membership(make_user(), membership.plan, starts_on=today - timedelta(days=3))

    body = client.post(url(started_earlier, "change-plan"), json={"plan_id": resident.id, "at_once": True},
                       headers=as_manager).get_json()

    assert body["current_plan"]["name"] == "Resident"
    assert body["plan_changes"][0]["effective_on"] == today.isoformat()


@pytest.mark.parametrize("body, status, field", (
    ({}, 422, "plan_id"),
    ({"plan_id": "SAME"}, 409, "plan_id"),
    ({"plan_id": "OTHER_HUB"}, 422, "plan_id"),
    ({"plan_id": "ARCHIVED"}, 409, "plan_id"),
    ({"plan_id": "RESIDENT", "at_once": "soon"}, 422, "at_once"),
    ({"plan_id": "RESIDENT", "effective_on": "2000-01-01"}, 422, "effective_on"),
))
def test_a_bad_plan_change_is_refused_naming_the_field(client, membership, resident, make_plan, people, as_manager,
                                                       body, status, field):
    archived = make_plan(name="Archived")
    archive_plan(archived, by=people.admin)
    db.session.commit()
    plans = {"SAME": membership.plan_id, "OTHER_HUB": make_plan(at=people.away).id, "ARCHIVED": archived.id,
             "RESIDENT": resident.id}
    body = {key: plans.get(value, value) for key, value in body.items()}
    before = stored_memberships_state()

    response = client.post(url(membership, "change-plan"), json=body, headers=as_manager)

    assert field in assert_json_error(response, status, "validation_error" if status == 422 else "conflict")["fields"]
    assert stored_memberships_state() == before


# --- pausing --------------------------------------------------------------------------------

def test_a_pause_covers_whole_months_still_to_come(client, membership, as_manager, today):
    first = Period.of(today).plus(1)

    response = client.post(url(membership, "pause"), json={"first_period": first.key, "months": 2, "reason": "Travelling"},
                           headers=as_manager)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["pauses"] == [
        {"starts_on": first.first_day.isoformat(), "ends_on": first.plus(1).last_day.isoformat(), "reason": "Travelling"}]


@pytest.mark.parametrize("body, field, message", (
    ({"first_period": "NEXT", "months": 3}, "months", "A pause on the Hot desk plan lasts at most 2 months."),
    ({"first_period": "THIS", "months": 1}, "first_period", "A pause starts at the beginning of a month still to come."),
    ({"first_period": "NEXT", "months": 0}, "months", "A pause lasts one month or more."),
    ({"first_period": "2026-13", "months": 1}, "first_period", "'2026-13' is not a month: write it as YYYY-MM, such as 2026-11."),
    ({"first_period": "26-1", "months": 1}, "first_period", "'26-1' is not a month: write it as YYYY-MM, such as 2026-11."),
    ({"first_period": "NEXT", "months": 1.5}, "months", "Not a valid integer."),
    ({"first_period": "NEXT"}, "months", "Missing data for required field."),
))
def test_a_bad_pause_is_refused_naming_the_field(client, membership, as_manager, today, body, field, message):
    periods = {"NEXT": Period.of(today).plus(1).key, "THIS": Period.of(today).key}
    body = {key: periods.get(value, value) for key, value in body.items()}
    before = stored_memberships_state()

    response = client.post(url(membership, "pause"), json=body, headers=as_manager)

    assert assert_json_error(response, 422, "validation_error")["fields"] == {field: message}
    assert stored_memberships_state() == before


def test_a_plan_without_pauses_refuses_one(client, mary, make_plan, make_membership, as_manager, today):
    membership = make_membership(mary, make_plan(name="No breaks", pauses_allowed=False, max_pause_months=0))

    response = client.post(url(membership, "pause"), json={"first_period": Period.of(today).plus(1).key, "months": 1},
                           headers=as_manager)

    assert assert_json_error(response, 422, "validation_error")["fields"] == {"months": "The No breaks plan does not allow pauses."}


# --- cancelling -----------------------------------------------------------------------------

def test_cancelling_answers_the_end_date_given_by_the_notice(client, membership, as_manager):
    before = client.get(url(membership), headers=as_manager).get_json()["ends_if_cancelled_today"]

    response = client.post(url(membership, "cancel"), json={"reason": "Moving away"}, headers=as_manager)

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["ends_on"] == before
    assert body["ends_if_cancelled_today"] is None
    assert (body["cancel_reason"], body["events"][-1]["kind"]) == ("Moving away", "cancelled")
    assert body["cancelled_at"] is not None


def test_a_manager_may_choose_the_end_date(client, membership, as_manager, today):
    ends_on = today + timedelta(days=5)
    body = client.post(url(membership, "cancel"), json={"ends_on": ends_on.isoformat()}, headers=as_manager).get_json()
    assert body["ends_on"] == ends_on.isoformat()


def test_cancelling_a_cancelled_membership_is_a_409_and_changes_nothing(client, membership, as_manager):
    client.post(url(membership, "cancel"), json={}, headers=as_manager)
    before = stored_memberships_state()

    response = client.post(url(membership, "cancel"), json={"reason": "Again"}, headers=as_manager)

    assert assert_json_error(response, 409, "conflict")["message"] == "This membership is cancelled already."
    assert stored_memberships_state() == before


def test_an_end_date_before_the_start_is_refused(client, membership, as_manager, today):
    before = stored_memberships_state()
    response = client.post(url(membership, "cancel"), json={"ends_on": (today - timedelta(days=1)).isoformat()},
                           headers=as_manager)
    assert "ends_on" in assert_json_error(response, 422, "validation_error")["fields"]
    assert stored_memberships_state() == before


# --- concessions ----------------------------------------------------------------------------

def test_a_manager_grants_a_percentage_concession(client, membership, as_manager, today):
    review_on = today + timedelta(days=90)

    response = client.post(url(membership, "concessions"), json={
        "percent": 12.5, "reason": "bursary", "review_on": review_on.isoformat(), "funded_by_community_fund": True,
    }, headers=as_manager)

    assert response.status_code == 201, response.get_json()
    concession = response.get_json()
    assert (concession["percent"], concession["fixed_price"]) == (12.5, None)
    assert (concession["review_on"], concession["funded_by_community_fund"]) == (review_on.isoformat(), True)
    assert concession["description"] == "12.5% concession (bursary)"
    stored = client.get(url(membership), headers=as_manager).get_json()["concessions"]
    assert [c["id"] for c in stored] == [concession["id"]]


def test_a_manager_grants_a_fixed_monthly_price(client, membership, as_manager):
    response = client.post(url(membership, "concessions"), json={
        "fixed_price": {"amount_minor": 5000, "currency": "gbp"}, "reason": "unemployed"}, headers=as_manager)

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["fixed_price"] == {"amount_minor": 5000, "currency": "GBP"}
    assert response.get_json()["percent"] is None


@pytest.mark.parametrize("body, status, field", (
    ({"percent": 150, "reason": "bursary"}, 422, "percent"),
    ({"percent": -5, "reason": "bursary"}, 422, "percent"),
    ({"percent": 12.345, "reason": "bursary"}, 422, "percent"),
    ({"reason": "bursary"}, 422, "percent"),
    ({"percent": 10, "fixed_price": {"amount_minor": 5000}, "reason": "bursary"}, 422, "percent"),
    ({"fixed_price": {"amount_minor": -1}, "reason": "bursary"}, 422, "fixed_price"),
    ({"fixed_price": {"amount_minor": 5000, "currency": "EUR"}, "reason": "bursary"}, 422, "fixed_price.currency"),
    ({"percent": 10}, 422, "reason"),
    ({"percent": 10, "reason": "   "}, 422, "reason"),
    ({"percent": 10, "reason": "student", "starts_on": "2000-01-01"}, 422, "starts_on"),
))
def test_a_bad_concession_is_refused_naming_the_field(client, membership, as_manager, body, status, field):
    before = stored_memberships_state()

    response = client.post(url(membership, "concessions"), json=body, headers=as_manager)

    assert field in assert_json_error(response, status, "validation_error")["fields"]
    assert stored_memberships_state() == before


def test_a_second_concession_at_the_same_time_is_a_409(client, membership, as_manager):
    client.post(url(membership, "concessions"), json={"percent": 50, "reason": "bursary"}, headers=as_manager)
    before = stored_memberships_state()

    response = client.post(url(membership, "concessions"), json={"percent": 20, "reason": "student"}, headers=as_manager)

    assert_json_error(response, 409, "conflict")
    assert stored_memberships_state() == before


@pytest.mark.parametrize("action, body", (
    ("change-plan", {"plan_id": 1}),
    ("pause", {"first_period": "2030-01", "months": 1}),
    ("cancel", {}),
    ("concessions", {"percent": 10, "reason": "bursary"}),
    ("allowance-adjustments", {"period": "2030-01", "resource": "desk_days", "quantity": 1, "reason": "x"}),
))
@pytest.mark.parametrize("who", ("member", "staff", "manager of another hub"))
def test_only_the_hubs_managers_change_a_membership(client, membership, token_of, action, body, who):
    before = stored_memberships_state()

    response = client.post(url(membership, action), json=body, headers=bearer(token_of(who)))

    assert_json_error(response, 403, "forbidden")
    assert stored_memberships_state() == before
