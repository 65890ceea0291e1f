import pytest
import sqlalchemy as sa

from coworking.accounts.models import AuthSession, User
from coworking.extensions import db
from tests.accounts.helpers import (
    client_with_cookie,
    error_beside,
    is_logged_in,
    see_committed_changes,
    session_cookie,
)
from tests.conftest import PASSWORD, csrf_token, post_form

NOT_RIGHT = "Email or password is not right."


def count_sessions() -> int:
    see_committed_changes()
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuthSession))


def test_a_member_logs_in_and_out(client, auth, make_user):
    user = make_user(email="Ann@Example.org")
    response = auth.login("ann@EXAMPLE.org", PASSWORD)
    assert response.status_code == 302
    assert "Log out" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert "Log out" not in client.get("/").get_data(as_text=True)
    assert user.email == "ann@example.org"


def test_the_login_page_has_labelled_fields_and_links_to_reset_and_signup(client):
    response = client.get("/login")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<label for="email">' in page and '<label for="password">' in page
    assert 'href="/reset"' in page and 'href="/signup"' in page


@pytest.mark.parametrize("email", ["ann@example.org", "ANN@EXAMPLE.ORG", "Ann@Example.Org", " ann@example.org "])
def test_emails_are_compared_without_regard_to_case(client, auth, make_user, email):
    make_user(email="ann@example.org")
    assert auth.login(email).status_code == 302
    assert is_logged_in(client)


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client, auth, make_user):
    make_user(email="ann@example.org")
    wrong_password = auth.login("ann@example.org", "not-the-password")
    unknown_email = auth.login("nobody@example.org", "not-the-password")
    assert wrong_password.status_code == unknown_email.status_code == 400
    assert error_beside(wrong_password.get_data(as_text=True), "password") == NOT_RIGHT
    assert error_beside(unknown_email.get_data(as_text=True), "password") == NOT_RIGHT
    assert error_beside(wrong_password.get_data(as_text=True), "email") is None
    assert count_sessions() == 0
    assert not is_logged_in(client)


def test_an_inactive_user_cannot_log_in(client, auth, make_user):
    user = make_user(email="ann@example.org")
    user.active = False
    db.session.commit()
    response = auth.login("ann@example.org")
    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), "password") == NOT_RIGHT
    assert count_sessions() == 0
    assert not is_logged_in(client)


def test_deactivating_a_user_ends_their_open_sessions(client, auth, make_user):
    user = make_user()
    auth.login(user)
    see_committed_changes()
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert not is_logged_in(client)


def test_login_starts_a_new_session_and_forgets_what_came_before(app, client, auth, make_user):
    user = make_user()
    with client.session_transaction() as browser_session:
        browser_session["planted"] = "by someone else"
    cookie_before_login = session_cookie(client)

    auth.login(user)

    with client.session_transaction() as browser_session:
        assert "planted" not in browser_session
    assert session_cookie(client) != cookie_before_login
    assert not is_logged_in(client_with_cookie(app, cookie_before_login))
    assert is_logged_in(client)


def test_logging_in_again_replaces_the_previous_session(app, client, auth, make_user):
    user = make_user()
    keys, cookies = [], []
    for _ in range(2):
        auth.login(user)
        cookies.append(session_cookie(client))
        with client.session_transaction() as browser_session:
            keys.append(browser_session["_user_id"])

    assert keys[0] != keys[1]
    assert not is_logged_in(client_with_cookie(app, cookies[0]))
    assert is_logged_in(client_with_cookie(app, cookies[1]))
    see_committed_changes()
    stored = db.session.scalars(sa.select(AuthSession.key_hash)).all()
    assert len(stored) == 1
    assert keys[1] not in stored, "only a hash of the session key is stored"


def test_logout_invalidates_a_copied_session_cookie(app, client, auth, make_user):
    user = make_user()
    auth.login(user)
    copied_cookie = session_cookie(client)
    assert is_logged_in(client_with_cookie(app, copied_cookie))

    assert auth.logout().status_code == 302

    assert not is_logged_in(client)
    assert not is_logged_in(client_with_cookie(app, copied_cookie))
    assert count_sessions() == 0


def test_logging_out_in_one_browser_keeps_the_others(app, make_user):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):
        post_form(browser, "/login", {"email": user.email, "password": PASSWORD})
    post_form(first, "/logout")
    assert not is_logged_in(first)
    assert is_logged_in(second)


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/profile", "/profile"),
        ("/profile/tokens?x=1", "/profile/tokens?x=1"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("\\\\evil.example/", "/"),
        ("/\t/evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_next_only_leads_to_local_paths(client, make_user, next_url, lands_on):
    user = make_user()
    response = client.post(
        "/login",
        query_string={"next": next_url},
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302
    assert response.location == lands_on


def test_a_protected_page_sends_a_visitor_to_log_in_and_back(client, make_user):
    user = make_user()
    response = client.get("/profile/tokens")
    assert response.status_code == 302
    login_url = response.location
    assert login_url.startswith("/login?next=")
    response = client.post(login_url, data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.location == "/profile/tokens"


def test_the_eleventh_login_attempt_in_a_minute_is_refused_politely(client, make_user):
    make_user(email="ann@example.org")
    for _ in range(10):
        assert post_form(client, "/login", {"email": "ann@example.org", "password": "guess-again"}).status_code == 400
    response = post_form(client, "/login", {"email": "ann@example.org", "password": PASSWORD})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many requests. Please wait a moment and try again." in page
    assert "<html" in page
    assert count_sessions() == 0
    assert client.get("/login").status_code == 200, "showing the form is not limited"
