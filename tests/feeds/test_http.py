"""How feeds are served: content type and file name, ETag and Last-Modified, 304 answers that
build nothing, a body built once per change (served even when it cannot be stored), and a rate
limit per link."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from coworking.extensions import db
from coworking.feeds import cache
from coworking.feeds.definitions import FeedWindow, feed_window, member_feed
from coworking.feeds.models import FeedCache, FeedToken
from coworking.feeds.versions import FeedVersion, feed_version
from tests.conftest import counted_statements
from tests.feeds.conftest import local, today_utc


@pytest.fixture
def booked(place, room, member, hub):
    day = today_utc() + timedelta(days=5)
    return place(room, member, local(day, "09:00", hub.timezone), local(day, "10:00", hub.timezone))


def test_a_feed_is_served_as_an_inline_calendar_file(client, feed_path, member, booked):
    response = client.get(feed_path(member))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'inline; filename="my-bookings.ics"'
    assert response.headers["Cache-Control"] == "private, max-age=300"
    assert response.headers["ETag"].startswith('"')
    assert response.last_modified is not None
    assert response.last_modified >= booked.updated_at.replace(microsecond=0)


def test_if_none_match_gets_a_304_without_building_the_calendar(client, feed_path, member, booked, monkeypatch):
    from coworking.feeds.revalidation import PreparedRead

    reads: list[str] = []
    first = PreparedRead.first

    def counted(self, **values):
        reads.append(self.sql)
        return first(self, **values)

    monkeypatch.setattr(PreparedRead, "first", counted)
    path = feed_path(member)
    etag = client.get(path).headers["ETag"]
    with counted_statements(transaction_control=True) as seen:
        response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    # One read of the link and its feed's stamps: no bookings, no cache, nothing written.
    assert seen == [] and len(reads) == 1
    assert "feed_tokens" in reads[0] and "feed_stamps" in reads[0]
    assert "bookings" not in reads[0] and "feed_cache" not in reads[0]


def test_if_modified_since_gets_a_304(client, feed_path, member, booked):
    path = feed_path(member)
    last_modified = client.get(path).headers["Last-Modified"]
    assert client.get(path, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200


def test_a_stale_etag_gets_the_full_feed(client, feed_path, member, booked):
    response = client.get(feed_path(member), headers={"If-None-Match": '"not-the-etag"'})
    assert response.status_code == 200
    assert b"BEGIN:VCALENDAR" in response.data


def test_a_new_booking_changes_the_etag_and_the_body(client, feed_path, member, booked, place, room, hub):
    path = feed_path(member)
    first = client.get(path)
    day = today_utc() + timedelta(days=6)
    newer = place(room, member, local(day, "09:00", hub.timezone), local(day, "10:00", hub.timezone))
    response = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    assert response.headers["ETag"] != first.headers["ETag"]
    assert f"booking-{newer.id}@".encode() in response.data


def test_the_window_moving_on_changes_the_etag(member, booked):
    feed = member_feed(member)
    today = feed_window()
    tomorrow = FeedWindow(today.today + timedelta(days=1))
    assert feed_version(feed, today, "http://localhost").etag != feed_version(feed, tomorrow, "http://localhost").etag


def cache_row(key: str) -> FeedCache:
    db.session.rollback()
    db.session.expire_all()
    return db.session.scalar(sa.select(FeedCache).where(FeedCache.feed_key == key))


def test_the_body_is_built_once_per_change_not_per_request(client, feed_path, member, booked):
    path = feed_path(member)
    first = client.get(path)
    row = cache_row(f"member:{member.id}")
    built_at, etag = row.built_at, row.etag
    with counted_statements(transaction_control=True) as seen:
        second = client.get(path)
    assert second.data == first.data
    assert cache_row(f"member:{member.id}").built_at == built_at
    assert not any(statement.lstrip().upper().startswith(("INSERT", "UPDATE")) for statement in seen)
    assert etag == second.headers["ETag"].strip('"')


def test_a_cache_row_left_by_a_racing_request_is_replaced_not_a_500(client, feed_path, member, booked):
    feed = member_feed(member)
    window = feed_window()
    stale = FeedVersion(etag="stale", last_modified=window.began)
    cache.store_body(feed, stale, b"old body")
    cache.store_body(feed, stale, b"old body, stored twice")
    db.session.commit()
    response = client.get(feed_path(member))
    assert response.status_code == 200
    assert b"BEGIN:VCALENDAR" in response.data
    assert cache_row(feed.key).etag == response.headers["ETag"].strip('"')
    assert db.session.scalar(sa.select(sa.func.count(FeedCache.id))) == 1


def test_the_61st_request_in_a_minute_is_refused(client, feed_path, member):
    path = feed_path(member)
    etag = client.get(path).headers["ETag"]
    statuses = [client.get(path, headers={"If-None-Match": etag}).status_code for _ in range(59)]
    assert set(statuses) == {304}
    assert client.get(path).status_code == 429
    # The limit is per link: another member's feed is served meanwhile.


def test_the_limit_is_per_link(client, feed_path, member, make_user):
    path = feed_path(member)
    for _ in range(60):
        client.get(path)
    assert client.get(path).status_code == 429
    assert client.get(feed_path(make_user(email="other@example.org"))).status_code == 200


def test_head_requests_get_the_headers(client, feed_path, member, booked):
    response = client.head(feed_path(member))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_two_requests_building_the_same_feed_at_once_both_succeed(app, feed_path, member, booked, monkeypatch):
    import threading

    path = feed_path(member)
    build = cache.build_feed
    both_built = threading.Barrier(2, timeout=30)

    def build_then_wait(*args, **kwargs):
        body = build(*args, **kwargs)
        both_built.wait()  # neither stores its body until both have built one
        return body

    monkeypatch.setattr(cache, "build_feed", build_then_wait)
    results: list = []

    def fetch():
        response = app.test_client().get(path)
        results.append((response.status_code, response.data))

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _ in results] == [200, 200]
    assert results[0][1] == results[1][1]
    assert db.session.scalar(sa.select(sa.func.count(FeedCache.id))) == 1


def database_busy(*args, **kwargs):
    raise OperationalError("COMMIT", {}, Exception("database is locked"))


def test_a_feed_is_served_when_the_database_is_too_busy_to_note_its_use(client, feed_path, member, booked, monkeypatch):
    path = feed_path(member)
    monkeypatch.setattr(db.session, "commit", database_busy)
    response = client.get(path)
    monkeypatch.undo()
    assert response.status_code == 200
    assert b"BEGIN:VEVENT" in response.data
    db.session.expire_all()
    assert db.session.scalar(sa.select(FeedToken.last_used_at)) is None  # the next request notes it
    assert cache_row(f"member:{member.id}") is None  # and stores the body


def test_a_feed_is_served_when_its_body_cannot_be_stored(client, feed_path, member, booked, monkeypatch):
    path = feed_path(member)
    monkeypatch.setattr(cache, "store_body", database_busy)
    response = client.get(path)
    assert response.status_code == 200
    assert b"BEGIN:VEVENT" in response.data
    assert cache_row(f"member:{member.id}") is None
    db.session.expire_all()
    assert db.session.scalar(sa.select(FeedToken.last_used_at)) is not None  # the rest was committed
