import pytest
import sqlalchemy as sa

from coworking.accounts.models import AuthSession, User
from coworking.accounts.services import authenticate
from coworking.extensions import db
from tests.accounts.helpers import error_beside, is_logged_in, see_committed_changes
from tests.conftest import PASSWORD, post_form

NEW_PASSWORD = "a-brand-new-password"


def stored_user(user_id: int) -> User:
    see_committed_changes()
    return db.session.get(User, user_id)


@pytest.fixture
def ann(make_user, auth):
    user = make_user(email="ann@example.org", name="Ann Example")
    auth.login(user)
    see_committed_changes()
    return user


@pytest.mark.parametrize("path", ["/profile", "/profile/password", "/profile/tokens"])
def test_profile_pages_ask_a_visitor_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_the_profile_shows_the_members_details(client, ann):
    response = client.get("/profile")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="Ann Example"' in page and 'value="ann@example.org"' in page
    assert '<label for="name">' in page and '<label for="email">' in page


def test_a_member_changes_name_and_email(client, ann):
    response = post_form(client, "/profile", {"name": " Ann Other ", "email": "Ann.Other@Example.org"})
    assert response.status_code == 302
    assert "Your profile is saved." in client.get(response.location).get_data(as_text=True)
    user = stored_user(ann.id)
    assert (user.name, user.email) == ("Ann Other", "ann.other@example.org")


def test_a_member_may_keep_their_email_in_another_case(client, ann):
    response = post_form(client, "/profile", {"name": "Ann", "email": "ANN@example.org"})
    assert response.status_code == 302
    assert stored_user(ann.id).email == "ann@example.org"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "Bob@Example.org"}, "email", "already exists"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address"),
        ({"email": ""}, "email", "Enter your email address."),
        ({"name": "  "}, "name", "Enter your name."),
        ({"name": "B" * 121}, "name", "at most 120 characters"),
    ],
)
def test_bad_profile_changes_are_refused_beside_the_field(client, ann, make_user, data, field, message):
    make_user(email="bob@example.org", name="Bob")
    form = {"name": "Ann Changed", "email": "ann.changed@example.org", **data}
    response = post_form(client, "/profile", form)
    assert response.status_code == 400
    assert message in (error_beside(response.get_data(as_text=True), field) or "")
    user = stored_user(ann.id)
    assert (user.name, user.email) == ("Ann Example", "ann@example.org")


# --- changing the password ----------------------------------------------------------------

def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return post_form(
        client,
        "/profile/password",
        {"current_password": current, "password": new, "confirm": new if confirm is None else confirm},
    )


def test_the_password_page_has_labelled_fields(client, ann):
    response = client.get("/profile/password")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for field_id in ("current_password", "password", "confirm"):
        assert f'<label for="{field_id}">' in page


def test_changing_the_password_keeps_this_browser_and_logs_out_the_others(app, client, ann):
    elsewhere = app.test_client()
    post_form(elsewhere, "/login", {"email": "ann@example.org", "password": PASSWORD})
    assert is_logged_in(elsewhere)

    response = change_password(client)

    assert response.status_code == 302
    assert is_logged_in(client)
    assert not is_logged_in(elsewhere)
    see_committed_changes()
    assert authenticate("ann@example.org", NEW_PASSWORD) is not None
    assert authenticate("ann@example.org", PASSWORD) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuthSession)) == 1


@pytest.mark.parametrize(
    ("current", "new", "confirm", "field", "message"),
    [
        ("not-my-password", NEW_PASSWORD, None, "current_password", "Your current password is not right."),
        ("", NEW_PASSWORD, None, "current_password", "Enter your current password."),
        (PASSWORD, "short", None, "password", "at least 10 characters"),
        (PASSWORD, NEW_PASSWORD, "something-else-entirely", "confirm", "do not match"),
    ],
)
def test_a_bad_password_change_is_refused_and_changes_nothing(app, client, ann, current, new, confirm, field, message):
    elsewhere = app.test_client()
    post_form(elsewhere, "/login", {"email": "ann@example.org", "password": PASSWORD})
    hash_before = stored_user(ann.id).password_hash

    response = change_password(client, current, new, confirm)

    assert response.status_code == 400
    assert message in (error_beside(response.get_data(as_text=True), field) or "")
    assert stored_user(ann.id).password_hash == hash_before
    assert is_logged_in(elsewhere)
    assert is_logged_in(client)
