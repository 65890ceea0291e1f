"""Feeds write their events directly (``ical.event_ical``) and load bookings as rows
(``content.feed_bookings``): both must give exactly what the plain icalendar build of ORM
bookings gives, byte for byte, or subscribed calendars would see every event change."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from coworking import ical
from coworking.bookings.blocks import block_space
from coworking.bookings.models import Booking
from coworking.bookings.operations import cancel_booking
from coworking.extensions import db
from coworking.feeds import content, definitions
from coworking.feeds.links import EventLinks
from coworking.hubs.services import add_closure
from coworking.ical import CANCELLED, CONFIRMED, FeedEvent
from tests.feeds.conftest import local, today_utc

ZONES = ["Europe/London", "America/New_York", "UTC", "Etc/UTC", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham"]
# Instants where clocks change (London and New York, spring and autumn), to land events on.
CLOCK_CHANGES = [
    datetime(2027, 3, 28, 1, 0, tzinfo=timezone.utc),
    datetime(2027, 10, 31, 1, 0, tzinfo=timezone.utc),
    datetime(2027, 3, 14, 7, 0, tzinfo=timezone.utc),
    datetime(2027, 11, 7, 6, 0, tzinfo=timezone.utc),
]
# What TEXT escaping and folding care about: separators, backslashes (``\N`` too), every kind
# of line break, and characters of two, three and four octets to land on a fold.
PIECES = [",", ";", "\\", "\\N", "\\n", "\n", "\r\n", "\r", ":", '"', "\t", " ", "é", "—", "’", "日本語", "🎉", "x" * 70]

texts = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(st.characters(exclude_categories=("Cs",)), max_size=40)),
    max_size=10,
).map("".join)
instants = st.one_of(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)),
    st.builds(lambda at, minutes: at + timedelta(minutes=minutes), st.sampled_from(CLOCK_CHANGES), st.integers(-120, 120)),
)


@st.composite
def feed_events(draw) -> FeedEvent:
    if draw(st.booleans()):
        starts = draw(st.dates(min_value=date(1971, 1, 1), max_value=date(2100, 1, 1)))
        ends = starts + timedelta(days=draw(st.integers(1, 30)))
    else:
        starts = draw(instants)
        ends = starts + timedelta(minutes=draw(st.integers(1, 60 * 24 * 14)))
    return FeedEvent(
        uid=draw(st.one_of(st.just("booking-42@coworking-hub"), texts.filter(bool))),
        starts=starts,
        ends=ends,
        summary=draw(texts),
        location=draw(texts),
        description=draw(texts),
        zone=draw(st.one_of(st.none(), st.sampled_from(ZONES))),
        status=draw(st.sampled_from([CONFIRMED, CANCELLED])),
        sequence=draw(st.integers(0, 10**9)),
        last_modified=draw(st.one_of(st.none(), instants)),
    )


stamps = st.one_of(st.none(), instants)


def library_feed(name: str, events: list[FeedEvent], *, stamp: datetime | None = None, **options) -> bytes:
    """The feed as icalendar alone writes it: every event a component of the calendar."""
    calendar = ical.feed_header(name, events, **options)
    for event in events:
        calendar.add_component(ical.event_component(event, stamp))
    return calendar.to_ical()


@settings(max_examples=400, deadline=None)
@given(feed_events(), stamps)
def test_an_event_is_written_exactly_as_icalendar_writes_it(event, stamp):
    assert ical.event_ical(event, stamp) == ical.event_component(event, stamp).to_ical()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(feed_events(), max_size=8),
    stamps,
    st.one_of(st.none(), st.sampled_from(ZONES)),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
)
def test_a_feed_is_written_exactly_as_icalendar_writes_it(events, stamp, zone_name, first_date):
    options = {"first_date": first_date, "last_date": first_date + timedelta(days=455), "zone_name": zone_name}
    assert ical.feed_calendar("Feed; of, ünïcode", events, stamp=stamp, **options) == library_feed("Feed; of, ünïcode", events, stamp=stamp, **options)


def test_a_long_line_is_folded_by_the_library_and_a_short_one_is_left_whole():
    event = FeedEvent(uid="u", starts=CLOCK_CHANGES[0], ends=CLOCK_CHANGES[0] + timedelta(hours=1), summary="é" * 60, location="x" * 62)
    body = ical.event_ical(event)
    assert b"\r\n LOCATION" not in body and b"LOCATION:" + b"x" * 62 + b"\r\n" in body  # 71 octets: whole
    assert b"SUMMARY:" + "é".encode() * 33 + b"\r\n " in body  # 74 octets, then the fold
    assert body == ical.event_component(event).to_ical()


# --- the same events from rows as from ORM bookings -------------------------------------------

@pytest.fixture
def bookings(place, hub, room, desks, member, make_user, manager, make_hub, make_space):
    """Bookings of every kind across two hubs in two zones: Mary's (one cancelled, one in New
    York), Olivia's, a block with a note and one without, and a closure of the hub."""
    day = today_utc() + timedelta(days=4)
    olivia = make_user(email="olivia@example.org", name="Olivia de la Other")
    new_york = make_hub(slug="ny", name="Uptown, NY", timezone="America/New_York", address="1 Main St\nNew York; NY")
    far_room = make_space(new_york, "room", "Room; with, \\ signs")
    tz = hub.timezone
    cancelled = place(room, member, local(day, "08:00", tz), local(day, "09:00", tz))
    cancel_booking(cancelled, by=manager, reason="Leak", notify=False)
    place(room, member, local(day, "09:00", tz), local(day, "10:00", tz), note="Secret project")
    place(room, olivia, local(day, "11:00", tz), local(day, "12:00", tz))
    place(desks[0], member, local(day, "09:00", tz), local(day, "17:00", tz))
    place(far_room, member, local(day, "09:00", "America/New_York"), local(day, "10:00", "America/New_York"))
    block_space(room, local(day, "14:00", tz), local(day, "16:00", tz), "Painting, walls", by=manager)
    block_space(desks[1], local(day, "14:00", tz), local(day, "16:00", tz), "x", by=manager)
    add_closure(hub, day + timedelta(days=10), day + timedelta(days=11), "Staff training; all day")
    db.session.commit()


