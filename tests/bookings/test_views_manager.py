"""The booking pages a hub's managers and staff use: day and week views, booking for a member,
cancelling with a reason, blocking a space, the filtered list and its CSV, and the booking rules."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from coworking.bookings.models import Booking, BookingPolicy
from coworking.bookings.operations import book_space
from coworking.bookings.policy import effective_policy, policy_row_for
from coworking.extensions import db
from coworking.mail import OutboxMessage
from coworking.timezones import local_today, utc_to_local
from tests.bookings.test_views_member import spring_forward_day
from tests.conftest import counted_statements, post_form
from tests.hubs.helpers import error_beside, fresh_snapshot, stored_rows

PEOPLE = ("anonymous", "member", "other_manager", "staff", "manager", "admin")
STAFF_PAGE = {"anonymous": "login", "member": 403, "other_manager": 403, "staff": 200, "manager": 200, "admin": 200}
MANAGER_PAGE = {**STAFF_PAGE, "staff": 403}
PAGES = (
    ("/hubs/here/bookings/day", STAFF_PAGE),
    ("/hubs/here/bookings/day?date={monday}", STAFF_PAGE),
    ("/hubs/here/bookings/week", STAFF_PAGE),
    ("/hubs/here/bookings", STAFF_PAGE),
    ("/hubs/here/bookings.csv", STAFF_PAGE),
    ("/hubs/here/blocks/new", STAFF_PAGE),
    ("/hubs/here/booking-rules", MANAGER_PAGE),
    ("/hubs/here/spaces/{room_id}/booking-rules", MANAGER_PAGE),
)


# --- helpers --------------------------------------------------------------------------------

def page_text(response) -> str:
    return response.get_data(as_text=True)


def stored_bookings(**where) -> list[Booking]:
    fresh_snapshot()
    query = sa.select(Booking).order_by(Booking.starts_at, Booking.id)
    for column, value in where.items():
        query = query.where(getattr(Booking, column) == value)
    return list(db.session.scalars(query))


def expect(response, expected) -> None:
    if expected == "login":
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == expected


@pytest.fixture
def login_as(auth, hub, people):
    """login_as(who): logs in as one of the people fixture's, all of whom exist whoever logs in."""
    people.everyone()

    def login(who: str):
        person = people[who]
        if person is not None:
            assert auth.login(person).status_code == 302
            fresh_snapshot()  # the login committed from another session
        return person

    return login


@pytest.fixture
def as_manager(login_as):
    return login_as("manager")


def room_form(room, day, starts: str, ends: str, **extra) -> dict:
    return {"day": day.isoformat(), "space": str(room.id), "starts": starts, "ends": ends, **extra}


# --- who may open the manager pages ---------------------------------------------------------

@pytest.mark.parametrize(("path", "who", "expected"), [(p, w, e[w]) for p, e in PAGES for w in PEOPLE])
def test_who_may_open_each_manager_page(client, login_as, room, monday, path, who, expected):
    login_as(who)
    expect(client.get(path.format(monday=monday.isoformat(), room_id=room.id)), expected)


FORM_POSTS = (
    ("/hubs/here/blocks/new", STAFF_PAGE, lambda room, monday: {
        "space": str(room.id), "starts_on": monday.isoformat(), "starts": "09:00",
        "ends_on": monday.isoformat(), "ends": "12:00", "reason": "Sneaky",
    }),
    ("/hubs/here/booking-rules", MANAGER_PAGE, lambda room, monday: {"max_days_ahead": "2"}),
    ("/hubs/here/spaces/{room_id}/booking-rules", MANAGER_PAGE, lambda room, monday: {"slot_minutes": "60"}),
)
REFUSED = [(p, w, e[w], d) for p, e, d in FORM_POSTS for w in PEOPLE if e[w] != 200]


@pytest.mark.parametrize(("path", "who", "expected", "data"), REFUSED)
def test_people_refused_a_manager_page_cannot_change_anything_through_it(client, login_as, room, monday, path, who, expected, data):
    login_as(who)
    response = post_form(client, path.format(room_id=room.id), data(room, monday))
    expect(response, expected)
    assert stored_rows(Booking) == []
    assert stored_rows(BookingPolicy) == []


