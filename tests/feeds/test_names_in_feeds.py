"""Feeds escape whatever names they are given: a hub or space name stored with a line break or a
control character (before names were refused such text) still gives every feed, its name in
X-WR-CALNAME and the events, as valid iCalendar, never a 500."""
from __future__ import annotations

from datetime import timedelta

import pytest

from coworking.extensions import db
from coworking.hubs.services import add_closure
from tests.feeds.conftest import events_by_uid, local, parse, today_utc, uid
from tests.feeds.test_staff_and_public import make_public

# PostgreSQL stores any character but NUL; the app now refuses them all on the way in.
ODD = "\r\nFloor\x01 2\r"


@pytest.fixture
def odd_names(hub, room, place, member, staff):
    day = today_utc() + timedelta(days=4)
    booking = place(room, member, local(day, "09:00", hub.timezone), local(day, "10:00", hub.timezone))
    add_closure(hub, day, day, "Holiday")
    hub.name, room.name = f"Here{ODD}Hub", f"Room{ODD}"
    db.session.commit()
    return booking


def assert_valid_feed(response) -> object:
    body = response.data
    assert response.status_code == 200, body
    lines = body.split(b"\r\n")
    assert not any(b"\r" in line or b"\n" in line or b"\x01" in line for line in lines)
    return parse(response)


def test_every_feed_of_a_strangely_named_hub_and_space_is_valid(client, feed_path, member, staff, hub, room, odd_names):
    paths = (
        feed_path(member),
        feed_path(staff, "hub", hub=hub),
        feed_path(staff, "space", space=room),
        f"/feeds/hubs/{hub.slug}/closures.ics",
        make_public(room),
    )
    for path in paths:
        assert_valid_feed(client.get(path))
    space_feed = assert_valid_feed(client.get(feed_path(staff, "space", space=room)))
    assert b"X-WR-CALNAME:Room\\nFloor 2\\n\\, Here\\nFloor 2\\nHub" in client.get(feed_path(staff, "space", space=room)).data
    assert "Floor 2" in str(space_feed["X-WR-CALNAME"])
    event = events_by_uid(assert_valid_feed(client.get(feed_path(member))))[uid(odd_names)]
    assert str(event["SUMMARY"]) == "Room\nFloor 2\n at Here\nFloor 2\nHub"


@pytest.mark.parametrize("path", ("/feeds/%00.ics", "/feeds/abc%00def.ics", "/feeds/hubs/%00/closures.ics", "/feeds/hubs/here%01/closures.ics"))
def test_a_control_character_in_a_feed_link_is_a_404(client, hub, path):
    assert client.get(path).status_code == 404
    assert client.get(path, headers={"If-None-Match": '"x"'}).status_code == 404
