"""Under /api every error is our JSON envelope, never an HTML page."""
from __future__ import annotations

import json

import pytest

from tests.api.conftest import assert_json_error, stored_hub
from tests.conftest import bearer

HUB = "/api/v1/hubs/leeds-central"
ONE_MEBIBYTE = 1024 * 1024


@pytest.mark.parametrize("path", ("/api/v1/nothing-here", "/api/v1/hubs/leeds-central/rooms", "/api/v2/hubs", "/api/"))
def test_an_unknown_route_under_api_gets_404_json(client, hub, token_of, path):
    assert_json_error(client.get(path, headers=bearer(token_of("member"))), 404, "not_found")


@pytest.mark.parametrize(
    "method, path, allowed",
    (
        ("DELETE", HUB, {"GET", "PATCH"}),
        ("POST", "/api/v1/hubs", {"GET"}),
        ("PUT", "/api/v1/me", {"GET"}),
    ),
)
def test_a_wrong_method_gets_405_json_saying_what_is_allowed(client, hub, token_of, method, path, allowed):
    response = client.open(path, method=method, headers=bearer(token_of("admin")))
    assert_json_error(response, 405, "method_not_allowed")
    assert allowed <= {method.strip() for method in response.headers["Allow"].split(",")}


def test_a_body_over_the_size_limit_gets_413_json_and_changes_nothing(client, hub, token_of):
    body = json.dumps({"address": "x" * ONE_MEBIBYTE})

    response = client.patch(HUB, data=body, content_type="application/json", headers=bearer(token_of("manager")))

    error = assert_json_error(response, 413, "payload_too_large")
    assert error["message"] == "The request body is too large."
    assert stored_hub("leeds-central").address == ""


@pytest.mark.parametrize(
    "content_type, body",
    (
        ("application/x-www-form-urlencoded", "name=New+name"),
        ("text/plain", '{"name": "New name"}'),
        ("multipart/form-data; boundary=x", "--x--"),
        (None, '{"name": "New name"}'),
    ),
)
def test_a_body_that_is_not_json_gets_415_json(client, hub, token_of, content_type, body):
    headers = bearer(token_of("manager"))
    response = client.patch(HUB, data=body, content_type=content_type, headers=headers)
    error = assert_json_error(response, 415, "unsupported_media_type")
    assert "application/json" in error["message"]
    assert stored_hub("leeds-central").name == "Leeds Central"


@pytest.mark.parametrize("body", ('{"name": "New name"', "{'name': 'New name'}", "[1,]", "\xff"))
def test_malformed_json_gets_400_json(client, hub, token_of, body):
    response = client.patch(HUB, data=body, content_type="application/json", headers=bearer(token_of("manager")))
    error = assert_json_error(response, 400, "bad_request")
    assert "JSON" in error["message"]
    assert stored_hub("leeds-central").name == "Leeds Central"


def test_a_json_subtype_is_accepted(client, hub, token_of):
    response = client.patch(HUB, data='{"name": "New name"}', content_type="application/merge-patch+json",
                            headers=bearer(token_of("manager")))
    assert response.status_code == 200


def test_validation_errors_name_each_field_with_its_first_message(client, hub, token_of):
    response = client.post(
        f"{HUB}/spaces",
        json={"kind": "sofa", "capacity": "many", "daily_rate": {"amount_minor": "9.99"}},
        headers=bearer(token_of("manager")),
    )
    error = assert_json_error(response, 422, "validation_error")
    assert error["fields"] == {
        "kind": "Must be one of: desk, room, office.",
        "name": "Missing data for required field.",
        "capacity": "Not a valid integer.",
        "daily_rate.amount_minor": "Not a valid integer.",
    }
    assert "capacity" in error["message"]


def test_errors_from_before_the_view_are_json_too(client):
    # No token and an unknown route: the token check answers first, still in JSON.
    response = client.post("/api/v1/nothing-here", data="x", content_type="text/plain")
    assert_json_error(response, 401, "unauthorized")
