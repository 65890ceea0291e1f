"""Polls that find nothing new are answered 304 in front of the app, from the link and its feed's
stamps; every change a subscriber must see changes the ETag, and a link that stopped working is
a 404 even when the poll carries a current ETag."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from coworking.accounts.models import User
from coworking.accounts.services import update_profile
from coworking.bookings.models import Booking
from coworking.bookings.operations import cancel_booking, move_booking
from coworking.extensions import db
from coworking.feeds.models import FeedStamp, FeedToken
from coworking.feeds.tokens import reset_tokens
from coworking.hubs.roles import revoke_role
from coworking.hubs.services import add_closure, update_hub, update_space
from tests.feeds.conftest import local, today_utc


@pytest.fixture
def booked(place, room, member, hub):
    day = today_utc() + timedelta(days=5)
    return place(room, member, local(day, "09:00", hub.timezone), local(day, "10:00", hub.timezone))


@pytest.fixture
def links(feed_path, member, manager, staff, hub, room) -> dict[str, str]:
    return {
        "member": feed_path(member),
        "space": feed_path(manager, "space", space=room),
        "hub": feed_path(staff, "hub", hub=hub),
    }


def poll(client, path: str, etag: str, method: str = "get"):
    return getattr(client, method)(path, headers={"If-None-Match": etag})


def current_etag(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.headers["ETag"]


@pytest.mark.parametrize("kind", ["member", "space", "hub"])
def test_a_poll_with_the_current_etag_gets_304_with_the_views_headers(client, links, booked, kind):
    full = client.get(links[kind])
    response = poll(client, links[kind], full.headers["ETag"])
    assert response.status_code == 304
    assert response.data == b""
    for header in ("ETag", "Last-Modified", "Cache-Control", "Content-Security-Policy", "X-Content-Type-Options"):
        assert response.headers[header] == full.headers[header]
    assert response.headers["Cache-Control"] == "private, max-age=300"


def test_head_polls_are_answered_too(client, links, booked):
    etag = current_etag(client, links["member"])
    assert poll(client, links["member"], etag, "head").status_code == 304


def test_a_poll_by_another_method_is_left_to_the_app(client, links, booked):
    etag = current_etag(client, links["member"])
    assert poll(client, links["member"], etag, "post").status_code == 405


def test_a_network_admins_hub_link_is_answered_from_their_admin_rights(client, feed_path, admin, hub, booked):
    path = feed_path(admin, "hub", hub=hub)
    assert poll(client, path, current_etag(client, path)).status_code == 304


# --- links that stopped working: 404, never 304 ------------------------------------------------

def test_a_revoked_link_with_a_current_etag_gets_the_404(client, links, member, booked):
    etag = current_etag(client, links["member"])
    reset_tokens(member)
    db.session.commit()
    response = poll(client, links["member"], etag)
    assert response.status_code == 404
    assert response.data == b"There is no calendar at this address.\n"


def test_a_managers_link_with_a_current_etag_gets_404_once_the_role_is_gone(client, links, manager, hub, booked):
    etag = current_etag(client, links["space"])
    revoke_role(manager, hub)
    db.session.commit()
    assert poll(client, links["space"], etag).status_code == 404


def test_a_deactivated_persons_link_with_a_current_etag_gets_404(client, links, member, booked):
    etag = current_etag(client, links["member"])
    db.session.get(User, member.id).active = False
    db.session.commit()
    assert poll(client, links["member"], etag).status_code == 404


def test_a_new_secret_key_ends_a_link_even_with_a_current_etag(app, client, links, booked):
    etag = current_etag(client, links["member"])
    app.config["SECRET_KEY"] = "another-secret"
    assert poll(client, links["member"], etag).status_code == 404


def test_a_wrong_link_with_any_etag_gets_404(client):
    assert poll(client, "/feeds/" + "A" * 43 + ".ics", '"anything"').status_code == 404
    assert poll(client, "/feeds/" + "A" * 43 + ".ics", "*").status_code == 404


# --- bookkeeping and limits still happen ------------------------------------------------------

def test_a_poll_due_to_record_its_use_records_it_and_still_gets_304(client, links, booked):
    etag = current_etag(client, links["member"])
    long_ago = booked.created_at - timedelta(hours=3)
    db.session.execute(sa.update(FeedToken).values(last_used_at=long_ago))
    db.session.commit()
    assert poll(client, links["member"], etag).status_code == 304
    db.session.expire_all()
    recorded = db.session.scalar(sa.select(FeedToken.last_used_at).where(FeedToken.kind == "member"))
    assert recorded > long_ago + timedelta(hours=2)


def test_polls_and_full_requests_share_the_links_rate_limit(client, links, booked):
    path = links["member"]
    etag = current_etag(client, path)
    assert {poll(client, path, etag).status_code for _ in range(59)} == {304}
    assert poll(client, path, etag).status_code == 429
    assert client.get(path).status_code == 429


# --- every change a subscriber must see changes the ETag ------------------------------------

def another_day(hub, days: int = 8, start: str = "11:00", end: str = "12:00"):
    day = today_utc() + timedelta(days=days)
    return local(day, start, hub.timezone), local(day, end, hub.timezone)


def move(booked, hub, admin, **_):
    move_booking(booked, *another_day(hub), by=admin, override_rules=True)


def cancel(booked, admin, **_):
    cancel_booking(booked, by=admin, reason="The room flooded", notify=False)


def delete_behind_the_apps_back(booked, **_):
    db.session.execute(sa.delete(Booking).where(Booking.id == booked.id))


def rename_hub(hub, **_):
    update_hub(hub, name="Renamed hub")


def rename_space(room, **_):
    update_space(room, name="Renamed room")


def rename_member(member, **_):
    update_profile(member, "Someone Else", member.email)


def close_a_day(hub, **_):
    add_closure(hub, date.today() + timedelta(days=3), date.today() + timedelta(days=3), "Deep clean")


def book_another(place, room, hub, member, **_):
    place(room, member, *another_day(hub))


CHANGES = {
    "member": [move, cancel, delete_behind_the_apps_back, rename_hub, rename_space, book_another],
    "space": [move, cancel, delete_behind_the_apps_back, rename_hub, rename_space, rename_member, book_another],
    "hub": [move, cancel, delete_behind_the_apps_back, rename_hub, rename_member, close_a_day, book_another],
}


@pytest.mark.parametrize("kind,change", [(kind, change) for kind, changes in CHANGES.items() for change in changes],
                         ids=lambda value: getattr(value, "__name__", value))
def test_a_change_the_feed_shows_gets_the_new_feed_not_304(client, links, booked, hub, room, member, admin, place, kind, change):
    etag = current_etag(client, links[kind])
    change(booked=booked, hub=hub, room=room, member=member, admin=admin, place=place)
    db.session.commit()
    response = poll(client, links[kind], etag)
    assert response.status_code == 200
    assert response.headers["ETag"] != etag


def test_another_members_booking_leaves_a_members_etag_alone(client, links, booked, place, room, hub, make_user):
    etag = current_etag(client, links["member"])
    place(room, make_user(email="someone@example.org"), *another_day(hub))
    assert poll(client, links["member"], etag).status_code == 304


def test_another_hubs_booking_leaves_a_hubs_etag_alone(client, links, booked, place, make_hub, make_space, member):
    elsewhere = make_hub(slug="elsewhere", name="Elsewhere")
    far_room = make_space(elsewhere, name="Far room")
    etag = current_etag(client, links["hub"])
    place(far_room, member, *another_day(elsewhere))
    assert poll(client, links["hub"], etag).status_code == 304


def stamp(kind: str, target_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(FeedStamp.version).where(FeedStamp.kind == kind, FeedStamp.target_id == target_id)) or 0


def test_moving_a_booking_to_another_space_stamps_both_spaces(booked, hub, make_space):
    first, second = booked.space_id, make_space(hub, name="Other room").id
    before = stamp("space", first), stamp("space", second)
    db.session.execute(sa.update(Booking).where(Booking.id == booked.id).values(space_id=second))
    db.session.commit()
    assert stamp("space", first) > before[0]
    assert stamp("space", second) > before[1]


def test_when_the_shortcut_fails_the_view_gives_the_same_answer(client, links, booked, monkeypatch, caplog):
    from coworking.feeds import revalidation

    etag = current_etag(client, links["member"])

    def broken(self, **values):
        raise revalidation.ReadFailed("the database went away")

    monkeypatch.setattr(revalidation.PreparedRead, "first", broken)
    response = poll(client, links["member"], etag)
    assert response.status_code == 304
    assert response.headers["ETag"] == etag
    assert "Feed revalidation failed" in caplog.text
