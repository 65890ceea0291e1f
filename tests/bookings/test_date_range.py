"""Dates outside the app's range (2000 to 2100, coworking.dates) are refused with a message on
every page and API endpoint that takes one: a year 9999 or 0001 typed by mistake is never a 500
and is never stored."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from coworking.bookings.models import Booking
from coworking.extensions import db
from coworking.hubs.models import Closure
from tests.conftest import bearer, post_form

MESSAGE = "between the years 2000 and 2100"
BAD_DAYS = ("9999-01-01", "0001-01-01")

PAGES = {
    "grid": "/hubs/here/book?date={day}",
    "grid of rooms": "/hubs/here/book?date={day}&kind=room",
    "day view": "/hubs/here/bookings/day?date={day}",
    "week view": "/hubs/here/bookings/week?date={day}",
    "bookings list": "/hubs/here/bookings?starts_on={day}&ends_on={day}",
}

FORMS = {
    "desk": ("/hubs/here/book/desk", lambda s, day: {"day": day, "space": str(s["desk"].id), "period": "full"}),
    "room": ("/hubs/here/book/room", lambda s, day: {"day": day, "space": str(s["room"].id), "starts": "10:00", "ends": "11:00"}),
    "series first date": ("/hubs/here/book/series", lambda s, day: {
        "space": str(s["room"].id), "starts_on": day, "starts": "10:00", "ends": "11:00", "freq": "weekly",
        "interval": "1", "weekdays": "0", "ends_by": "count", "count": "2", "preview": "Preview"}),
    "series last date": ("/hubs/here/book/series", lambda s, day: {
        "space": str(s["room"].id), "starts_on": "2027-01-04", "starts": "10:00", "ends": "11:00", "freq": "weekly",
        "interval": "1", "weekdays": "0", "ends_by": "until", "until": day, "preview": "Preview"}),
    "block": ("/hubs/here/blocks/new", lambda s, day: {
        "space": str(s["room"].id), "starts_on": day, "starts": "09:00", "ends_on": day, "ends": "10:00", "reason": "Repairs"}),
    "closure": ("/hubs/here/closures", lambda s, day: {"starts_on": day, "ends_on": day, "reason": "Holiday"}),
    "membership": ("/hubs/here/memberships/new", lambda s, day: {"email": "member@example.org", "starts_on": day}),
}


@pytest.fixture
def spaces(room, desks):
    return {"room": room, "desk": desks[0]}


@pytest.fixture
def manager(auth, people):
    assert auth.login(people.manager).status_code == 302
    return people.manager


def stored(model) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize("day", BAD_DAYS)
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_a_page_given_a_date_out_of_range_says_so(client, manager, spaces, path, day):
    response = client.get(path.format(day=day))

    assert response.status_code == 400
    assert MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize("day", BAD_DAYS)
@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_a_form_given_a_date_out_of_range_says_so_beside_it_and_stores_nothing(client, manager, spaces, form, day):
    path, data = form

    response = post_form(client, path, data(spaces, day))

    assert response.status_code in (400, 422)
    assert MESSAGE in response.get_data(as_text=True)
    assert (stored(Booking), stored(Closure)) == (0, 0)


@pytest.mark.parametrize("day", BAD_DAYS)
def test_a_booking_link_with_a_date_out_of_range_opens_the_form_on_today(client, manager, spaces, day):
    response = client.get(f"/hubs/here/book/desk?date={day}")

    assert response.status_code == 200
    assert day not in response.get_data(as_text=True)


@pytest.fixture
def token(manager, make_token):
    return bearer(make_token(manager))


def api_requests(spaces, day: str) -> dict:
    room = spaces["room"].id
    return {
        "availability": ("GET", f"/api/v1/hubs/here/availability?date={day}", None),
        "bookings from": ("GET", f"/api/v1/bookings?from={day}&to=2027-01-01", None),
        "bookings to": ("GET", f"/api/v1/bookings?from=2027-01-01&to={day}", None),
        "booking": ("POST", "/api/v1/bookings", {"space_id": room, "starts_at": f"{day}T10:00:00+00:00", "ends_at": f"{day}T11:00:00+00:00"}),
        "series": ("POST", "/api/v1/booking-series", {"space_id": room, "start_date": day, "start_time": "10:00",
                                                       "end_time": "11:00", "freq": "daily", "count": 2}),
        "billable items": ("GET", f"/api/v1/hubs/here/billable-items?period={day[:7]}", None),
        "my allowance": ("GET", f"/api/v1/me/allowance?period={day[:7]}", None),
    }


API_NAMES = ("availability", "bookings from", "bookings to", "booking", "series", "billable items", "my allowance")


@pytest.mark.parametrize("day", BAD_DAYS)
@pytest.mark.parametrize("name", API_NAMES)
def test_the_api_refuses_a_date_out_of_range_naming_the_field(client, spaces, token, name, day):
    method, path, body = api_requests(spaces, day)[name]

    response = client.open(path, method=method, json=body, headers=token)

    assert response.status_code in (400, 422), response.get_json()
    error = response.get_json()["error"]
    assert any(MESSAGE in str(text) for text in error["fields"].values()), error
    assert stored(Booking) == 0
