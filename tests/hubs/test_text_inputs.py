"""Pages refuse control characters (NUL above all: PostgreSQL cannot store it) in whatever is
typed, beside the field, and names are one line; a URL holding one is a 404 or a 422, never a 500."""
from __future__ import annotations

import pytest

from coworking.hubs.models import Hub, Space
from coworking.text import CONTROL_CHARACTERS, LINE_BREAKS
from tests.conftest import post_form
from tests.hubs.helpers import error_beside, stored_row, stored_rows
from tests.hubs.test_manage_hub import DETAILS
from tests.hubs.test_spaces import NEW_SPACE


@pytest.fixture
def as_manager(login_as):
    return login_as("manager")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    (
        ("name", "Home\x00Hub", CONTROL_CHARACTERS),
        ("name", "Home\nHub", LINE_BREAKS),
        ("name", "Home\rHub", LINE_BREAKS),
        ("address", "2 Low Street\x00", CONTROL_CHARACTERS),
        ("address", "2 Low\x07Street", CONTROL_CHARACTERS),
        ("timezone", "Europe/Dublin\x00", CONTROL_CHARACTERS),
        ("vat_number", "IE\x1b1234567T", CONTROL_CHARACTERS),
    ),
)
def test_the_hub_form_refuses_control_characters_beside_the_field(client, cast, as_manager, field, value, message):
    before = stored_row(Hub, cast.hub.id)
    response = post_form(client, "/hubs/home/edit", {**DETAILS, field: value})
    assert response.status_code == 400
    assert message in error_beside(response.get_data(as_text=True), field)
    assert stored_row(Hub, cast.hub.id) == before


def test_an_address_may_run_over_several_lines(client, cast, as_manager):
    response = post_form(client, "/hubs/home/edit", {**DETAILS, "address": "2 Low Street\r\nLeeds\tLS1"})
    assert response.status_code == 302
    assert stored_row(Hub, cast.hub.id)["address"] == "2 Low Street\r\nLeeds\tLS1"


@pytest.mark.parametrize(("value", "message"), (("Aire\x00Room", CONTROL_CHARACTERS), ("Aire\nRoom", LINE_BREAKS)))
def test_a_space_name_is_one_line_of_text(client, cast, as_manager, value, message):
    response = post_form(client, "/hubs/home/spaces/new", {**NEW_SPACE, "name": value})
    assert response.status_code == 400
    assert message in error_beside(response.get_data(as_text=True), "name")
    assert stored_rows(Space) == []


@pytest.mark.parametrize("path", ("/hubs/%00", "/hubs/%00/spaces", "/hubs/home%01/edit"))
def test_a_control_character_in_a_page_url_is_a_404(client, cast, as_manager, path):
    assert client.get(path).status_code == 404


def test_a_control_character_in_a_page_query_is_a_422_naming_it(client, cast, as_manager):
    response = client.get("/hubs/home?date=%00")
    assert response.status_code == 422
    assert "control characters" in response.get_data(as_text=True)
