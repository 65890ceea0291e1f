"""The pages and the API give the same answer to each booking rule (issue 8, item 5): who may
book for someone else, whether a day is closed, what is upcoming and what may be cancelled, the
half days "any desk" offers, who sees a series, and who sees other people's bookings in full.

Each test asks a page and the API the same question as the same person and compares the
answers; the API's status codes are the reference.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from coworking.bookings.blocks import block_space
from coworking.bookings.models import Booking, BookingSeries
from coworking.bookings.recurrence import Recurrence
from coworking.bookings.series import book_series
from coworking.extensions import db
from coworking.hubs.roles import Role
from coworking.hubs.services import add_closure
from coworking.types import utcnow
from tests.conftest import bearer, post_form
from tests.hubs.helpers import error_beside, fresh_snapshot

API = "/api/v1"
ROOM_FORM = "/hubs/here/book/room"
DESK_FORM = "/hubs/here/book/desk"


@dataclass
class Person:
    user: object
    headers: dict


@pytest.fixture
def person(auth, hub, member, make_user, make_manager, make_hub, make_token):
    """person(who) -> a Person logged in to the pages, with a bearer token for the API. ``member``
    is the fixture's Mary Member, whose bookings the tests look at."""

    def become(who: str) -> Person:
        user = {
            "member": lambda: member,
            "other member": lambda: make_user(email="other@example.org", name="Olga Other"),
            "staff": lambda: make_manager(hub, Role.STAFF, email="staff@example.org", name="Stan Staff"),
            "manager": lambda: make_manager(hub, email="manager@example.org", name="Mona Manager"),
            "manager elsewhere": lambda: make_manager(make_hub("away", "Away Hub"), email="away@example.org"),
            "admin": lambda: make_user(email="admin@example.org", name="Ada Admin", is_admin=True),
        }[who]()
        headers = bearer(make_token(user))
        assert auth.login(user).status_code == 302
        fresh_snapshot()  # the login committed from another session
        return Person(user, headers)

    return become


def text(response) -> str:
    return response.get_data(as_text=True)


def on_the_hubs_clock(instant: datetime) -> str:
    return instant.astimezone(ZoneInfo("Europe/London")).isoformat()


def api_booking(starts_at: datetime, ends_at: datetime, **target) -> dict:
    return {"starts_at": on_the_hubs_clock(starts_at), "ends_at": on_the_hubs_clock(ends_at), **target}


def room_form(room, day: date, starts: str, ends: str, **extra) -> dict:
    return {"day": day.isoformat(), "space": str(room.id), "starts": starts, "ends": ends, **extra}


def stored_bookings() -> list[Booking]:
    fresh_snapshot()
    return list(db.session.scalars(sa.select(Booking).where(Booking.status == "confirmed").order_by(Booking.id)))


def put_booking(space, member, starts_at: datetime, ends_at: datetime, status: str = "confirmed") -> Booking:
    """A booking stored as it is, past the rules (one under way, say), committed."""
    booking = Booking(
        space_id=space.id, member_id=member.id, booked_by_id=member.id, starts_at=starts_at, ends_at=ends_at,
        status=status, price_minor=0, currency="GBP",
    )
    db.session.add(booking)
    db.session.commit()
    return booking


# --- who may book on someone else's behalf --------------------------------------------------

@pytest.mark.parametrize(
    ("who", "allowed"),
    [("member", False), ("manager elsewhere", False), ("staff", True), ("manager", True), ("admin", True)],
)
def test_only_the_hubs_staff_book_for_someone_else_on_the_page_and_in_the_api(
    client, person, room, monday, at, make_user, who, allowed
):
    someone = make_user(email="someone@example.org", name="Sam Someone")
    me = person(who)

    page = post_form(client, ROOM_FORM, room_form(room, monday, "09:00", "10:00", member_email=someone.email))
    api = client.post(
        f"{API}/bookings",
        json=api_booking(at(monday, "11:00"), at(monday, "12:00"), space_id=room.id, member_email=someone.email),
        headers=me.headers,
    )

    if allowed:
        assert (page.status_code, api.status_code) == (302, 201)
        assert [b.member_id for b in stored_bookings()] == [someone.id, someone.id]
    else:
        assert page.status_code == api.status_code == 403
        error = api.get_json()["error"]
        assert error_beside(text(page), "member_email") == error["fields"]["member_email"] == error["message"]
        assert "managers and staff" in error["message"]
        assert stored_bookings() == []


# --- whether a day is closed ----------------------------------------------------------------

