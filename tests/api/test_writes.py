"""Managers change their hub and its spaces through the API; nobody else can, and bad input
changes nothing stored."""
from __future__ import annotations

import pytest

from tests.api.conftest import assert_json_error, stored_hub, stored_spaces
from tests.conftest import bearer

HUB = "/api/v1/hubs/leeds-central"
SPACES = "/api/v1/hubs/leeds-central/spaces"
NEW_DESK = {"kind": "desk", "name": "Desk by the window", "daily_rate": {"amount_minor": 1800}}


def hub_details(hub) -> dict:
    return {name: getattr(hub, name) for name in
            ("name", "address", "timezone", "currency", "vat_number", "payment_terms_days")}


# --- who may write --------------------------------------------------------------------------

WRITES = (
    ("PATCH", HUB, {"name": "Leeds Central Hub"}),
    ("POST", SPACES, NEW_DESK),
    ("PATCH", "SPACE", {"capacity": 2}),
)


@pytest.mark.parametrize("method, path, body", WRITES)
@pytest.mark.parametrize("who", ("member", "staff", "manager of another hub"))
def test_a_token_of_the_wrong_role_gets_403_and_changes_nothing(client, hub, make_space, token_of, who, method, path, body):
    space = make_space(hub, "desk", "Desk 1")
    before = hub_details(hub)
    path = path.replace("SPACE", f"{SPACES}/{space.id}")

    response = client.open(path, method=method, json=body, headers=bearer(token_of(who)))

    assert_json_error(response, 403, "forbidden")
    assert hub_details(stored_hub("leeds-central")) == before
    assert [(s.name, s.capacity) for s in stored_spaces("leeds-central")] == [("Desk 1", 1)]


@pytest.mark.parametrize("method, path, body", WRITES)
def test_writes_need_a_token(client, hub, method, path, body):
    response = client.open(path.replace("SPACE", f"{SPACES}/1"), method=method, json=body)
    assert_json_error(response, 401, "unauthorized")


@pytest.mark.parametrize("who", ("manager", "admin"))
def test_a_manager_or_admin_changes_the_hub(client, hub, token_of, who):
    changes = {
        "name": "  Leeds Central Hub ",
        "address": "1 Park Row, Leeds",
        "timezone": "Europe/Dublin",
        "currency": "EUR",
        "vat_number": "GB123456789",
        "payment_terms_days": 30,
    }

    response = client.patch(HUB, json=changes, headers=bearer(token_of(who)))

    assert response.status_code == 200
    assert response.get_json()["name"] == "Leeds Central Hub"
    assert response.get_json()["timezone"] == "Europe/Dublin"
    assert hub_details(stored_hub("leeds-central")) == {**changes, "name": "Leeds Central Hub"}


def test_a_patch_changes_only_the_fields_sent(client, hub, token_of):
    client.patch(HUB, json={"vat_number": "GB1"}, headers=bearer(token_of("manager")))
    client.patch(HUB, json={"payment_terms_days": 0}, headers=bearer(token_of("manager")))
    stored = stored_hub("leeds-central")
    assert (stored.name, stored.vat_number, stored.payment_terms_days) == ("Leeds Central", "GB1", 0)


def test_a_blank_vat_number_is_stored_as_none(client, make_hub, token_of):
    make_hub("york", "York", vat_number="GB9")
    client.patch("/api/v1/hubs/york", json={"vat_number": " "}, headers=bearer(token_of("admin")))
    assert stored_hub("york").vat_number is None


# --- bad hub input --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "changes, field",
    (
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"timezone": "GMT+1", "name": "Renamed"}, "timezone"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "EURO"}, "currency"),
        ({"payment_terms_days": -1}, "payment_terms_days"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": None}, "name"),
        ({"vat_number": "V" * 33}, "vat_number"),
        ({"payment_terms_days": 2**31}, "payment_terms_days"),
        # wrong types
        ({"payment_terms_days": "14"}, "payment_terms_days"),
        ({"payment_terms_days": 14.5}, "payment_terms_days"),
        ({"name": 42}, "name"),
        ({"timezone": ["Europe/London"]}, "timezone"),
        # fields that cannot be changed here, or do not exist
        ({"slug": "leeds"}, "slug"),
        ({"colour": "red"}, "colour"),
    ),
)
def test_bad_hub_changes_get_422_naming_the_field_and_store_nothing(client, hub, token_of, changes, field):
    before = hub_details(hub)

    response = client.patch(HUB, json=changes, headers=bearer(token_of("manager")))

    error = assert_json_error(response, 422, "validation_error")
    assert list(error["fields"]) == [field]
    assert error["fields"][field]
    assert hub_details(stored_hub("leeds-central")) == before


def test_a_service_refusal_is_explained_in_its_own_words(client, hub, token_of):
    response = client.patch(HUB, json={"timezone": "Mars/Olympus"}, headers=bearer(token_of("manager")))
    error = assert_json_error(response, 422, "validation_error")
    assert error["message"] == error["fields"]["timezone"]
    assert "IANA" in error["message"]


