import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from coworking.accounts.models import AuthSession, PasswordReset, User
from coworking.accounts.services import authenticate, hash_secret
from coworking.extensions import db
from coworking.mail import OutboxMessage
from coworking.types import utcnow
from tests.accounts.helpers import error_beside, is_logged_in, see_committed_changes
from tests.conftest import PASSWORD, post_form

NEW_PASSWORD = "a-brand-new-password"
SAME_ANSWER = "If an account exists for that email, we&#39;ve emailed a link"
UNUSABLE = "This reset link has expired or was already used. Ask for a new one."


def outbox() -> list[OutboxMessage]:
    see_committed_changes()
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def resets() -> list[PasswordReset]:
    see_committed_changes()
    return db.session.scalars(sa.select(PasswordReset)).all()


def reset_path_from_mail(message: OutboxMessage) -> str:
    match = re.search(r"http://localhost(/reset/\S+)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def ask_for_reset(client, email: str):
    return post_form(client, "/reset", {"email": email}, follow_redirects=True)


def choose_password(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    return post_form(client, path, {"password": password, "confirm": password if confirm is None else confirm})


def password_works(email: str, password: str) -> bool:
    see_committed_changes()
    return authenticate(email, password) is not None


@pytest.fixture
def ann(make_user):
    return make_user(email="ann@example.org", name="Ann Example")


@pytest.fixture
def reset_path(client, ann):
    ask_for_reset(client, "ann@example.org")
    (message,) = outbox()
    return reset_path_from_mail(message)


def test_the_reset_page_asks_for_an_email(client):
    response = client.get("/reset")
    assert response.status_code == 200
    assert '<label for="email">' in response.get_data(as_text=True)


def test_asking_for_a_reset_queues_a_mail_with_a_single_use_link(client, ann):
    response = ask_for_reset(client, "ANN@Example.org")
    assert response.status_code == 200
    assert SAME_ANSWER in response.get_data(as_text=True)
    (message,) = outbox()
    assert message.to_address == "ann@example.org"
    assert message.status == "pending"
    assert "Reset your password" in message.subject
    assert reset_path_from_mail(message).startswith("/reset/")
    (reset,) = resets()
    assert reset.user_id == ann.id and reset.used_at is None
    assert timedelta(minutes=59) < reset.expires_at - utcnow() <= timedelta(hours=1)


def test_an_unknown_email_gets_the_same_answer_and_queues_nothing(client, ann):
    response = ask_for_reset(client, "nobody@example.org")
    assert response.status_code == 200
    assert SAME_ANSWER in response.get_data(as_text=True)
    assert outbox() == []
    assert resets() == []


def test_a_malformed_email_gets_the_same_answer_too(client, ann):
    response = ask_for_reset(client, "not an email")
    assert response.status_code == 200
    assert SAME_ANSWER in response.get_data(as_text=True)
    assert outbox() == []


def test_an_inactive_account_gets_no_reset_mail(client, ann):
    ann.active = False
    db.session.commit()
    assert SAME_ANSWER in ask_for_reset(client, "ann@example.org").get_data(as_text=True)
    assert outbox() == []


def test_the_token_is_stored_only_as_a_hash(reset_path):
    raw = reset_path.removeprefix("/reset/")
    (reset,) = resets()
    assert reset.token_hash == hash_secret(raw)
    assert raw not in reset.token_hash


def test_the_link_shows_a_form_and_sets_the_new_password(client, ann, reset_path):
    form_page = client.get(reset_path)
    assert form_page.status_code == 200
    assert '<label for="password">' in form_page.get_data(as_text=True)

    response = choose_password(client, reset_path)

    assert response.status_code == 302
    assert password_works("ann@example.org", NEW_PASSWORD)
    assert not password_works("ann@example.org", PASSWORD)
    assert resets()[0].used_at is not None
    assert is_logged_in(client), "the reset logs the member in"


def test_completing_a_reset_logs_out_every_other_browser(app, ann, reset_path):
    elsewhere = app.test_client()
    post_form(elsewhere, "/login", {"email": "ann@example.org", "password": PASSWORD})
    assert is_logged_in(elsewhere)

    choose_password(app.test_client(), reset_path)

    assert not is_logged_in(elsewhere)
    see_committed_changes()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuthSession)) == 1


def test_a_used_link_does_not_work_again_and_changes_nothing(client, reset_path):
    choose_password(client, reset_path)
    see_committed_changes()
    hash_after_first_use = db.session.scalar(sa.select(User.password_hash))

    shown = client.get(reset_path)
    reused = choose_password(client, reset_path, "yet-another-password")

    for response in (shown, reused):
        assert response.status_code == 410
        assert UNUSABLE in response.get_data(as_text=True)
    see_committed_changes()
    assert db.session.scalar(sa.select(User.password_hash)) == hash_after_first_use


def test_an_expired_link_does_not_work_and_changes_nothing(app, client, ann, reset_path):
    elsewhere = app.test_client()
    post_form(elsewhere, "/login", {"email": "ann@example.org", "password": PASSWORD})
    see_committed_changes()
    reset = db.session.scalar(sa.select(PasswordReset))
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    shown = client.get(reset_path)
    submitted = choose_password(client, reset_path)

    for response in (shown, submitted):
        assert response.status_code == 410
        assert UNUSABLE in response.get_data(as_text=True)
    assert password_works("ann@example.org", PASSWORD)
    assert resets()[0].used_at is None
    assert is_logged_in(elsewhere)


@pytest.mark.parametrize("token", ["made-up-token", "x" * 300])
def test_a_link_that_was_never_issued_gets_the_same_clear_answer(client, ann, token):
    response = client.get(f"/reset/{token}")
    assert response.status_code == 410
    assert UNUSABLE in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("password", "confirm", "field", "message"),
    [
        ("short", "short", "password", "at least 10 characters"),
        (NEW_PASSWORD, "something-different", "confirm", "do not match"),
        ("", "", "password", "Choose a password."),
    ],
)
def test_a_bad_new_password_is_refused_beside_the_field_and_the_link_stays_usable(
    client, reset_path, password, confirm, field, message
):
    response = choose_password(client, reset_path, password, confirm)
    assert response.status_code == 400
    assert message in (error_beside(response.get_data(as_text=True), field) or "")
    assert password_works("ann@example.org", PASSWORD)
    assert resets()[0].used_at is None
    assert client.get(reset_path).status_code == 200


def test_reset_requests_are_rate_limited(client, ann):
    for _ in range(5):
        assert post_form(client, "/reset", {"email": "ann@example.org"}).status_code == 302
    response = post_form(client, "/reset", {"email": "ann@example.org"})
    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)
    assert len(outbox()) == 5