@pytest.mark.parametrize("day_is", ["a weekday", "a Saturday", "a closure"])
def test_the_grid_the_desk_form_and_the_api_agree_whether_a_day_is_closed(client, person, hub, desks, monday, at, day_is):
    day = monday + timedelta(days=5) if day_is == "a Saturday" else monday
    if day_is == "a closure":
        add_closure(hub, monday, monday, "Refit")
        db.session.commit()
    closed = day_is != "a weekday"
    me = person("member")

    grid = text(client.get(f"/hubs/here/book?date={day.isoformat()}"))
    availability = client.get(f"{API}/hubs/here/availability?date={day.isoformat()}", headers=me.headers).get_json()
    page = post_form(client, DESK_FORM, {"day": day.isoformat(), "space": "any", "period": "full"})
    api = client.post(
        f"{API}/bookings", json=api_booking(at(day, "08:00"), at(day, "18:00"), hub="here", kind="desk", second_desk=True),
        headers=me.headers,
    )

    assert ('<p class="notice" role="status">' in grid) is closed
    assert (availability["closed_reason"] is not None) is closed
    assert (page.status_code, api.status_code) == ((422, 422) if closed else (302, 201))
    if day_is == "a closure":
        assert "Refit" in grid and "Refit" in availability["closed_reason"] and "Refit" in text(page)
        assert any("Refit" in rule for rule in api.get_json()["error"]["rules"])


# --- what is upcoming -----------------------------------------------------------------------

@pytest.mark.parametrize(("booking_is", "upcoming"), [("under way", True), ("over", False), ("cancelled", False)])
def test_my_upcoming_bookings_are_what_the_hubs_limit_counts(client, person, member, room, monday, at, set_policy, booking_is, upcoming):
    starts_at = utcnow() - timedelta(hours=2 if booking_is == "over" else 1)
    status = "cancelled" if booking_is == "cancelled" else "confirmed"
    put_booking(room, member, starts_at, starts_at + timedelta(hours=1, minutes=30), status)
    set_policy(max_active_bookings=1)
    me = person("member")

    mine = text(client.get("/bookings"))
    page = post_form(client, ROOM_FORM, room_form(room, monday, "09:00", "10:00"))
    api = client.post(f"{API}/bookings", json=api_booking(at(monday, "11:00"), at(monday, "12:00"), space_id=room.id), headers=me.headers)

    assert ("No upcoming bookings." not in mine) is upcoming
    # Either the booking already there counts, or the page's new one does: the API is refused.
    assert "at most 1 upcoming booking per member, and you already have 1" in api.get_json()["error"]["message"]
    assert (page.status_code, api.status_code) == ((422, 422) if upcoming else (302, 422))
    if upcoming:
        assert "at most 1 upcoming booking per member, and you already have 1" in text(page)


# --- what may be cancelled ------------------------------------------------------------------

CANCEL_CASES = [
    ("member", "days ahead", True),
    ("member", "within the cutoff", False),
    ("member", "under way", False),
    ("member", "cancelled", False),
    ("other member", "days ahead", None),  # not theirs to see: 404 on both
    ("staff", "within the cutoff", True),
    ("staff", "under way", True),
    ("staff", "cancelled", False),
]


@pytest.mark.parametrize(("who", "booking_is", "cancellable"), CANCEL_CASES)
def test_the_page_offers_to_cancel_exactly_what_the_api_cancels(
    client, person, member, hub, room, make_space, monday, at, who, booking_is, cancellable
):
    starts_at = {
        "days ahead": at(monday, "09:00"),
        "within the cutoff": utcnow() + timedelta(minutes=30),
        "under way": utcnow() - timedelta(minutes=30),
        "cancelled": at(monday, "09:00"),
    }[booking_is]
    status = "cancelled" if booking_is == "cancelled" else "confirmed"
    # The same booking twice, in two rooms: one for the page to cancel, one for the API.
    on_page = put_booking(room, member, starts_at, starts_at + timedelta(hours=1), status)
    in_api = put_booking(make_space(hub, "room", "Other Room"), member, starts_at, starts_at + timedelta(hours=1), status)
    me = person(who)

    shown = client.get(f"/bookings/{on_page.id}")
    mine = text(client.get("/bookings"))
    page = post_form(client, f"/bookings/{on_page.id}/cancel", {"confirmed": "yes", "scope": "one", "reason": "Boiler repair"})
    api = client.delete(f"{API}/bookings/{in_api.id}?reason=Boiler+repair", headers=me.headers)

    if cancellable is None:
        assert (shown.status_code, page.status_code, api.status_code) == (404, 404, 404)
        return
    assert (f'action="/bookings/{on_page.id}/cancel"' in text(shown)) is cancellable
    assert (page.status_code, api.status_code) == ((302, 200) if cancellable else (409, 409))
    if not cancellable:
        assert api.get_json()["error"]["message"] in text(page)
    if who == "member" and booking_is != "cancelled":
        row = re.search(rf'/bookings/{on_page.id}".*?</li>', mine, re.S).group(0)  # its card
        assert ("Too late to cancel online" not in row) is cancellable


# --- the half days of "any desk" ------------------------------------------------------------