@pytest.mark.parametrize("body", ("[]", '["name"]', '"Leeds"', "3", "null"))
def test_a_body_that_is_not_an_object_gets_422(client, hub, token_of, body):
    response = client.patch(HUB, data=body, content_type="application/json", headers=bearer(token_of("manager")))
    error = assert_json_error(response, 422, "validation_error")
    assert error == {"code": "validation_error", "message": "Invalid input type.", "fields": {}}
    assert stored_hub("leeds-central").name == "Leeds Central"


# --- spaces ---------------------------------------------------------------------------------

def test_a_manager_adds_a_space(client, hub, token_of):
    body = {
        "kind": "room",
        "name": " Boardroom ",
        "capacity": 10,
        "hourly_rate": {"amount_minor": 2500, "currency": "GBP"},
        "daily_rate": {"amount_minor": 15000, "currency": "gbp"},
        "amenities": ["screen"],
    }

    response = client.post(SPACES, json=body, headers=bearer(token_of("manager")))

    assert response.status_code == 201
    created = response.get_json()
    assert created["name"] == "Boardroom"
    assert created["hourly_rate"] == {"amount_minor": 2500, "currency": "GBP"}
    assert response.headers["Location"].endswith(f"{SPACES}/{created['id']}")
    [stored] = stored_spaces("leeds-central")
    assert (stored.kind, stored.name, stored.capacity, stored.hourly_rate_minor, stored.daily_rate_minor,
            stored.amenities, stored.active) == ("room", "Boardroom", 10, 2500, 15000, ["screen"], True)


def test_a_new_space_needs_a_kind_and_a_name(client, hub, token_of):
    response = client.post(SPACES, json={}, headers=bearer(token_of("manager")))
    error = assert_json_error(response, 422, "validation_error")
    assert set(error["fields"]) == {"kind", "name"}
    assert stored_spaces("leeds-central") == []


@pytest.mark.parametrize(
    "changes, field",
    (
        ({"hourly_rate": {"amount_minor": -1}}, "hourly_rate"),
        ({"daily_rate": {"amount_minor": -500}}, "daily_rate"),
        ({"daily_rate": {"amount_minor": 1500, "currency": "EUR"}}, "daily_rate.currency"),
        ({"daily_rate": {"amount_minor": "15.00"}}, "daily_rate.amount_minor"),
        ({"daily_rate": {"amount_minor": 15.5}}, "daily_rate.amount_minor"),
        ({"daily_rate": {}}, "daily_rate.amount_minor"),
        ({"daily_rate": 1500}, "daily_rate"),
        ({"daily_rate_minor": 1500}, "daily_rate_minor"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": "two"}, "capacity"),
        ({"kind": "sofa"}, "kind"),
        ({"name": "Desk 1"}, "name"),
        ({"amenities": "wifi"}, "amenities"),
        ({"amenities": ["wifi", ""]}, "amenities.1"),
        ({"active": "perhaps"}, "active"),
        ({"hub": "york"}, "hub"),
    ),
)
@pytest.mark.parametrize("method", ("POST", "PATCH"))
def test_bad_space_input_gets_422_naming_the_field_and_stores_nothing(client, hub, make_space, token_of, method, changes, field):
    space = make_space(hub, "desk", "Desk 1")
    existing = make_space(hub, "desk", "Desk 2") if method == "PATCH" else None
    if method == "POST":
        path, body = SPACES, {"kind": "desk", "name": "Desk 3", **changes}
    else:
        path, body = f"{SPACES}/{existing.id}", changes
    before = [(s.name, s.capacity, s.daily_rate_minor, s.hourly_rate_minor, s.active) for s in stored_spaces("leeds-central")]

    response = client.open(path, method=method, json=body, headers=bearer(token_of("manager")))

    error = assert_json_error(response, 422, "validation_error")
    assert list(error["fields"]) == [field]
    after = [(s.name, s.capacity, s.daily_rate_minor, s.hourly_rate_minor, s.active) for s in stored_spaces("leeds-central")]
    assert after == before
    assert space.id


def test_a_manager_changes_and_retires_a_space(client, hub, make_space, token_of):
    space = make_space(hub, "room", "Boardroom", hourly_rate_minor=2000)
    token = token_of("manager")

    response = client.patch(f"{SPACES}/{space.id}", json={"hourly_rate": {"amount_minor": 2200}, "active": False},
                            headers=bearer(token))

    assert response.status_code == 200
    assert response.get_json()["hourly_rate"] == {"amount_minor": 2200, "currency": "GBP"}
    [stored] = stored_spaces("leeds-central")
    assert (stored.hourly_rate_minor, stored.active) == (2200, False)
    member_view = client.get(SPACES, headers=bearer(token_of("member"))).get_json()
    assert member_view["items"] == []


def test_a_space_of_another_hub_cannot_be_changed_through_this_hub(client, hub, make_hub, make_space, token_of):
    other = make_space(make_hub("york", "York"), "desk", "York desk")
    response = client.patch(f"{SPACES}/{other.id}", json={"capacity": 3}, headers=bearer(token_of("manager")))
    assert_json_error(response, 404, "not_found")
    assert stored_spaces("york")[0].capacity == 1
