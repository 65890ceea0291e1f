"""Bookings announce what happened (``coworking.events``), so later areas (memberships' allowance)
can react without bookings importing them: each booking made (each date of a series too), a move
with when and where it was, a cancellation with who cancelled. Blocks announce nothing.

Receivers run inside the booking's transaction: what they write commits with the booking, and a
receiver's refusal stores nothing and is answered like any booking refusal, on a page or in the API.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from coworking.bookings.blocks import block_space
from coworking.bookings.models import Booking
from coworking.bookings.operations import book_space, cancel_booking, move_booking
from coworking.bookings.recurrence import Recurrence
from coworking.bookings.series import book_series, cancel_series
from coworking.errors import DomainError
from coworking.events import booking_cancelled, booking_created, booking_moved
from coworking.extensions import db
from coworking.mail import OutboxMessage, queue_mail
from tests.conftest import bearer, post_form
from tests.hubs.helpers import fresh_snapshot


@contextmanager
def received(signal, react=None) -> Iterator[list[dict]]:
    """What ``signal`` delivers while the block runs: the sender, the keyword arguments, and
    whether the receiver ran inside a transaction that already holds the booking's row."""
    calls: list[dict] = []

    def receiver(booking, **kwargs):
        stored = db.session.scalar(sa.select(sa.func.count()).where(Booking.id == booking.id))
        calls.append({"booking": booking, **kwargs, "in_transaction": db.session().in_transaction() and stored == 1})
        if react is not None:
            react(booking)

    signal.connect(receiver)
    try:
        yield calls
    finally:
        signal.disconnect(receiver)


def outbox_subjects() -> list[str]:
    fresh_snapshot()
    return list(db.session.scalars(sa.select(OutboxMessage.subject).order_by(OutboxMessage.id)))


def confirmed_count() -> int:
    fresh_snapshot()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Booking).where(Booking.status == "confirmed"))


# --- what is announced ----------------------------------------------------------------------

def test_each_booking_made_is_announced_once_inside_its_transaction(room, member, monday, at):
    with received(booking_created) as calls:
        booking = book_space(room, member, at(monday, "09:00"), at(monday, "10:00"), booked_by=member)
    assert [(call["booking"], call["in_transaction"]) for call in calls] == [(booking, True)]


def test_each_date_of_a_series_is_announced(room, member, monday):
    with received(booking_created) as calls:
        series, _ = book_series(room, member, Recurrence("weekly", monday, weekdays=(0,), count=3), time(9), time(10), booked_by=member)
    assert [call["booking"].series_id for call in calls] == [series.id] * 3
    assert len({call["booking"].id for call in calls}) == 3
    assert all(call["in_transaction"] for call in calls)


def test_a_move_is_announced_with_where_and_when_the_booking_was(hub, room, make_space, member, monday, at, book):
    booking = book(room, at(monday, "09:00"), at(monday, "10:00"))
    other_room = make_space(hub, "room", "Small Room")
    with received(booking_moved) as calls:
        move_booking(booking, at(monday, "11:00"), at(monday, "12:00"), by=member, space=other_room)
    [call] = calls
    assert call["booking"] is booking and call["in_transaction"]
    assert (call["previous_starts_at"], call["previous_ends_at"], call["previous_space_id"]) == (
        at(monday, "09:00"), at(monday, "10:00"), room.id
    )
    assert (booking.space_id, booking.starts_at) == (other_room.id, at(monday, "11:00"))


def test_a_cancellation_is_announced_with_who_cancelled(hub, room, member, monday, at, book, make_manager):
    booking = book(room, at(monday, "09:00"), at(monday, "10:00"))
    manager = make_manager(hub)
    with received(booking_cancelled) as calls:
        cancel_booking(booking, by=manager, reason="Boiler repair")
    assert [(call["booking"], call["by"], call["in_transaction"]) for call in calls] == [(booking, manager, True)]


