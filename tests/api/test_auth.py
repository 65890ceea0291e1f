"""Every /api request needs a live personal token; the OpenAPI document is public."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from coworking.accounts.models import ApiToken
from coworking.accounts.services import hash_secret, revoke_api_token
from coworking.extensions import db
from coworking.types import utcnow
from tests.api.conftest import assert_json_error
from tests.conftest import bearer


def stored_token(raw: str) -> ApiToken:
    db.session.rollback()
    db.session.expire_all()
    return db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_secret(raw)))


@pytest.mark.parametrize(
    "path", ("/api/v1/me", "/api/v1/hubs", "/api/v1/hubs/leeds-central", "/api/v1/hubs/leeds-central/spaces")
)
def test_a_request_without_a_token_gets_401_json(client, hub, path):
    response = client.get(path)
    error = assert_json_error(response, 401, "unauthorized")
    assert "Bearer" in error["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token cw_abc", "cw_abc", "Bearer\tcw_abc"),
)
def test_a_malformed_authorization_header_gets_401_json(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert_json_error(response, 401, "unauthorized")


def test_an_unknown_token_gets_401_json(client):
    response = client.get("/api/v1/me", headers=bearer("cw_not-a-token-anyone-was-given"))
    error = assert_json_error(response, 401, "unauthorized")
    assert error["message"] == "This API token is unknown or revoked."
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_revoked_token_stops_working(client, make_user, make_token):
    user = make_user()
    raw = make_token(user)
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 200

    revoke_api_token(user, stored_token(raw).id)
    db.session.commit()

    response = client.get("/api/v1/me", headers=bearer(raw))
    assert_json_error(response, 401, "unauthorized")


def test_a_token_of_an_inactive_user_gets_401(client, make_user, make_token):
    user = make_user()
    raw = make_token(user)
    user.active = False
    db.session.commit()
    assert_json_error(client.get("/api/v1/me", headers=bearer(raw)), 401, "unauthorized")


def test_using_a_token_records_when_it_was_last_used(client, make_user, make_token):
    raw = make_token(make_user())
    assert stored_token(raw).last_used_at is None
    before = utcnow()

    client.get("/api/v1/hubs", headers=bearer(raw))

    last_used_at = stored_token(raw).last_used_at
    assert last_used_at is not None
    assert before - timedelta(seconds=1) <= last_used_at <= utcnow()


def test_the_scheme_name_is_case_insensitive(client, make_user, make_token):
    raw = make_token(make_user())
    assert client.get("/api/v1/me", headers={"Authorization": f"bearer {raw}"}).status_code == 200


def test_the_openapi_document_needs_no_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.")


def test_me_describes_the_token_owner_with_an_offset_on_instants(client, hub, make_manager, make_token):
    manager = make_manager(hub, email="Mo@Example.org", name="Mo Manager")
    body = client.get("/api/v1/me", headers=bearer(make_token(manager))).get_json()
    assert body["email"] == "mo@example.org"
    assert body["name"] == "Mo Manager"
    assert body["is_admin"] is False
    assert body["roles"] == [{"hub": "leeds-central", "role": "manager"}]
    assert body["created_at"].endswith("+00:00")
    assert "password_hash" not in body
