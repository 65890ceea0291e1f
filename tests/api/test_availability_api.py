"""A hub's day through the API: each space's bookings and free intervals in the hub's local time,
with other members' bookings shown only as busy."""
from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from coworking.bookings.blocks import block_space
from coworking.extensions import db
from coworking.hubs.services import add_closure, set_opening_hours
from tests.api.conftest import assert_json_error
from tests.api.test_bookings_api import instant, local, next_monday
from tests.conftest import counted_statements

AVAILABILITY = "/api/v1/hubs/leeds-central/availability"
BUSY_ONLY = {"starts_at", "ends_at", "busy"}


@pytest.fixture
def monday() -> date:
    return next_monday()


@pytest.fixture
def room(hub, make_space):
    return make_space(hub, "room", "Meeting Room", capacity=6)


@pytest.fixture
def desk(hub, make_space):
    return make_space(hub, "desk", "Desk 1")


@pytest.fixture
def member(make_user, make_token):
    user = make_user(email="mary@example.org", name="Mary Member")
    return user, {"Authorization": f"Bearer {make_token(user)}"}


@pytest.fixture
def book(monday):
    from coworking.bookings.operations import book_space

    def make(space, user, start: str, end: str, day: date | None = None) -> int:
        day = day or monday
        booking = book_space(space, user, instant(day, start), instant(day, end), booked_by=user)
        db.session.commit()
        return booking.id

    return make


