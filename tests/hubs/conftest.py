"""Fixtures for the hub tests: two hubs and someone in each position towards one of them."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from coworking.hubs.roles import Role


@dataclass
class Cast:
    """A hub ("home"), another hub ("away"), and someone in each position towards "home"."""

    home: object
    away: object
    member: object
    other_manager: object
    manager: object
    staff: object
    admin: object

    def person(self, who: str):
        return None if who == "anonymous" else getattr(self, who)


@pytest.fixture
def cast(make_hub, make_user, make_manager) -> Cast:
    home = make_hub("home", "Home Hub", address="1 High Street")
    away = make_hub("away", "Away Hub")
    return Cast(
        home=home,
        away=away,
        member=make_user(email="member@example.org", name="Mia Member"),
        other_manager=make_manager(away, email="other@example.org", name="Otto Other"),
        manager=make_manager(home, email="manager@example.org", name="Mona Manager"),
        staff=make_manager(home, Role.STAFF, email="staff@example.org", name="Stan Staff"),
        admin=make_user(email="admin@example.org", name="Ada Admin", is_admin=True),
    )


@pytest.fixture
def login_as(auth, cast):
    def login(who: str):
        person = cast.person(who)
        if person is not None:
            response = auth.login(person)
            assert response.status_code == 302, f"could not log in as {who}"
        return person

    return login
