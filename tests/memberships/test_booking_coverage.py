"""Booking a desk or a room says whether the member's plan or a pass covers it, or what it will
cost; a booking's page says how it was paid for. Bookings ask through the questions in
coworking/events.py and memberships answers: bookings never imports memberships."""
from __future__ import annotations

from datetime import timedelta

import pytest

from coworking.events import answers, booking_coverage_asked
from coworking.extensions import db
from coworking.memberships.coverage import coverage_text
from coworking.memberships.lifecycle import pause_membership
from coworking.memberships.periods import Period
from coworking.memberships.plans import create_pass_product, sell_pass
from tests.memberships.conftest import weekdays
from tests.memberships.pages import text_of

DESK_FORM = "/hubs/here/book/desk"
ROOM_FORM = "/hubs/here/book/room"


@pytest.fixture
def hot_desk(make_plan):
    return make_plan(name="Hot desk", desk_days_per_month=10, room_hours_per_month=1, pauses_allowed=True,
                     max_pause_months=2)


@pytest.fixture
def on_hot_desk(member, hot_desk, make_membership, today):
    return make_membership(member, hot_desk, Period.of(today).first_day)


@pytest.fixture
def day(coming):
    """A weekday in a month still to come: its allowance whole and open."""
    return weekdays(coming, 1)[0]


@pytest.fixture
def logged_in(auth, member):
    assert auth.login(member).status_code == 302
    db.session.rollback()
    return member


def desk_form(client, day, **extra) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"date": day.isoformat(), **extra}.items())
    return text_of(client.get(f"{DESK_FORM}?{query}"))


# --- before booking: the forms --------------------------------------------------------------

def test_the_desk_form_says_the_plan_covers_it_and_how_much_is_left(client, logged_in, on_hot_desk, desks, book, day):
    month = f"{day:%B}"
    assert "Your Hot desk plan covers desks: 10 of 10 desk days left in " + month in desk_form(client, day)

    book(desks[0], day)

    assert "Your Hot desk plan covers desks: 9 of 10 desk days left in " + month in desk_form(client, day)


def test_once_the_allowance_is_used_up_the_desk_form_says_what_it_costs(client, logged_in, make_plan, make_membership, today,
                                                                       desks, book, day):
    make_membership(logged_in, make_plan(name="Tiny", desk_days_per_month=1), Period.of(today).first_day)
    book(desks[0], day)

    page = desk_form(client, day)

    assert (f"Your Tiny plan's {day:%B} allowance of 1 desk day is used up. "
            "You pay the desk's price, from £15.00 a day plus VAT.") in page


def test_a_pass_covers_a_desk_for_someone_without_a_plan(client, logged_in, hub, manager, desks, today):
    product = create_pass_product(hub, by=manager, name="Ten desk days", desk_days=10, valid_days=90, price_minor=12_000)
    sell_pass(product, logged_in, hub=hub, sold_by=manager, today=today)
    db.session.commit()
    day = today + timedelta(days=7)

    page = desk_form(client, day)

    assert f"A pass covers it: 10 desk days left (valid until {today + timedelta(days=89):%d %B %Y})." in page


def test_without_a_plan_or_pass_the_desk_form_gives_the_price(client, logged_in, desks, day):
    assert "Not covered by a plan or a pass: you pay the desk's price, from £15.00 a day plus VAT." in desk_form(client, day)
    chosen = desk_form(client, day, space=desks[0].id)
    assert "Not covered by a plan or a pass: you pay the desk's price, £15.00 a day (£7.50 a half day) plus VAT." in chosen



def test_without_a_plan_the_room_form_gives_the_rooms_price(client, logged_in, room, day):
    page = text_of(client.get(f"{ROOM_FORM}?date={day.isoformat()}"))

    assert "Not covered by a plan or a pass: you pay the room's price, from £20.00 an hour plus VAT." in page


def test_the_room_form_says_how_many_room_hours_are_left(client, logged_in, on_hot_desk, room, day):
    page = text_of(client.get(f"{ROOM_FORM}?date={day.isoformat()}&space={room.id}"))

    assert f"Your Hot desk plan covers rooms: 1 of 1 room hour left in {day:%B}." in page


