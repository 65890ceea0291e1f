"""The pages that hand out feed links: the member's (link, webcal://, copy button, instructions,
reset) and a hub's, where its team finds the hub and space feeds and its managers choose which
space feeds are public."""
from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from coworking.extensions import db
from coworking.feeds.models import FeedToken
from coworking.hubs.models import Space
from tests.conftest import counted_statements, post_form

LINK_VALUE = re.compile(r'<input type="text" id="([^"]+)" value="([^"]+)" readonly')


def links_on(page: str) -> dict[str, str]:
    """The feed links on a page, by the id of the read-only field holding each."""
    return {field_id: html.unescape(value) for field_id, value in LINK_VALUE.findall(page)}


def path_of(url: str) -> str:
    return url.removeprefix("http://localhost")


def assert_no_inline_script_or_style(page: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert " style=" not in page and "<style" not in page


def test_the_profile_points_to_the_calendar_link(client, auth, member):
    auth.login(member)
    page = client.get("/profile").get_data(as_text=True)
    assert 'href="/profile/calendar"' in page


def test_the_calendar_page_needs_a_login(client):
    response = client.get("/profile/calendar")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_the_member_sees_a_link_that_works_with_webcal_copy_and_instructions(client, auth, member):
    auth.login(member)
    response = client.get("/profile/calendar")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    url = links_on(page)["member-feed-url"]
    assert url.startswith("http://localhost/feeds/") and url.endswith(".ics")
    assert f'href="webcal://{url.removeprefix("http://")}"' in page
    assert 'data-copy-target="member-feed-url" hidden' in page
    assert '<label for="member-feed-url">' in page
    assert "/static/js/copy.js" in page
    for words in ("From URL", "New Calendar Subscription", "Subscribe from web"):
        assert words in page
    assert_no_inline_script_or_style(page)
    assert client.get(path_of(url)).status_code == 200
    # The same link each time the page is shown.
    assert links_on(client.get("/profile/calendar").get_data(as_text=True))["member-feed-url"] == url


def test_the_link_follows_base_url(app, client, auth, member):
    app.config["BASE_URL"] = "https://hub.example.org/"
    auth.login(member)
    page = client.get("/profile/calendar").get_data(as_text=True)
    url = links_on(page)["member-feed-url"]
    assert url.startswith("https://hub.example.org/feeds/")
    assert "webcal://hub.example.org/feeds/" in page


def test_reset_warns_and_ends_the_old_link(client, auth, member):
    auth.login(member)
    page = client.get("/profile/calendar").get_data(as_text=True)
    assert "stops working at once" in page
    old = links_on(page)["member-feed-url"]
    response = post_form(client, "/profile/calendar/reset", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "old ones stopped working" in page
    new = links_on(page)["member-feed-url"]
    assert new != old
    assert client.get(path_of(old)).status_code == 404
    assert client.get(path_of(new)).status_code == 200


def test_reset_needs_the_forms_csrf_token(client, auth, member):
    auth.login(member)
    client.get("/profile/calendar")
    assert client.post("/profile/calendar/reset").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).where(FeedToken.revoked_at.is_not(None))) == 0


# --- a hub's feeds page ---------------------------------------------------------------------

@pytest.mark.parametrize(
    "who, status",
    (("member", 403), ("other_manager", 403), ("staff", 200), ("manager", 200), ("admin", 200)),
)
def test_the_hub_feeds_page_is_for_the_hubs_team(request, client, auth, room, who, status):
    auth.login(request.getfixturevalue(who))
    assert client.get("/hubs/here/feeds").status_code == status