def test_another_hubs_space_rules_page_is_404(client, as_manager, make_hub, make_space):
    elsewhere = make_space(make_hub("third", "Third Hub"), "room", "Far Room")
    assert client.get(f"/hubs/here/spaces/{elsewhere.id}/booking-rules").status_code == 404


# --- day and week views ---------------------------------------------------------------------

def test_the_day_view_shows_every_space_with_member_names_blocks_and_links(
    client, login_as, hub, room, desks, monday, at, book, people
):
    booking = book(room, at(monday, "09:00"), at(monday, "10:00"))
    fresh_snapshot()
    login_as("staff")
    post_form(client, "/hubs/here/blocks/new", {
        "space": str(desks[0].id), "starts_on": monday.isoformat(), "starts": "08:00",
        "ends_on": monday.isoformat(), "ends": "18:00", "reason": "New carpet",
    })

    page = page_text(client.get(f"/hubs/here/bookings/day?date={monday.isoformat()}"))

    assert "Mary Member" in page and "member@example.org" in page
    assert f"/bookings/{booking.id}" in page
    assert "Blocked: New carpet" in page
    for desk in desks:
        assert desk.name in page


def test_the_week_view_shows_the_weeks_bookings_under_their_day(client, as_manager, room, monday, at, book):
    book(room, at(monday + timedelta(days=2), "14:00"), at(monday + timedelta(days=2), "15:00"))
    page = page_text(client.get(f"/hubs/here/bookings/week?date={(monday + timedelta(days=3)).isoformat()}"))
    assert f"week of {monday.strftime('%A %d %B %Y')}" in page
    assert "14:00–15:00" in page and "Mary Member" in page
    assert f"date={(monday + timedelta(days=7)).isoformat()}" in page


# --- booking for a member -------------------------------------------------------------------

def test_a_manager_books_a_room_for_a_member_by_email(client, as_manager, room, monday, member):
    response = post_form(client, "/hubs/here/book/room", room_form(room, monday, "09:00", "10:00", member_email="MEMBER@example.org"))
    assert response.status_code == 302
    [booking] = stored_bookings()
    assert booking.member_id == member.id
    assert booking.booked_by_id == as_manager.id
    assert booking.overridden_rules == []


def test_a_manager_books_any_free_desk_for_a_member(client, as_manager, desks, monday, member):
    response = post_form(client, "/hubs/here/book/desk", {"day": monday.isoformat(), "space": "any", "period": "morning", "member_email": member.email})
    assert response.status_code == 302
    [booking] = stored_bookings()
    assert (booking.member_id, booking.space_id) == (member.id, desks[0].id)


def test_booking_for_an_unknown_email_is_refused_beside_the_email(client, as_manager, room, monday):
    response = post_form(client, "/hubs/here/book/room", room_form(room, monday, "09:00", "10:00", member_email="nobody@example.org"))
    assert response.status_code == 400
    assert "No account uses this email" in error_beside(page_text(response), "member_email")
    assert stored_bookings() == []


def test_staff_see_the_on_behalf_fields_and_members_do_not(client, login_as, room):
    login_as("member")
    assert 'name="member_email"' not in page_text(client.get("/hubs/here/book/room"))
    login_as("staff")
    assert 'name="override_rules"' in page_text(client.get("/hubs/here/book/room"))


def test_an_override_books_outside_the_rules_and_records_which_rules(client, as_manager, room, monday, member):
    response = post_form(
        client, "/hubs/here/book/room",
        room_form(room, monday, "07:00", "09:00", member_email=member.email, override_rules="y"),
    )
    assert response.status_code == 302
    [booking] = stored_bookings()
    assert any("open 08:00–18:00" in rule for rule in booking.overridden_rules)
    assert "Booked despite these rules" in page_text(client.get(response.headers["Location"]))


