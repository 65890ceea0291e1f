import re

import pytest
import sqlalchemy as sa

from coworking.accounts.models import ApiToken
from coworking.accounts.services import hash_secret
from coworking.extensions import db
from tests.accounts.helpers import error_beside, see_committed_changes
from tests.conftest import bearer, post_form

RAW_TOKEN = re.compile(r'<p class="token-value" id="new-token-value">(cw_[^<]+)</p>')


def create_token(client, name: str = "calendar sync"):
    return post_form(client, "/profile/tokens", {"name": name})


def raw_token_on(response) -> str:
    match = RAW_TOKEN.search(response.get_data(as_text=True))
    assert match, "the new token is not on the page"
    return match.group(1)


def stored_tokens() -> list[ApiToken]:
    see_committed_changes()
    return db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id)).all()


@pytest.fixture
def ann(make_user, auth):
    user = make_user(email="ann@example.org", name="Ann Example")
    auth.login(user)
    see_committed_changes()
    return user


def test_a_member_with_no_tokens_sees_an_empty_list_and_a_labelled_form(client, ann):
    response = client.get("/profile/tokens")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "You have no tokens yet." in page
    assert '<label for="name">' in page


def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(client, ann):
    response = create_token(client, "calendar sync")
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    raw = raw_token_on(response)

    (token,) = stored_tokens()
    assert (token.user_id, token.name) == (ann.id, "calendar sync")
    assert token.token_hash == hash_secret(raw)
    assert raw not in (token.token_hash, token.prefix)
    assert raw.startswith(token.prefix)

    listing = client.get("/profile/tokens").get_data(as_text=True)
    assert raw not in listing
    assert "calendar sync" in listing and f"{token.prefix}…" in listing


def test_a_new_token_works_on_the_api_and_its_use_is_recorded(client, ann):
    raw = raw_token_on(create_token(client))
    response = client.get("/api/v1/me", headers=bearer(raw))
    assert response.status_code == 200
    assert response.get_json()["email"] == "ann@example.org"
    (token,) = stored_tokens()
    assert token.last_used_at is not None
    assert "Never" not in client.get("/profile/tokens").get_data(as_text=True)


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Give the token a name."), ("   ", "Give the token a name."), ("n" * 81, "longer than 80")],
)
def test_a_token_needs_a_sensible_name(client, ann, name, message):
    response = create_token(client, name)
    assert response.status_code == 400
    assert message in (error_beside(response.get_data(as_text=True), "name") or "")
    assert not RAW_TOKEN.search(response.get_data(as_text=True))
    assert stored_tokens() == []


def test_a_member_revokes_a_token_and_the_api_refuses_it(client, ann):
    raw = raw_token_on(create_token(client))
    (token,) = stored_tokens()

    response = post_form(client, f"/profile/tokens/{token.id}/revoke")

    assert response.status_code == 302
    assert response.location == "/profile/tokens"
    assert stored_tokens()[0].revoked_at is not None
    listing = client.get("/profile/tokens").get_data(as_text=True)
    assert "Revoked" in listing
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 401


def test_revoking_someone_elses_token_is_not_found_and_changes_nothing(client, ann, make_user, make_token):
    bob = make_user(email="bob@example.org")
    bobs_raw = make_token(bob, "bob's token")
    (bobs_token,) = stored_tokens()

    response = post_form(client, f"/profile/tokens/{bobs_token.id}/revoke")

    assert response.status_code == 404
    assert stored_tokens()[0].revoked_at is None
    assert client.get("/api/v1/me", headers=bearer(bobs_raw)).status_code == 200
    assert "bob's token" not in client.get("/profile/tokens").get_data(as_text=True)


def test_revoking_a_token_that_does_not_exist_is_not_found(client, ann):
    assert post_form(client, "/profile/tokens/999999/revoke").status_code == 404


def test_revoking_needs_a_post(client, ann, make_token):
    make_token(ann)
    (token,) = stored_tokens()
    assert client.get(f"/profile/tokens/{token.id}/revoke").status_code == 405
    assert stored_tokens()[0].revoked_at is None