def test_the_manager_sees_the_hub_and_space_links_and_a_form_per_space(client, auth, manager, room, desks):
    auth.login(manager)
    page = client.get("/hubs/here/feeds").get_data(as_text=True)
    links = links_on(page)
    assert {"hub-feed-url", "closures-feed-url", f"space-{room.id}-feed-url", f"space-{desks[0].id}-feed-url"} <= set(links)
    assert links["closures-feed-url"] == "http://localhost/feeds/hubs/here/closures.ics"
    for field_id in ("hub-feed-url", f"space-{room.id}-feed-url"):
        assert client.get(path_of(links[field_id])).status_code == 200
    assert f'action="/hubs/here/feeds/spaces/{room.id}"' in page
    assert f'name="space-{room.id}-feed_public"' in page
    assert 'href="/hubs/here/feeds" aria-current="page"' in page  # in the hub's management links
    assert_no_inline_script_or_style(page)


def test_the_hub_feeds_page_reads_every_space_link_in_one_query(client, auth, manager, room, desks, make_space, hub):
    for number in range(6):
        make_space(hub, name=f"Extra desk {number}")
    auth.login(manager)
    client.get("/hubs/here/feeds")  # makes the links the first time
    with counted_statements() as seen:
        page = client.get("/hubs/here/feeds").get_data(as_text=True)
    assert page.count("-feed-url") >= 9
    assert len([statement for statement in seen if "FROM feed_tokens" in statement]) <= 2


def test_staff_see_the_links_but_not_the_public_feed_forms(client, auth, staff, room):
    auth.login(staff)
    page = client.get("/hubs/here/feeds").get_data(as_text=True)
    assert f"space-{room.id}-feed-url" in links_on(page)
    assert 'action="/hubs/here/feeds/spaces/' not in page


def stored_space(space_id: int) -> Space:
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(Space, space_id)


def test_a_manager_makes_a_space_feed_public_with_first_names(client, auth, manager, room):
    auth.login(manager)
    response = post_form(
        client, f"/hubs/here/feeds/spaces/{room.id}",
        {f"space-{room.id}-feed_public": "y", f"space-{room.id}-feed_shows_first_name": "y"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    space = stored_space(room.id)
    assert space.feed_public and space.feed_shows_first_name
    page = response.get_data(as_text=True)
    public_url = links_on(page)[f"space-{room.id}-public-url"]
    assert public_url == f"http://localhost/feeds/spaces/{room.id}.ics"
    assert client.get(path_of(public_url)).status_code == 200
    # Unticking both makes it private again.
    post_form(client, f"/hubs/here/feeds/spaces/{room.id}", {})
    assert not stored_space(room.id).feed_public
    assert client.get(path_of(public_url)).status_code == 404


@pytest.mark.parametrize("who", ("staff", "member", "other_manager"))
def test_only_the_hubs_managers_choose_what_is_public(request, client, auth, room, who):
    auth.login(request.getfixturevalue(who))
    response = post_form(client, f"/hubs/here/feeds/spaces/{room.id}", {f"space-{room.id}-feed_public": "y"})
    assert response.status_code == 403
    assert not stored_space(room.id).feed_public


def test_a_space_of_another_hub_is_not_found(client, auth, manager, make_hub, make_space):
    elsewhere = make_space(make_hub(slug="there"), "room", "Far Room")
    auth.login(manager)
    assert post_form(client, f"/hubs/here/feeds/spaces/{elsewhere.id}", {}).status_code == 404
    assert post_form(client, "/hubs/here/feeds/spaces/99999999999", {}).status_code == 404


def test_reset_from_the_hub_page_ends_the_managers_links(client, auth, manager, room):
    auth.login(manager)
    old = links_on(client.get("/hubs/here/feeds").get_data(as_text=True))
    response = post_form(client, "/hubs/here/feeds/reset", follow_redirects=True)
    assert response.status_code == 200
    new = links_on(response.get_data(as_text=True))
    for field_id in ("hub-feed-url", f"space-{room.id}-feed-url"):
        assert new[field_id] != old[field_id]
        assert client.get(path_of(old[field_id])).status_code == 404
        assert client.get(path_of(new[field_id])).status_code == 200


def test_the_member_page_lists_the_hubs_a_manager_works_at(client, auth, manager):
    auth.login(manager)
    page = client.get("/profile/calendar").get_data(as_text=True)
    assert 'href="/hubs/here/feeds"' in page
