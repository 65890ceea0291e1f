"""Recurring bookings through the API: preview date by date, book all or only the free dates,
read a series, and cancel it whole or from one booking on. Refusals store nothing."""
from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from coworking.bookings.models import Booking
from coworking.bookings.operations import book_space
from coworking.bookings.policy import policy_row_for
from coworking.bookings.recurrence import Recurrence
from coworking.bookings.series import book_series
from coworking.extensions import db
from coworking.hubs.services import set_opening_hours
from tests.api.conftest import assert_json_error
from tests.api.test_bookings_api import instant, local, next_monday, stored_counts
from tests.conftest import bearer

SERIES = "/api/v1/booking-series"


@pytest.fixture
def monday() -> date:
    return next_monday()


@pytest.fixture
def room(hub, make_space):
    return make_space(hub, "room", "Meeting Room", hourly_rate_minor=2000)


@pytest.fixture
def member(make_user):
    return make_user(email="mary@example.org", name="Mary Member")


@pytest.fixture
def headers(member, make_token):
    return bearer(make_token(member))


def weekly(room, monday: date, **extra) -> dict:
    """Mondays and Wednesdays 09:00–10:00, three times."""
    return {
        "space_id": room.id, "start_date": monday.isoformat(), "start_time": "09:00", "end_time": "10:00",
        "freq": "weekly", "weekdays": [0, 2], "count": 3, **extra,
    }


def take(room, user, day: date, start: str = "09:00", end: str = "10:00") -> int:
    booking = book_space(room, user, instant(day, start), instant(day, end), booked_by=user)
    db.session.commit()
    return booking.id


def series_of(room, member, monday: date, count: int = 4) -> tuple[int, list[int]]:
    """A stored weekly Monday series; (series id, its booking ids by date)."""
    recurrence = Recurrence(freq="weekly", starts_on=monday, weekdays=(0,), count=count)
    series, _ = book_series(room, member, recurrence, time(9), time(10), booked_by=member)
    db.session.commit()
    return series.id, [booking.id for booking in series.bookings]


def statuses(ids: list[int]) -> list[str]:
    db.session.rollback()
    return [db.session.get(Booking, booking_id).status for booking_id in ids]


# --- preview --------------------------------------------------------------------------------

def test_a_preview_lists_every_date_as_free_or_not_and_stores_nothing(client, room, member, headers, make_user, monday):
    wednesday = monday + timedelta(days=2)
    take(room, make_user(), wednesday, "09:30", "10:30")

    response = client.post(SERIES, json=weekly(room, monday, preview=True), headers=headers)

    assert response.status_code == 200, response.get_json()
    occurrences = response.get_json()["occurrences"]
    assert [o["date"] for o in occurrences] == [monday.isoformat(), wednesday.isoformat(), (monday + timedelta(days=7)).isoformat()]
    assert [o["free"] for o in occurrences] == [True, False, True]
    assert occurrences[0] == {
        "date": monday.isoformat(), "starts_at": local(monday, "09:00"), "ends_at": local(monday, "10:00"),
        "free": True, "problems": [],
    }
    assert occurrences[1]["problems"] == ["Already booked."]
    assert stored_counts() == (1, 1, 0)


def test_a_time_that_does_not_exist_on_a_date_is_a_problem_for_that_date(client, hub, room, headers):
    """01:30 on the spring-forward Sunday never happens in London."""
    for weekday in range(7):
        set_opening_hours(hub, weekday, time(0, 0), time(23, 0))
    policy_row_for(hub).max_days_ahead = 730
    policy_row_for(hub).series_horizon_days = 730
    db.session.commit()
    spring_forward = next(
        day for day in (date(year, 3, 31) - timedelta(days=back) for year in (2027, 2028) for back in range(7))
        if day.weekday() == 6 and day > date.today() + timedelta(days=1)
    )
    body = {
        "space_id": room.id, "start_date": (spring_forward - timedelta(days=1)).isoformat(), "start_time": "01:30",
        "end_time": "02:30", "freq": "daily", "count": 3, "preview": True,
    }

    occurrences = client.post(SERIES, json=body, headers=headers).get_json()["occurrences"]

    assert [o["free"] for o in occurrences] == [True, False, True]
    assert occurrences[1]["starts_at"] is None
    assert "does not exist" in occurrences[1]["problems"][0]


# --- booking --------------------------------------------------------------------------------

