"""Who may open and use each hub page: the access matrix, route by route."""
from __future__ import annotations

import pytest

from coworking.hubs.models import Closure
from coworking.hubs.roles import HubRole
from tests.conftest import post_form
from tests.hubs.helpers import stored_rows

PEOPLE = ("anonymous", "member", "other_manager", "staff", "manager", "admin")

EVERYONE = dict.fromkeys(PEOPLE, 200)
LOGGED_IN = {**EVERYONE, "anonymous": "login"}
ADMIN_ONLY = {"anonymous": "login", "member": 403, "other_manager": 403, "staff": 403, "manager": 403, "admin": 200}
MANAGERS = {**ADMIN_ONLY, "manager": 200}

PAGES = (
    ("/", EVERYONE),
    ("/hubs/home", EVERYONE),
    ("/hubs/mine", LOGGED_IN),
    ("/admin/hubs", ADMIN_ONLY),
    ("/admin/hubs/new", ADMIN_ONLY),
    ("/admin/hubs/home/roles", ADMIN_ONLY),
    ("/hubs/home/edit", MANAGERS),
    ("/hubs/home/hours", MANAGERS),
    ("/hubs/home/closures", MANAGERS),
    ("/hubs/home/spaces", MANAGERS),
    ("/hubs/home/spaces/new", MANAGERS),
    ("/hubs/home/spaces/{space_id}/edit", MANAGERS),
)


def expect(response, expected) -> None:
    if expected == "login":
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == expected


@pytest.fixture
def home_space(cast, make_space):
    return make_space(cast.hub, "room", "Board Room")


@pytest.mark.parametrize(("path", "who", "expected"), [(p, w, e[w]) for p, e in PAGES for w in PEOPLE])
def test_who_may_open_each_page(client, login_as, home_space, path, who, expected):
    login_as(who)
    expect(client.get(path.format(space_id=home_space.id)), expected)


FORM_POSTS = (
    ("/admin/hubs/new", ADMIN_ONLY, {"slug": "sneaky", "name": "Sneaky"}),
    ("/admin/hubs/home/roles", ADMIN_ONLY, {"email": "member@example.org", "role": "manager"}),
    ("/hubs/home/edit", MANAGERS, {"name": "Renamed"}),
    ("/hubs/home/hours", MANAGERS, {"monday-closed": "y"}),
    ("/hubs/home/closures", MANAGERS, {"starts_on": "2030-01-01", "ends_on": "2030-01-02", "reason": "Sneaky"}),
    ("/hubs/home/spaces/new", MANAGERS, {"kind": "desk", "name": "Sneaky desk", "capacity": "1"}),
    ("/hubs/home/spaces/{space_id}/edit", MANAGERS, {"name": "Renamed"}),
)
REFUSED = [(p, w, e[w], d) for p, e, d in FORM_POSTS for w in PEOPLE if e[w] != 200]


@pytest.mark.parametrize(("path", "who", "expected", "data"), REFUSED)
def test_people_refused_a_page_cannot_change_anything_through_it(client, login_as, cast, home_space, path, who, expected, data):
    from coworking.hubs.models import Hub, OpeningHours, Space

    tables = (Hub, Space, OpeningHours, Closure, HubRole)
    before = {model: stored_rows(model) for model in tables}
    login_as(who)
    expect(post_form(client, path.format(space_id=home_space.id), data), expected)
    assert {model: stored_rows(model) for model in tables} == before


ADMIN_ACTS = {"anonymous": "login", "member": 403, "other_manager": 403, "staff": 403, "manager": 403, "admin": "done"}
MANAGER_ACTS = {**ADMIN_ACTS, "manager": "done"}


@pytest.mark.parametrize(("who", "expected"), MANAGER_ACTS.items())
def test_who_may_remove_a_closure(client, login_as, cast, make_hub, who, expected):
    from datetime import date

    from coworking.extensions import db
    from coworking.hubs.services import add_closure

    closure = add_closure(cast.hub, date(2030, 12, 25), date(2030, 12, 26), "Christmas")
    db.session.commit()
    login_as(who)
    response = post_form(client, f"/hubs/home/closures/{closure.id}/delete")
    if expected == "done":
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/hubs/home/closures")
        assert stored_rows(Closure) == []
    else:
        expect(response, expected)
        assert len(stored_rows(Closure)) == 1


@pytest.mark.parametrize(("who", "expected"), ADMIN_ACTS.items())
def test_who_may_take_a_role_away(client, login_as, cast, who, expected):
    login_as(who)
    response = post_form(client, f"/admin/hubs/home/roles/{cast.staff.id}/revoke")
    staff_roles = stored_rows(HubRole, user_id=cast.staff.id)
    if expected == "done":
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/admin/hubs/home/roles")
        assert staff_roles == []
    else:
        expect(response, expected)
        assert len(staff_roles) == 1


@pytest.mark.parametrize(
    "path",
    (
        "/hubs/nowhere",
        "/hubs/nowhere/edit",
        "/hubs/nowhere/hours",
        "/hubs/nowhere/closures",
        "/hubs/nowhere/spaces",
        "/hubs/nowhere/spaces/new",
        "/admin/hubs/nowhere/roles",
    ),
)
def test_an_unknown_slug_is_a_not_found_page(client, login_as, path):
    login_as("admin")
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Not Found" in response.get_data(as_text=True)


def test_a_space_of_another_hub_is_not_found_under_this_hub(client, login_as, cast, make_space):
    away_space = make_space(cast.away, name="Away desk")
    login_as("manager")
    assert client.get(f"/hubs/home/spaces/{away_space.id}/edit").status_code == 404
    assert post_form(client, f"/hubs/home/spaces/{away_space.id}/edit", {"name": "Mine now"}).status_code == 404
    assert client.get("/hubs/home/spaces/999999/edit").status_code == 404


def test_a_closure_of_another_hub_cannot_be_removed_through_this_hub(client, login_as, cast):
    from datetime import date

    from coworking.extensions import db
    from coworking.hubs.services import add_closure

    closure = add_closure(cast.away, date(2030, 5, 1), date(2030, 5, 1), "May Day")
    db.session.commit()
    login_as("manager")
    assert post_form(client, f"/hubs/home/closures/{closure.id}/delete").status_code == 404
    assert len(stored_rows(Closure)) == 1


def test_removing_a_role_nobody_holds_is_not_found(client, login_as, cast):
    login_as("admin")
    assert post_form(client, f"/admin/hubs/home/roles/{cast.member.id}/revoke").status_code == 404
    assert post_form(client, "/admin/hubs/home/roles/999999/revoke").status_code == 404


# Removing a closure answers GET with a page that asks first (tests/bookings/test_closures.py).
@pytest.mark.parametrize("path", ("/admin/hubs/home/roles/1/revoke",))
def test_delete_actions_answer_only_post(client, login_as, path):
    login_as("admin")
    assert client.get(path).status_code == 405
