"""A hub manager lists, adds and edits spaces; rates are typed as money and stored in minor units."""
from __future__ import annotations

import pytest

from coworking.hubs.models import Space
from tests.conftest import post_form
from tests.hubs.helpers import error_beside, stored_row, stored_rows

NEW_SPACE = {
    "kind": "room",
    "name": "Aire Room",
    "capacity": "8",
    "hourly_rate": "12.50",
    "daily_rate": "90",
    "amenities": "screen, whiteboard , ,Screen",
    "active": "y",
}


@pytest.fixture
def as_manager(login_as):
    return login_as("manager")


def test_the_space_list_shows_every_space_including_inactive_ones(client, cast, make_space, as_manager):
    make_space(cast.hub, "desk", "Window Desk")
    make_space(cast.hub, "desk", "Broken Desk", active=False)
    make_space(cast.away, "desk", "Away Desk")
    page = client.get("/hubs/home/spaces").get_data(as_text=True)
    assert "Window Desk" in page
    assert "Broken Desk" in page and "Inactive" in page
    assert "Away Desk" not in page


def test_a_manager_adds_a_space_with_rates_typed_as_money(client, cast, as_manager):
    response = post_form(client, "/hubs/home/spaces/new", NEW_SPACE)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/hubs/home/spaces")
    [space] = stored_rows(Space, hub_id=cast.hub.id)
    assert (space["kind"], space["name"], space["capacity"]) == ("room", "Aire Room", 8)
    assert (space["hourly_rate_minor"], space["daily_rate_minor"]) == (1250, 9000)
    assert space["amenities"] == ["screen", "whiteboard"]
    assert space["active"] is True


def test_money_goes_round_the_loop_12_50_stored_as_1250_and_shown_as_pounds(client, cast, as_manager):
    post_form(client, "/hubs/home/spaces/new", NEW_SPACE)
    [space] = stored_rows(Space)
    assert space["hourly_rate_minor"] == 1250
    assert "£12.50" in client.get("/hubs/home").get_data(as_text=True)
    assert "£12.50" in client.get("/hubs/home/spaces").get_data(as_text=True)
    edit_page = client.get(f"/hubs/home/spaces/{space['id']}/edit").get_data(as_text=True)
    assert 'name="hourly_rate" type="text" value="12.50"' in edit_page
    assert 'name="daily_rate" type="text" value="90.00"' in edit_page


def test_a_yen_hub_stores_1500_as_1500(client, make_hub, make_manager, auth):
    tokyo = make_hub("tokyo", "Tokyo Shibuya", timezone="Asia/Tokyo", currency="JPY")
    auth.login(make_manager(tokyo))
    response = post_form(client, "/hubs/tokyo/spaces/new", {**NEW_SPACE, "hourly_rate": "1500", "daily_rate": "9000"})
    assert response.status_code == 302
    [space] = stored_rows(Space)
    assert (space["hourly_rate_minor"], space["daily_rate_minor"]) == (1500, 9000)
    assert "¥1,500" in client.get("/hubs/tokyo").get_data(as_text=True)
    edit_page = client.get(f"/hubs/tokyo/spaces/{space['id']}/edit").get_data(as_text=True)
    assert 'name="hourly_rate" type="text" value="1500"' in edit_page


def test_a_yen_rate_with_decimals_is_refused(client, make_hub, make_manager, auth):
    tokyo = make_hub("tokyo", "Tokyo Shibuya", timezone="Asia/Tokyo", currency="JPY")
    auth.login(make_manager(tokyo))
    response = post_form(client, "/hubs/tokyo/spaces/new", {**NEW_SPACE, "hourly_rate": "15.50"})
    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), "hourly_rate") == "JPY amounts have at most 0 decimal places."
    assert stored_rows(Space) == []


