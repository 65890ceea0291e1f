"""One error page for people, one JSON error shape for programs; nothing under /api is HTML."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import abort

from coworking.accounts.models import User
from coworking.accounts.services import create_user, find_user_by_email
from coworking.errors import DomainError
from coworking.extensions import db
from tests.conftest import PASSWORD, bearer


def assert_html_error_page(response, status: int, title: str) -> None:
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in page
    assert 'href="/"' in page  # a way back home
    assert "Traceback" not in page


def assert_json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert "Traceback" not in error["message"]
    return error


@pytest.fixture
def api_headers(make_user, make_token):
    return bearer(make_token(make_user()))


@pytest.fixture
def failing_app(fresh_app):
    """The app as production runs it (exceptions become a 500 page, not a traceback), with
    routes that write to the database and then fail, or refuse."""
    app = fresh_app
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.seen_after_failure = {}

    def write_then_fail():
        create_user("half-made@example.org", "Half Made", PASSWORD)
        raise RuntimeError("something broke after a write")

    def forbidden():
        abort(403)

    def write_then_refuse():
        create_user("half-made@example.org", "Half Made", PASSWORD)
        raise DomainError("That desk is already booked.", "space_id", status=409, rules=["no_overlap"])

    def refuse_with_defaults():
        raise DomainError("Not possible today.")

    @app.after_request
    def look_at_the_session(response):
        # Runs after the error handler, in the same request: was the write undone?
        app.seen_after_failure["user_in_session"] = find_user_by_email("half-made@example.org") is not None
        return response

    for prefix in ("", "/api/v1"):
        app.add_url_rule(f"{prefix}/test/fail", f"test_fail{prefix}", write_then_fail)
        app.add_url_rule(f"{prefix}/test/forbidden", f"test_forbidden{prefix}", forbidden)
        app.add_url_rule(f"{prefix}/test/refuse", f"test_refuse{prefix}", write_then_refuse)
        app.add_url_rule(f"{prefix}/test/refuse-plainly", f"test_refuse_plainly{prefix}", refuse_with_defaults)
    return app


@pytest.fixture
def failing_client(failing_app):
    return failing_app.test_client()


def test_an_unknown_page_is_a_404_page_with_a_way_home(client):
    assert_html_error_page(client.get("/no-such-page"), 404, "Not Found")


def test_an_unknown_api_path_is_a_json_404(client, api_headers):
    assert_json_error(client.get("/api/v1/no-such-thing", headers=api_headers), 404, "not_found")


def test_a_wrong_method_is_a_405_page(client):
    assert_html_error_page(client.post("/"), 405, "Method Not Allowed")


def test_a_wrong_method_on_the_api_is_a_json_405(client, api_headers):
    response = client.delete("/api/v1/me", headers=api_headers)

    assert_json_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_a_forbidden_page_is_a_403_page(failing_app, failing_client):
    assert_html_error_page(failing_client.get("/test/forbidden"), 403, "Forbidden")


def test_a_forbidden_api_call_is_a_json_403(failing_app, failing_client, api_headers):
    assert_json_error(failing_client.get("/api/v1/test/forbidden", headers=api_headers), 403, "forbidden")


def test_a_crash_is_a_500_page_and_its_writes_are_undone(failing_app, failing_client):
    response = failing_client.get("/test/fail")

    assert_html_error_page(response, 500, "Internal Server Error")
    assert "something broke" not in response.get_data(as_text=True)
    assert failing_app.seen_after_failure == {"user_in_session": False}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email.like("half%"))) == 0


def test_a_crash_in_the_api_is_a_json_500_and_its_writes_are_undone(failing_app, failing_client, api_headers):
    response = failing_client.get("/api/v1/test/fail", headers=api_headers)

    error = assert_json_error(response, 500, "internal_error")
    assert "something broke" not in error["message"]
    assert failing_app.seen_after_failure == {"user_in_session": False}
    assert find_user_by_email("half-made@example.org") is None


def test_a_refusal_no_view_caught_is_json_under_the_api_with_its_status_field_and_details(failing_app, failing_client, api_headers):
    response = failing_client.get("/api/v1/test/refuse", headers=api_headers)

    error = assert_json_error(response, 409, "conflict")
    assert error == {
        "code": "conflict",
        "message": "That desk is already booked.",
        "fields": {"space_id": "That desk is already booked."},
        "rules": ["no_overlap"],
    }
    assert failing_app.seen_after_failure == {"user_in_session": False}
    assert find_user_by_email("half-made@example.org") is None


def test_a_refusal_without_status_or_field_is_a_422_about_the_whole_request(failing_app, failing_client, api_headers):
    error = assert_json_error(failing_client.get("/api/v1/test/refuse-plainly", headers=api_headers), 422, "validation_error")
    assert (error["message"], error["fields"]) == ("Not possible today.", {})


def test_a_refusal_no_view_caught_is_an_error_page_with_its_status(failing_app, failing_client):
    response = failing_client.get("/test/refuse")

    assert_html_error_page(response, 409, "Not possible")
    assert "That desk is already booked." in response.get_data(as_text=True)
    assert failing_app.seen_after_failure == {"user_in_session": False}
    assert find_user_by_email("half-made@example.org") is None
    assert_html_error_page(failing_client.get("/test/refuse-plainly"), 422, "Not possible")


def test_a_form_posted_without_its_csrf_token_is_refused_with_a_page(client, make_user):
    make_user(email="ann@example.org")

    response = client.post("/login", data={"email": "ann@example.org", "password": PASSWORD})

    assert_html_error_page(response, 400, "Form expired")
    assert "reload the page" in response.get_data(as_text=True)


def test_a_body_over_the_size_limit_is_a_413_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024

    response = client.post("/login", data={"email": "a@example.org", "password": "x" * 4096})

    assert_html_error_page(response, 413, "Request Entity Too Large")


def test_an_id_too_large_for_the_database_is_a_404_not_a_crash(client, api_headers):
    # PostgreSQL would refuse to compare 99999999999 with an INTEGER column: a 500 without the guard.
    assert client.get("/bookings/99999999999").status_code == 404
    assert_json_error(client.get("/api/v1/bookings/99999999999", headers=api_headers), 404, "not_found")
