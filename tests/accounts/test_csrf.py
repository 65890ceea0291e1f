import pytest
import sqlalchemy as sa

from coworking.accounts.models import ApiToken, AuthSession, User
from coworking.extensions import db
from tests.accounts.helpers import is_logged_in, see_committed_changes
from tests.conftest import PASSWORD

FORM_EXPIRED = "Your form expired or was sent from elsewhere."


def snapshot() -> tuple:
    """Everything an account form could change."""
    see_committed_changes()
    users = db.session.execute(sa.select(User.id, User.name, User.email, User.password_hash).order_by(User.id)).all()
    sessions = db.session.scalars(sa.select(AuthSession.key_hash).order_by(AuthSession.id)).all()
    tokens = db.session.execute(sa.select(ApiToken.id, ApiToken.revoked_at).order_by(ApiToken.id)).all()
    return users, sessions, tokens


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/login", {"email": "ann@example.org", "password": PASSWORD}),
        ("/signup", {"name": "Eve", "email": "eve@example.org", "password": "long-enough-1", "confirm": "long-enough-1"}),
        ("/reset", {"email": "ann@example.org"}),
    ],
)
def test_visitor_forms_without_a_csrf_token_are_refused(client, make_user, path, data):
    make_user(email="ann@example.org")
    before = snapshot()
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert FORM_EXPIRED in response.get_data(as_text=True)
    assert snapshot() == before
    assert not is_logged_in(client)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/profile", {"name": "Eve", "email": "eve@example.org"}),
        ("/profile/password", {"current_password": PASSWORD, "password": "long-enough-1", "confirm": "long-enough-1"}),
        ("/profile/tokens", {"name": "sneaky"}),
        ("/profile/tokens/{token_id}/revoke", {}),
        ("/logout", {}),
    ],
)
def test_member_forms_without_a_csrf_token_are_refused(client, auth, make_user, make_token, path, data):
    user = make_user(email="ann@example.org")
    make_token(user)
    auth.login(user)
    token_id = db.session.scalar(sa.select(ApiToken.id))
    before = snapshot()

    response = client.post(path.format(token_id=token_id), data=data)

    assert response.status_code == 400
    assert FORM_EXPIRED in response.get_data(as_text=True)
    assert snapshot() == before
    assert is_logged_in(client)


def test_a_csrf_token_from_another_session_is_refused(app, client, make_user):
    make_user(email="ann@example.org")
    other = app.test_client()
    from tests.conftest import csrf_token

    response = client.post(
        "/login", data={"email": "ann@example.org", "password": PASSWORD, "csrf_token": csrf_token(other)}
    )
    assert response.status_code == 400
    assert FORM_EXPIRED in response.get_data(as_text=True)
    assert not is_logged_in(client)
