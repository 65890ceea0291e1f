"""Reading hubs and spaces: shapes, paging, and who sees inactive spaces."""
from __future__ import annotations

import pytest

from tests.api.conftest import assert_json_error
from tests.conftest import bearer


def test_hubs_are_listed_by_name_with_paging_fields(client, make_hub, token_of):
    make_hub("york", "York")
    make_hub("bath", "Bath")
    token = token_of("member")

    body = client.get("/api/v1/hubs", headers=bearer(token)).get_json()

    assert [hub["slug"] for hub in body["items"]] == ["bath", "leeds-central", "york"]
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (1, 20, 3, 1)


def test_a_hub_has_its_details_opening_hours_and_links(client, hub, token_of):
    body = client.get("/api/v1/hubs/leeds-central", headers=bearer(token_of("member"))).get_json()

    assert body["slug"] == "leeds-central"
    assert body["name"] == "Leeds Central"
    assert body["timezone"] == "Europe/London"
    assert body["currency"] == "GBP"
    assert body["payment_terms_days"] == 14
    assert body["vat_number"] is None
    assert body["opening_hours"][0] == {"weekday": 0, "closed": False, "opens_at": "08:00", "closes_at": "18:00"}
    assert body["opening_hours"][6] == {"weekday": 6, "closed": True, "opens_at": None, "closes_at": None}
    assert body["links"]["spaces"].endswith("/api/v1/hubs/leeds-central/spaces")


@pytest.mark.parametrize(
    "path", ("/api/v1/hubs/no-such-hub", "/api/v1/hubs/no-such-hub/spaces", "/api/v1/hubs/no-such-hub/spaces/1")
)
def test_an_unknown_slug_gets_404_json(client, token_of, path):
    error = assert_json_error(client.get(path, headers=bearer(token_of("member"))), 404, "not_found")
    assert "hub" in error["message"]


def test_paging_walks_through_the_hubs(client, make_hub, token_of):
    for number in range(4):  # and Leeds Central, whose name sorts last
        make_hub(f"hub-{number}", f"Hub {number}")
    token = token_of("member")

    pages = [
        client.get(f"/api/v1/hubs?page={page}&per_page=2", headers=bearer(token)).get_json() for page in (1, 2, 3, 4)
    ]

    assert [[hub["slug"] for hub in body["items"]] for body in pages] == [
        ["hub-0", "hub-1"], ["hub-2", "hub-3"], ["leeds-central"], []
    ]
    assert {(body["total"], body["pages"], body["per_page"]) for body in pages} == {(5, 3, 2)}


@pytest.mark.parametrize(
    "query, field",
    (
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=ten", "per_page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=1.5", "page"),
    ),
)
@pytest.mark.parametrize("path", ("/api/v1/hubs", "/api/v1/hubs/leeds-central/spaces"))
def test_bad_paging_values_get_422_naming_the_field(client, hub, token_of, path, query, field):
    response = client.get(f"{path}?{query}", headers=bearer(token_of("member")))
    error = assert_json_error(response, 422, "validation_error")
    assert list(error["fields"]) == [field]
    assert field in error["message"]


def test_a_space_shows_money_as_minor_units_with_the_currency(client, hub, make_space, token_of):
    space = make_space(hub, "room", "Boardroom", capacity=8, hourly_rate_minor=2500, daily_rate_minor=15000,
                       amenities=["screen", "whiteboard"])

    body = client.get("/api/v1/hubs/leeds-central/spaces", headers=bearer(token_of("member"))).get_json()

    assert body["items"] == [
        {
            "id": space.id,
            "hub": "leeds-central",
            "kind": "room",
            "name": "Boardroom",
            "capacity": 8,
            "hourly_rate": {"amount_minor": 2500, "currency": "GBP"},
            "daily_rate": {"amount_minor": 15000, "currency": "GBP"},
            "amenities": ["screen", "whiteboard"],
            "active": True,
        }
    ]
    assert (body["page"], body["total"], body["pages"]) == (1, 1, 1)


def test_spaces_page_like_hubs(client, hub, make_space, token_of):
    for number in range(3):
        make_space(hub, "desk", f"Desk {number}")
    body = client.get("/api/v1/hubs/leeds-central/spaces?per_page=2&page=2", headers=bearer(token_of("member"))).get_json()
    assert [space["name"] for space in body["items"]] == ["Desk 2"]
    assert (body["total"], body["pages"]) == (3, 2)


@pytest.fixture
def spaces(hub, make_space):
    return {
        "open": make_space(hub, "desk", "Window desk"),
        "closed": make_space(hub, "desk", "Old desk", active=False),
    }


@pytest.mark.parametrize("who", ("member", "staff", "manager of another hub", "manager", "admin"))
def test_by_default_everyone_sees_only_active_spaces(client, spaces, token_of, who):
    body = client.get("/api/v1/hubs/leeds-central/spaces", headers=bearer(token_of(who))).get_json()
    assert [space["name"] for space in body["items"]] == ["Window desk"]
    assert body["total"] == 1


@pytest.mark.parametrize("who", ("manager", "admin"))
def test_managers_see_inactive_spaces_when_they_ask(client, spaces, token_of, who):
    response = client.get("/api/v1/hubs/leeds-central/spaces?include_inactive=true", headers=bearer(token_of(who)))
    body = response.get_json()
    assert [(space["name"], space["active"]) for space in body["items"]] == [("Old desk", False), ("Window desk", True)]


@pytest.mark.parametrize("who", ("member", "staff", "manager of another hub"))
def test_others_asking_for_inactive_spaces_get_403(client, spaces, token_of, who):
    response = client.get("/api/v1/hubs/leeds-central/spaces?include_inactive=true", headers=bearer(token_of(who)))
    error = assert_json_error(response, 403, "forbidden")
    assert "inactive" in error["message"]


@pytest.mark.parametrize(
    "who, status", (("member", 404), ("manager of another hub", 404), ("manager", 200), ("admin", 200))
)
def test_an_inactive_space_is_found_only_by_managers_of_its_hub(client, spaces, token_of, who, status):
    response = client.get(f"/api/v1/hubs/leeds-central/spaces/{spaces['closed'].id}", headers=bearer(token_of(who)))
    assert response.status_code == status


def test_a_space_is_found_only_under_its_own_hub(client, spaces, make_hub, token_of):
    make_hub("york", "York")
    token = token_of("member")
    space_id = spaces["open"].id
    assert client.get(f"/api/v1/hubs/leeds-central/spaces/{space_id}", headers=bearer(token)).get_json()["name"] == "Window desk"
    assert_json_error(client.get(f"/api/v1/hubs/york/spaces/{space_id}", headers=bearer(token)), 404, "not_found")
