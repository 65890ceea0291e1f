"""The booking pages a member uses: the availability grid, booking desks, rooms and recurring
slots through the forms, their own bookings, cancelling, and the calendar download."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from coworking.bookings.models import Booking, BookingSeries
from coworking.bookings.policy import policy_row_for
from coworking.extensions import db
from coworking.hubs.services import add_closure
from coworking.mail import OutboxMessage
from coworking.timezones import local_today, utc_to_local
from tests.conftest import post_form
from tests.hubs.helpers import error_beside, fresh_snapshot

DESK_FORM = "/hubs/here/book/desk"
ROOM_FORM = "/hubs/here/book/room"
SERIES_FORM = "/hubs/here/book/series"


# --- helpers --------------------------------------------------------------------------------

def stored_bookings(**where) -> list[Booking]:
    """Confirmed bookings as the database holds them now, by start."""
    fresh_snapshot()
    query = sa.select(Booking).where(Booking.status == "confirmed").order_by(Booking.starts_at, Booking.id)
    for column, value in where.items():
        query = query.where(getattr(Booking, column) == value)
    return list(db.session.scalars(query))


def local_span(booking: Booking) -> tuple[str, str, str]:
    start = utc_to_local(booking.starts_at, "Europe/London")
    end = utc_to_local(booking.ends_at, "Europe/London")
    return start.date().isoformat(), f"{start:%H:%M}", f"{end:%H:%M}"


def page_text(response) -> str:
    return response.get_data(as_text=True)


def spring_forward_day(today: date) -> date:
    """The next Europe/London spring-forward day: the last Sunday of March."""
    for year in (today.year, today.year + 1):
        day = date(year, 3, 31)
        while day.weekday() != 6:
            day -= timedelta(days=1)
        if day > today:
            return day
    raise AssertionError("unreachable")


def room_form(room, day: date, starts: str, ends: str, **extra) -> dict:
    return {"day": day.isoformat(), "space": str(room.id), "starts": starts, "ends": ends, **extra}


@pytest.fixture
def logged_in(auth, member):
    assert auth.login(member).status_code == 302
    fresh_snapshot()  # the login committed from another session: see it before writing here
    return member


@pytest.fixture
def someone_else(make_user):
    return make_user(email="other@example.org", name="Olga Other")


# --- who may open the member pages ----------------------------------------------------------

PEOPLE = ("anonymous", "member", "other_manager", "staff", "manager", "admin")
MEMBER_PAGES = (
    "/book",
    "/hubs/here/book",
    "/hubs/here/book?date={monday}&kind=room",
    DESK_FORM,
    ROOM_FORM,
    SERIES_FORM,
    "/bookings",
)


@pytest.fixture
def login_as(auth, people):
    def login(who: str):
        person = people[who]
        if person is None:
            return None
        assert auth.login(person).status_code == 302
        fresh_snapshot()
        return person

    return login


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_member_pages_need_a_login_and_open_for_everyone_logged_in(client, login_as, room, desks, monday, who, path):
    login_as(who)
    response = client.get(path.format(monday=monday.isoformat()))
    if who == "anonymous":
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code in (200, 302)  # /book goes straight to the only hub
        if response.status_code == 302:
            assert response.headers["Location"].endswith("/hubs/here/book")


def test_an_unknown_hub_is_404(client, logged_in):
    assert client.get("/hubs/nowhere/book").status_code == 404
    assert client.get("/hubs/nowhere/book/room").status_code == 404


# --- the availability grid ------------------------------------------------------------------

def test_the_grid_shows_other_members_bookings_only_as_busy_and_your_own_as_yours(
    client, logged_in, room, desks, monday, at, book, someone_else
):
    book(room, at(monday, "09:00"), at(monday, "10:00"), who=someone_else)
    mine = book(room, at(monday, "11:00"), at(monday, "12:00"))

    page = page_text(client.get(f"/hubs/here/book?date={monday.isoformat()}"))

    assert "Busy" in page
    assert "Olga Other" not in page
    assert "Yours" in page
    assert f"/bookings/{mine.id}" in page
    assert '<div class="table-wrap"' in page


def test_the_grid_lists_free_times_per_space_for_narrow_screens_and_screen_readers(
    client, logged_in, room, monday, at, book, someone_else
):
    book(room, at(monday, "09:00"), at(monday, "10:00"), who=someone_else)

    page = page_text(client.get(f"/hubs/here/book?date={monday.isoformat()}&kind=room"))

    free_list = page.split('id="free-heading"')[1]
    assert "Meeting Room" in free_list
    assert "08:00–09:00" in free_list
    assert "10:00–18:00" in free_list


def test_the_grid_links_the_previous_and_next_day_and_keeps_the_kind(client, logged_in, room, monday):
    page = page_text(client.get(f"/hubs/here/book?date={monday.isoformat()}&kind=room"))
    assert f"date={(monday - timedelta(days=1)).isoformat()}&amp;kind=room" in page
    assert f"date={(monday + timedelta(days=1)).isoformat()}&amp;kind=room" in page


def test_the_grid_filters_by_kind(client, logged_in, room, desks, monday):
    page = page_text(client.get(f"/hubs/here/book?date={monday.isoformat()}&kind=desk"))
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    assert "Desk 1" in table
    assert "Meeting Room" not in table


def test_the_grid_says_a_weekend_day_is_closed_and_why(client, logged_in, room, monday):
    saturday = monday + timedelta(days=5)
    page = page_text(client.get(f"/hubs/here/book?date={saturday.isoformat()}"))
    assert "Here Hub is closed on Saturdays." in page
    assert "<table class=\"availability\"" not in page


def test_the_grid_says_a_closure_day_is_closed_with_its_reason(client, logged_in, hub, room, monday):
    add_closure(hub, monday, monday, "Boiler replacement")
    db.session.commit()
    page = page_text(client.get(f"/hubs/here/book?date={monday.isoformat()}"))
    assert "closed on" in page and "Boiler replacement" in page


def test_a_bad_date_on_the_grid_is_explained_not_a_500(client, logged_in, room):
    response = client.get("/hubs/here/book?date=2026-13-45")
    assert response.status_code == 400
    assert error_beside(page_text(response), "date")


def test_a_manager_sees_names_on_the_grid(client, auth, hub, room, monday, at, book, make_manager):
    book(room, at(monday, "09:00"), at(monday, "10:00"))
    auth.login(make_manager(hub, email="boss@example.org"))
    page = page_text(client.get(f"/hubs/here/book?date={monday.isoformat()}"))
    assert "Mary Member" in page
    assert "Busy" not in page


# --- booking a desk -------------------------------------------------------------------------

def test_booking_a_named_desk_for_a_full_day_stores_it_and_shows_the_confirmation(client, logged_in, desks, monday):
    response = post_form(client, DESK_FORM, {"day": monday.isoformat(), "space": str(desks[1].id), "period": "full"})

    [booking] = stored_bookings()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/bookings/{booking.id}")
    assert (booking.space_id, booking.member_id) == (desks[1].id, logged_in.id)
    assert local_span(booking) == (monday.isoformat(), "08:00", "18:00")
    confirmation = page_text(client.get(response.headers["Location"]))
    assert "Desk 2" in confirmation
    assert "£15.00" in confirmation
    assert f"/bookings/{booking.id}.ics" in confirmation
    assert "Cancel booking" in confirmation
    assert "Booked: Desk 2" in confirmation


@pytest.mark.parametrize(("period", "start", "end", "price"), [("morning", "08:00", "13:00", 750), ("afternoon", "13:00", "18:00", 750)])
def test_a_half_day_desk_follows_the_hubs_split_and_costs_half(client, logged_in, desks, monday, period, start, end, price):
    post_form(client, DESK_FORM, {"day": monday.isoformat(), "space": str(desks[0].id), "period": period})
    [booking] = stored_bookings()
    assert local_span(booking)[1:] == (start, end)
    assert booking.price_minor == price


def test_any_free_desk_picks_a_desk_that_is_free(client, logged_in, desks, monday, at, book, someone_else):
    book(desks[0], at(monday, "08:00"), at(monday, "18:00"), who=someone_else)

    response = post_form(client, DESK_FORM, {"day": monday.isoformat(), "space": "any", "period": "full"})

    assert response.status_code == 302
    [booking] = stored_bookings(member_id=logged_in.id)
    assert booking.space_id == desks[1].id


def test_any_free_desk_when_none_is_free_says_so_with_409(client, logged_in, desks, monday, at, book, someone_else):
    for desk in desks:
        book(desk, at(monday, "08:00"), at(monday, "18:00"), who=someone_else)
    response = post_form(client, DESK_FORM, {"day": monday.isoformat(), "space": "any", "period": "full"})
    assert response.status_code == 409
    assert "No desk is free at that time." in page_text(response)
    assert stored_bookings(member_id=logged_in.id) == []


def test_a_desk_on_a_closed_day_is_refused_beside_the_date(client, logged_in, desks, monday):
    saturday = monday + timedelta(days=5)
    response = post_form(client, DESK_FORM, {"day": saturday.isoformat(), "space": str(desks[0].id), "period": "full"})
    assert response.status_code == 422
    assert error_beside(page_text(response), "day") == "Here Hub is closed on Saturdays."
    assert stored_bookings() == []


# --- booking a room -------------------------------------------------------------------------

def test_booking_a_room_stores_it_priced_by_the_hour_and_shows_the_confirmation(client, logged_in, room, monday):
    response = post_form(client, ROOM_FORM, room_form(room, monday, "09:00", "10:30"))

    [booking] = stored_bookings()
    assert response.status_code == 302
    assert local_span(booking) == (monday.isoformat(), "09:00", "10:30")
    assert booking.price_minor == 3000
    assert booking.booked_by_id == logged_in.id
    page = page_text(client.get(response.headers["Location"]))
    assert "Meeting Room" in page and "£30.00" in page and "09:00–10:30" in page


def test_the_room_form_offers_times_on_the_slot_grid_within_opening_hours(client, logged_in, room, monday):
    page = page_text(client.get(f"{ROOM_FORM}?date={monday.isoformat()}&space={room.id}&start=09:15"))
    starts = re.search(r'<select id="starts".*?</select>', page, re.S).group(0)
    assert '<option value="08:00">' in starts
    assert '<option selected value="09:15">' in starts
    assert '"17:45"' in starts and '"18:00"' not in starts and '"07:45"' not in starts


def test_the_confirmation_email_is_queued_with_the_booking(client, logged_in, room, monday):
    post_form(client, ROOM_FORM, room_form(room, monday, "09:00", "10:00"))
    fresh_snapshot()
    [message] = db.session.scalars(sa.select(OutboxMessage))
    assert message.to_address == "member@example.org"
    assert "Booking confirmed" in message.subject
    assert [a["filename"] for a in message.attachments] == ["booking.ics"]


def last_monday(hub) -> date:
    today = local_today(hub.timezone)
    return today - timedelta(days=today.weekday() + 7)


BAD_ROOM_BOOKINGS = (
    ("end before start", lambda monday, hub: (monday, "10:00", "09:00"), 422, "The end must be after the start."),
    ("zero length", lambda monday, hub: (monday, "10:00", "10:00"), 422, "The end must be after the start."),
    ("in the past", lambda monday, hub: (last_monday(hub), "09:00", "10:00"), 422, "That time has already passed."),
    ("before opening", lambda monday, hub: (monday, "07:00", "09:00"), 422, "is open 08:00–18:00 on Mondays"),
    ("after closing", lambda monday, hub: (monday, "17:00", "19:00"), 422, "is open 08:00–18:00 on Mondays"),
    ("closed day", lambda monday, hub: (monday + timedelta(days=6), "09:00", "10:00"), 422, "Here Hub is closed on Sundays."),
    ("off the slot grid", lambda monday, hub: (monday, "09:10", "10:10"), 422, "15-minute grid"),
    ("too short", lambda monday, hub: (monday, "09:00", "09:15"), 422, "at least 30 minutes"),
    ("beyond the window", lambda monday, hub: (monday + timedelta(days=120), "09:00", "10:00"), 422, "at most 90 days ahead"),
    ("not a time", lambda monday, hub: (monday, "nine", "10:00"), 400, "Choose a time, such as 09:30."),
)


@pytest.mark.parametrize(("case", "values", "status", "message"), BAD_ROOM_BOOKINGS, ids=[c[0] for c in BAD_ROOM_BOOKINGS])
def test_a_bad_room_booking_is_explained_beside_the_form_and_nothing_is_stored(
    client, logged_in, hub, room, monday, case, values, status, message
):
    day, starts, ends = values(monday, hub)
    response = post_form(client, ROOM_FORM, room_form(room, day, starts, ends))
    assert response.status_code == status
    page = page_text(response)
    assert message in page.replace("&#39;", "'")
    assert 'class="error-summary"' in page
    assert stored_bookings() == []


def test_a_closure_day_is_refused_with_its_reason(client, logged_in, hub, room, monday):
    add_closure(hub, monday, monday, "Staff training")
    db.session.commit()
    response = post_form(client, ROOM_FORM, room_form(room, monday, "09:00", "10:00"))
    assert response.status_code == 422
    assert "Staff training" in page_text(response)
    assert stored_bookings() == []


def test_every_broken_rule_is_listed_at_once(client, logged_in, room, monday):
    response = post_form(client, ROOM_FORM, room_form(room, monday + timedelta(days=5), "07:10", "07:20"))
    page = page_text(response)
    assert response.status_code == 422
    assert "closed on Saturdays" in page
    assert "15-minute grid" in page
    assert "at least 30 minutes" in page


def test_a_time_that_does_not_exist_on_the_spring_forward_day_is_refused_beside_the_field(
    client, logged_in, hub, room
):
    day = spring_forward_day(local_today(hub.timezone))
    response = post_form(client, ROOM_FORM, room_form(room, day, "01:30", "03:00"))
    assert response.status_code == 422
    assert "does not exist" in error_beside(page_text(response), "starts")
    assert stored_bookings() == []


def test_another_hubs_space_cannot_be_booked_through_this_hub(client, logged_in, room, monday, make_hub, make_space):
    elsewhere = make_space(make_hub("away", "Away Hub"), "room", "Away Room")
    response = post_form(client, ROOM_FORM, room_form(elsewhere, monday, "09:00", "10:00"))
    assert response.status_code == 400
    assert error_beside(page_text(response), "space") == "Choose a room in Here Hub."
    assert stored_bookings() == []


def test_a_desk_id_in_the_room_form_is_refused(client, logged_in, room, desks, monday):
    response = post_form(client, ROOM_FORM, room_form(desks[0], monday, "09:00", "10:00"))
    assert response.status_code == 400
    assert error_beside(page_text(response), "space")
    assert stored_bookings() == []


def test_an_inactive_space_is_refused_in_words(client, logged_in, room, monday):
    room.active = False
    db.session.commit()
    response = post_form(client, ROOM_FORM, room_form(room, monday, "09:00", "10:00"))
    assert response.status_code == 422
    assert "Meeting Room is not available for booking." in page_text(response)
    assert stored_bookings() == []


def test_a_taken_slot_is_409_already_booked_and_nothing_more_is_stored(client, logged_in, room, monday, at, book, someone_else):
    theirs = book(room, at(monday, "09:00"), at(monday, "10:00"), who=someone_else)
    response = post_form(client, ROOM_FORM, room_form(room, monday, "09:30", "10:30"))
    assert response.status_code == 409
    assert "already booked" in page_text(response)
    assert [b.id for b in stored_bookings()] == [theirs.id]


def test_a_form_without_its_csrf_token_is_400_and_stores_nothing(client, logged_in, room, monday):
    response = client.post(ROOM_FORM, data=room_form(room, monday, "09:00", "10:00"))
    assert response.status_code == 400
    assert stored_bookings() == []


def test_a_member_cannot_override_the_rules_by_posting_the_checkbox(client, logged_in, room, monday):
    response = post_form(client, ROOM_FORM, room_form(room, monday, "07:00", "09:00", override_rules="y"))
    assert response.status_code == 422
    assert stored_bookings() == []


def test_a_member_cannot_book_for_someone_else(client, logged_in, room, monday, someone_else):
    # Issue 8: the page used to ignore the email and book for the member; it refuses, as the API does.
    response = post_form(client, ROOM_FORM, room_form(room, monday, "09:00", "10:00", member_email=someone_else.email))
    assert response.status_code == 403
    assert "managers and staff" in error_beside(page_text(response), "member_email")
    assert stored_bookings() == []


# --- my bookings, the booking page, the calendar file, cancelling ---------------------------

def test_my_bookings_lists_my_upcoming_and_past_bookings_only(client, logged_in, room, monday, at, book, someone_else):
    book(room, at(monday, "09:00"), at(monday, "10:00"))
    book(room, at(monday, "11:00"), at(monday, "12:00"), who=someone_else)
    old = Booking(
        space_id=room.id, member_id=logged_in.id, booked_by_id=logged_in.id,
        starts_at=at(last_monday(room.hub), "09:00"), ends_at=at(last_monday(room.hub), "10:00"),
        status="confirmed", price_minor=2000, currency="GBP",
    )
    db.session.add(old)
    db.session.commit()

    page = page_text(client.get("/bookings"))

    upcoming, past = page.split('id="past-heading"')
    assert monday.strftime("%a %d %b %Y") + ", 09:00–10:00" in upcoming
    assert "11:00–12:00" not in page
    assert last_monday(room.hub).strftime("%a %d %b %Y") in past
    assert "Cancel" in upcoming


def test_the_calendar_file_downloads_as_text_calendar(client, logged_in, room, monday, at, book):
    booking = book(room, at(monday, "09:00"), at(monday, "10:00"))
    response = client.get(f"/bookings/{booking.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="booking-{booking.id}.ics"' in response.headers["Content-Disposition"]
    body = page_text(response)
    assert body.startswith("BEGIN:VCALENDAR")
    assert f"UID:booking-{booking.id}@" in body


@pytest.mark.parametrize(("method", "path"), [("GET", "/bookings/{id}"), ("GET", "/bookings/{id}.ics"), ("POST", "/bookings/{id}/cancel")])
def test_a_member_cannot_see_or_cancel_another_members_booking(client, logged_in, room, monday, at, book, someone_else, method, path):
    theirs = book(room, at(monday, "09:00"), at(monday, "10:00"), who=someone_else)
    url = path.format(id=theirs.id)
    response = client.get(url) if method == "GET" else post_form(client, url, {"scope": "one"})
    assert response.status_code == 404
    assert [b.id for b in stored_bookings()] == [theirs.id]


def test_an_unknown_booking_is_404_like_someone_elses(client, logged_in):
    assert client.get("/bookings/999999").status_code == 404


def test_a_member_cancels_their_own_booking_before_the_cutoff(client, logged_in, room, monday, at, book):
    booking = book(room, at(monday, "09:00"), at(monday, "10:00"))
    response = post_form(client, f"/bookings/{booking.id}/cancel", {"confirmed": "yes", "scope": "one", "back": "mine"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/bookings")
    assert stored_bookings() == []
    assert f"Cancelled: Meeting Room, {monday:%a %d %b %Y}, 09:00–10:00." in page_text(client.get("/bookings"))


@pytest.mark.parametrize("ask", ["the cancel button", "a link"])
def test_cancelling_asks_first_naming_the_booking_and_cancels_nothing_yet(client, logged_in, room, monday, at, book, ask):
    booking = book(room, at(monday, "09:00"), at(monday, "10:00"))

    if ask == "a link":
        response = client.get(f"/bookings/{booking.id}/cancel")
    else:
        response = post_form(client, f"/bookings/{booking.id}/cancel", {"scope": "one", "back": "mine"})

    page = page_text(response)
    assert response.status_code == 200
    assert "Cancel this booking?" in page
    assert f"<strong>Meeting Room</strong> at Here Hub, {monday:%a %d %b %Y}, 09:00–10:00" in page
    assert 'name="confirmed" type="hidden" value="yes"' in page
    assert [b.id for b in stored_bookings()] == [booking.id]


def test_after_the_cutoff_cancelling_is_refused_with_409_and_the_booking_stays(client, logged_in, hub, room, monday, at, book):
    booking = book(room, at(monday, "09:00"), at(monday, "10:00"))
    policy_row_for(hub).cancellation_cutoff_minutes = 14 * 24 * 60
    db.session.commit()

    page_shown = page_text(client.get(f"/bookings/{booking.id}"))
    response = post_form(client, f"/bookings/{booking.id}/cancel", {"confirmed": "yes", "scope": "one"})

    assert "Cancel booking" not in page_shown
    assert response.status_code == 409
    assert "can be cancelled up to 20160 minutes before" in page_text(response)
    assert [b.id for b in stored_bookings()] == [booking.id]


def test_a_cancelled_booking_cannot_be_cancelled_again(client, logged_in, room, monday, at, book):
    booking = book(room, at(monday, "09:00"), at(monday, "10:00"))
    post_form(client, f"/bookings/{booking.id}/cancel", {"confirmed": "yes", "scope": "one"})
    response = post_form(client, f"/bookings/{booking.id}/cancel", {"confirmed": "yes", "scope": "one"})
    assert response.status_code == 409
    assert "already cancelled" in page_text(response)


# --- recurring bookings ---------------------------------------------------------------------

def series_form(room, first: date, **overrides) -> dict:
    form = {
        "space": str(room.id), "starts_on": first.isoformat(), "starts": "09:00", "ends": "10:00",
        "freq": "weekly", "interval": "1", "weekdays": "0", "nth": "1", "weekday": "0",
        "ends_by": "count", "count": "4", "preview": "Preview",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def previewed_value(page: str) -> str:
    return re.search(r'name="previewed" type="hidden" value="([0-9a-f]+)"', page).group(1)


def test_a_series_preview_shows_each_date_free_or_taken_and_stores_nothing(client, logged_in, room, monday, at, book, someone_else):
    book(room, at(monday + timedelta(days=7), "09:30"), at(monday + timedelta(days=7), "10:30"), who=someone_else)
    before = len(stored_bookings())

    response = post_form(client, SERIES_FORM, series_form(room, monday))

    page = page_text(response)
    assert response.status_code == 200
    assert "3 of 4 dates are free" in page
    assert "Already booked." in page
    assert "Book the 3 free dates" in page
    assert len(stored_bookings()) == before
    assert db.session.scalar(sa.select(sa.func.count(BookingSeries.id))) == 0


def test_booking_the_free_dates_of_a_series_stores_exactly_those(client, logged_in, room, monday, at, book, someone_else):
    taken_day = monday + timedelta(days=7)
    book(room, at(taken_day, "09:30"), at(taken_day, "10:30"), who=someone_else)
    preview = page_text(post_form(client, SERIES_FORM, series_form(room, monday)))

    response = post_form(
        client, SERIES_FORM,
        series_form(room, monday, preview=None, confirm="Book the 3 free dates", previewed=previewed_value(preview)),
    )

    assert response.status_code == 302
    mine = stored_bookings(member_id=logged_in.id)
    assert [local_span(b)[0] for b in mine] == [(monday + timedelta(days=n)).isoformat() for n in (0, 14, 21)]
    assert all(local_span(b)[1:] == ("09:00", "10:00") for b in mine)
    assert len({b.series_id for b in mine}) == 1 and mine[0].series_id is not None
    assert "Booked 3 dates of Meeting Room" in page_text(client.get("/bookings"))


def test_confirming_a_series_whose_details_changed_since_the_preview_books_nothing(client, logged_in, room, monday):
    preview = page_text(post_form(client, SERIES_FORM, series_form(room, monday)))
    response = post_form(
        client, SERIES_FORM,
        series_form(room, monday, count="6", preview=None, confirm="Book all 4 dates", previewed=previewed_value(preview)),
    )
    assert response.status_code == 200
    assert "changed since the preview" in page_text(response)
    assert "6 of 6 dates are free" in page_text(response)
    assert stored_bookings() == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        # (No weekday ticked means the first date's: test_form_defaults.py.)
        ({"count": ""}, "count", "Say when the series ends"),
        ({"ends_by": "until", "until": "2099-01-01"}, "until", "Series can be booked up to"),
        ({"count": "500"}, "count", "between 1 and 400"),
        ({"interval": "0"}, "interval", "Repeat every 1 to 12 periods."),
    ],
)
def test_a_bad_recurrence_is_explained_beside_its_field_and_nothing_is_stored(client, logged_in, room, monday, overrides, field, message):
    response = post_form(client, SERIES_FORM, series_form(room, monday, **overrides))
    assert response.status_code == 422
    assert message in (error_beside(page_text(response), field) or "")
    assert stored_bookings() == []


def test_a_monthly_series_falls_on_the_last_friday_of_each_month(client, logged_in, room, monday):
    response = post_form(
        client, SERIES_FORM,
        series_form(room, monday, freq="monthly", nth="-1", weekday="4", count="2", weekdays=None),
    )
    assert response.status_code == 200
    shown = re.findall(r'<th scope="row">(Fri \d\d \w\w\w \d{4})</th>', page_text(response))
    days = [datetime.strptime(text, "%a %d %b %Y").date() for text in shown]
    assert len(days) == 2
    assert all((day + timedelta(days=7)).month != day.month for day in days)
    assert stored_bookings() == []


@pytest.fixture
def weekly_series(client, logged_in, room, monday):
    preview = page_text(post_form(client, SERIES_FORM, series_form(room, monday)))
    post_form(client, SERIES_FORM, series_form(room, monday, preview=None, confirm="y", previewed=previewed_value(preview)))
    return stored_bookings(member_id=logged_in.id)


@pytest.mark.parametrize(("scope", "left", "said"), [
    ("one", [0, 2, 3], "Cancelled: Meeting Room, {second:%a %d %b %Y}, 09:00–10:00."),
    ("following", [0], "Cancelled 3 bookings of Meeting Room (the recurring booking, from {second:%a %d %b %Y}, 09:00–10:00 on)."),
    ("series", [], "Cancelled 4 bookings of Meeting Room (the recurring booking, every date still to come)."),
])
def test_cancelling_a_series_occurrence_by_scope(client, weekly_series, monday, scope, left, said):
    second = weekly_series[1]
    response = post_form(client, f"/bookings/{second.id}/cancel", {"confirmed": "yes", "scope": scope})
    assert response.status_code == 302
    assert [b.id for b in stored_bookings()] == [weekly_series[n].id for n in left]
    assert said.format(second=monday + timedelta(days=7)) in page_text(client.get(response.headers["Location"]))


def test_a_series_occurrence_offers_the_three_cancel_scopes(client, weekly_series):
    page = page_text(client.get(f"/bookings/{weekly_series[0].id}"))
    for label in ("This booking only", "This and the following ones", "The whole series"):
        assert label in page


def test_the_nav_offers_book_and_my_bookings_once_logged_in(client, logged_in, room):
    page = page_text(client.get("/hubs/here/book"))
    assert 'href="/book"' in page and 'href="/bookings"' in page


def test_a_first_time_visitor_with_two_hubs_chooses_one(client, logged_in, hub, make_hub):
    make_hub("away", "Away Hub")
    page = page_text(client.get("/book"))
    assert "/hubs/here/book" in page and "/hubs/away/book" in page


# --- the grid's pure helpers ----------------------------------------------------------------

def test_time_choices_start_on_the_grid_even_when_the_hub_opens_off_it():
    from datetime import time

    from coworking.bookings.grid import time_choices

    assert time_choices(time(8, 10), time(9, 0), 15) == [time(8, 15), time(8, 30), time(8, 45), time(9, 0)]


def test_row_cells_merge_runs_of_free_time_and_of_one_booking():
    from datetime import datetime, timezone

    from coworking.bookings.grid import row_cells

    def utc(hhmm: str) -> datetime:
        return datetime(2027, 3, 1, int(hhmm[:2]), int(hhmm[3:]), tzinfo=timezone.utc)

    booking = Booking(starts_at=utc("09:00"), ends_at=utc("10:30"))
    cells = row_cells([booking], utc("08:00"), utc("12:00"), 30)
    assert [(c.booking is booking, c.columns) for c in cells] == [(False, 2), (True, 3), (False, 3)]
    assert (cells[1].starts_at, cells[1].ends_at) == (utc("09:00"), utc("10:30"))
