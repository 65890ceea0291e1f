"""Space and hub feeds for the hub's team (with names), public space feeds ("Booked", or a first
name when the manager chose so), and the public feed of a hub's closures and blocked periods."""
from __future__ import annotations

from datetime import timedelta

import pytest

from coworking.bookings.blocks import block_space
from coworking.bookings.operations import cancel_booking
from coworking.extensions import db
from coworking.feeds.definitions import set_space_feed_visibility
from coworking.hubs.services import add_closure
from tests.feeds.conftest import events_by_uid, expanded, local, parse, today_utc, uid


@pytest.fixture
def day(hub):
    return today_utc() + timedelta(days=4)


@pytest.fixture
def schedule(place, room, desks, member, make_user, hub, day, manager):
    """Mary's and Olivia's bookings of the room, Mary's desk, and the room blocked for painting."""
    olivia = make_user(email="olivia@example.org", name="Olivia Other")
    tz = hub.timezone
    bookings = {
        "mary": place(room, member, local(day, "09:00", tz), local(day, "10:00", tz), note="Secret project"),
        "olivia": place(room, olivia, local(day, "11:00", tz), local(day, "12:00", tz)),
        "desk": place(desks[0], member, local(day, "09:00", tz), local(day, "17:00", tz)),
    }
    [bookings["block"]] = block_space(room, local(day, "14:00", tz), local(day, "16:00", tz), "Painting", by=manager)
    db.session.commit()
    return bookings


def make_public(space, *, first_name: bool = False) -> str:
    set_space_feed_visibility(space, public=True, shows_first_name=first_name)
    db.session.commit()
    return f"/feeds/spaces/{space.id}.ics"


def test_a_space_feed_shows_every_booking_of_the_space_with_names(client, feed_path, manager, room, schedule):
    events = events_by_uid(parse(client.get(feed_path(manager, "space", space=room))))
    assert set(events) == {uid(schedule[name]) for name in ("mary", "olivia", "block")}
    assert events[uid(schedule["mary"])]["SUMMARY"] == "Mary Member"
    assert events[uid(schedule["olivia"])]["SUMMARY"] == "Olivia Other"
    assert events[uid(schedule["block"])]["SUMMARY"] == "Blocked: Painting"
    assert f"/bookings/{schedule['mary'].id}" in events[uid(schedule["mary"])]["DESCRIPTION"]


def test_a_hub_feed_shows_every_booking_of_the_hub_and_which_space(client, feed_path, staff, hub, schedule):
    response = client.get(feed_path(staff, "hub", hub=hub))
    calendar = parse(response)
    events = expanded(calendar)
    assert set(events) == {uid(booking) for booking in schedule.values()}
    assert events[uid(schedule["desk"])]["SUMMARY"] == "Mary Member (Desk 1)"
    assert events[uid(schedule["block"])]["SUMMARY"] == "Blocked: Painting (Meeting Room)"
    assert calendar["X-WR-CALNAME"] == "Here Hub: all bookings"
    assert response.headers["Content-Disposition"] == 'inline; filename="here-bookings.ics"'


def test_staff_feeds_leave_out_other_hubs(client, feed_path, manager, hub, schedule, place, make_hub, make_space, member, day):
    elsewhere = make_space(make_hub(slug="there"), "room", "Far Room")
    theirs = place(elsewhere, member, local(day, "09:00", "Europe/London"), local(day, "10:00", "Europe/London"))
    assert uid(theirs).encode() not in client.get(feed_path(manager, "hub", hub=hub)).data


def test_a_private_space_has_no_public_feed(client, room, schedule):
    response = client.get(f"/feeds/spaces/{room.id}.ics")
    assert response.status_code == 404
    assert response.data == client.get("/feeds/spaces/999999.ics").data == client.get("/feeds/spaces/99999999999999.ics").data


def test_a_public_space_feed_says_booked_and_nothing_about_anyone(client, room, schedule):
    response = client.get(make_public(room))
    body = response.data
    events = events_by_uid(parse(response))
    assert events[uid(schedule["mary"])]["SUMMARY"] == "Booked"
    assert events[uid(schedule["olivia"])]["SUMMARY"] == "Booked"
    assert events[uid(schedule["block"])]["SUMMARY"] == "Unavailable"
    for secret in (b"Mary", b"Member", b"Olivia", b"Other", b"@example.org", b"Secret project", b"Painting", b"/bookings/"):
        assert secret not in body, secret
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_a_public_space_feed_may_show_first_names_only(client, room, schedule):
    response = client.get(make_public(room, first_name=True))
    events = events_by_uid(parse(response))
    assert events[uid(schedule["mary"])]["SUMMARY"] == "Mary"
    assert events[uid(schedule["olivia"])]["SUMMARY"] == "Olivia"
    for secret in (b"Member", b"Other", b"@example.org", b"Secret project", b"Painting"):
        assert secret not in response.data, secret


def test_choosing_first_names_changes_the_public_feed_at_once(client, room, schedule):
    path = make_public(room)
    etag = client.get(path).headers["ETag"]
    make_public(room, first_name=True)
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert b"SUMMARY:Mary" in response.data


def test_making_a_space_private_again_ends_its_public_feed(client, room, schedule):
    path = make_public(room)
    assert client.get(path).status_code == 200
    set_space_feed_visibility(room, public=False, shows_first_name=False)
    db.session.commit()
    assert client.get(path).status_code == 404


def test_cancellations_reach_public_feeds_too(client, room, schedule, manager):
    cancel_booking(schedule["olivia"], by=manager, reason="Double booked", notify=False)
    db.session.commit()
    response = client.get(make_public(room))
    event = events_by_uid(parse(response))[uid(schedule["olivia"])]
    assert event["STATUS"] == "CANCELLED"
    assert b"Double booked" not in response.data


def test_the_closures_feed_is_public_and_shows_closures_and_blocks(client, hub, room, schedule):
    first = today_utc() + timedelta(days=30)
    closure = add_closure(hub, first, first + timedelta(days=1), "Staff training")
    db.session.commit()
    response = client.get("/feeds/hubs/here/closures.ics")
    calendar = parse(response)
    events = events_by_uid(calendar)
    closed = events[f"closure-{closure.id}@coworking-hub"]
    assert closed["SUMMARY"] == "Closed: Staff training"
    assert closed["DTSTART"].dt == first
    assert closed["DTEND"].dt == first + timedelta(days=2)  # the day after the last day
    for name in ("UID", "DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "LOCATION", "DESCRIPTION"):
        assert name in closed
    assert events[uid(schedule["block"])]["SUMMARY"] == "Unavailable: Meeting Room"
    assert uid(schedule["mary"]) not in events
    for secret in (b"Mary", b"Olivia", b"Painting"):
        assert secret not in response.data
    assert response.headers["Cache-Control"] == "public, max-age=300"
    expanded_events = expanded(calendar)
    assert f"closure-{closure.id}@coworking-hub" in expanded_events


def test_a_new_closure_changes_the_closures_feed(client, hub, schedule):
    path = "/feeds/hubs/here/closures.ics"
    etag = client.get(path).headers["ETag"]
    add_closure(hub, today_utc() + timedelta(days=40), today_utc() + timedelta(days=40), "Election day")
    db.session.commit()
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert b"Closed: Election day" in response.data


def test_an_unknown_hub_has_no_closures_feed(client):
    assert client.get("/feeds/hubs/nowhere/closures.ics").status_code == 404