def test_an_override_never_allows_a_double_booking(client, as_manager, room, monday, at, book, member):
    existing = book(room, at(monday, "09:00"), at(monday, "10:00"))
    response = post_form(
        client, "/hubs/here/book/room",
        room_form(room, monday, "09:30", "10:30", member_email=member.email, override_rules="y"),
    )
    assert response.status_code == 409
    assert "already booked" in page_text(response)
    assert [b.id for b in stored_bookings()] == [existing.id]


def test_a_manager_can_book_a_series_for_a_member(client, as_manager, room, monday, member):
    form = {
        "space": str(room.id), "starts_on": monday.isoformat(), "starts": "09:00", "ends": "10:00",
        "freq": "weekly", "interval": "1", "weekdays": "0", "nth": "1", "weekday": "0",
        "ends_by": "count", "count": "2", "member_email": member.email,
    }
    preview = page_text(post_form(client, "/hubs/here/book/series", {**form, "preview": "Preview"}))
    digest = preview.split('name="previewed" type="hidden" value="')[1].split('"')[0]
    response = post_form(client, "/hubs/here/book/series", {**form, "confirm": "Book", "previewed": digest})
    assert response.status_code == 302
    assert "email=member" in response.headers["Location"]
    assert [b.member_id for b in stored_bookings()] == [member.id, member.id]


# --- cancelling any booking with a reason ---------------------------------------------------

def test_a_manager_must_give_a_reason_to_cancel_a_members_booking(client, as_manager, room, monday, at, book):
    booking = book(room, at(monday, "09:00"), at(monday, "10:00"))
    fresh_snapshot()
    response = post_form(client, f"/bookings/{booking.id}/cancel", {"confirmed": "yes", "scope": "one", "reason": "  "})
    assert response.status_code == 422
    assert "Give a reason" in error_beside(page_text(response), "reason")
    assert stored_bookings()[0].status == "confirmed"


def test_a_manager_cancels_a_members_booking_with_a_reason_and_the_member_is_emailed(client, as_manager, hub, room, monday, at, book):
    booking = book(room, at(monday, "09:00"), at(monday, "10:00"))
    policy_row_for(hub).cancellation_cutoff_minutes = 14 * 24 * 60  # the member could not, staff still can
    db.session.commit()

    response = post_form(client, f"/bookings/{booking.id}/cancel", {"confirmed": "yes", "scope": "one", "reason": "Room flooded"})

    assert response.status_code == 302
    [stored] = stored_bookings()
    assert (stored.status, stored.cancel_reason, stored.cancelled_by_id) == ("cancelled", "Room flooded", as_manager.id)
    notice = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.subject.like("Booking cancelled%"))).one()
    assert notice.to_address == "member@example.org"
    assert "Room flooded" in notice.body_text


def test_the_booking_page_asks_staff_for_a_reason(client, login_as, room, monday, at, book):
    booking = book(room, at(monday, "09:00"), at(monday, "10:00"))
    login_as("staff")
    page = page_text(client.get(f"/bookings/{booking.id}"))
    assert 'name="reason"' in page
    assert "Mary Member (member@example.org)" in page


def test_a_manager_of_another_hub_cannot_see_or_cancel_its_bookings(client, login_as, room, monday, at, book):
    booking = book(room, at(monday, "09:00"), at(monday, "10:00"))
    login_as("other_manager")
    assert client.get(f"/bookings/{booking.id}").status_code == 404
    assert post_form(client, f"/bookings/{booking.id}/cancel", {"confirmed": "yes", "scope": "one", "reason": "x"}).status_code == 404
    assert stored_bookings()[0].status == "confirmed"


# --- blocking a space -----------------------------------------------------------------------

def block_form(space, day, starts="09:00", ends="12:00", reason="Repainting", last_day=None) -> dict:
    return {
        "space": str(space.id), "starts_on": day.isoformat(), "starts": starts,
        "ends_on": (last_day or day).isoformat(), "ends": ends, "reason": reason,
    }


