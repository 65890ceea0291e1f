"""Booking rules: every rule refuses in plain words, all broken rules are listed at once,
nothing is stored after a refusal, and only hub staff may override (never the no-overlap)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa

from coworking.bookings.errors import BookingConflict, BookingRulesBroken, NotAllowed
from coworking.bookings.models import Booking
from coworking.bookings.operations import book_space
from coworking.extensions import db
from coworking.hubs.services import add_closure
from coworking.mail import OutboxMessage

# Monday 15 March 2027, 12:00 in London (still GMT): every test books relative to this.
NOW = datetime(2027, 3, 15, 12, 0, tzinfo=timezone.utc)
TODAY = date(2027, 3, 15)
NEXT_MONDAY = date(2027, 3, 22)
SATURDAY = date(2027, 3, 20)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def refusal(space, member, starts_at, ends_at, **kwargs) -> list[str]:
    kwargs.setdefault("booked_by", member)
    with pytest.raises(BookingRulesBroken) as caught:
        book_space(space, member, starts_at, ends_at, now=NOW, **kwargs)
    db.session.rollback()
    assert caught.value.status == 422
    return caught.value.problems


# Each case: space kind, local day, start, end, rules to set, extra setup, words in the refusal.
RULE_CASES = {
    "end before start": ("room", NEXT_MONDAY, "11:00", "10:00", {}, None, "The end must be after the start."),
    "zero length": ("room", NEXT_MONDAY, "10:00", "10:00", {}, None, "The end must be after the start."),
    "in the past": ("room", TODAY, "09:00", "10:00", {}, None, "already passed"),
    "beyond the booking window": ("room", TODAY + timedelta(days=91), "10:00", "11:00", {}, None, "at most 90 days ahead"),
    "short notice": ("room", TODAY, "13:00", "14:00", {"min_notice_minutes": 120}, None, "at least 120 minutes' notice"),
    "before opening": ("room", NEXT_MONDAY, "07:00", "08:30", {}, None, "open 08:00–18:00 on Mondays"),
    "after closing": ("room", NEXT_MONDAY, "17:00", "18:30", {}, None, "open 08:00–18:00 on Mondays"),
    "closed weekday": ("room", SATURDAY, "10:00", "11:00", {}, None, "closed on Saturdays"),
    "closure": ("room", NEXT_MONDAY, "10:00", "11:00", {}, "closure", "(Staff training)"),
    "inactive space": ("room", NEXT_MONDAY, "10:00", "11:00", {}, "inactive", "not available for booking"),
    "off the slot grid": ("room", NEXT_MONDAY, "10:10", "11:10", {}, None, "15-minute grid"),
    "off an hourly grid": ("room", NEXT_MONDAY, "10:30", "11:30", {"slot_minutes": 60}, None, "60-minute grid (such as 09:00, 10:00)"),
    "off a 45-minute grid": ("room", NEXT_MONDAY, "10:00", "10:45", {"slot_minutes": 45}, None, "45-minute grid"),
    "too short": ("room", NEXT_MONDAY, "10:00", "10:15", {}, None, "at least 30 minutes"),
    "too long": ("room", NEXT_MONDAY, "10:00", "13:00", {"max_duration_minutes": 120}, None, "at most 2 hours."),
    "too long for an hour": ("room", NEXT_MONDAY, "10:00", "11:30", {"max_duration_minutes": 60}, None, "at most 1 hour."),
    "desk for two hours": ("desk", NEXT_MONDAY, "10:00", "12:00", {}, None, "full day or a half day: 08:00–18:00 or 08:00–13:00 or 13:00–18:00"),
    "too many bookings": ("room", NEXT_MONDAY, "15:00", "16:00", {"max_active_bookings": 2}, "two bookings", "at most 2 upcoming bookings per member, and you already have 2"),
    "no buffer after a booking": ("room", NEXT_MONDAY, "11:00", "12:00", {"buffer_minutes": 15}, "booked 10-11", "15 minutes free between bookings"),
    "no buffer before a booking": ("room", NEXT_MONDAY, "09:00", "09:50", {"buffer_minutes": 15, "slot_minutes": 5}, "booked 10-11", "15 minutes free between bookings"),
}


@pytest.fixture
def space_of(room, desks):
    return {"room": room, "desk": desks[0]}


def prepare(setup, hub, space, member, at, book):
    if setup == "closure":
        add_closure(hub, NEXT_MONDAY, NEXT_MONDAY, "Staff training")
    elif setup == "inactive":
        space.active = False
    elif setup == "two bookings":
        book(space, at(NEXT_MONDAY, "10:00"), at(NEXT_MONDAY, "11:00"), now=NOW)
        book(space, at(NEXT_MONDAY, "11:00"), at(NEXT_MONDAY, "12:00"), now=NOW)
    elif setup == "booked 10-11":
        book(space, at(NEXT_MONDAY, "10:00"), at(NEXT_MONDAY, "11:00"), now=NOW)
    db.session.commit()


@pytest.mark.parametrize("case", RULE_CASES.values(), ids=RULE_CASES.keys())
def test_each_rule_refuses_in_plain_words_and_stores_nothing(case, hub, space_of, member, at, book, set_policy):
    kind, day, start, end, policy, setup, words = case
    space = space_of[kind]
    if policy:
        set_policy(**policy)
    prepare(setup, hub, space, member, at, book)
    bookings_before, mail_before = count(Booking), count(OutboxMessage)

    problems = refusal(space, member, at(day, start), at(day, end))

    assert len(problems) == 1, problems
    assert words in problems[0]
    assert (count(Booking), count(OutboxMessage)) == (bookings_before, mail_before)


def test_a_booking_longer_than_the_longest_span_is_refused(room, member, at):
    problems = refusal(room, member, at(NEXT_MONDAY, "08:00"), at(NEXT_MONDAY + timedelta(days=1), "10:00"))
    assert problems == ["A booking cannot last longer than a day."]


def test_the_booking_window_counts_whole_local_days(room, member, at, set_policy):
    set_policy(max_days_ahead=7)
    last_day = TODAY + timedelta(days=7)
    # Later in the day than "now", on the last bookable day, is still within the window.
    booking = book_space(room, member, at(last_day, "16:00"), at(last_day, "17:00"), booked_by=member, now=NOW)
    assert booking.id is not None


def test_a_booking_that_breaks_several_rules_lists_every_one(room, member, at):
    problems = refusal(room, member, at(SATURDAY, "07:10"), at(SATURDAY, "07:20"))
    assert len(problems) == 3
    assert "closed on Saturdays" in problems[0]
    assert "15-minute grid" in problems[1]
    assert "at least 30 minutes" in problems[2]
    assert count(Booking) == 0


def test_a_booking_that_breaks_no_rule_is_stored(room, member, at):
    booking = book_space(room, member, at(NEXT_MONDAY, "10:00"), at(NEXT_MONDAY, "11:00"), booked_by=member, now=NOW)
    db.session.commit()
    assert booking.overridden_rules == []
    assert count(Booking) == 1


def test_an_overlapping_booking_with_a_buffer_is_refused_as_already_booked(room, member, at, book, set_policy):
    set_policy(buffer_minutes=15)
    book(room, at(NEXT_MONDAY, "10:00"), at(NEXT_MONDAY, "11:00"), now=NOW)
    with pytest.raises(BookingConflict, match="already booked"):
        book(room, at(NEXT_MONDAY, "10:30"), at(NEXT_MONDAY, "11:30"), now=NOW)


def test_the_buffer_applies_to_rooms_only(desks, member, at, book, set_policy):
    set_policy(buffer_minutes=30)
    book(desks[0], at(NEXT_MONDAY, "08:00"), at(NEXT_MONDAY, "13:00"), now=NOW)
    afternoon = book(desks[0], at(NEXT_MONDAY, "13:00"), at(NEXT_MONDAY, "18:00"), now=NOW)
    assert afternoon.id is not None


def test_cancelled_and_past_bookings_do_not_count_towards_the_limit(room, member, at, book, set_policy):
    from coworking.bookings.operations import cancel_booking

    set_policy(max_active_bookings=1)
    book(room, at(TODAY, "09:00"), at(TODAY, "10:00"), now=NOW - timedelta(days=1))
    cancelled = book(room, at(NEXT_MONDAY, "10:00"), at(NEXT_MONDAY, "11:00"), now=NOW)
    cancel_booking(cancelled, by=member, now=NOW)
    db.session.commit()
    assert book(room, at(NEXT_MONDAY, "14:00"), at(NEXT_MONDAY, "15:00"), now=NOW).id is not None


def test_the_limit_message_states_the_limit_and_the_count_apart(room, member, at, book, set_policy):
    for hour in ("09:00", "10:00", "11:00"):
        book(room, at(NEXT_MONDAY, hour), at(NEXT_MONDAY, hour[:2] + ":45"), now=NOW)
    set_policy(max_active_bookings=2)  # lowered after the member already holds three

    problems = refusal(room, member, at(NEXT_MONDAY, "15:00"), at(NEXT_MONDAY, "16:00"))

    assert problems == [
        "Here Hub allows at most 2 upcoming bookings per member, and you already have 3: "
        "cancel one, or book again once one has passed."
    ]


# --- per-space overrides --------------------------------------------------------------------

def test_a_space_override_takes_precedence_over_the_hub_rule(hub, room, make_space, member, at, set_policy):
    set_policy(min_duration_minutes=60)
    set_policy(room, min_duration_minutes=15)
    other_room = make_space(hub, "room", "Other Room")
    short = book_space(room, member, at(NEXT_MONDAY, "10:00"), at(NEXT_MONDAY, "10:15"), booked_by=member, now=NOW)
    assert short.id is not None
    problems = refusal(other_room, member, at(NEXT_MONDAY, "10:00"), at(NEXT_MONDAY, "10:30"))
    assert problems == ["Bookings last at least 1 hour."]


def test_a_space_without_an_override_follows_the_hub(room, member, at, set_policy):
    set_policy(max_duration_minutes=60)
    set_policy(room, slot_minutes=30)  # overrides one rule only; the hub's maximum still holds
    problems = refusal(room, member, at(NEXT_MONDAY, "10:00"), at(NEXT_MONDAY, "12:00"))
    assert problems == ["Bookings last at most 1 hour."]


# --- manager overrides ----------------------------------------------------------------------

def test_a_manager_overrides_rules_and_the_broken_rules_are_recorded(hub, room, member, make_manager, at):
    manager = make_manager(hub)
    booking = book_space(
        room, member, at(SATURDAY, "07:00"), at(SATURDAY, "09:00"),
        booked_by=manager, now=NOW, override_rules=True,
    )
    db.session.commit()
    db.session.expire_all()
    assert booking.booked_by_id == manager.id and booking.member_id == member.id
    assert booking.overridden_rules == ["Here Hub is closed on Saturdays."]


def test_a_manager_without_the_override_is_refused_like_anyone(hub, room, member, make_manager, at):
    manager = make_manager(hub)
    problems = refusal(room, member, at(SATURDAY, "10:00"), at(SATURDAY, "11:00"), booked_by=manager)
    assert problems == ["Here Hub is closed on Saturdays."]


def test_a_member_cannot_override_rules(room, member, at):
    with pytest.raises(NotAllowed) as caught:
        book_space(room, member, at(SATURDAY, "10:00"), at(SATURDAY, "11:00"), booked_by=member, now=NOW, override_rules=True)
    db.session.rollback()
    assert caught.value.status == 403
    assert count(Booking) == 0


def test_a_manager_of_another_hub_cannot_override(room, member, make_hub, make_manager, at):
    elsewhere = make_manager(make_hub())
    with pytest.raises(NotAllowed):
        book_space(room, member, at(SATURDAY, "10:00"), at(SATURDAY, "11:00"), booked_by=elsewhere, now=NOW, override_rules=True)


def test_an_override_never_allows_an_overlap(hub, room, member, make_manager, at, book):
    manager = make_manager(hub)
    book(room, at(SATURDAY, "10:00"), at(SATURDAY, "11:00"), booked_by=manager, now=NOW, override_rules=True)
    with pytest.raises(BookingConflict):
        book_space(room, member, at(SATURDAY, "10:30"), at(SATURDAY, "11:30"), booked_by=manager, now=NOW, override_rules=True)
    db.session.rollback()
    assert count(Booking) == 1


def test_an_override_cannot_make_a_nonsense_booking(hub, room, member, make_manager, at):
    manager = make_manager(hub)
    problems = refusal(room, member, at(NEXT_MONDAY, "11:00"), at(NEXT_MONDAY, "10:00"), booked_by=manager, override_rules=True)
    assert problems == ["The end must be after the start."]


def test_an_override_with_nothing_broken_records_nothing(hub, room, member, make_manager, at):
    manager = make_manager(hub)
    booking = book_space(room, member, at(NEXT_MONDAY, "10:00"), at(NEXT_MONDAY, "11:00"), booked_by=manager, now=NOW, override_rules=True)
    assert booking.overridden_rules == []


def test_the_local_grid_is_used_in_a_half_hour_offset_zone(make_hub, make_space, member):
    from coworking.timezones import combine_local

    kolkata = make_hub(timezone="Asia/Kolkata")
    room = make_space(kolkata, "room")
    starts_at = combine_local(NEXT_MONDAY, time(10, 0), "Asia/Kolkata")  # 04:30 UTC, on the local grid
    booking = book_space(room, member, starts_at, starts_at + timedelta(hours=1), booked_by=member, now=NOW)
    assert booking.id is not None
