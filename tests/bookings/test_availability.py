"""Availability of a hub-day (spaces, busy bookings, free time within opening hours) and
"any free desk", which books whichever desk is free."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from coworking.bookings.availability import availability
from coworking.bookings.blocks import block_space
from coworking.bookings.errors import BookingRulesBroken, NoDeskFree
from coworking.bookings.models import Booking
from coworking.bookings.operations import book_any_desk, cancel_booking
from coworking.extensions import db
from coworking.hubs.services import add_closure, update_space

NOW = datetime(2027, 3, 15, 12, 0, tzinfo=timezone.utc)
DAY = date(2027, 3, 22)  # a Monday; London is on GMT, so local and UTC times agree
SATURDAY = date(2027, 3, 20)


def utc(day: date, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{day.isoformat()}T{hhmm}:00+00:00")


def spaces_by_name(hub_day) -> dict:
    return {space_day.space.name: space_day for space_day in hub_day.spaces}


def test_a_quiet_day_is_free_from_opening_to_closing(hub, room, desks):
    hub_day = availability(hub, DAY)
    assert (hub_day.opens_at, hub_day.closes_at, hub_day.closed_reason) == (utc(DAY, "08:00"), utc(DAY, "18:00"), None)
    assert [s.space.name for s in hub_day.spaces] == ["Desk 1", "Desk 2", "Desk 3", "Meeting Room"]
    assert all(s.bookings == [] and s.free == [(utc(DAY, "08:00"), utc(DAY, "18:00"))] for s in hub_day.spaces)


def test_bookings_are_busy_and_the_gaps_between_them_free(hub, room, desks, member, make_user, at, book):
    first = book(room, at(DAY, "10:00"), at(DAY, "11:00"), now=NOW)
    second = book(room, at(DAY, "14:00"), at(DAY, "15:30"), who=make_user(), now=NOW)
    morning = book(desks[1], at(DAY, "08:00"), at(DAY, "13:00"), now=NOW)

    spaces = spaces_by_name(availability(hub, DAY))

    assert [b.id for b in spaces["Meeting Room"].bookings] == [first.id, second.id]
    assert spaces["Meeting Room"].free == [
        (utc(DAY, "08:00"), utc(DAY, "10:00")),
        (utc(DAY, "11:00"), utc(DAY, "14:00")),
        (utc(DAY, "15:30"), utc(DAY, "18:00")),
    ]
    assert [b.id for b in spaces["Desk 2"].bookings] == [morning.id]
    assert spaces["Desk 2"].free == [(utc(DAY, "13:00"), utc(DAY, "18:00"))]
    assert spaces["Desk 1"].free == [(utc(DAY, "08:00"), utc(DAY, "18:00"))]


def test_cancelled_bookings_and_other_days_leave_the_day_free(hub, room, member, at, book):
    cancelled = book(room, at(DAY, "10:00"), at(DAY, "11:00"), now=NOW)
    cancel_booking(cancelled, by=member, now=NOW)
    book(room, at(date(2027, 3, 23), "10:00"), at(date(2027, 3, 23), "11:00"), now=NOW)
    db.session.commit()
    [space_day] = availability(hub, DAY).spaces
    assert space_day.bookings == []
    assert space_day.free == [(utc(DAY, "08:00"), utc(DAY, "18:00"))]


def test_a_block_is_busy_too(hub, room, make_manager, at):
    manager = make_manager(hub)
    block_space(room, at(DAY, "00:00"), at(DAY, "12:00"), "New carpet", by=manager, now=NOW)
    db.session.commit()
    [space_day] = availability(hub, DAY).spaces
    assert [b.note for b in space_day.bookings] == ["New carpet"]
    assert space_day.free == [(utc(DAY, "12:00"), utc(DAY, "18:00"))]


def test_a_closed_weekday_has_a_reason_and_no_free_time(hub, room, desks):
    hub_day = availability(hub, SATURDAY)
    assert (hub_day.opens_at, hub_day.closes_at, hub_day.closed_reason) == (None, None, "Closed")
    assert len(hub_day.spaces) == 4
    assert all(s.free == [] for s in hub_day.spaces)


def test_a_closure_has_its_reason_and_no_free_time(hub, room, desks):
    add_closure(hub, DAY, DAY, "Staff training")
    db.session.commit()
    hub_day = availability(hub, DAY)
    assert hub_day.closed_reason == "Closed: Staff training"
    assert all(s.free == [] for s in hub_day.spaces)


def test_a_booking_made_despite_a_closure_still_shows_as_busy(hub, room, member, make_manager, at, book):
    add_closure(hub, DAY, DAY, "Staff training")
    db.session.commit()
    booking = book(room, at(DAY, "10:00"), at(DAY, "11:00"), booked_by=make_manager(hub), override_rules=True, now=NOW)
    [space_day] = availability(hub, DAY).spaces
    assert [b.id for b in space_day.bookings] == [booking.id]


def test_only_the_hubs_active_spaces_are_listed(hub, room, desks, make_hub, make_space):
    make_space(make_hub(), "room", "Elsewhere Room")
    update_space(desks[2], active=False)
    db.session.commit()
    assert [s.space.name for s in availability(hub, DAY).spaces] == ["Desk 1", "Desk 2", "Meeting Room"]


@pytest.mark.parametrize("kind,names", [("desk", ["Desk 1", "Desk 2", "Desk 3"]), ("room", ["Meeting Room"]), ("office", [])])
def test_availability_can_be_filtered_by_kind(hub, room, desks, kind, names):
    assert [s.space.name for s in availability(hub, DAY, kind=kind).spaces] == names


def test_another_hubs_bookings_never_appear(hub, room, make_hub, make_space, member):
    from coworking.bookings.operations import book_space

    other_room = make_space(make_hub(), "room")  # also in London
    book_space(other_room, member, utc(DAY, "10:00"), utc(DAY, "11:00"), booked_by=member, now=NOW)
    db.session.commit()
    [space_day] = availability(hub, DAY).spaces
    assert space_day.bookings == []


# --- any free desk ----------------------------------------------------------------------------

def desk_name(booking: Booking) -> str:
    return booking.space.name


def test_any_free_desk_picks_a_desk(hub, desks, member, at):
    booking = book_any_desk(hub, member, at(DAY, "08:00"), at(DAY, "18:00"), booked_by=member, now=NOW)
    assert desk_name(booking) == "Desk 1"
    assert booking.price_minor == 1500


def test_any_free_desk_skips_busy_desks(hub, desks, member, make_user, at, book):
    book(desks[0], at(DAY, "08:00"), at(DAY, "18:00"), who=make_user(), now=NOW)
    book(desks[1], at(DAY, "08:00"), at(DAY, "13:00"), who=make_user(), now=NOW)
    booking = book_any_desk(hub, member, at(DAY, "08:00"), at(DAY, "13:00"), booked_by=member, now=NOW)
    assert desk_name(booking) == "Desk 3"


def test_any_free_desk_uses_a_desk_free_for_the_afternoon(hub, desks, member, make_user, at, book):
    for desk in desks:
        book(desk, at(DAY, "08:00"), at(DAY, "13:00"), who=make_user(), now=NOW)
    booking = book_any_desk(hub, member, at(DAY, "13:00"), at(DAY, "18:00"), booked_by=member, now=NOW)
    assert desk_name(booking) == "Desk 1"


def test_any_free_desk_skips_inactive_desks_and_other_kinds(hub, room, desks, member, at):
    update_space(desks[0], active=False)
    db.session.commit()
    booking = book_any_desk(hub, member, at(DAY, "08:00"), at(DAY, "18:00"), booked_by=member, now=NOW)
    assert desk_name(booking) == "Desk 2"


def test_no_free_desk_is_a_clear_conflict_and_stores_nothing(hub, desks, make_user, member, at, book):
    for desk in desks:
        book(desk, at(DAY, "08:00"), at(DAY, "18:00"), who=make_user(), now=NOW)
    with pytest.raises(NoDeskFree, match="No desk is free") as caught:
        book_any_desk(hub, member, at(DAY, "13:00"), at(DAY, "18:00"), booked_by=member, now=NOW)
    db.session.rollback()
    assert caught.value.status == 409
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 3


def test_a_hub_without_desks_has_no_free_desk(hub, room, member, at):
    with pytest.raises(NoDeskFree):
        book_any_desk(hub, member, at(DAY, "08:00"), at(DAY, "18:00"), booked_by=member, now=NOW)


def test_any_free_desk_breaking_a_rule_says_which_rule(hub, desks, member, at):
    with pytest.raises(BookingRulesBroken) as caught:
        book_any_desk(hub, member, at(SATURDAY, "08:00"), at(SATURDAY, "18:00"), booked_by=member, now=NOW)
    assert caught.value.problems == ["Here Hub is closed on Saturdays."]


def test_any_free_desk_never_takes_another_hubs_desk(hub, member, make_hub, make_space, at):
    make_space(make_hub(), "desk", "Far Desk")
    with pytest.raises(NoDeskFree):
        book_any_desk(hub, member, at(DAY, "08:00"), at(DAY, "18:00"), booked_by=member, now=NOW)


# --- what "overlapping" means to the database query ------------------------------------------

@pytest.mark.parametrize(
    "start,end,found",
    [
        ("09:00", "10:00", False),  # ends as it starts
        ("11:00", "12:00", False),  # starts as it ends
        ("10:30", "10:45", True),
        ("09:00", "12:00", True),
        ("10:59", "11:30", True),
        ("09:30", "10:01", True),
    ],
)
def test_the_overlap_query_agrees_with_the_overlap_rule(room, member, at, book, start, end, found):
    from coworking.bookings.queries import overlapping
    from coworking.bookings.rules import overlaps

    booking = book(room, at(DAY, "10:00"), at(DAY, "11:00"), now=NOW)
    asked = (at(DAY, start), at(DAY, end))
    assert overlaps(asked, (booking.starts_at, booking.ends_at)) is found
    assert [b.id for b in overlapping([room.id], *asked)] == ([booking.id] if found else [])


def test_a_block_of_the_25_hour_fall_back_day_is_one_row_found_to_its_last_minute(open_every_day, room, make_manager):
    from coworking.bookings.queries import overlapping
    from coworking.timezones import local_day_bounds

    fall_back = date(2027, 10, 31)
    day_start, day_end = local_day_bounds(fall_back, "Europe/London")
    [block] = block_space(room, day_start, day_end, "Flood", by=make_manager(open_every_day), now=NOW)
    db.session.commit()
    assert block.ends_at - block.starts_at == day_end - day_start
    last_minute = day_end - (day_end - day_start) / (25 * 60)
    assert [b.id for b in overlapping([room.id], last_minute, day_end)] == [block.id]
    [space_day] = availability(open_every_day, fall_back).spaces
    assert [b.id for b in space_day.bookings] == [block.id]
    assert space_day.free == []


# --- past times today are not free (issue 12, item 13) --------------------------------------

def test_today_is_free_only_from_the_next_slot_a_booking_could_start(hub, room, member, at, book):
    book(room, at(DAY, "11:00"), at(DAY, "12:00"), now=NOW)
    ten_past_ten = utc(DAY, "10:07")

    free = spaces_by_name(availability(hub, DAY, now=ten_past_ten))["Meeting Room"].free

    assert free == [(utc(DAY, "10:15"), utc(DAY, "11:00")), (utc(DAY, "12:00"), utc(DAY, "18:00"))]


def test_the_hubs_notice_moves_todays_first_free_time_later(hub, room, set_policy):
    set_policy(min_notice_minutes=60)
    free = spaces_by_name(availability(hub, DAY, now=utc(DAY, "10:07")))["Meeting Room"].free
    assert free == [(utc(DAY, "11:15"), utc(DAY, "18:00"))]


def test_a_past_day_has_no_free_time(hub, room):
    assert spaces_by_name(availability(hub, DAY, now=utc(DAY, "19:00").replace(day=23)))["Meeting Room"].free == []


def test_the_grid_shows_todays_past_columns_as_past_not_free(hub, room):
    from coworking.bookings.grid import grid_rows

    hub_day = availability(hub, DAY, now=utc(DAY, "10:07"))
    [row] = [row for row in grid_rows(hub_day, 60, now=utc(DAY, "10:07")) if row.space.name == "Meeting Room"]

    assert [(cell.starts_at, cell.ends_at, cell.past) for cell in row.cells] == [
        (utc(DAY, "08:00"), utc(DAY, "10:00"), True),
        (utc(DAY, "10:00"), utc(DAY, "18:00"), False),
    ]