def test_a_series_books_each_date_as_its_own_booking(client, room, member, headers, monday):
    response = client.post(SERIES, json=weekly(room, monday), headers=headers)

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    series = body["series"]
    assert response.headers["Location"].endswith(f"{SERIES}/{series['id']}")
    assert (series["space_id"], series["hub"], series["start_time"], series["end_time"]) == (room.id, "leeds-central", "09:00", "10:00")
    assert series["rule"]["freq"] == "weekly" and series["rule"]["weekdays"] == [0, 2]
    assert series["description"] == "every week on Monday, Wednesday, 3 times"
    assert [b["starts_at"] for b in body["bookings"]] == [o["starts_at"] for o in body["occurrences"]]
    assert {(b["series_id"], b["member"]["id"], b["status"]) for b in body["bookings"]} == {(series["id"], member.id, "confirmed")}
    assert stored_counts() == (3, 3, 1)


def test_when_a_date_is_taken_nothing_is_booked_and_the_409_lists_the_dates(client, room, headers, make_user, monday):
    take(room, make_user(), monday + timedelta(days=7))

    error = assert_json_error(client.post(SERIES, json=weekly(room, monday), headers=headers), 409, "conflict")

    assert "1 of 3 dates cannot be booked" in error["message"]
    assert [o["free"] for o in error["occurrences"]] == [True, True, False]
    assert stored_counts() == (1, 1, 0)


def test_skip_conflicts_books_only_the_free_dates(client, room, headers, make_user, monday):
    take(room, make_user(), monday + timedelta(days=7))

    body = client.post(SERIES, json=weekly(room, monday, skip_conflicts=True), headers=headers).get_json()

    assert len(body["bookings"]) == 2
    assert [o["free"] for o in body["occurrences"]] == [True, True, False]
    assert stored_counts() == (3, 3, 1)


def test_the_hubs_staff_book_a_series_for_a_member(client, room, member, token_of, monday):
    body = weekly(room, monday, member_email="mary@example.org")
    response = client.post(SERIES, json=body, headers=bearer(token_of("staff")))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["series"]["member"] == {"id": member.id, "name": "Mary Member"}


@pytest.mark.parametrize("extra", ({"member_email": "mary@example.org"}, {"override_rules": True}))
@pytest.mark.parametrize("preview", (True, False))
def test_a_member_cannot_book_a_series_for_others_or_override(client, room, member, token_of, monday, extra, preview):
    body = weekly(room, monday, preview=preview, **extra)
    assert_json_error(client.post(SERIES, json=body, headers=bearer(token_of("member"))), 403, "forbidden")
    assert stored_counts() == (0, 0, 0)


@pytest.mark.parametrize(
    "changes, field",
    (
        ({"count": None}, "until"),  # no end at all
        ({"count": None, "until": "LAST"}, "until"),  # past the horizon
        ({"count": 60}, "count"),  # a count running past the horizon
        ({"count": 3, "until": "2026-12-31"}, "count"),
        ({"count": 0}, "count"),
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": [7]}, "weekdays"),
        ({"freq": "yearly"}, "freq"),
        ({"interval": 13}, "interval"),
        ({"freq": "monthly", "nth": 5, "weekday": 0}, "nth"),
        ({"freq": "monthly", "nth": 1}, "weekday"),
        ({"end_time": "08:00"}, "end_time"),
        ({"start_time": "9am"}, "start_time"),
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"start_date": None}, "start_date"),
        ({"until": "someday", "count": None}, "until"),
        ({"space_id": 999_999}, "space_id"),
        ({"skip_conflicts": "perhaps"}, "skip_conflicts"),
    ),
)
@pytest.mark.parametrize("preview", (True, False))
def test_a_bad_recurrence_is_a_422_naming_the_field_and_stores_nothing(client, room, headers, monday, changes, field, preview):
    body = {**weekly(room, monday, preview=preview), **changes}
    if body.get("until") == "LAST":
        body["until"] = (monday + timedelta(days=365)).isoformat()
    body = {name: value for name, value in body.items() if value is not None or name == "start_date"}

    error = assert_json_error(client.post(SERIES, json=body, headers=headers), 422, "validation_error")

    assert field in error["fields"], error
    assert stored_counts() == (0, 0, 0)