def test_a_paused_month_is_paid_as_you_go(client, logged_in, on_hot_desk, desks, coming, day, today):
    pause_membership(on_hot_desk, by=logged_in, first_period=coming, months=1, today=today)
    db.session.commit()

    page = desk_form(client, day)

    assert f"Your membership is paused on {day:%d %B}. You pay the desk's price" in page


def test_the_form_says_nothing_about_coverage_when_staff_book_for_someone_else(client, auth, hub, make_manager, room, day):
    from coworking.hubs.roles import Role

    staff = make_manager(hub, Role.STAFF, email="stan@example.org")
    assert auth.login(staff).status_code == 302
    from tests.conftest import post_form

    response = post_form(client, ROOM_FORM, {"day": day.isoformat(), "space": str(room.id), "starts": "10:00",
                                             "ends": "09:00", "member_email": "nobody@example.org"})

    assert response.status_code == 400 and "Not covered by a plan" not in text_of(response)


# --- the answer itself, for times a form has only after a submission ------------------------

def test_a_room_booking_longer_than_the_hours_left_is_partly_covered(member, on_hot_desk, hub, room, day, at):
    text = coverage_text(hub, member, "room", day, space=room, starts_at=at(day, "10:00"), ends_at=at(day, "12:00"))

    assert text == (f"Your Hot desk plan covers rooms: 1 of 1 room hour left in {day:%B}; "
                    "the rest is billed at the room's price, £20.00 an hour plus VAT.")


def test_for_known_times_the_price_is_exact(member, hub, room, day, at):
    text = coverage_text(hub, member, "room", day, space=room, starts_at=at(day, "10:00"), ends_at=at(day, "11:30"))

    assert text == "Not covered by a plan or a pass: you pay the room's price for these times: £30.00 plus VAT."


def test_a_question_nobody_answers_gives_no_text(hub, member, day):
    def silent(sender, **kwargs):
        return None

    booking_coverage_asked.connect(silent)
    try:
        texts = answers(booking_coverage_asked, hub, member=member, kind="locker", day=day)
    finally:
        booking_coverage_asked.disconnect(silent)
    assert texts == []  # memberships has nothing to say of an unknown kind, nor has `silent`


# --- after booking: the booking's page ------------------------------------------------------

@pytest.mark.parametrize("situation, expected", [
    ("plan", "Paid by Covered by the Hot desk plan's allowance (1 desk day)."),
    ("pass", "Paid by Covered by a pass (1 desk day)."),
    ("nothing", "Paid by Not covered by a plan or a pass: £15.00 billed."),
])
def test_a_desk_bookings_page_says_how_it_was_paid_for(client, logged_in, hub, manager, hot_desk, make_membership, desks,
                                                      book, day, today, situation, expected):
    if situation == "plan":
        make_membership(logged_in, hot_desk, Period.of(today).first_day)
    elif situation == "pass":
        product = create_pass_product(hub, by=manager, name="Day", desk_days=1, valid_days=200, price_minor=1500)
        sell_pass(product, logged_in, hub=hub, sold_by=manager, today=today)
        db.session.commit()
    booking = book(desks[0], day)

    assert expected in text_of(client.get(f"/bookings/{booking.id}"))


def test_a_room_booking_beyond_the_allowance_shows_the_part_billed(client, logged_in, on_hot_desk, room, book, day):
    booking = book(room, day, "10:00", "12:00")

    page = text_of(client.get(f"/bookings/{booking.id}"))

    assert "Paid by Covered by the Hot desk plan's allowance (1 room hour); £20.00 billed for the rest." in page


def test_an_unlimited_plan_covers_without_counting(client, logged_in, make_plan, make_membership, desks, book, day, today):
    make_membership(logged_in, make_plan(name="Resident", desk_days_per_month=None), Period.of(today).first_day)
    booking = book(desks[0], day)

    assert "Paid by Covered by the Resident plan." in text_of(client.get(f"/bookings/{booking.id}"))
    assert "Your Resident plan covers desks without limit." in desk_form(client, day)


def test_a_cancelled_booking_says_nothing_of_payment(client, logged_in, on_hot_desk, desks, book, cancel, day):
    booking = cancel(book(desks[0], day))

    assert "Paid by" not in text_of(client.get(f"/bookings/{booking.id}"))
