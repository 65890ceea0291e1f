"""Submitting twice books once (issue 12, item 4): each booking form carries a one-time key, and
the API takes an ``Idempotency-Key`` header, so a repeat shows what the first one booked. A
member who already holds a desk that day is asked to confirm a second one."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from coworking.bookings.models import Booking, BookingSeries
from coworking.extensions import db
from coworking.idempotency import KEPT_FOR, IdempotencyKey
from coworking.jobs import run_schedules
from tests.bookings.test_views_member import previewed_value, series_form
from tests.conftest import bearer, post_form
from tests.hubs.helpers import fresh_snapshot

DESK_FORM = "/hubs/here/book/desk"
ROOM_FORM = "/hubs/here/book/room"
SERIES_FORM = "/hubs/here/book/series"
ONCE = re.compile(r'name="once" type="hidden" value="([^"]+)"')


def confirmed() -> list[Booking]:
    fresh_snapshot()
    return list(db.session.scalars(sa.select(Booking).where(Booking.status == "confirmed").order_by(Booking.id)))


def once_key(client, path: str) -> str:
    return ONCE.search(client.get(path).get_data(as_text=True)).group(1)


@pytest.fixture
def logged_in(auth, member):
    assert auth.login(member).status_code == 302
    fresh_snapshot()
    return member


# --- the pages ------------------------------------------------------------------------------

def test_each_booking_form_carries_a_fresh_one_time_key(client, logged_in, room, desks):
    for path in (DESK_FORM, ROOM_FORM, SERIES_FORM):
        assert once_key(client, path) != once_key(client, path)


def test_any_free_desk_sent_twice_books_one_desk_and_shows_it_again(client, logged_in, desks, monday):
    form = {"day": monday.isoformat(), "space": "any", "period": "full", "once": once_key(client, DESK_FORM)}

    first = post_form(client, DESK_FORM, form)
    second = post_form(client, DESK_FORM, form)

    [booking] = confirmed()
    assert first.headers["Location"] == second.headers["Location"] == f"/bookings/{booking.id}"
    assert "You sent this form twice; it was booked once" in client.get(second.headers["Location"]).get_data(as_text=True)


def test_a_room_sent_twice_books_once(client, logged_in, room, monday):
    form = {"day": monday.isoformat(), "space": str(room.id), "starts": "09:00", "ends": "10:00", "once": once_key(client, ROOM_FORM)}

    responses = [post_form(client, ROOM_FORM, form) for _ in range(2)]

    [booking] = confirmed()
    assert [r.headers["Location"] for r in responses] == [f"/bookings/{booking.id}"] * 2


def test_a_series_confirmed_twice_books_one_series(client, logged_in, room, monday):
    key = once_key(client, SERIES_FORM)
    preview = post_form(client, SERIES_FORM, series_form(room, monday, once=key)).get_data(as_text=True)
    confirm = series_form(room, monday, preview=None, confirm="y", previewed=previewed_value(preview), once=key)

    responses = [post_form(client, SERIES_FORM, confirm) for _ in range(2)]

    assert [r.status_code for r in responses] == [302, 302]
    fresh_snapshot()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BookingSeries)) == 1
    assert len(confirmed()) == 4


def test_a_new_key_for_the_same_desk_day_asks_to_confirm_a_second_desk(client, logged_in, desks, monday):
    day = {"day": monday.isoformat(), "space": "any", "period": "full"}
    post_form(client, DESK_FORM, {**day, "once": once_key(client, DESK_FORM)})

    asked = post_form(client, DESK_FORM, {**day, "once": once_key(client, DESK_FORM)})
    confirmed_second = post_form(client, DESK_FORM, {**day, "once": once_key(client, DESK_FORM), "second_desk": "y"})

    assert asked.status_code == 409
    page = asked.get_data(as_text=True)
    assert "Mary Member already has Desk 1 on" in page
    assert 'name="second_desk"' in page
    assert confirmed_second.status_code == 302
    assert [b.space.name for b in confirmed()] == ["Desk 1", "Desk 2"]


def test_a_room_is_not_a_second_desk(client, logged_in, room, desks, monday):
    post_form(client, DESK_FORM, {"day": monday.isoformat(), "space": "any", "period": "full"})
    response = post_form(client, ROOM_FORM, {"day": monday.isoformat(), "space": str(room.id), "starts": "09:00", "ends": "10:00"})
    assert response.status_code == 302


# --- the API --------------------------------------------------------------------------------

@pytest.fixture
def token(member, make_token):
    return bearer(make_token(member))


def desk_body(at, monday, **extra) -> dict:
    return {"hub": "here", "kind": "desk", "starts_at": at(monday, "08:00").isoformat(),
            "ends_at": at(monday, "18:00").isoformat(), **extra}


def test_the_api_answers_a_repeat_with_the_same_key_as_the_first_time_and_books_once(client, token, desks, monday, at):
    headers = {**token, "Idempotency-Key": "4f1c2a"}

    first = client.post("/api/v1/bookings", json=desk_body(at, monday), headers=headers)
    second = client.post("/api/v1/bookings", json=desk_body(at, monday), headers=headers)

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.get_json() == first.get_json()
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert len(confirmed()) == 1


def test_the_same_key_with_another_body_is_refused_naming_the_header(client, token, desks, monday, at):
    headers = {**token, "Idempotency-Key": "4f1c2a"}
    client.post("/api/v1/bookings", json=desk_body(at, monday), headers=headers)

    response = client.post("/api/v1/bookings", json=desk_body(at, monday, note="another"), headers=headers)

    assert response.status_code == 422
    assert "Idempotency-Key" in response.get_json()["error"]["fields"]
    assert len(confirmed()) == 1


def test_a_key_is_kept_a_week_then_the_jobs_run_forgets_it_and_it_books_anew(client, token, desks, monday, at):
    headers = {**token, "Idempotency-Key": "4f1c2a"}
    assert client.post("/api/v1/bookings", json=desk_body(at, monday), headers=headers).status_code == 201
    made_at = db.session.scalar(sa.select(IdempotencyKey.created_at))
    tuesday = desk_body(at, monday + timedelta(days=1))

    run_schedules(made_at + KEPT_FOR - timedelta(minutes=1))
    assert client.post("/api/v1/bookings", json=tuesday, headers=headers).status_code == 422  # still this key's

    run_schedules(made_at + KEPT_FOR + timedelta(minutes=1))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IdempotencyKey)) == 0
    response = client.post("/api/v1/bookings", json=tuesday, headers=headers)
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    assert len(confirmed()) == 2


def test_a_key_belongs_to_its_user(client, token, make_user, make_token, desks, monday, at):
    other = bearer(make_token(make_user(email="other@example.org", name="Olga Other")))
    for headers in (token, other):
        assert client.post("/api/v1/bookings", json=desk_body(at, monday), headers={**headers, "Idempotency-Key": "k1"}).status_code == 201
    assert len(confirmed()) == 2


def test_a_blank_key_is_refused(client, token, desks, monday, at):
    response = client.post("/api/v1/bookings", json=desk_body(at, monday), headers={**token, "Idempotency-Key": " "})
    assert response.status_code == 422
    assert "Idempotency-Key" in response.get_json()["error"]["fields"]


def test_the_api_asks_for_second_desk_true_before_a_second_desk_that_day(client, token, desks, monday, at):
    client.post("/api/v1/bookings", json=desk_body(at, monday), headers=token)

    asked = client.post("/api/v1/bookings", json=desk_body(at, monday), headers=token)
    by_name = {"space_id": desks[2].id, "starts_at": at(monday, "13:00").isoformat(), "ends_at": at(monday, "18:00").isoformat()}
    named = client.post("/api/v1/bookings", json=by_name, headers=token)
    booked = client.post("/api/v1/bookings", json=desk_body(at, monday, second_desk=True), headers=token)

    assert asked.status_code == 409
    assert "second_desk" in asked.get_json()["error"]["fields"]
    assert (named.status_code, list(named.get_json()["error"]["fields"])) == (409, ["second_desk"])
    assert booked.status_code == 201
    assert len(confirmed()) == 2


def test_a_series_sent_twice_with_a_key_books_one_series(client, token, room, monday):
    body = {"space_id": room.id, "start_date": monday.isoformat(), "start_time": "09:00", "end_time": "10:00",
            "freq": "weekly", "weekdays": [0], "count": 3}
    headers = {**token, "Idempotency-Key": "series-1"}

    first = client.post("/api/v1/booking-series", json=body, headers=headers)
    second = client.post("/api/v1/booking-series", json=body, headers=headers)

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.get_json() == first.get_json()
    fresh_snapshot()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BookingSeries)) == 1