# --- reading --------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ("owner", "staff", "manager", "admin"))
def test_the_owner_and_the_hubs_staff_read_a_series_with_its_bookings(client, room, member, headers, token_of, monday, who):
    series_id, booking_ids = series_of(room, member, monday)
    as_who = headers if who == "owner" else bearer(token_of(who))

    body = client.get(f"{SERIES}/{series_id}", headers=as_who).get_json()

    assert body["series"]["id"] == series_id
    assert [b["id"] for b in body["bookings"]] == booking_ids


@pytest.mark.parametrize("who", ("member", "manager of another hub"))
def test_anyone_else_gets_a_404_for_a_series(client, room, member, token_of, monday, who):
    series_id, _ = series_of(room, member, monday)
    as_who = bearer(token_of(who))
    assert_json_error(client.get(f"{SERIES}/{series_id}", headers=as_who), 404, "not_found")
    assert_json_error(client.delete(f"{SERIES}/{series_id}", headers=as_who), 404, "not_found")
    assert_json_error(client.get(f"{SERIES}/{2**40}", headers=as_who), 404, "not_found")
    assert stored_counts() == (4, 4, 1)


# --- cancelling -----------------------------------------------------------------------------

def test_cancelling_a_series_cancels_its_upcoming_bookings_and_they_stay_cancelled(client, room, member, headers, monday):
    series_id, booking_ids = series_of(room, member, monday)

    response = client.delete(f"{SERIES}/{series_id}", headers=headers)

    assert response.status_code == 200, response.get_json()
    assert [b["id"] for b in response.get_json()["cancelled"]] == booking_ids
    assert {b["status"] for b in response.get_json()["cancelled"]} == {"cancelled"}
    assert statuses(booking_ids) == ["cancelled"] * 4
    assert client.delete(f"{SERIES}/{series_id}", headers=headers).get_json() == {"cancelled": []}


def test_cancelling_from_one_booking_cancels_it_and_those_after(client, room, member, headers, monday):
    series_id, booking_ids = series_of(room, member, monday)

    response = client.delete(f"{SERIES}/{series_id}?from_booking={booking_ids[2]}", headers=headers)
    body = response.get_json()
    assert response.status_code == 200, body

    assert [b["id"] for b in body["cancelled"]] == booking_ids[2:]
    assert statuses(booking_ids) == ["confirmed", "confirmed", "cancelled", "cancelled"]


@pytest.mark.parametrize("from_booking", ("another", 999_999, "abc", 0))
def test_from_a_booking_outside_the_series_is_a_422(client, room, member, headers, monday, from_booking):
    series_id, booking_ids = series_of(room, member, monday)
    if from_booking == "another":
        from_booking = take(room, member, monday, "14:00", "15:00")

    error = assert_json_error(client.delete(f"{SERIES}/{series_id}?from_booking={from_booking}", headers=headers), 422, "validation_error")

    assert "from_booking" in error["fields"]
    assert statuses(booking_ids) == ["confirmed"] * 4


def test_the_hubs_staff_cancel_a_members_series_with_a_reason(client, room, member, token_of, monday):
    series_id, booking_ids = series_of(room, member, monday)
    staff = bearer(token_of("staff"))

    error = assert_json_error(client.delete(f"{SERIES}/{series_id}", headers=staff), 422, "validation_error")
    assert "reason" in error["fields"]
    assert statuses(booking_ids) == ["confirmed"] * 4

    body = client.delete(f"{SERIES}/{series_id}", json={"reason": "Room closed for works"}, headers=staff).get_json()
    assert {b["cancel_reason"] for b in body["cancelled"]} == {"Room closed for works"}


def test_past_the_cutoff_a_member_cannot_cancel_the_series(client, hub, room, member, headers, monday):
    series_id, booking_ids = series_of(room, member, monday)
    policy_row_for(hub).cancellation_cutoff_minutes = 60 * 24 * 60  # every date is too close
    db.session.commit()

    assert_json_error(client.delete(f"{SERIES}/{series_id}", headers=headers), 409, "conflict")

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking).where(Booking.status == "cancelled")) == 0


def test_a_member_cancelling_a_series_keeps_the_dates_inside_the_cutoff(client, hub, room, member, headers, monday):
    series_id, booking_ids = series_of(room, member, monday)
    policy_row_for(hub).cancellation_cutoff_minutes = 14 * 24 * 60
    db.session.commit()

    response = client.delete(f"{SERIES}/{series_id}", headers=headers)

    assert response.status_code == 200
    states = statuses(booking_ids)
    assert "confirmed" in states and "cancelled" in states
    assert states == sorted(states, key=lambda state: state == "cancelled")  # the later ones went
