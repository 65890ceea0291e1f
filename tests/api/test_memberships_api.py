"""Plans and applications through the API: anyone logged in reads a hub's plans and applies for
one; the hub's managers list the applications and approve or decline them. Every refusal is a
clear JSON error naming the field, and changes nothing.

Changing memberships is in test_membership_changes_api.py; allowances and billable items in
test_membership_allowances_api.py.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from coworking.extensions import db
from coworking.mail import OutboxMessage
from coworking.memberships.plans import archive_plan, change_plan_price
from tests.api.conftest import assert_json_error, statements_to_get, stored_memberships_state
from tests.conftest import bearer

PLANS = "/api/v1/hubs/leeds-central/plans"
APPLICATIONS = "/api/v1/hubs/leeds-central/applications"


@pytest.fixture
def hot_desk(make_plan):
    return make_plan(name="Hot desk", monthly_price_minor=15_000, desk_days_per_month=8, room_hours_per_month=None)


@pytest.fixture
def application(client, hot_desk, as_mary):
    response = client.post(APPLICATIONS, json={"plan_id": hot_desk.id, "message": "I run a bakery."}, headers=as_mary)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# --- plans ----------------------------------------------------------------------------------

def test_anyone_logged_in_reads_the_plans_on_offer_with_their_terms(client, hub, make_plan, people, as_mary, today):
    resident = make_plan(name="Resident", monthly_price_minor=30_000, desk_days_per_month=None, network_access=True)
    make_plan(name="Private deal", public=False)
    archive_plan(make_plan(name="Old plan"), by=people.admin)
    change_plan_price(resident, 32_000, today + timedelta(days=40), by=people.admin)
    db.session.commit()

    body = client.get(PLANS, headers=as_mary).get_json()

    assert (body["total"], body["page"], body["pages"]) == (1, 1, 1)
    plan = body["items"][0]
    assert plan["name"] == "Resident"
    assert plan["hub"] == "leeds-central"
    assert plan["monthly_price"] == {"amount_minor": 30_000, "currency": "GBP"}
    assert [price["price"]["amount_minor"] for price in plan["prices"]] == [30_000, 32_000]
    assert plan["prices"][0]["effective_from"] is None
    assert plan["prices"][1]["effective_from"] == (today + timedelta(days=40)).isoformat()
    assert plan["vat_rate_bp"] == 2000
    assert (plan["desk_days_per_month"], plan["room_hours_per_month"]) == (None, 4)
    assert plan["network_access"] is True
    assert (plan["public"], plan["archived"]) == (True, False)


def test_the_hubs_managers_also_list_private_and_archived_plans(client, make_plan, people, as_manager):
    make_plan(name="Public")
    make_plan(name="Private", public=False)
    archive_plan(make_plan(name="Archived"), by=people.admin)
    db.session.commit()

    names = [p["name"] for p in client.get(f"{PLANS}?include_private=true&include_archived=true",
                                          headers=as_manager).get_json()["items"]]
    assert names == ["Archived", "Private", "Public"]


@pytest.mark.parametrize("flag", ("include_private", "include_archived"))
def test_members_cannot_list_private_or_archived_plans(client, make_plan, as_mary, flag):
    response = client.get(f"{PLANS}?{flag}=true", headers=as_mary)
    assert_json_error(response, 403, "forbidden")


def test_plans_of_an_unknown_hub_are_a_404(client, as_mary):
    assert_json_error(client.get("/api/v1/hubs/nowhere/plans", headers=as_mary), 404, "not_found")


def test_a_page_of_plans_costs_the_same_however_many_plans_there_are(client, make_plan, as_mary, people, today):
    def statements() -> int:
        return len(statements_to_get(client, PLANS, as_mary))

    for _ in range(2):
        change_plan_price(make_plan(), 31_000, today + timedelta(days=3), by=people.admin)
    db.session.commit()
    few = statements()
    for _ in range(6):
        change_plan_price(make_plan(), 31_000, today + timedelta(days=3), by=people.admin)
    db.session.commit()
    assert statements() == few


# --- applying -------------------------------------------------------------------------------

def test_a_member_applies_for_a_plan(client, application, mary, hot_desk):
    assert application["status"] == "pending"
    assert application["member"] == {"id": mary.id, "name": "Mary Member", "email": "mary@example.org"}
    assert application["plan"] == {"id": hot_desk.id, "name": "Hot desk"}
    assert application["message"] == "I run a bakery."
    assert application["membership_id"] is None
    assert stored_memberships_state()["applications"] == [(application["id"], "pending", None)]


@pytest.mark.parametrize("body, field", (
    ({}, "plan_id"),
    ({"plan_id": "1"}, "plan_id"),
    ({"plan_id": 99_999}, "plan_id"),
    ({"plan_id": 2**40}, "plan_id"),
    ({"plan_id": "PLAN", "message": "x" * 2001}, "message"),
    ({"plan_id": "PLAN", "colour": "blue"}, "colour"),
))
def test_applying_with_a_bad_body_is_a_422_naming_the_field(client, hot_desk, as_mary, body, field):
    body = {key: hot_desk.id if value == "PLAN" else value for key, value in body.items()}
    before = stored_memberships_state()

    error = assert_json_error(client.post(APPLICATIONS, json=body, headers=as_mary), 422, "validation_error")

    assert field in error["fields"]
    assert stored_memberships_state() == before


def test_a_plan_of_another_hub_is_not_one_of_this_hubs(client, people, make_plan, as_mary):
    elsewhere = make_plan(at=people.away, name="Away plan")

    error = assert_json_error(client.post(APPLICATIONS, json={"plan_id": elsewhere.id}, headers=as_mary), 422,
                              "validation_error")

    assert error["fields"] == {"plan_id": "This hub has no plan with this id."}
    assert stored_memberships_state()["applications"] == []


def test_a_private_plan_is_refused_naming_the_plan(client, make_plan, as_mary):
    private = make_plan(name="Private deal", public=False)

    error = assert_json_error(client.post(APPLICATIONS, json={"plan_id": private.id}, headers=as_mary), 422,
                              "validation_error")

    assert list(error["fields"]) == ["plan_id"]
    assert "managers" in error["message"]


def test_applying_twice_is_a_409(client, application, hot_desk, as_mary):
    before = stored_memberships_state()

    response = client.post(APPLICATIONS, json={"plan_id": hot_desk.id}, headers=as_mary)

    assert "waiting" in assert_json_error(response, 409, "conflict")["message"]
    assert stored_memberships_state() == before


def test_an_archived_plan_takes_no_applications(client, hot_desk, people, as_mary):
    archive_plan(hot_desk, by=people.admin)
    db.session.commit()

    response = client.post(APPLICATIONS, json={"plan_id": hot_desk.id}, headers=as_mary)

    assert assert_json_error(response, 409, "conflict")["fields"] == {"plan_id": "This plan is no longer offered."}


# --- listing, approving and declining -------------------------------------------------------

def test_managers_list_the_applications_waiting_and_others_on_request(client, application, make_user, make_token,
                                                                      hot_desk, as_manager):
    other = make_user(email="olga@example.org", name="Olga")
    declined = client.post(APPLICATIONS, json={"plan_id": hot_desk.id}, headers=bearer(make_token(other))).get_json()
    client.post(f"{APPLICATIONS}/{declined['id']}/decline", json={"message": "Full up."}, headers=as_manager)

    waiting = client.get(APPLICATIONS, headers=as_manager).get_json()
    everything = client.get(f"{APPLICATIONS}?status=all", headers=as_manager).get_json()
    refused = client.get(f"{APPLICATIONS}?status=declined", headers=as_manager).get_json()

    assert [a["id"] for a in waiting["items"]] == [application["id"]]
    assert [a["id"] for a in everything["items"]] == [application["id"], declined["id"]]
    assert [(a["id"], a["decision_message"]) for a in refused["items"]] == [(declined["id"], "Full up.")]
    assert_json_error(client.get(f"{APPLICATIONS}?status=lost", headers=as_manager), 422, "validation_error")


def test_a_page_of_applications_costs_the_same_however_many_there_are(client, hot_desk, make_user, make_token,
                                                                      as_manager):
    def apply(count: int) -> None:
        for _ in range(count):
            client.post(APPLICATIONS, json={"plan_id": hot_desk.id}, headers=bearer(make_token(make_user())))

    def statements() -> int:
        return len(statements_to_get(client, APPLICATIONS, as_manager))

    apply(2)
    few = statements()
    apply(6)
    assert statements() == few


@pytest.mark.parametrize("who", ("manager", "admin"))
def test_approving_starts_the_membership_and_emails_the_member(client, application, people, make_token, today, who):
    starts_on = today + timedelta(days=3)

    response = client.post(f"{APPLICATIONS}/{application['id']}/approve", json={"starts_on": starts_on.isoformat(),
                           "message": "Welcome!"}, headers=bearer(make_token(people[who])))

    assert response.status_code == 201, response.get_json()
    membership = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/hubs/leeds-central/memberships/{membership['id']}")
    assert (membership["starts_on"], membership["ends_on"], membership["state"]) == (starts_on.isoformat(), None, "upcoming")
    assert membership["plan"]["name"] == membership["current_plan"]["name"] == "Hot desk"
    assert [event["kind"] for event in membership["events"]] == ["approved"]
    state = stored_memberships_state()
    assert state["applications"] == [(application["id"], "approved", membership["id"])]
    mail = db.session.scalars(sa.select(OutboxMessage)).one()
    assert mail.to_address == "mary@example.org"


def test_approving_twice_is_a_409_and_changes_nothing(client, application, as_manager, today):
    url = f"{APPLICATIONS}/{application['id']}/approve"
    assert client.post(url, json={"starts_on": today.isoformat()}, headers=as_manager).status_code == 201
    before = stored_memberships_state()

    response = client.post(url, json={"starts_on": (today + timedelta(days=1)).isoformat()}, headers=as_manager)

    assert assert_json_error(response, 409, "conflict")["message"] == "This application was approved already."
    assert stored_memberships_state() == before


def test_a_start_further_back_than_allowed_is_refused_naming_starts_on(app, client, application, as_manager, today):
    app.config["MEMBERSHIP_BACKDATE_DAYS"] = 7
    before = stored_memberships_state()

    response = client.post(f"{APPLICATIONS}/{application['id']}/approve",
                           json={"starts_on": (today - timedelta(days=8)).isoformat()}, headers=as_manager)

    error = assert_json_error(response, 422, "validation_error")
    assert error["fields"] == {"starts_on": "A membership can start at most 7 days in the past."}
    assert stored_memberships_state() == before


@pytest.mark.parametrize("body, field", (
    ({}, "starts_on"),
    ({"starts_on": "tomorrow"}, "starts_on"),
    ({"starts_on": "TODAY", "organisation_id": 99_999}, "organisation_id"),
))
def test_approving_with_a_bad_body_is_a_422_naming_the_field(client, application, as_manager, today, body, field):
    body = {key: today.isoformat() if value == "TODAY" else value for key, value in body.items()}
    before = stored_memberships_state()

    response = client.post(f"{APPLICATIONS}/{application['id']}/approve", json=body, headers=as_manager)

    assert field in assert_json_error(response, 422, "validation_error")["fields"]
    assert stored_memberships_state() == before


@pytest.mark.parametrize("action, body", (("approve", {"starts_on": "2030-01-01"}), ("decline", {"message": "No."})))
@pytest.mark.parametrize("who", ("member", "staff", "manager of another hub"))
def test_only_the_hubs_managers_decide(client, application, token_of, action, body, who):
    before = stored_memberships_state()

    response = client.post(f"{APPLICATIONS}/{application['id']}/{action}", json=body, headers=bearer(token_of(who)))

    assert_json_error(response, 403, "forbidden")
    assert stored_memberships_state() == before


def test_an_application_of_another_hub_or_none_at_all_is_a_404(client, people, make_plan, make_token, mary, as_manager, today):
    from coworking.memberships.applications import apply_for_plan

    elsewhere = apply_for_plan(mary, make_plan(at=people.away, name="Away plan"))
    db.session.commit()

    for application_id in (elsewhere.id, 99_999, 2**40):
        response = client.post(f"{APPLICATIONS}/{application_id}/approve", json={"starts_on": today.isoformat()},
                               headers=as_manager)
        assert_json_error(response, 404, "not_found")
    assert stored_memberships_state()["applications"] == [(elsewhere.id, "pending", None)]


def test_declining_needs_a_message_which_the_member_is_sent(client, application, as_manager):
    url = f"{APPLICATIONS}/{application['id']}/decline"
    error = assert_json_error(client.post(url, json={}, headers=as_manager), 422, "validation_error")
    assert error["fields"] == {"message": "Write a message: the member will be sent it."}
    assert stored_memberships_state()["applications"] == [(application["id"], "pending", None)]

    response = client.post(url, json={"message": "We are full until spring."}, headers=as_manager)

    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["decision_message"]) == ("declined", "We are full until spring.")
    mail = db.session.scalars(sa.select(OutboxMessage)).one()
    assert "We are full until spring." in mail.body_text
    assert_json_error(client.post(url, json={"message": "Again"}, headers=as_manager), 409, "conflict")


# --- the OpenAPI document -------------------------------------------------------------------

WRITES = (
    "/api/v1/hubs/{slug}/applications",
    "/api/v1/hubs/{slug}/applications/{application_id}/approve",
    "/api/v1/hubs/{slug}/applications/{application_id}/decline",
    *(f"/api/v1/hubs/{{slug}}/memberships/{{membership_id}}/{action}"
      for action in ("change-plan", "pause", "cancel", "concessions", "allowance-adjustments")),
)


def test_every_memberships_write_documents_its_refusals(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in WRITES:
        assert {"400", "401", "403", "404", "409", "413", "415", "422"} <= set(paths[path]["post"]["responses"]), path
