"""Cancelling and moving: members up to the hub's cutoff, managers any time with a reason
(the member is emailed); every change bumps the booking's sequence, a move keeps its id."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from coworking.bookings.errors import BookingConflict, BookingRulesBroken, NotAllowed, NotCancellable
from coworking.bookings.models import Booking
from coworking.bookings.operations import book_space, cancel_booking, move_booking
from coworking.extensions import db
from coworking.hubs.roles import Role
from coworking.mail import OutboxMessage

NOW = datetime(2027, 3, 15, 12, 0, tzinfo=timezone.utc)
DAY = date(2027, 3, 22)  # a Monday, GMT
STARTS = datetime(2027, 3, 22, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def booking(room, member, at, book):
    return book(room, at(DAY, "10:00"), at(DAY, "11:00"), now=NOW)


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def status_of(booking: Booking) -> str:
    db.session.rollback()
    return db.session.get(Booking, booking.id).status


@pytest.mark.parametrize(
    "before_start", [timedelta(days=3), timedelta(minutes=61), timedelta(minutes=60)],
    ids=["days before", "just before the cutoff", "at the cutoff"],
)
def test_a_member_cancels_their_booking_before_the_cutoff(booking, member, before_start):
    now = STARTS - before_start
    cancel_booking(booking, by=member, now=now)
    db.session.commit()
    db.session.refresh(booking)
    assert booking.status == "cancelled"
    assert (booking.cancelled_at, booking.cancelled_by_id) == (now, member.id)
    assert booking.sequence == 1
    assert len(outbox()) == 1  # only the confirmation: nobody emails you about your own cancellation


@pytest.mark.parametrize(
    "now,error,words",
    [
        (STARTS - timedelta(minutes=59), NotCancellable, "can be cancelled up to 60 minutes before they start"),
        (STARTS, NotCancellable, "already started"),
        (STARTS + timedelta(minutes=30), NotCancellable, "already started"),
    ],
    ids=["after the cutoff", "at the start", "during the booking"],
)
def test_a_member_cannot_cancel_late_and_the_booking_stands(booking, member, now, error, words):
    with pytest.raises(error, match=words) as caught:
        cancel_booking(booking, by=member, now=now)
    assert caught.value.status == 409
    assert status_of(booking) == "confirmed"


def test_the_cutoff_is_the_hubs_own(booking, member, set_policy):
    set_policy(cancellation_cutoff_minutes=24 * 60)
    with pytest.raises(NotCancellable, match="up to 1440 minutes before"):
        cancel_booking(booking, by=member, now=STARTS - timedelta(hours=23))


def test_another_member_cannot_cancel_a_booking(booking, make_user):
    with pytest.raises(NotAllowed) as caught:
        cancel_booking(booking, by=make_user(), now=NOW)
    assert caught.value.status == 403
    assert status_of(booking) == "confirmed"


def test_a_manager_of_another_hub_cannot_cancel_a_booking(booking, make_hub, make_manager):
    with pytest.raises(NotAllowed):
        cancel_booking(booking, by=make_manager(make_hub()), reason="Mine now", now=NOW)


@pytest.mark.parametrize(
    "role,now",
    [(Role.MANAGER, NOW), (Role.MANAGER, STARTS - timedelta(minutes=5)), (Role.STAFF, STARTS + timedelta(minutes=30))],
    ids=["manager early", "manager after the cutoff", "staff once started"],
)
def test_hub_staff_cancel_any_time_with_a_reason_and_the_member_is_emailed(hub, booking, member, make_manager, role, now):
    manager = make_manager(hub, role=role)
    cancel_booking(booking, by=manager, reason="  Boiler repair  ", now=now)
    db.session.commit()
    db.session.refresh(booking)
    assert (booking.status, booking.cancel_reason, booking.cancelled_by_id) == ("cancelled", "Boiler repair", manager.id)
    notice = outbox()[-1]
    assert notice.to_address == member.email
    assert notice.subject == "Booking cancelled: Meeting Room"
    assert "Reason: Boiler repair" in notice.body_text
    assert "Monday 22 March 2027, 10:00–11:00" in notice.body_text


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_manager_must_give_a_reason(hub, booking, make_manager, reason):
    mail_before = len(outbox())
    with pytest.raises(BookingRulesBroken, match="Give a reason"):
        cancel_booking(booking, by=make_manager(hub), reason=reason, now=NOW)
    assert status_of(booking) == "confirmed"
    assert len(outbox()) == mail_before


def test_a_manager_cancelling_their_own_booking_needs_no_reason(hub, room, make_manager, at, book):
    manager = make_manager(hub)
    own = book(room, at(DAY, "14:00"), at(DAY, "15:00"), who=manager, now=NOW)
    cancel_booking(own, by=manager, now=NOW)
    assert own.status == "cancelled"


def test_a_cancelled_booking_cannot_be_cancelled_again(booking, member):
    cancel_booking(booking, by=member, now=NOW)
    db.session.commit()
    with pytest.raises(NotCancellable, match="already cancelled"):
        cancel_booking(booking, by=member, now=NOW)
    db.session.rollback()
    assert booking.sequence == 1


# --- moving ----------------------------------------------------------------------------------

def test_moving_keeps_the_id_bumps_the_sequence_and_reprices(booking, member, at):
    original_id = booking.id
    moved = move_booking(booking, at(DAY, "14:00"), at(DAY, "15:30"), by=member, now=NOW)
    db.session.commit()
    db.session.refresh(moved)
    assert moved.id == original_id
    assert moved.sequence == 1
    assert (moved.starts_at, moved.ends_at) == (at(DAY, "14:00"), at(DAY, "15:30"))
    assert moved.price_minor == 3000  # 90 minutes at £20.00 an hour
    assert moved.updated_at == NOW


def test_every_change_bumps_the_sequence(booking, member, at):
    move_booking(booking, at(DAY, "12:00"), at(DAY, "13:00"), by=member, now=NOW)
    move_booking(booking, at(DAY, "13:00"), at(DAY, "14:00"), by=member, now=NOW)
    cancel_booking(booking, by=member, now=NOW)
    db.session.commit()
    db.session.refresh(booking)
    assert booking.sequence == 3


def test_a_moved_booking_frees_its_old_slot(booking, member, make_user, at, book):
    move_booking(booking, at(DAY, "14:00"), at(DAY, "15:00"), by=member, now=NOW)
    db.session.commit()
    assert book(booking.space, at(DAY, "10:00"), at(DAY, "11:00"), who=make_user(), now=NOW).id != booking.id


def test_a_booking_moves_to_another_space_of_its_hub(booking, hub, make_space, member, at):
    other = make_space(hub, "room", "Small Room", hourly_rate_minor=500)
    move_booking(booking, at(DAY, "10:00"), at(DAY, "11:00"), by=member, now=NOW, space=other)
    db.session.commit()
    db.session.refresh(booking)
    assert (booking.space_id, booking.price_minor) == (other.id, 500)


def test_a_booking_cannot_move_to_another_hub(booking, make_hub, make_space, member, at):
    elsewhere = make_space(make_hub(), "room")
    with pytest.raises(NotAllowed, match="within its hub"):
        move_booking(booking, at(DAY, "10:00"), at(DAY, "11:00"), by=member, now=NOW, space=elsewhere)


def test_moving_onto_another_booking_is_refused_and_nothing_changes(booking, room, member, make_user, at, book):
    book(room, at(DAY, "14:00"), at(DAY, "15:00"), who=make_user(), now=NOW)
    with pytest.raises(BookingConflict):
        move_booking(booking, at(DAY, "14:30"), at(DAY, "15:30"), by=member, now=NOW)
    db.session.rollback()
    db.session.refresh(booking)
    assert (booking.starts_at, booking.sequence) == (at(DAY, "10:00"), 0)


def test_moving_within_its_own_time_is_not_a_conflict(booking, member, at):
    move_booking(booking, at(DAY, "10:30"), at(DAY, "11:30"), by=member, now=NOW)
    assert booking.starts_at == at(DAY, "10:30")


def test_a_move_that_breaks_a_rule_is_refused_and_nothing_changes(booking, member, at):
    with pytest.raises(BookingRulesBroken, match="open 08:00–18:00"):
        move_booking(booking, at(DAY, "17:30"), at(DAY, "18:30"), by=member, now=NOW)
    db.session.rollback()
    db.session.refresh(booking)
    assert (booking.starts_at, booking.sequence) == (at(DAY, "10:00"), 0)


def test_another_member_cannot_move_a_booking(booking, make_user, at):
    with pytest.raises(NotAllowed):
        move_booking(booking, at(DAY, "14:00"), at(DAY, "15:00"), by=make_user(), now=NOW)


def test_a_member_cannot_move_a_booking_after_the_cutoff(booking, member, at):
    with pytest.raises(NotCancellable, match="changed up to 60 minutes before"):
        move_booking(booking, at(DAY + timedelta(days=7), "10:00"), at(DAY + timedelta(days=7), "11:00"), by=member, now=STARTS - timedelta(minutes=30))
    assert status_of(booking) == "confirmed"


def test_a_manager_can_move_a_booking_after_the_cutoff(hub, booking, make_manager, at):
    manager = make_manager(hub)
    move_booking(booking, at(DAY, "15:00"), at(DAY, "16:00"), by=manager, now=STARTS - timedelta(minutes=30))
    assert booking.starts_at == at(DAY, "15:00")


def test_a_cancelled_booking_cannot_be_moved(booking, member, at):
    cancel_booking(booking, by=member, now=NOW)
    with pytest.raises(NotCancellable, match="cannot be changed"):
        move_booking(booking, at(DAY, "14:00"), at(DAY, "15:00"), by=member, now=NOW)


def test_a_booking_made_by_a_manager_for_a_member_is_the_members(hub, room, member, make_manager, at):
    manager = make_manager(hub)
    booking = book_space(room, member, at(DAY, "16:00"), at(DAY, "17:00"), booked_by=manager, now=NOW)
    db.session.commit()
    assert (booking.member_id, booking.booked_by_id) == (member.id, manager.id)
    assert outbox()[-1].to_address == member.email
    cancel_booking(booking, by=member, now=NOW)  # the member may cancel it like their own
    assert booking.status == "cancelled"
