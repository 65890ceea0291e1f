"""Fixtures for the hub tests: the hub "home", and the people fixture's cast made up front."""
from __future__ import annotations

import pytest

from tests.conftest import People


@pytest.fixture
def hub(make_hub):
    return make_hub("home", "Home Hub", address="1 High Street")


@pytest.fixture
def cast(hub, people) -> People:
    """Someone in each position towards "home" (``cast.hub``), and "away" (``cast.away``), all
    made before the test starts: pages that list people must show or hide each of them."""
    people.everyone()
    return people


@pytest.fixture
def login_as(auth, cast):
    def login(who: str):
        person = cast[who]
        if person is not None:
            response = auth.login(person)
            assert response.status_code == 302, f"could not log in as {who}"
        return person

    return login