def public_feed(room, *, first_name: bool):
    definitions.set_space_feed_visibility(room, public=True, shows_first_name=first_name)
    db.session.commit()
    return definitions.public_space_feed(room)


FEEDS = {
    "member": lambda member, room, hub: definitions.member_feed(member),
    "staff, space": lambda member, room, hub: definitions.staff_space_feed(room),
    "staff, hub": lambda member, room, hub: definitions.staff_hub_feed(hub),
    "public": lambda member, room, hub: public_feed(room, first_name=False),
    "public, first names": lambda member, room, hub: public_feed(room, first_name=True),
    "closures": lambda member, room, hub: definitions.closures_feed(hub),
}
def orm_events(feed, window) -> list[FeedEvent]:
    """The feed's bookings as events built from ORM bookings, as feeds were built before."""
    query = (sa.select(Booking).where(*content._booking_scope(feed), *content._in_window(window))
             .order_by(Booking.starts_at, Booking.id))
    build, links = content.EVENT_BUILDERS[feed.audience], EventLinks()
    return [build(booking, feed, links) for booking in db.session.scalars(query)]


@pytest.mark.parametrize("kind", FEEDS)
def test_a_feed_read_as_rows_shows_what_orm_bookings_show(kind, bookings, member, room, hub):
    feed, window = FEEDS[kind](member, room, hub), definitions.feed_window()
    events = [event for event in content.feed_events(feed, window) if event.uid.startswith("booking-")]
    assert len(events) >= 2
    assert events == orm_events(feed, window)


@pytest.mark.parametrize("kind", FEEDS)
def test_a_built_feed_is_what_icalendar_alone_writes(kind, bookings, member, room, hub):
    feed, window = FEEDS[kind](member, room, hub), definitions.feed_window()
    events = content.feed_events(feed, window)
    expected = library_feed(feed.title, events, first_date=window.first_date, last_date=window.last_date,
                            zone_name=feed.hub.timezone if feed.hub is not None else None, stamp=window.began)
    assert content.build_feed(feed, window) == expected