def day_of(client, headers, day: date, query: str = "") -> dict:
    response = client.get(f"{AVAILABILITY}?date={day.isoformat()}{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def item_for(body: dict, name: str) -> dict:
    return next(item for item in body["items"] if item["space"]["name"] == name)


def test_the_day_has_opening_hours_spaces_and_free_intervals_in_local_time(client, hub, room, desk, member, monday, book, make_space):
    make_space(hub, "room", "Old Room", active=False)
    _, headers = member
    book(room, member[0], "10:00", "11:00")

    body = day_of(client, headers, monday)

    assert (body["hub"], body["date"], body["timezone"]) == ("leeds-central", monday.isoformat(), "Europe/London")
    assert (body["opens_at"], body["closes_at"], body["closed_reason"]) == (local(monday, "08:00"), local(monday, "18:00"), None)
    assert [item["space"]["name"] for item in body["items"]] == ["Desk 1", "Meeting Room"]
    assert item_for(body, "Meeting Room")["space"] == {"id": room.id, "name": "Meeting Room", "kind": "room", "capacity": 6}
    assert item_for(body, "Meeting Room")["free"] == [
        {"starts_at": local(monday, "08:00"), "ends_at": local(monday, "10:00")},
        {"starts_at": local(monday, "11:00"), "ends_at": local(monday, "18:00")},
    ]
    assert item_for(body, "Desk 1") == {
        "space": {"id": desk.id, "name": "Desk 1", "kind": "desk", "capacity": 1},
        "bookings": [],
        "free": [{"starts_at": local(monday, "08:00"), "ends_at": local(monday, "18:00")}],
    }


def test_other_members_bookings_are_only_busy_and_your_own_are_in_full(client, room, member, make_user, monday, book):
    user, headers = member
    mine = book(room, user, "09:00", "10:00")
    book(room, make_user(email="olga@example.org", name="Olga Other"), "11:00", "12:00")

    bookings = item_for(day_of(client, headers, monday), "Meeting Room")["bookings"]

    assert bookings[0]["id"] == mine
    assert bookings[0]["member"] == {"id": user.id, "name": "Mary Member"}
    assert bookings[1] == {"starts_at": local(monday, "11:00"), "ends_at": local(monday, "12:00"), "busy": True}
    assert "Olga" not in str(bookings) and "olga" not in str(bookings)


@pytest.mark.parametrize("who", ("manager", "staff", "admin"))
def test_the_hubs_staff_see_every_booking_and_block_in_full(client, room, member, make_user, token_of, monday, book, who):
    book(room, member[0], "09:00", "10:00")
    book(room, make_user(name="Olga Other"), "11:00", "12:00")
    headers = {"Authorization": f"Bearer {token_of(who)}"}

    bookings = item_for(day_of(client, headers, monday), "Meeting Room")["bookings"]

    assert [booking["member"]["name"] for booking in bookings] == ["Mary Member", "Olga Other"]


def test_a_block_shows_its_reason_to_staff_and_only_busy_to_members(client, hub, room, member, make_manager, token_of, monday):
    block_space(room, instant(monday, "13:00"), instant(monday, "15:00"), "Painting", by=make_manager(hub))
    db.session.commit()

    to_member = item_for(day_of(client, member[1], monday), "Meeting Room")["bookings"]
    to_staff = item_for(day_of(client, {"Authorization": f"Bearer {token_of('staff')}"}, monday), "Meeting Room")["bookings"]

    assert to_member == [{"starts_at": local(monday, "13:00"), "ends_at": local(monday, "15:00"), "busy": True}]
    assert (to_staff[0]["purpose"], to_staff[0]["note"], to_staff[0]["member"]) == ("block", "Painting", None)


def test_a_manager_of_another_hub_sees_only_busy(client, room, member, token_of, monday, book):
    book(room, member[0], "09:00", "10:00")
    headers = {"Authorization": f"Bearer {token_of('manager of another hub')}"}
    bookings = item_for(day_of(client, headers, monday), "Meeting Room")["bookings"]
    assert set(bookings[0]) == BUSY_ONLY


def test_kind_narrows_the_spaces(client, room, desk, member, monday):
    body = day_of(client, member[1], monday, "&kind=desk")
    assert [item["space"]["kind"] for item in body["items"]] == ["desk"]


def test_a_closed_day_and_a_closure_have_no_free_time_and_say_why(client, hub, room, member, monday):
    add_closure(hub, monday, monday, "Bank holiday")
    db.session.commit()

    sunday = day_of(client, member[1], monday - timedelta(days=1))
    closure = day_of(client, member[1], monday)

    assert (sunday["opens_at"], sunday["closes_at"], sunday["closed_reason"]) == (None, None, "Closed")
    assert closure["closed_reason"] == "Closed: Bank holiday"
    assert item_for(closure, "Meeting Room")["free"] == []


def test_on_the_clock_change_day_times_carry_that_days_offsets(client, hub, room, member):
    set_opening_hours(hub, 6, time(0, 0), time(23, 0))
    db.session.commit()
    spring_forward, fall_back = date(2027, 3, 28), date(2026, 10, 25)

    spring = day_of(client, member[1], spring_forward)
    autumn = day_of(client, member[1], fall_back)

    assert (spring["opens_at"], spring["closes_at"]) == ("2027-03-28T00:00:00+00:00", "2027-03-28T23:00:00+01:00")
    assert (autumn["opens_at"], autumn["closes_at"]) == ("2026-10-25T00:00:00+01:00", "2026-10-25T23:00:00+00:00")


@pytest.mark.parametrize(
    "query, field",
    (
        ("", "date"),
        ("?date=", "date"),
        ("?date=tomorrow", "date"),
        ("?date=2026-02-30", "date"),
        ("?date=9999-12-31", "date"),
        ("?date=2026-12-07T09:00:00Z", "date"),
        ("?date=2026-12-07&kind=sofa", "kind"),
    ),
)
def test_a_bad_query_is_a_422_naming_it(client, hub, member, query, field):
    response = client.get(f"{AVAILABILITY}{query}", headers=member[1])
    error = assert_json_error(response, 422, "validation_error")
    assert field in error["fields"], error


def test_an_unknown_hub_is_a_404(client, member, monday):
    response = client.get(f"/api/v1/hubs/nowhere/availability?date={monday}", headers=member[1])
    assert_json_error(response, 404, "not_found")


def test_availability_needs_a_token(client, hub, monday):
    assert_json_error(client.get(f"{AVAILABILITY}?date={monday}"), 401, "unauthorized")


@pytest.mark.parametrize("who", ("member", "manager"))
def test_a_busy_day_costs_a_bounded_number_of_queries(client, hub, make_space, make_user, token_of, monday, book, who):
    rooms = [make_space(hub, "room", f"Room {n}") for n in range(3)]
    for n in range(30):
        minutes = 8 * 60 + 30 * (n // 3)
        start, end = (f"{m // 60:02d}:{m % 60:02d}" for m in (minutes, minutes + 30))
        book(rooms[n % 3], make_user(name=f"Busy Member {n}"), start, end)
    headers = {"Authorization": f"Bearer {token_of(who)}"}

    with counted_statements() as statements:
        body = day_of(client, headers, monday)

    assert sum(len(item["bookings"]) for item in body["items"]) == 30
    assert len(statements) < 20, "\n".join(statements)
