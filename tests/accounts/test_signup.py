import pytest
import sqlalchemy as sa

from coworking.accounts.models import AuthSession, User
from coworking.accounts.services import MIN_PASSWORD_LENGTH
from coworking.extensions import db
from tests.accounts.helpers import error_beside, is_logged_in, see_committed_changes, sign_up


def count_users() -> int:
    see_committed_changes()
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_the_signup_page_has_labelled_fields_and_is_linked_from_the_navigation(client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/signup"' in home
    response = client.get("/signup")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for field_id in ("name", "email", "password", "confirm"):
        assert f'<label for="{field_id}">' in page


def test_a_visitor_signs_up_and_is_logged_in(client):
    response = sign_up(client, name="  Ann Example ", email="Ann@Example.org")
    assert response.status_code == 302
    assert "Welcome, Ann" in client.get(response.location).get_data(as_text=True)
    see_committed_changes()
    user = db.session.scalar(sa.select(User))
    assert (user.name, user.email, user.active, user.is_admin) == ("Ann Example", "ann@example.org", True, False)
    assert user.password_hash != "long-enough-password"
    assert is_logged_in(client)


def test_signing_up_with_an_email_that_exists_in_another_case_is_refused(client, make_user):
    make_user(email="ann@x.org", name="The First Ann")
    response = sign_up(client, email="Ann@X.org")
    assert response.status_code == 400
    assert "already exists" in error_beside(response.get_data(as_text=True), "email")
    assert count_users() == 1
    assert db.session.scalar(sa.select(User.name)) == "The First Ann"
    assert not is_logged_in(client)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter a valid email address"),
        ({"email": "ann@"}, "email", "Enter a valid email address"),
        ({"email": "ann example@x.org"}, "email", "Enter a valid email address"),
        ({"email": ""}, "email", "Enter your email address."),
        ({"name": "   "}, "name", "Enter your name."),
        ({"name": "A" * 121}, "name", "at most 120 characters"),
        (
            {"password": "x" * (MIN_PASSWORD_LENGTH - 1), "confirm": "x" * (MIN_PASSWORD_LENGTH - 1)},
            "password",
            f"at least {MIN_PASSWORD_LENGTH} characters",
        ),
        ({"confirm": "something-else-entirely"}, "confirm", "do not match"),
        ({"confirm": ""}, "confirm", "Type the password again."),
    ],
)
def test_bad_signups_are_refused_beside_the_field_and_store_nothing(client, overrides, field, message):
    response = sign_up(client, **overrides)
    assert response.status_code == 400
    assert message in (error_beside(response.get_data(as_text=True), field) or "")
    assert count_users() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuthSession)) == 0
    assert not is_logged_in(client)


def test_a_password_of_exactly_the_minimum_length_is_accepted(client):
    password = "p" * MIN_PASSWORD_LENGTH
    assert sign_up(client, password=password, confirm=password).status_code == 302
    assert count_users() == 1
