"""Helpers for /api tests: a hub, tokens for each kind of user, and reading back what is stored."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from coworking.extensions import db
from coworking.hubs.models import Hub, Space


@pytest.fixture
def hub(make_hub):
    return make_hub("leeds-central", "Leeds Central", timezone="Europe/London", currency="GBP")


def someone(people, who: str):
    """The people fixture's person in that relation to ``hub``: "member", "staff", "manager",
    "manager of another hub" or "admin"."""
    return people["other_manager" if who == "manager of another hub" else who]


@pytest.fixture
def token_of(hub, people, make_token):
    """A token for someone standing in a given relation to ``hub`` (see ``someone``)."""

    def make(who: str) -> str:
        return make_token(someone(people, who))

    return make


def stored_hub(slug: str) -> Hub:
    """The hub as the database holds it now (not as this test's session remembers it)."""
    db.session.rollback()
    db.session.expire_all()
    return db.session.scalar(sa.select(Hub).where(Hub.slug == slug))


def stored_spaces(hub_slug: str) -> list[Space]:
    db.session.rollback()
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Space).join(Hub).where(Hub.slug == hub_slug).order_by(Space.name)))


def assert_json_error(response, status: int, code: str) -> dict:
    """The response is our JSON error envelope; returns its ``error`` object."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert isinstance(error["fields"], dict)
    return error
