"""The security baseline: headers on every response, and session cookies scripts cannot read."""
from __future__ import annotations

import pytest

from coworking import create_app
from tests.conftest import bearer


def session_cookie(response) -> str:
    cookies = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]
    assert cookies, "the response set no session cookie"
    return cookies[0]


def assert_security_headers(response) -> None:
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", ["/", "/login", "/no-such-page"])
def test_html_pages_carry_the_security_headers(client, path):
    response = client.get(path)

    assert response.mimetype == "text/html"
    assert_security_headers(response)


def test_api_responses_carry_the_security_headers(client, make_user, make_token):
    token = make_token(make_user())

    for response in (
        client.get("/api/v1/me", headers=bearer(token)),
        client.get("/api/v1/me"),  # a 401
        client.get("/api/v1/openapi.json"),
    ):
        assert response.mimetype == "application/json"
        assert_security_headers(response)


def test_the_session_cookie_is_http_only_and_same_site_lax(client):
    cookie = session_cookie(client.get("/login"))

    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development runs on plain http://127.0.0.1


@pytest.fixture
def production_client(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    app = create_app({
        "ENV_NAME": "production",
        "SECRET_KEY": "production-secret",
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "RATELIMIT_STORAGE_URI": "memory://",
    })
    return app.test_client()


def test_in_production_the_session_cookie_only_travels_over_https(production_client):
    response = production_client.get("/login")

    cookie = session_cookie(response)
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