def test_a_block_takes_the_space_out_of_use_with_its_reason(client, as_manager, room, monday):
    response = post_form(client, "/hubs/here/blocks/new", block_form(room, monday, last_day=monday + timedelta(days=1)))

    assert response.status_code == 302
    assert f"date={monday.isoformat()}" in response.headers["Location"]
    blocks = stored_bookings(purpose="block")
    assert len(blocks) == 2  # one row per local day
    assert {b.note for b in blocks} == {"Repainting"}
    assert all(b.member_id is None for b in blocks)


def test_members_see_a_block_as_unavailable_and_staff_see_why(client, login_as, room, monday):
    login_as("manager")
    post_form(client, "/hubs/here/blocks/new", block_form(room, monday))
    manager_view = page_text(client.get(f"/hubs/here/book?date={monday.isoformat()}"))
    login_as("member")
    member_view = page_text(client.get(f"/hubs/here/book?date={monday.isoformat()}"))
    assert "Blocked: Repainting" in manager_view
    assert "Unavailable" in member_view and "Repainting" not in member_view


def test_a_block_over_bookings_lists_them_and_stores_nothing(client, as_manager, room, monday, at, book):
    booking = book(room, at(monday, "10:00"), at(monday, "11:00"))
    fresh_snapshot()
    response = post_form(client, "/hubs/here/blocks/new", block_form(room, monday))
    page = page_text(response)
    assert response.status_code == 409
    assert "1 booking(s) fall in that period" in page
    assert f"/bookings/{booking.id}" in page and "Mary Member" in page
    assert [b.id for b in stored_bookings()] == [booking.id]


@pytest.mark.parametrize(
    ("overrides", "status", "field", "message"),
    [
        ({"reason": ""}, 400, "reason", "Say why the space is blocked."),
        ({"ends": "08:00"}, 422, None, "The end must be after the start."),
        ({"starts": "25:00"}, 400, "starts", "Not a valid time value."),
    ],
)
def test_a_bad_block_is_explained_and_stores_nothing(client, as_manager, room, monday, overrides, status, field, message):
    response = post_form(client, "/hubs/here/blocks/new", {**block_form(room, monday), **overrides})
    assert response.status_code == status
    page = page_text(response)
    assert message in (error_beside(page, field) if field else page)
    assert stored_bookings() == []


def test_a_block_from_a_time_that_does_not_exist_is_refused_beside_it(client, as_manager, room):
    day = spring_forward_day(local_today("Europe/London"))
    response = post_form(client, "/hubs/here/blocks/new", block_form(room, day, starts="01:30", ends="05:00"))
    assert response.status_code == 422
    assert "does not exist" in error_beside(page_text(response), "starts")
    assert stored_bookings() == []


# --- the booking list and its CSV -----------------------------------------------------------

@pytest.fixture
def varied_bookings(hub, room, desks, monday, at, book, make_user, member):
    other = make_user(email="zed@example.org", name="Zed Zed")
    first = book(room, at(monday, "09:00"), at(monday, "10:00"))
    second = book(desks[0], at(monday, "08:00"), at(monday, "13:00"), who=other)
    later = book(room, at(monday + timedelta(days=1), "14:00"), at(monday + timedelta(days=1), "15:30"), who=other)
    return first, second, later


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", (0, 1, 2)),
        ("email=zed", (1, 2)),
        ("space={room_id}", (0, 2)),
        ("starts_on={monday}&ends_on={monday}", (0, 1)),
        ("status=cancelled", ()),
    ],
)
def test_the_list_filters_bookings(client, as_manager, room, monday, varied_bookings, query, expected):
    page = page_text(client.get("/hubs/here/bookings?" + query.format(room_id=room.id, monday=monday.isoformat())))
    for index, booking in enumerate(varied_bookings):
        assert (f'href="/bookings/{booking.id}"' in page) == (index in expected), index


