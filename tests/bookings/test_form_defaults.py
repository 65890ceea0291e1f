"""The room and recurring forms open with values the hub's rules accept (issue 12, items 7 and 8):
a room's shortest booking from the clicked grid cell, a desk's full day; the recurring form's
weekday follows its first date, and the dates it skipped are named with the reason."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from coworking.bookings.models import Booking
from coworking.extensions import db
from coworking.hubs.services import add_closure
from tests.bookings.test_views_member import previewed_value, series_form
from tests.conftest import post_form
from tests.hubs.helpers import fresh_snapshot

ROOM_FORM = "/hubs/here/book/room"
SERIES_FORM = "/hubs/here/book/series"


def selected(page: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    match = re.search(r'<option selected value="([^"]*)"', select)
    return match.group(1) if match else None


def chosen_times(page: str) -> tuple[str | None, str | None]:
    return selected(page, "starts"), selected(page, "ends")


@pytest.fixture
def logged_in(auth, member):
    assert auth.login(member).status_code == 302
    fresh_snapshot()
    return member


# --- the room form (item 8) ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("hub_rule", "room_rule", "expected"),
    [({}, {}, ("10:30", "11:00")), ({"min_duration_minutes": 60}, {}, ("10:30", "11:30")),
     ({"min_duration_minutes": 60}, {"min_duration_minutes": 90}, ("10:30", "12:00")),
     ({"min_duration_minutes": 20, "slot_minutes": 30}, {}, ("10:30", "11:00"))],
)
def test_a_free_cell_opens_the_room_form_at_its_start_for_the_shortest_booking_allowed(
    client, logged_in, room, monday, set_policy, hub_rule, room_rule, expected
):
    if hub_rule:
        set_policy(**hub_rule)
    if room_rule:
        set_policy(space=room, **room_rule)

    page = client.get(f"{ROOM_FORM}?date={monday.isoformat()}&space={room.id}&start=10:30").get_data(as_text=True)

    assert chosen_times(page) == expected


def test_without_a_cell_the_room_form_opens_at_opening_time(client, logged_in, room, monday):
    page = client.get(f"{ROOM_FORM}?date={monday.isoformat()}").get_data(as_text=True)
    assert chosen_times(page) == ("08:00", "08:30")


def test_the_room_forms_defaults_are_accepted_as_they_are(client, logged_in, room, monday):
    page = client.get(f"{ROOM_FORM}?date={monday.isoformat()}&space={room.id}&start=14:00").get_data(as_text=True)
    starts, ends = chosen_times(page)

    response = post_form(client, ROOM_FORM, {"day": monday.isoformat(), "space": str(room.id), "starts": starts, "ends": ends})

    assert response.status_code == 302, response.get_data(as_text=True)


def test_the_grids_free_cells_link_to_the_room_form_with_their_start(client, logged_in, room, monday):
    grid = client.get(f"/hubs/here/book?date={monday.isoformat()}").get_data(as_text=True)
    assert f"/hubs/here/book/room?date={monday.isoformat()}&amp;space={room.id}&amp;start=08:00" in grid


# --- the recurring form (item 7) -------------------------------------------------------------

@pytest.mark.parametrize(("kind", "expected"), [("room", ("08:00", "08:30")), ("desk", ("08:00", "18:00"))])
def test_the_recurring_form_opens_with_times_the_hub_accepts(client, logged_in, room, desks, monday, kind, expected):
    space = room if kind == "room" else desks[0]
    page = client.get(f"{SERIES_FORM}?date={monday.isoformat()}&space={space.id}").get_data(as_text=True)

    form = series_form(space, monday, starts=chosen_times(page)[0], ends=chosen_times(page)[1])
    preview = post_form(client, SERIES_FORM, form).get_data(as_text=True)

    assert chosen_times(page) == expected
    assert "Preview: 4 of 4 dates are free" in preview


def test_the_weekday_follows_a_new_first_date_when_left_as_it_was(client, logged_in, room, monday):
    tuesday = monday + timedelta(days=1)
    form = series_form(room, tuesday, weekdays="0", weekdays_for=monday.isoformat())

    page = post_form(client, SERIES_FORM, form).get_data(as_text=True)

    assert "Preview: 4 of 4 dates are free" in page
    shown = re.findall(r'<th scope="row">(\w{3}) \d\d \w{3} \d{4}</th>', page)
    assert shown == ["Tue"] * 4


def test_a_weekday_chosen_on_purpose_is_kept(client, logged_in, room, monday):
    tuesday = monday + timedelta(days=1)
    form = series_form(room, tuesday, weekdays="3", weekdays_for=monday.isoformat())
    page = post_form(client, SERIES_FORM, form).get_data(as_text=True)
    assert re.findall(r'<th scope="row">(\w{3}) \d\d \w{3} \d{4}</th>', page) == ["Thu"] * 4


def test_no_weekday_ticked_means_the_first_dates(client, logged_in, room, monday):
    form = series_form(room, monday, weekdays=None)
    page = post_form(client, SERIES_FORM, form).get_data(as_text=True)
    assert re.findall(r'<th scope="row">(\w{3}) \d\d \w{3} \d{4}</th>', page) == ["Mon"] * 4


def test_the_dates_left_out_are_named_with_the_reason(client, logged_in, hub, room, monday):
    closed = monday + timedelta(days=7)
    add_closure(hub, closed, closed, "Boiler repair")
    db.session.commit()
    preview = post_form(client, SERIES_FORM, series_form(room, monday)).get_data(as_text=True)

    response = post_form(client, SERIES_FORM, series_form(room, monday, preview=None, confirm="y", previewed=previewed_value(preview)))

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"1 date could not be booked: {closed:%a} {closed.day} {closed:%b %Y} (" in page
    assert "Boiler repair" in page
    fresh_snapshot()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 3
