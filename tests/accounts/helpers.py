"""Small helpers shared by the account tests."""
from __future__ import annotations

import re

from flask import Flask

from coworking.extensions import db
from tests.conftest import post_form


def see_committed_changes() -> None:
    """End the test's own transaction, so its next query sees what requests committed.

    Each request runs in its own app context and session; on SQLite a transaction reads one
    snapshot, so a test that read before a request must start afresh before reading again.
    """
    db.session.rollback()


def is_logged_in(client) -> bool:
    """What a visitor notices: the profile page opens instead of sending them to log in."""
    response = client.get("/profile")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None, "the client has no session cookie"
    return cookie.value


def client_with_cookie(app: Flask, value: str):
    """A second browser that replays a copied session cookie."""
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def error_beside(page: str, field_id: str) -> str | None:
    """The error message rendered beside a field by the ``field`` macro, if any."""
    match = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', page, re.S)
    return match.group(1).strip() if match else None


def sign_up(client, **overrides):
    data = {
        "name": "Ann Example",
        "email": "ann@example.org",
        "password": "long-enough-password",
        "confirm": "long-enough-password",
    }
    data.update(overrides)
    return post_form(client, "/signup", data)
