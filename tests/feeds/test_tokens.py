"""Feed links: long and random, different for everyone, stored only as a hash, revocable; a link
that does not work is a 404 that says nothing about why."""
from __future__ import annotations

import base64

import sqlalchemy as sa

from coworking.accounts.services import hash_secret
from coworking.extensions import db
from coworking.feeds.models import FeedKind, FeedToken
from coworking.feeds.tokens import get_or_create_token, reset_tokens
from coworking.hubs.roles import grant_role, revoke_role


def raw_of(path: str) -> str:
    return path.removeprefix("/feeds/").removesuffix(".ics")


def test_a_link_carries_at_least_128_random_bits(feed_path, member):
    raw = raw_of(feed_path(member))
    assert len(raw) >= 22  # 128 bits in base64url
    assert len(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))) >= 16


def test_links_differ_between_people_and_between_feeds(feed_path, member, make_user, manager, hub, room):
    other = make_user(email="other@example.org")
    links = {feed_path(member), feed_path(other), feed_path(manager), feed_path(manager, "hub", hub=hub), feed_path(manager, "space", space=room)}
    assert len(links) == 5


def test_asking_again_gives_the_same_link(feed_path, member):
    assert feed_path(member) == feed_path(member)


def test_only_a_hash_of_the_link_is_stored(feed_path, member):
    raw = raw_of(feed_path(member))
    token = db.session.scalar(sa.select(FeedToken))
    assert token.token_hash == hash_secret(raw)
    assert raw not in (token.nonce, token.token_hash)


def test_a_new_secret_key_ends_every_link(app, client, feed_path, member):
    path = feed_path(member)
    app.config["SECRET_KEY"] = "another-secret"
    assert client.get(path).status_code == 404


def test_a_wrong_and_a_revoked_link_get_the_same_404(client, feed_path, member):
    path = feed_path(member)
    assert client.get(path).status_code == 200
    reset_tokens(member)
    db.session.commit()
    revoked = client.get(path)
    wrong = client.get("/feeds/" + "A" * 43 + ".ics")
    nonsense = client.get("/feeds/x.ics")
    for response in (revoked, wrong, nonsense):
        assert response.status_code == 404
        assert response.mimetype == "text/plain"
    assert revoked.data == wrong.data == nonsense.data
    assert "Set-Cookie" not in revoked.headers


def test_reset_ends_every_old_link_at_once_and_new_ones_work(client, feed_path, manager, hub, room):
    old = [feed_path(manager), feed_path(manager, "hub", hub=hub), feed_path(manager, "space", space=room)]
    assert all(client.get(path).status_code == 200 for path in old)
    assert reset_tokens(manager) == 3
    db.session.commit()
    assert all(client.get(path).status_code == 404 for path in old)
    new = [feed_path(manager), feed_path(manager, "hub", hub=hub), feed_path(manager, "space", space=room)]
    assert set(new).isdisjoint(old)
    assert all(client.get(path).status_code == 200 for path in new)


def test_a_managers_links_stop_working_when_they_lose_the_role(client, feed_path, manager, hub, room):
    space_feed, hub_feed, own_feed = feed_path(manager, "space", space=room), feed_path(manager, "hub", hub=hub), feed_path(manager)
    revoke_role(manager, hub)
    db.session.commit()
    assert client.get(space_feed).status_code == 404
    assert client.get(hub_feed).status_code == 404
    assert client.get(own_feed).status_code == 200  # their own bookings are still theirs


def test_staff_links_work_and_follow_the_role(client, feed_path, staff, hub, room):
    path = feed_path(staff, "space", space=room)
    assert client.get(path).status_code == 200
    grant_role(staff, hub, "manager")  # a change of role is not a loss of it
    db.session.commit()
    assert client.get(path).status_code == 200


def test_a_deactivated_users_links_stop_working(client, feed_path, member):
    path = feed_path(member)
    member.active = False
    db.session.commit()
    assert client.get(path).status_code == 404


def test_a_space_link_needs_a_space(member):
    import pytest

    with pytest.raises(ValueError):
        get_or_create_token(member, FeedKind.SPACE)


def test_after_a_new_secret_key_the_profile_gives_a_link_that_works(app, client, feed_path, member):
    old = feed_path(member)
    app.config["SECRET_KEY"] = "another-secret"
    new = feed_path(member)
    assert new != old
    assert client.get(new).status_code == 200
    assert client.get(old).status_code == 404


def test_a_links_last_use_is_recorded_at_most_once_an_hour(client, feed_path, member):
    path = feed_path(member)
    client.get(path)
    db.session.expire_all()
    token = db.session.scalar(sa.select(FeedToken))
    first_use = token.last_used_at
    assert first_use is not None
    client.get(path)
    db.session.expire_all()
    assert db.session.scalar(sa.select(FeedToken)).last_used_at == first_use