def test_any_desk_is_booked_for_the_hubs_half_days_on_the_page_and_in_the_api(client, person, desks, monday, at, set_policy):
    set_policy(space=desks[0], half_day_split=time(12, 0))  # Desk 1 splits at 12:00, the hub at 13:00
    me = person("member")
    tuesday = monday + timedelta(days=1)

    page = post_form(client, DESK_FORM, {"day": monday.isoformat(), "space": "any", "period": "morning"})
    hubs_morning = client.post(f"{API}/bookings", json=api_booking(at(tuesday, "08:00"), at(tuesday, "13:00"), hub="here", kind="desk"), headers=me.headers)
    desk_ones_morning = client.post(f"{API}/bookings", json=api_booking(at(tuesday, "08:00"), at(tuesday, "12:00"), hub="here", kind="desk"), headers=me.headers)

    assert (page.status_code, hubs_morning.status_code, desk_ones_morning.status_code) == (302, 201, 422)
    [on_monday, on_tuesday] = stored_bookings()
    local = ZoneInfo("Europe/London")
    for booking in (on_monday, on_tuesday):
        assert (booking.starts_at.astimezone(local).time(), booking.ends_at.astimezone(local).time()) == (time(8), time(13))
        assert booking.space_id == desks[1].id  # Desk 1's own mornings end at 12:00
    assert "08:00–13:00" in desk_ones_morning.get_json()["error"]["message"]


def test_a_named_desk_keeps_its_own_half_days_on_the_page_and_in_the_api(client, person, desks, monday, at, set_policy):
    set_policy(space=desks[0], half_day_split=time(12, 0))
    me = person("member")
    tuesday = monday + timedelta(days=1)

    page = post_form(client, DESK_FORM, {"day": monday.isoformat(), "space": str(desks[0].id), "period": "morning"})
    api = client.post(f"{API}/bookings", json=api_booking(at(tuesday, "08:00"), at(tuesday, "12:00"), space_id=desks[0].id), headers=me.headers)

    assert (page.status_code, api.status_code) == (302, 201)
    local = ZoneInfo("Europe/London")
    assert [(b.space_id, b.ends_at.astimezone(local).time()) for b in stored_bookings()] == [(desks[0].id, time(12))] * 2


# --- who sees a series ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("who", "sees"),
    [("member", True), ("other member", False), ("staff", True), ("manager elsewhere", False), ("admin", True)],
)
def test_a_series_is_seen_by_the_same_people_on_the_pages_and_in_the_api(client, person, member, room, monday, who, sees):
    series, _ = book_series(room, member, Recurrence("weekly", monday, weekdays=(0,), count=2), time(9), time(10), booked_by=member)
    db.session.commit()
    first = min(series.bookings, key=lambda b: b.starts_at)
    me = person(who)

    api = client.get(f"{API}/booking-series/{series.id}", headers=me.headers)
    page = client.get(f"/bookings/{first.id}")

    assert db.session.get(BookingSeries, series.id).can_view(me.user) is sees
    assert (api.status_code, page.status_code) == ((200, 200) if sees else (404, 404))
    if sees:
        assert "The whole series" in text(page)


# --- who sees other people's bookings in full -----------------------------------------------

@pytest.mark.parametrize(
    ("who", "in_full"),
    [("member", True), ("other member", False), ("staff", True), ("manager", True), ("manager elsewhere", False), ("admin", True)],
)
def test_the_grid_and_the_api_show_a_booking_in_full_to_the_same_people(client, person, member, room, monday, at, book, who, in_full):
    booking = book(room, at(monday, "09:00"), at(monday, "10:00"))
    me = person(who)

    grid = text(client.get(f"/hubs/here/book?date={monday.isoformat()}&kind=room"))
    body = client.get(f"{API}/hubs/here/availability?date={monday.isoformat()}&kind=room", headers=me.headers).get_json()
    [shown] = [item for item in body["items"] if item["space"]["id"] == room.id][0]["bookings"]

    assert ("id" in shown) is in_full
    assert (f'href="/bookings/{booking.id}"' in grid) is in_full
    words = "Yours" if who == "member" else "Mary Member"
    assert (words in grid) is in_full and ("Busy" in grid) is not in_full


@pytest.mark.parametrize(("who", "in_full"), [("member", False), ("staff", True), ("manager elsewhere", False), ("admin", True)])
def test_the_grid_and_the_api_show_why_a_space_is_blocked_to_the_same_people(client, person, hub, room, monday, at, make_manager, who, in_full):
    block_space(room, at(monday, "14:00"), at(monday, "15:00"), "Deep clean", by=make_manager(hub, email="blocker@example.org"))
    db.session.commit()
    me = person(who)

    grid = text(client.get(f"/hubs/here/book?date={monday.isoformat()}&kind=room"))
    body = client.get(f"{API}/hubs/here/availability?date={monday.isoformat()}&kind=room", headers=me.headers).get_json()
    [shown] = [item for item in body["items"] if item["space"]["id"] == room.id][0]["bookings"]

    assert ("id" in shown) is in_full
    assert ("Blocked: Deep clean" in grid) is in_full and ("Unavailable" in grid) is not in_full
