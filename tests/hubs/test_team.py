"""A hub's team, run by its managers: they add staff and take the role away again; only the
network admin appoints or removes managers. And the one navigation staff and managers see."""
from __future__ import annotations

import pytest

from coworking.hubs.roles import HubRole
from tests.conftest import post_form
from tests.hubs.helpers import stored_rows

MANAGERS_ONLY = {"anonymous": "login", "member": 403, "other_manager": 403, "staff": 403, "manager": 200, "admin": 200}


def role_of(user, hub) -> str | None:
    rows = stored_rows(HubRole, user_id=user.id, hub_id=hub.id)
    return rows[0]["role"] if rows else None


def expect(response, expected) -> None:
    if expected == "login":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("who", "expected"), MANAGERS_ONLY.items())
def test_only_the_hubs_managers_open_its_team_page(client, login_as, who, expected):
    login_as(who)
    expect(client.get("/hubs/home/team"), expected)


@pytest.mark.parametrize(("who", "expected"), MANAGERS_ONLY.items())
def test_only_the_hubs_managers_add_staff(client, login_as, cast, who, expected):
    login_as(who)
    response = post_form(client, "/hubs/home/team", {"email": "member@example.org", "role": "staff"})
    if expected == 200:
        assert response.status_code == 302
        assert role_of(cast.member, cast.hub) == "staff"
        page = client.get("/hubs/home/team").get_data(as_text=True)
        assert "Mary Member is now staff at Home Hub." in page
    else:
        expect(response, expected)
        assert role_of(cast.member, cast.hub) is None


@pytest.mark.parametrize(("who", "expected"), MANAGERS_ONLY.items())
def test_only_the_hubs_managers_remove_staff(client, login_as, cast, who, expected):
    login_as(who)
    response = post_form(client, f"/hubs/home/team/{cast.staff.id}/remove")
    if expected == 200:
        assert response.status_code == 302
        assert role_of(cast.staff, cast.hub) is None
        assert "no longer on the team" in client.get("/hubs/home/team").get_data(as_text=True)
    else:
        expect(response, expected)
        assert role_of(cast.staff, cast.hub) == "staff"


def test_a_manager_cannot_appoint_a_manager(client, login_as, cast):
    login_as("manager")
    response = post_form(client, "/hubs/home/team", {"email": "member@example.org", "role": "manager"})
    assert response.status_code == 400
    assert role_of(cast.member, cast.hub) is None


def test_a_manager_cannot_demote_or_remove_another_manager(client, login_as, cast, make_manager):
    colleague = make_manager(cast.hub, email="colleague@example.org", name="Col League")
    login_as("manager")
    response = post_form(client, "/hubs/home/team", {"email": "colleague@example.org", "role": "staff"})
    assert response.status_code == 400
    assert "only the network admin" in response.get_data(as_text=True)
    assert post_form(client, f"/hubs/home/team/{colleague.id}/remove").status_code == 403
    assert role_of(colleague, cast.hub) == "manager"


def test_the_network_admin_appoints_a_manager_on_the_team_page(client, login_as, cast):
    login_as("admin")
    assert 'value="manager"' in client.get("/hubs/home/team").get_data(as_text=True)
    assert post_form(client, "/hubs/home/team", {"email": "member@example.org", "role": "manager"}).status_code == 302
    assert role_of(cast.member, cast.hub) == "manager"


def test_adding_an_unknown_email_says_so_beside_the_field(client, login_as, cast):
    login_as("manager")
    response = post_form(client, "/hubs/home/team", {"email": "nobody@example.org", "role": "staff"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page and "No account uses this email" in page
    assert '<a href="#email">No account uses this email' in page


def test_removing_someone_without_a_role_is_not_found(client, login_as, cast):
    login_as("manager")
    assert post_form(client, f"/hubs/home/team/{cast.member.id}/remove").status_code == 404


def test_a_manager_cannot_run_another_hubs_team(client, login_as, cast):
    login_as("other_manager")
    assert post_form(client, "/hubs/home/team", {"email": "member@example.org", "role": "staff"}).status_code == 403


# --- the one navigation ----------------------------------------------------------------------

STAFF_LINKS = ("/hubs/home/bookings/day", "/hubs/home/bookings/week", "/hubs/home/bookings\"",
               "/hubs/home/blocks/new", "/hubs/home/memberships\"", "/hubs/home/feeds")
MANAGER_LINKS = ("/hubs/home/booking-rules", "/hubs/home/edit", "/hubs/home/hours", "/hubs/home/closures",
                 "/hubs/home/spaces", "/hubs/home/team")


@pytest.mark.parametrize("page", ("/hubs/home", "/hubs/mine", "/hubs/home/bookings/day", "/hubs/home/feeds"))
def test_staff_see_every_page_they_may_use_and_no_other(client, login_as, cast, page):
    login_as("staff")
    html = client.get(page).get_data(as_text=True)
    assert 'aria-label="Run Home Hub"' in html
    for link in STAFF_LINKS:
        assert f'href="{link}' in html, link
    for link in MANAGER_LINKS:
        assert f'href="{link}"' not in html, link


@pytest.mark.parametrize("page", ("/hubs/home", "/hubs/home/edit", "/hubs/home/bookings/week", "/hubs/home/memberships", "/hubs/home/team"))
def test_managers_see_every_page_of_their_hub_from_each_of_them(client, login_as, cast, page):
    login_as("manager")
    html = client.get(page).get_data(as_text=True)
    for link in STAFF_LINKS + MANAGER_LINKS:
        assert f'href="{link}' in html, link


@pytest.mark.parametrize("who", ("anonymous", "member", "other_manager"))
def test_people_outside_the_team_see_no_hub_navigation(client, login_as, cast, who):
    login_as(who)
    assert 'aria-label="Run Home Hub"' not in client.get("/hubs/home").get_data(as_text=True)
