"""/api/v1/me/feeds: a member's links, a manager's space and hub links, and resetting them."""
from __future__ import annotations

import pytest

from tests.conftest import bearer


def path_of(url: str) -> str:
    return url.removeprefix("http://localhost")


def test_a_member_gets_their_own_link(client, member, make_token):
    response = client.get("/api/v1/me/feeds", headers=bearer(make_token(member)))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"member", "spaces", "hubs"}
    assert body["spaces"] == [] and body["hubs"] == []
    url = body["member"]["url"]
    assert url.startswith("http://localhost/feeds/") and url.endswith(".ics")
    assert body["member"]["webcal"] == "webcal://" + url.removeprefix("http://")
    assert client.get(path_of(url)).status_code == 200
    # Asking again gives the same link.
    assert client.get("/api/v1/me/feeds", headers=bearer(make_token(member))).get_json()["member"]["url"] == url


def test_a_manager_gets_the_hub_and_each_space(client, manager, room, desks, make_token):
    body = client.get("/api/v1/me/feeds", headers=bearer(make_token(manager))).get_json()
    [hub_feed] = body["hubs"]
    assert hub_feed["hub"] == "here" and hub_feed["name"] == "Here Hub"
    assert hub_feed["closures"]["url"] == "http://localhost/feeds/hubs/here/closures.ics"
    assert client.get(path_of(hub_feed["link"]["url"])).status_code == 200
    assert {space["space_id"] for space in body["spaces"]} == {room.id, *(desk.id for desk in desks)}
    for space in body["spaces"]:
        assert set(space) == {"hub", "space_id", "name", "link", "public"}
        assert space["public"] is None  # private until a manager makes it public
        assert client.get(path_of(space["link"]["url"])).status_code == 200


def test_a_public_space_lists_its_public_link(client, manager, room, make_token):
    from coworking.extensions import db
    from coworking.feeds.definitions import set_space_feed_visibility

    set_space_feed_visibility(room, public=True, shows_first_name=False)
    db.session.commit()
    body = client.get("/api/v1/me/feeds", headers=bearer(make_token(manager))).get_json()
    [space] = [space for space in body["spaces"] if space["space_id"] == room.id]
    assert space["public"]["url"] == f"http://localhost/feeds/spaces/{room.id}.ics"


def test_reset_answers_with_new_links_and_ends_the_old_ones(client, manager, room, make_token):
    headers = bearer(make_token(manager))
    old = client.get("/api/v1/me/feeds", headers=headers).get_json()
    response = client.post("/api/v1/me/feeds/reset", json={}, headers=headers)
    assert response.status_code == 200
    new = response.get_json()
    old_urls = [old["member"]["url"], old["hubs"][0]["link"]["url"], *(space["link"]["url"] for space in old["spaces"])]
    new_urls = [new["member"]["url"], new["hubs"][0]["link"]["url"], *(space["link"]["url"] for space in new["spaces"])]
    assert set(old_urls).isdisjoint(new_urls)
    assert all(client.get(path_of(url)).status_code == 404 for url in old_urls)
    assert all(client.get(path_of(url)).status_code == 200 for url in new_urls)
    # The public closures link is not secret and does not change.
    assert new["hubs"][0]["closures"] == old["hubs"][0]["closures"]


@pytest.mark.parametrize("method, path", (("get", "/api/v1/me/feeds"), ("post", "/api/v1/me/feeds/reset")))
def test_feeds_need_an_api_token(client, method, path):
    response = getattr(client, method)(path, json={} if method == "post" else None)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_reset_needs_no_body(client, member, make_token):
    headers = bearer(make_token(member))
    url = client.get("/api/v1/me/feeds", headers=headers).get_json()["member"]["url"]
    response = client.post("/api/v1/me/feeds/reset", headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["member"]["url"] != url
    assert client.get(path_of(url)).status_code == 404


def test_a_reset_with_a_body_that_is_not_json_is_refused_and_changes_nothing(client, member, make_token):
    headers = bearer(make_token(member))
    url = client.get("/api/v1/me/feeds", headers=headers).get_json()["member"]["url"]
    response = client.post("/api/v1/me/feeds/reset", headers=headers, data="reset=yes", content_type="text/plain")
    assert response.status_code == 415
    assert client.get(path_of(url)).status_code == 200


def test_the_openapi_document_describes_both(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "200" in paths["/api/v1/me/feeds"]["get"]["responses"]
    assert "200" in paths["/api/v1/me/feeds/reset"]["post"]["responses"]
