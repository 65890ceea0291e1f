"""The booking mails word for word: written from templates (templates/mail/bookings/), they say
exactly what they said when they were f-strings, in plain text (nothing HTML-escaped)."""
from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa

from coworking.bookings.notifications import queue_cancellation_notice
from coworking.bookings.operations import book_space, cancel_booking
from coworking.bookings.recurrence import Recurrence
from coworking.bookings.series import book_series, cancel_series
from coworking.extensions import db
from coworking.mail import OutboxMessage


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def when(day: date, start: str, end: str) -> str:
    return f"{day:%A %d %B %Y}, {start}–{end}"


def test_a_booking_confirmation_names_the_space_the_hub_and_the_time_with_the_ics_attached(room, member, monday, at):
    book_space(room, member, at(monday, "09:00"), at(monday, "10:30"), booked_by=member)

    [message] = outbox()
    assert message.to_address == "member@example.org"
    assert message.subject == f"Booking confirmed: Meeting Room, {when(monday, '09:00', '10:30')}"
    assert message.body_text == (
        "Hello Mary,\n\n"
        "You have booked Meeting Room at Here Hub\n"
        f"on {when(monday, '09:00', '10:30')}.\n\n"
        "The attached file adds it to your calendar.\n"
    )
    assert [(a["filename"], a["content_type"]) for a in message.attachments] == [("booking.ics", "text/calendar")]


def test_mail_is_plain_text_so_names_are_not_html_escaped(hub, make_space, member, monday, at):
    space = make_space(hub, "room", "Tom & Jerry's <Room>")
    book_space(space, member, at(monday, "09:00"), at(monday, "10:00"), booked_by=member)

    [message] = outbox()
    assert message.subject.startswith("Booking confirmed: Tom & Jerry's <Room>, ")
    assert "You have booked Tom & Jerry's <Room> at Here Hub\n" in message.body_text


def test_a_series_confirmation_lists_every_date_booked(room, member, monday):
    recurrence = Recurrence("weekly", monday, weekdays=(0,), count=2)
    book_series(room, member, recurrence, time(9), time(10), booked_by=member)

    [message] = outbox()
    assert message.subject == "Recurring booking confirmed: Meeting Room"
    second = date.fromordinal(monday.toordinal() + 7)
    assert message.body_text == (
        "Hello Mary,\n\n"
        f"You have booked Meeting Room, {recurrence.describe()},\n"
        "09:00–10:00, on these dates:\n"
        f"  - {monday:%a %d %b %Y}\n"
        f"  - {second:%a %d %b %Y}\n"
    )


def test_a_cancellation_notice_gives_the_hubs_reason(hub, room, member, monday, at, book, make_manager):
    booking = book(room, at(monday, "09:00"), at(monday, "10:00"), notify=False)
    cancel_booking(booking, by=make_manager(hub), reason="  Boiler repair ")

    [message] = outbox()
    assert message.subject == "Booking cancelled: Meeting Room"
    assert message.body_text == (
        "Hello Mary,\n\n"
        f"Here Hub has cancelled your booking of Meeting Room on {when(monday, '09:00', '10:00')}.\n"
        "\nReason: Boiler repair\n"
    )


def test_a_cancellation_notice_without_a_reason_ends_after_the_booking(room, member, monday, at, book):
    booking = book(room, at(monday, "09:00"), at(monday, "10:00"), notify=False)

    queue_cancellation_notice(booking)  # the hub's staff always give a reason; the text copes without

    [message] = outbox()
    assert message.body_text == (
        "Hello Mary,\n\n"
        f"Here Hub has cancelled your booking of Meeting Room on {when(monday, '09:00', '10:00')}.\n"
    )


def test_cancelling_a_series_sends_one_notice_counting_the_later_dates(hub, room, member, monday, make_manager):
    series, _ = book_series(room, member, Recurrence("weekly", monday, weekdays=(0,), count=3), time(9), time(10), booked_by=member)
    db.session.execute(sa.delete(OutboxMessage))
    cancel_series(series, by=make_manager(hub), reason="Room flooded")

    [message] = outbox()
    assert message.body_text == (
        "Hello Mary,\n\n"
        f"Here Hub has cancelled your booking of Meeting Room on {when(monday, '09:00', '10:00')} and 2 later dates.\n"
        "\nReason: Room flooded\n"
    )