def test_cancelling_a_series_announces_each_booking_cancelled(room, member, monday):
    series, _ = book_series(room, member, Recurrence("weekly", monday, weekdays=(0,), count=3), time(9), time(10), booked_by=member)
    db.session.commit()
    with received(booking_cancelled) as calls:
        cancelled = cancel_series(series, by=member)
    assert [call["booking"] for call in calls] == cancelled and len(cancelled) == 3
    assert {call["by"] for call in calls} == {member}


def test_blocks_are_not_bookings_and_announce_nothing(hub, room, monday, at, make_manager):
    manager = make_manager(hub)
    with received(booking_created) as made, received(booking_cancelled) as cancelled:
        [block] = block_space(room, at(monday, "09:00"), at(monday, "12:00"), "Deep clean", by=manager)
        cancel_booking(block, by=manager)
    assert (made, cancelled) == ([], [])


# --- receivers share the booking's transaction ----------------------------------------------

def write_a_row(booking) -> None:
    queue_mail("allowance@example.org", f"Allowance used by booking {booking.id}", "")


def refuse(booking) -> None:
    raise DomainError("No desk days left this month.", status=409)


@pytest.fixture
def member_signed_in(auth, member, make_token):
    assert auth.login(member).status_code == 302
    fresh_snapshot()
    return bearer(make_token(member))


def test_what_a_receiver_writes_commits_with_the_booking_from_the_page_and_the_api(client, member_signed_in, room, monday, at):
    form = {"day": monday.isoformat(), "space": str(room.id), "starts": "09:00", "ends": "10:00"}
    api_body = {"space_id": room.id, "starts_at": at(monday, "11:00").isoformat(), "ends_at": at(monday, "12:00").isoformat()}
    with received(booking_created, write_a_row):
        assert post_form(client, "/hubs/here/book/room", form).status_code == 302
        assert client.post("/api/v1/bookings", json=api_body, headers=member_signed_in).status_code == 201
    assert confirmed_count() == 2
    assert sum(subject.startswith("Allowance used by booking") for subject in outbox_subjects()) == 2


def test_a_receivers_refusal_stores_nothing_and_is_answered_on_the_page_and_in_the_api(client, member_signed_in, room, monday, at):
    form = {"day": monday.isoformat(), "space": str(room.id), "starts": "09:00", "ends": "10:00"}
    api_body = {"space_id": room.id, "starts_at": at(monday, "11:00").isoformat(), "ends_at": at(monday, "12:00").isoformat()}
    with received(booking_created, refuse):
        page = post_form(client, "/hubs/here/book/room", form)
        api = client.post("/api/v1/bookings", json=api_body, headers=member_signed_in)
    assert page.status_code == api.status_code == 409
    assert "No desk days left this month." in page.get_data(as_text=True)
    assert api.get_json()["error"]["message"] == "No desk days left this month."
    assert confirmed_count() == 0
    assert outbox_subjects() == []  # nor the confirmation email


# --- cancelling holds the write lock, like every write path ---------------------------------

def holds_sqlite_write_lock() -> bool:
    return db.session.connection().connection.dbapi_connection.in_transaction


@pytest.mark.parametrize("cancel", ["one booking", "a series"])
def test_cancelling_takes_the_write_lock_before_it_checks(room, member, monday, at, cancel):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's BEGIN IMMEDIATE; PostgreSQL locks the rows it updates")
    series, _ = book_series(room, member, Recurrence("weekly", monday, weekdays=(0,), count=1), time(9), time(10), booked_by=member)
    db.session.commit()
    [booking] = series.bookings
    too_late = booking.starts_at + timedelta(minutes=1)  # refused before anything is written
    with pytest.raises(DomainError):
        if cancel == "one booking":
            cancel_booking(booking, by=member, now=too_late)
        else:
            cancel_series(series, by=member, from_booking=booking, now=booking.starts_at - timedelta(minutes=1))
    assert holds_sqlite_write_lock()
    db.session.rollback()