BAD_SPACES = (
    ("hourly_rate", "-5.00", "A rate cannot be negative."),
    ("daily_rate", "-1", "A rate cannot be negative."),
    ("hourly_rate", "abc", "Enter an amount, such as 12.50."),
    ("hourly_rate", "", "Enter an amount, such as 12.50."),
    ("daily_rate", "12.505", "GBP amounts have at most 2 decimal places."),
    ("hourly_rate", "99999999999", "That rate is too large."),
    ("name", "Board Room", "This hub already has a space with that name."),
    ("name", "  Board Room ", "This hub already has a space with that name."),
    ("name", "", "Give the space a name."),
    ("capacity", "0", "Capacity is at least 1."),
    ("capacity", "-3", "Capacity is at least 1."),
    ("capacity", "many", "Not a valid integer value."),
    ("capacity", "5000", "Capacity is at most 1000."),
    ("kind", "castle", "Not a valid choice."),
)


@pytest.mark.parametrize(("field", "value", "message"), BAD_SPACES)
def test_a_bad_new_space_is_refused_beside_the_field_and_not_stored(client, cast, make_space, as_manager, field, value, message):
    make_space(cast.hub, "room", "Board Room")
    before = stored_rows(Space)
    response = post_form(client, "/hubs/home/spaces/new", {**NEW_SPACE, field: value})
    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), field) == message
    assert stored_rows(Space) == before


@pytest.mark.parametrize(("field", "value", "message"), BAD_SPACES)
def test_a_bad_edit_is_refused_beside_the_field_and_the_space_is_unchanged(client, cast, make_space, as_manager, field, value, message):
    make_space(cast.hub, "room", "Board Room")
    space = make_space(cast.hub, "room", "Aire Room", capacity=8, hourly_rate_minor=1250, daily_rate_minor=9000)
    before = stored_row(Space, space.id)
    response = post_form(client, f"/hubs/home/spaces/{space.id}/edit", {**NEW_SPACE, "name": "Renamed Room", field: value})
    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), field) == message
    assert stored_row(Space, space.id) == before


def test_a_space_name_used_in_another_hub_is_fine(client, cast, make_space, as_manager):
    make_space(cast.away, "room", "Aire Room")
    assert post_form(client, "/hubs/home/spaces/new", NEW_SPACE).status_code == 302


def test_a_manager_edits_a_space_and_can_make_it_inactive(client, cast, make_space, as_manager):
    space = make_space(cast.hub, "desk", "Desk 1", amenities=["monitor"])
    response = post_form(
        client,
        f"/hubs/home/spaces/{space.id}/edit",
        {"kind": "office", "name": "Studio 1", "capacity": "4", "hourly_rate": "0", "daily_rate": "60.00", "amenities": "sink, lock"},
    )
    assert response.status_code == 302
    stored = stored_row(Space, space.id)
    assert (stored["kind"], stored["name"], stored["capacity"]) == ("office", "Studio 1", 4)
    assert (stored["hourly_rate_minor"], stored["daily_rate_minor"]) == (0, 6000)
    assert stored["amenities"] == ["sink", "lock"]
    assert stored["active"] is False  # the unticked checkbox
    assert "<th scope=\"row\">Studio 1</th>" not in client.get("/hubs/home").get_data(as_text=True)


def test_keeping_a_space_s_own_name_is_not_a_duplicate(client, cast, make_space, as_manager):
    space = make_space(cast.hub, "room", "Aire Room")
    response = post_form(client, f"/hubs/home/spaces/{space.id}/edit", NEW_SPACE)
    assert response.status_code == 302
    assert stored_row(Space, space.id)["hourly_rate_minor"] == 1250


def test_the_new_space_form_starts_with_sensible_defaults(client, cast, as_manager):
    page = client.get("/hubs/home/spaces/new").get_data(as_text=True)
    assert 'name="hourly_rate" type="text" value="0.00"' in page
    assert 'id="active" name="active" type="checkbox" value="y"' in page and "checked" in page