def test_the_list_refuses_a_range_that_ends_before_it_starts(client, as_manager, monday):
    response = client.get(f"/hubs/here/bookings?starts_on={monday.isoformat()}&ends_on={(monday - timedelta(days=1)).isoformat()}")
    assert response.status_code == 400
    assert error_beside(page_text(response), "ends_on") == "The last day cannot be before the first."


def test_the_csv_export_has_the_columns_and_local_times_with_offsets(client, as_manager, room, monday, varied_bookings):
    response = client.get("/hubs/here/bookings.csv?email=member")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="here-bookings.csv"' == response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(page_text(response))))
    assert rows[0] == ["id", "space", "member name", "member email", "local start", "local end", "status",
                       "price", "currency", "booked by", "created at"]
    first = varied_bookings[0]
    local_start = utc_to_local(first.starts_at, "Europe/London")
    assert rows[1:] == [[
        str(first.id), "Meeting Room", "Mary Member", "member@example.org",
        local_start.isoformat(), utc_to_local(first.ends_at, "Europe/London").isoformat(),
        "confirmed", "20.00", "GBP", "member@example.org", rows[1][10],
    ]]
    assert rows[1][4].startswith(f"{monday.isoformat()}T09:00:00+")
    assert rows[1][10][-6] in "+-"


@pytest.mark.parametrize("evil", ["=HYPERLINK(\"http://x\")", "+cmd", "-2+3", "@SUM(A1)"])
def test_the_csv_export_defuses_formulas_in_names(client, hub, room, monday, at, make_user, make_manager, auth, evil):
    mallory = make_user(email="mallory@example.org", name=evil)
    book_space(room, mallory, at(monday, "09:00"), at(monday, "10:00"), booked_by=mallory)
    db.session.commit()
    auth.login(make_manager(hub, email="boss@example.org"))

    rows = list(csv.reader(io.StringIO(page_text(client.get("/hubs/here/bookings.csv")))))

    assert rows[1][2] == "'" + evil


def test_the_csv_export_leaves_out_blocks(client, as_manager, room, monday):
    post_form(client, "/hubs/here/blocks/new", block_form(room, monday))
    rows = list(csv.reader(io.StringIO(page_text(client.get("/hubs/here/bookings.csv")))))
    assert len(rows) == 1


# --- booking rules --------------------------------------------------------------------------

def test_a_manager_sets_the_hubs_booking_rules_and_they_apply(client, as_manager, hub, room, monday):
    response = post_form(client, "/hubs/here/booking-rules", {
        "slot_minutes": "30", "min_duration_minutes": "60", "max_days_ahead": "", "half_day_split": "12:30",
    })
    assert response.status_code == 302
    [row] = stored_rows(BookingPolicy)
    assert (row["slot_minutes"], row["min_duration_minutes"], row["max_days_ahead"]) == (30, 60, None)
    assert row["half_day_split"].strftime("%H:%M") == "12:30"
    refused = post_form(client, "/hubs/here/book/room", room_form(room, monday, "09:00", "09:30"))
    assert refused.status_code == 422
    assert "Bookings last at least 1 hour" in page_text(refused)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"slot_minutes": "7"}, "slot_minutes", "The slot grid is 5, 10, 15, 20, 30 or 60 minutes."),
        ({"max_days_ahead": "0"}, "max_days_ahead", "Enter a number from 1 to 730."),
        ({"buffer_minutes": "-5"}, "buffer_minutes", "Enter a number from 0 to 240."),
        ({"min_duration_minutes": "120", "max_duration_minutes": "60"}, "max_duration_minutes", "cannot be shorter than the shortest"),
        ({"min_duration_minutes": "900"}, "max_duration_minutes", "The longest booking (600 minutes)"),
        ({"max_active_bookings": "lots"}, "max_active_bookings", "Not a valid integer value."),
        ({"half_day_split": "noon"}, "half_day_split", "Not a valid time value."),
    ],
)
def test_bad_booking_rules_are_explained_beside_each_field_and_nothing_is_stored(client, as_manager, values, field, message):
    response = post_form(client, "/hubs/here/booking-rules", values)
    assert response.status_code == 400
    assert message in (error_beside(page_text(response), field) or "")
    assert stored_rows(BookingPolicy) == []


