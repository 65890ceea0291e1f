"""Recurring bookings: a date-by-date preview, all-or-free-ones booking, and cancellation of
one occurrence, this-and-following, or the whole series — nothing cancelled ever comes back."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa

from coworking.bookings.errors import BookingRulesBroken, NotAllowed, SeriesHasConflicts
from coworking.bookings.models import Booking, BookingSeries
from coworking.bookings.operations import cancel_booking
from coworking.bookings.recurrence import Recurrence, RecurrenceError
from coworking.bookings.series import book_series, cancel_series, preview_series
from coworking.extensions import db
from coworking.hubs.services import add_closure, set_opening_hours
from coworking.mail import OutboxMessage
from coworking.timezones import utc_to_local

NOW = datetime(2027, 3, 15, 12, 0, tzinfo=timezone.utc)  # Monday, London on GMT
FIRST_MONDAY = date(2027, 3, 22)
MONDAYS = [FIRST_MONDAY + timedelta(weeks=n) for n in range(4)]  # 22 Mar (GMT) ... 12 Apr (BST)
NINE, TEN = time(9, 0), time(10, 0)


def weekly_mondays(count: int = 4, **options) -> Recurrence:
    return Recurrence("weekly", FIRST_MONDAY, weekdays=(0,), count=count, **options)


def confirmed(space) -> list[Booking]:
    return list(db.session.scalars(
        sa.select(Booking).where(Booking.space_id == space.id, Booking.status == "confirmed").order_by(Booking.starts_at)
    ))


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def book_weekly(room, member, count: int = 4, **kwargs) -> tuple[BookingSeries, list[Booking]]:
    kwargs.setdefault("booked_by", member)
    series, _ = book_series(room, member, weekly_mondays(count), NINE, TEN, now=NOW, **kwargs)
    db.session.commit()
    return series, list(series.bookings)


# --- preview ----------------------------------------------------------------------------------

def test_preview_lists_every_date_free_at_the_same_local_time_across_the_clock_change(room, member):
    preview = preview_series(room, member, weekly_mondays(), NINE, TEN, now=NOW)
    assert [o.day for o in preview] == MONDAYS
    assert all(o.is_free for o in preview)
    assert [utc_to_local(o.starts_at, "Europe/London").time() for o in preview] == [NINE] * 4
    # 09:00 GMT is 09:00 UTC; after 28 March, 09:00 BST is 08:00 UTC.
    assert [o.starts_at.hour for o in preview] == [9, 8, 8, 8]
    assert count(Booking) == 0


def test_preview_names_the_reason_for_each_date_that_cannot_be_booked(hub, room, member, make_user, at, book):
    book(room, at(MONDAYS[1], "09:30"), at(MONDAYS[1], "10:30"), who=make_user(), now=NOW)
    add_closure(hub, MONDAYS[2], MONDAYS[2], "Building works")
    db.session.commit()

    preview = preview_series(room, member, weekly_mondays(), NINE, TEN, now=NOW)

    assert [o.is_free for o in preview] == [True, False, False, True]
    assert preview[1].problems == ["Already booked."]
    assert preview[2].problems == ["Here Hub is closed on 05 April 2027 (Building works)."]


def test_preview_counts_the_series_own_bookings_towards_the_limit(room, member, set_policy):
    set_policy(max_active_bookings=2)
    preview = preview_series(room, member, weekly_mondays(3), NINE, TEN, now=NOW)
    assert [o.is_free for o in preview] == [True, True, False]
    assert "you already have 2" in preview[2].problems[0]


def test_preview_marks_a_wall_time_that_does_not_exist_on_the_clock_change_day(hub, room, member):
    for weekday in range(7):
        set_opening_hours(hub, weekday, time(0, 0), time(23, 0))
    db.session.commit()
    recurrence = Recurrence("daily", date(2027, 3, 27), count=3)
    preview = preview_series(room, member, recurrence, time(1, 30), time(2, 30), now=NOW)
    assert [o.is_free for o in preview] == [True, False, True]
    assert "the clocks go forward" in preview[1].problems[0]


@pytest.mark.parametrize(
    "recurrence,words",
    [
        (Recurrence("weekly", FIRST_MONDAY, weekdays=(0,)), "Say when the series ends"),
        (Recurrence("weekly", FIRST_MONDAY, weekdays=(0,), until=date(2027, 6, 14)), "up to 13 June 2027"),
        (Recurrence("weekly", FIRST_MONDAY, weekdays=(0,), count=13), "13 times runs past 13 June 2027"),
    ],
    ids=["no end", "until past the horizon", "count past the horizon"],
)
def test_a_series_with_no_end_or_past_the_horizon_is_refused_and_nothing_is_stored(room, member, recurrence, words):
    with pytest.raises(RecurrenceError, match=words):
        book_series(room, member, recurrence, NINE, TEN, booked_by=member, now=NOW)
    db.session.rollback()
    assert (count(Booking), count(BookingSeries)) == (0, 0)


def test_the_series_horizon_is_no_further_than_the_booking_window(room, member, set_policy):
    set_policy(max_days_ahead=14, series_horizon_days=182)
    with pytest.raises(RecurrenceError, match="runs past 29 March 2027"):
        preview_series(room, member, weekly_mondays(3), NINE, TEN, now=NOW)


# --- booking ----------------------------------------------------------------------------------

def test_a_free_series_books_one_row_per_date_and_sends_one_email(room, member):
    series, bookings = book_weekly(room, member)
    assert [utc_to_local(b.starts_at, "Europe/London").date() for b in bookings] == MONDAYS
    assert {b.series_id for b in bookings} == {series.id}
    assert len({b.id for b in bookings}) == 4
    assert all(b.price_minor == room.hourly_rate_minor for b in bookings)
    assert (series.local_start, series.local_end) == (NINE, TEN)
    assert series.rule["freq"] == "weekly" and series.rule["count"] == 4
    [message] = db.session.scalars(sa.select(OutboxMessage))
    assert message.to_address == member.email
    assert "every week on Monday, 4 times" in message.body_text


def test_a_series_with_conflicts_books_none_of_them(room, member, make_user, at, book):
    other = book(room, at(MONDAYS[1], "09:00"), at(MONDAYS[1], "10:00"), who=make_user(), now=NOW)
    mail_before = count(OutboxMessage)
    with pytest.raises(SeriesHasConflicts) as caught:
        book_series(room, member, weekly_mondays(), NINE, TEN, booked_by=member, now=NOW)
    db.session.rollback()
    assert caught.value.status == 409
    assert "1 of 4 dates cannot be booked" in caught.value.message
    assert [o.day for o in caught.value.preview if not o.is_free] == [MONDAYS[1]]
    assert [b.id for b in confirmed(room)] == [other.id]
    assert (count(BookingSeries), count(OutboxMessage)) == (0, mail_before)


def test_skipping_conflicts_books_exactly_the_free_dates(room, member, make_user, at, book):
    book(room, at(MONDAYS[1], "09:00"), at(MONDAYS[1], "10:00"), who=make_user(), now=NOW)
    series, preview = book_series(room, member, weekly_mondays(), NINE, TEN, booked_by=member, now=NOW, skip_conflicts=True)
    db.session.commit()
    booked_days = [utc_to_local(b.starts_at, "Europe/London").date() for b in series.bookings]
    assert booked_days == [MONDAYS[0], MONDAYS[2], MONDAYS[3]]
    assert [o.day for o in preview if o.is_free] == booked_days


def test_a_series_with_no_free_date_books_nothing_even_when_skipping(hub, room, member):
    add_closure(hub, FIRST_MONDAY, MONDAYS[-1], "Refurbishment")
    db.session.commit()
    with pytest.raises(SeriesHasConflicts):
        book_series(room, member, weekly_mondays(), NINE, TEN, booked_by=member, now=NOW, skip_conflicts=True)
    db.session.rollback()
    assert (count(Booking), count(BookingSeries)) == (0, 0)


def test_a_manager_books_a_series_for_a_member_overriding_a_closure(hub, room, member, make_manager):
    manager = make_manager(hub)
    add_closure(hub, MONDAYS[2], MONDAYS[2], "Building works")
    db.session.commit()
    series, bookings = book_weekly(room, member, booked_by=manager, override_rules=True)
    assert len(bookings) == 4
    assert bookings[2].overridden_rules == ["Here Hub is closed on 05 April 2027 (Building works)."]
    assert series.booked_by_id == manager.id and series.member_id == member.id


def test_a_member_cannot_override_rules_for_a_series(room, member):
    with pytest.raises(NotAllowed):
        book_series(room, member, weekly_mondays(), NINE, TEN, booked_by=member, now=NOW, override_rules=True)


# --- cancelling -------------------------------------------------------------------------------

def test_cancelling_one_occurrence_leaves_the_others(room, member):
    _, bookings = book_weekly(room, member)
    cancel_booking(bookings[1], by=member, now=NOW)
    db.session.commit()
    assert [b.id for b in confirmed(room)] == [bookings[0].id, bookings[2].id, bookings[3].id]


def test_cancelling_this_and_following_keeps_the_earlier_ones(room, member):
    series, bookings = book_weekly(room, member)
    cancelled = cancel_series(series, by=member, from_booking=bookings[2], now=NOW)
    db.session.commit()
    assert [b.id for b in cancelled] == [bookings[2].id, bookings[3].id]
    assert [b.id for b in confirmed(room)] == [bookings[0].id, bookings[1].id]


def test_cancelling_the_whole_series_leaves_past_occurrences_alone(room, member):
    series, bookings = book_weekly(room, member)
    later = datetime(2027, 3, 29, 12, 0, tzinfo=timezone.utc)  # after the first two Mondays' bookings
    cancelled = cancel_series(series, by=member, now=later)
    db.session.commit()
    assert [b.id for b in cancelled] == [bookings[2].id, bookings[3].id]
    assert [b.status for b in bookings] == ["confirmed", "confirmed", "cancelled", "cancelled"]


def test_nothing_cancelled_ever_comes_back(room, member):
    series, bookings = book_weekly(room, member)
    cancel_booking(bookings[0], by=member, now=NOW)
    db.session.commit()
    first_cancel = (bookings[0].cancelled_at, bookings[0].sequence)
    cancel_series(series, by=member, now=NOW + timedelta(hours=1))
    db.session.commit()
    cancelled_rows = {b.id: (b.status, b.cancelled_at, b.sequence) for b in bookings}

    assert cancel_series(series, by=member, now=NOW + timedelta(hours=2)) == []
    db.session.commit()
    assert {b.id: (b.status, b.cancelled_at, b.sequence) for b in series.bookings} == cancelled_rows
    assert (bookings[0].cancelled_at, bookings[0].sequence) == first_cancel

    # Booking the same dates again makes new rows; the cancelled ones stay cancelled.
    again, new_bookings = book_weekly(room, member)
    assert again.id != series.id
    assert not {b.id for b in new_bookings} & set(cancelled_rows)
    assert all(status == "cancelled" for status, _, _ in cancelled_rows.values())
    assert count(Booking) == 8


def test_a_manager_cancels_a_members_series_with_a_reason_and_the_member_is_told(hub, room, member, make_manager):
    manager = make_manager(hub)
    series, _ = book_weekly(room, member)
    with pytest.raises(BookingRulesBroken, match="Give a reason"):
        cancel_series(series, by=manager, now=NOW)
    db.session.rollback()
    mail_before = count(OutboxMessage)
    cancelled = cancel_series(series, by=manager, reason="Room flooded", now=NOW)
    db.session.commit()
    assert len(cancelled) == 4 and all(b.cancel_reason == "Room flooded" for b in cancelled)
    [notice] = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1))
    assert count(OutboxMessage) == mail_before + 1
    assert notice.to_address == member.email
    assert "and 3 later dates" in notice.body_text and "Room flooded" in notice.body_text


def test_another_member_cannot_cancel_a_series(room, member, make_user):
    series, bookings = book_weekly(room, member)
    intruder = make_user()
    with pytest.raises(NotAllowed):
        cancel_series(series, by=intruder, now=NOW)
    db.session.rollback()
    later = datetime(2027, 5, 1, tzinfo=timezone.utc)  # even when nothing is left to cancel
    with pytest.raises(NotAllowed):
        cancel_series(series, by=intruder, now=later)
    assert len(confirmed(room)) == 4


def test_this_and_following_must_start_from_a_booking_of_the_series(room, member, at, book):
    series, _ = book_weekly(room, member)
    stranger = book(room, at(MONDAYS[0], "14:00"), at(MONDAYS[0], "15:00"), now=NOW)
    with pytest.raises(NotAllowed):
        cancel_series(series, by=member, from_booking=stranger, now=NOW)
