"""The absolute links feeds carry, and the subscription links the pages and the API show: built
from the routes and BASE_URL, and exactly the text they were when they were joined by hand (a
feed's bytes must not change, or every subscribed calendar would see every event change)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from coworking.bookings.blocks import block_space
from coworking.extensions import db
from coworking.feeds import content
from coworking.feeds.definitions import (
    closures_feed,
    feed_window,
    member_feed,
    public_space_feed,
    set_space_feed_visibility,
    staff_hub_feed,
)
from coworking.feeds.links import closures_link, link_for_each_id, private_link, public_space_link
from coworking.feeds.models import FeedKind
from coworking.feeds.tokens import get_or_create_token, raw_token
from coworking.hubs.services import add_closure
from coworking.urls import external_url
from tests.feeds.conftest import local, today_utc

# BASE_URL as people write it (a trailing slash, a path), and the prefix links had when joined by hand.
BASE_URLS = {
    "https://hub.example.org": "https://hub.example.org",
    "https://hub.example.org/": "https://hub.example.org",
    "https://example.org/coworking/": "https://example.org/coworking",
    "http://127.0.0.1:5000": "http://127.0.0.1:5000",
}


@pytest.fixture(params=BASE_URLS)
def base(request, app) -> str:
    app.config["BASE_URL"] = request.param
    return BASE_URLS[request.param]


@pytest.fixture
def booked(place, room, member, hub):
    day = today_utc() + timedelta(days=2)
    return place(room, member, local(day, "09:00", hub.timezone), local(day, "10:00", hub.timezone))


def descriptions(feed) -> dict[str, str]:
    return {event.uid: event.description for event in content.feed_events(feed, feed_window())}


def test_a_members_event_links_to_the_bookings_page(base, booked, member):
    assert descriptions(member_feed(member)) == {
        f"booking-{booked.id}@coworking-hub": f"Manage this booking: {base}/bookings/{booked.id}"
    }


def test_a_staff_event_links_to_the_bookings_page(base, booked, hub):
    assert descriptions(staff_hub_feed(hub))[f"booking-{booked.id}@coworking-hub"] == (
        f"Manage this booking: {base}/bookings/{booked.id}"
    )


def test_a_public_event_links_to_the_hubs_page(base, booked, room, hub):
    set_space_feed_visibility(room, public=True, shows_first_name=False)
    db.session.commit()
    assert descriptions(public_space_feed(room))[f"booking-{booked.id}@coworking-hub"] == (
        f"Here Hub: {base}/hubs/{hub.slug}"
    )


def test_a_closure_and_a_block_link_to_the_hubs_page(base, room, hub, manager):
    day = today_utc() + timedelta(days=5)
    closure = add_closure(hub, day, day, "Staff training")
    [block] = block_space(room, local(day, "14:00", hub.timezone), local(day, "16:00", hub.timezone), "Painting", by=manager)
    db.session.commit()
    assert descriptions(closures_feed(hub)) == {
        f"closure-{closure.id}@coworking-hub": f"Here Hub is closed. {base}/hubs/{hub.slug}",
        f"booking-{block.id}@coworking-hub": f"Here Hub: {base}/hubs/{hub.slug}",
    }


@pytest.mark.parametrize("record_id", [1, 7, 42, 1000, 2**31 - 1])
def test_a_link_for_each_id_is_the_routes_own_link(base, record_id):
    booking_page = link_for_each_id("bookings.show", "booking_id")
    assert booking_page(record_id) == external_url("bookings.show", booking_id=record_id) == f"{base}/bookings/{record_id}"


def test_subscription_links_are_absolute_and_offered_as_webcal_too(base, member, room, hub):
    raw = raw_token(get_or_create_token(member, FeedKind.MEMBER))
    set_space_feed_visibility(room, public=True, shows_first_name=False)
    webcal_base = "webcal://" + base.partition("://")[2]
    assert private_link(get_or_create_token(member, FeedKind.MEMBER)) == {
        "url": f"{base}/feeds/{raw}.ics",
        "webcal": f"{webcal_base}/feeds/{raw}.ics",
    }
    assert public_space_link(room)["url"] == f"{base}/feeds/spaces/{room.id}.ics"
    assert closures_link(hub)["webcal"] == f"{webcal_base}/feeds/hubs/{hub.slug}/closures.ics"