def test_a_space_overrides_some_rules_and_inherits_the_rest(client, as_manager, hub, room, desks):
    post_form(client, "/hubs/here/booking-rules", {"slot_minutes": "30", "buffer_minutes": "10"})
    response = post_form(client, f"/hubs/here/spaces/{room.id}/booking-rules", {"slot_minutes": "60", "buffer_minutes": ""})
    assert response.status_code == 302
    fresh_snapshot()
    room_policy = effective_policy(db.session.get(type(room), room.id))
    desk_policy = effective_policy(db.session.get(type(room), desks[0].id))
    assert (room_policy.slot_minutes, room_policy.buffer_minutes) == (60, 10)
    assert (desk_policy.slot_minutes, desk_policy.buffer_minutes) == (30, 10)
    assert "(has its own rules)" in page_text(client.get("/hubs/here/booking-rules"))


def test_the_space_rules_page_shows_the_hubs_values_it_inherits(client, as_manager, room):
    post_form(client, "/hubs/here/booking-rules", {"cancellation_cutoff_minutes": "120"})
    page = page_text(client.get(f"/hubs/here/spaces/{room.id}/booking-rules"))
    assert "Blank: the hub&#39;s, 120." in page
    assert 'name="max_active_bookings"' not in page


# --- no N+1 queries -------------------------------------------------------------------------

@pytest.fixture
def thirty_bookings(hub, make_space, make_user, monday, at):
    """30 bookings by 30 members over 3 rooms, one Monday morning."""
    rooms = [make_space(hub, "room", f"Room {n}") for n in range(3)]
    for n in range(30):
        who = make_user(email=f"busy{n}@example.org", name=f"Busy Member {n}")
        start = at(monday, "08:00") + timedelta(minutes=30 * (n // 3))
        book_space(rooms[n % 3], who, start, start + timedelta(minutes=30), booked_by=who)
    db.session.commit()
    return rooms


@pytest.mark.parametrize(
    "path",
    [
        "/hubs/here/bookings?starts_on={monday}&ends_on={monday}",
        "/hubs/here/bookings.csv?starts_on={monday}&ends_on={monday}",
        "/hubs/here/bookings/day?date={monday}",
        "/hubs/here/bookings/week?date={monday}",
        "/hubs/here/book?date={monday}",
    ],
)
def test_pages_with_thirty_bookings_use_a_bounded_number_of_queries(client, as_manager, thirty_bookings, monday, path):
    with counted_statements() as statements:
        response = client.get(path.format(monday=monday.isoformat()))
    assert response.status_code == 200
    assert "Busy Member 29" in page_text(response)
    assert len(statements) < 15, "\n".join(statements)


def test_my_bookings_with_thirty_bookings_uses_a_bounded_number_of_queries(client, auth, hub, make_space, make_user, monday, at):
    rooms = [make_space(hub, "room", f"Room {n}") for n in range(3)]
    regular = make_user(email="regular@example.org", name="Regular")
    for n in range(30):
        day, slot = monday + timedelta(days=7 * (n // 15)), n % 15
        start = at(day, "08:00") + timedelta(minutes=30 * (slot // 3))
        book_space(rooms[slot % 3], regular, start, start + timedelta(minutes=30), booked_by=regular)
    db.session.commit()
    auth.login(regular)
    with counted_statements() as statements:
        response = client.get("/bookings")
    assert response.status_code == 200
    assert page_text(response).count("inline-cancel") == 30
    assert len(statements) < 15, "\n".join(statements)


@pytest.mark.parametrize(
    ("value", "written"),
    [("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-1", "'-1"), ("@me", "'@me"), ("\tx", "'\tx"), ("Ann", "Ann"), (12, "12"), (None, "")],
)
def test_csv_cells_that_a_spreadsheet_would_run_get_a_leading_quote(value, written):
    from coworking.spreadsheet import safe_cell

    assert safe_cell(value) == written
