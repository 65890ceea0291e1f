"""No two confirmed bookings of one space ever overlap: checked by the app, enforced by the database."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from coworking.bookings.errors import BookingConflict, NoDeskFree
from coworking.bookings.models import Booking
from coworking.bookings.operations import book_any_desk, book_space, cancel_booking, move_booking
from coworking.extensions import db
from tests.conftest import run_together


def confirmed_count(space_id=None) -> int:
    query = sa.select(sa.func.count(Booking.id)).where(Booking.status == "confirmed")
    if space_id is not None:
        query = query.where(Booking.space_id == space_id)
    return db.session.scalar(query)


def test_adjacent_bookings_are_both_allowed(room, monday, at, book):
    book(room, at(monday, "09:00"), at(monday, "10:00"))
    book(room, at(monday, "10:00"), at(monday, "11:00"))
    assert confirmed_count(room.id) == 2


@pytest.mark.parametrize("start,end", [("09:00", "10:00"), ("09:30", "10:30"), ("08:30", "09:15"), ("08:00", "12:00")])
def test_an_overlapping_booking_is_refused_and_nothing_is_stored(room, monday, at, book, make_user, start, end):
    book(room, at(monday, "09:00"), at(monday, "10:00"))
    other = make_user()
    with pytest.raises(BookingConflict, match="already booked"):
        book(room, at(monday, start), at(monday, end), who=other)
    db.session.rollback()
    assert confirmed_count(room.id) == 1


def test_a_cancelled_booking_never_blocks(room, monday, at, book, member):
    first = book(room, at(monday, "09:00"), at(monday, "10:00"))
    cancel_booking(first, by=member)
    db.session.commit()
    book(room, at(monday, "09:00"), at(monday, "10:00"))
    assert confirmed_count(room.id) == 1


def test_the_database_itself_refuses_an_overlap_that_skips_the_app(room, monday, at, book, member):
    first = book(room, at(monday, "09:00"), at(monday, "10:00"))
    sneaky = Booking(
        space_id=room.id, member_id=member.id, booked_by_id=member.id,
        starts_at=at(monday, "09:30"), ends_at=at(monday, "10:30"),
        status="confirmed", price_minor=0, currency="GBP",
    )
    db.session.add(sneaky)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert confirmed_count(room.id) == 1
    assert first.id is not None


def sneak_in(room, member, starts_at, ends_at) -> None:
    """A row written straight to the table, past every rule of the app."""
    db.session.add(Booking(
        space_id=room.id, member_id=member.id, booked_by_id=member.id, starts_at=starts_at,
        ends_at=ends_at, status="confirmed", price_minor=0, currency="GBP",
    ))
    db.session.flush()


def test_the_database_refuses_an_overlap_by_a_row_starting_almost_a_day_earlier(room, monday, at, book, member):
    book(room, at(monday, "09:00"), at(monday, "10:00"))
    starts_at = at(monday, "09:30") - timedelta(hours=24)
    with pytest.raises(IntegrityError):
        sneak_in(room, member, starts_at, starts_at + timedelta(hours=24, minutes=30))
    db.session.rollback()
    assert confirmed_count(room.id) == 1


def test_the_database_refuses_a_row_longer_than_25_hours(room, monday, at, member):
    """Overlap queries only look 25 hours back from a day: a longer row would escape them."""
    with pytest.raises(IntegrityError):
        sneak_in(room, member, at(monday, "09:00"), at(monday, "09:00") + timedelta(hours=25, minutes=1))
    db.session.rollback()
    sneak_in(room, member, at(monday, "09:00"), at(monday, "09:00") + timedelta(hours=25))
    db.session.commit()
    assert confirmed_count(room.id) == 1


RACERS = 8


def test_racing_requests_for_one_slot_exactly_one_wins(app, room, monday, at, make_user):
    racers = [make_user() for _ in range(RACERS)]
    room_id, member_ids = room.id, [u.id for u in racers]
    starts_at, ends_at = at(monday, "14:00"), at(monday, "15:00")
    counter = iter(range(RACERS))
    lock = threading.Lock()

    def attempt(_index):
        with lock:
            member_id = member_ids[next(counter)]
        from coworking.accounts.models import User
        from coworking.hubs.models import Space

        member = db.session.get(User, member_id)
        booking = book_space(db.session.get(Space, room_id), member, starts_at, ends_at, booked_by=member)
        return booking.id

    results = run_together(app, RACERS, attempt)
    winners = [r for r in results if isinstance(r, int)]
    losers = [r for r in results if not isinstance(r, int)]
    assert len(winners) == 1
    assert all(isinstance(r, BookingConflict) for r in losers), losers
    db.session.rollback()  # end the test's own snapshot to see what the racers committed
    assert confirmed_count(room_id) == 1


def test_racing_for_the_last_free_desk_exactly_one_gets_it(app, hub, desks, monday, at, book, make_user):
    opens, closes = at(monday, "08:00"), at(monday, "18:00")
    for desk in desks[:-1]:
        book(desk, opens, closes, who=make_user())
    racers = [make_user() for _ in range(RACERS)]
    hub_id, member_ids = hub.id, [u.id for u in racers]
    counter = iter(range(RACERS))
    lock = threading.Lock()

    def attempt(_index):
        with lock:
            member_id = member_ids[next(counter)]
        from coworking.accounts.models import User
        from coworking.hubs.models import Hub

        member = db.session.get(User, member_id)
        return book_any_desk(db.session.get(Hub, hub_id), member, opens, closes, booked_by=member).id

    results = run_together(app, RACERS, attempt)
    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 1
    assert all(isinstance(r, NoDeskFree) for r in results if not isinstance(r, int)), results
    db.session.rollback()  # end the test's own snapshot to see what the racers committed
    assert confirmed_count() == len(desks)


def test_racing_edits_cannot_move_two_bookings_onto_one_slot(app, room, monday, at, book, make_user):
    movers = [make_user() for _ in range(RACERS)]
    bookings = [
        book(room, at(monday, f"{9 + i // 2:02d}:{30 * (i % 2):02d}"), at(monday, f"{9 + (i + 1) // 2:02d}:{30 * ((i + 1) % 2):02d}"), who=m)
        for i, m in enumerate(movers)
    ]
    booking_ids = [b.id for b in bookings]
    target_start, target_end = at(monday, "16:00"), at(monday, "17:00")
    counter = iter(range(RACERS))
    lock = threading.Lock()

    def attempt(_index):
        with lock:
            booking_id = booking_ids[next(counter)]
        booking = db.session.get(Booking, booking_id)
        return move_booking(booking, target_start, target_end, by=booking.member).id

    results = run_together(app, RACERS, attempt)
    assert len([r for r in results if isinstance(r, int)]) == 1
    assert all(isinstance(r, BookingConflict) for r in results if not isinstance(r, int)), results
    db.session.rollback()  # end the test's own snapshot to see what the racers committed
    at_target = db.session.scalar(
        sa.select(sa.func.count(Booking.id)).where(Booking.starts_at == target_start, Booking.status == "confirmed")
    )
    assert at_target == 1
