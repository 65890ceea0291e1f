"""Each read endpoint runs a fixed number of SQL statements, however many rows it shows: no lazy
load per row, the user from one statement. A polled read counts the one statement of the layer
in front of Flask (``coworking.api.revalidation``) too; its answers are built here, never kept
ones (each measure follows a change, so the ETag is new)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from coworking.accounts.services import update_profile
from coworking.bookings import series as series_service
from coworking.bookings.operations import book_space
from coworking.bookings.recurrence import Recurrence
from coworking.extensions import db
from coworking.feeds.revalidation import PreparedRead
from coworking.hubs.roles import Role, grant_role
from tests.api.test_bookings_api import instant, next_monday
from tests.conftest import bearer, counted_statements

MONDAY = "{monday}"


class World:
    """A hub with spaces and bookings that ``grow()`` adds to: another hub, spaces, bookings of
    the caller and of others in both hubs, a role, a longer series."""

    def __init__(self, hub, make_hub, make_space, make_user, people):
        self.hub, self.make_hub, self.make_space, self.make_user = hub, make_hub, make_space, make_user
        self.monday = next_monday()
        self.member = people.member
        self.staff = people.staff
        self.admin = people.admin
        self.hour = 8
        self.room = make_space(hub, "room", "Room 0")
        self.booking = self.book(self.room, self.member)
        self.series = self.book_series(2)

    def book(self, space, user, day: date | None = None):
        self.hour += 1
        start, end = f"{self.hour:02}:00", f"{self.hour:02}:30"
        day = day or self.monday
        booking = book_space(space, user, instant(day, start), instant(day, end), booked_by=self.admin, override_rules=True)
        db.session.commit()
        return booking

    def book_series(self, count: int):
        recurrence = Recurrence(freq="daily", starts_on=self.monday + timedelta(days=7), count=count)
        space = self.make_space(self.hub, "room", f"Series Room {count}")
        series, _ = series_service.book_series(space, self.member, recurrence, instant(self.monday, "08:00").time(),
                                               instant(self.monday, "09:00").time(), booked_by=self.admin,
                                               override_rules=True)
        db.session.commit()
        return series

    def grow(self):
        away = self.make_hub(name="Away Hub", timezone="America/New_York")
        grant_role(self.member, away, Role.STAFF)
        for number in range(1, 4):
            space = self.make_space(self.hub, "room", f"Room {number}")
            self.book(space, self.member)
            self.book(space, self.make_user(name=f"Other {number}"))
            self.book(self.make_space(away, "room", f"Away Room {number}"), self.member, self.monday)
        self.series = self.book_series(5)
        update_profile(self.member, "Mary Q. Member", self.member.email)  # every ETag is new
        db.session.commit()


@pytest.fixture
def world(hub, make_hub, make_space, make_user, people):
    return World(hub, make_hub, make_space, make_user, people)


@pytest.fixture
def layer_reads(monkeypatch):
    """The layer's reads run on a bare DBAPI cursor, unseen by SQLAlchemy's events: note each
    one in the list ``counted_statements`` fills."""
    lists: list[list[str]] = []
    first = PreparedRead.first

    def counted_first(self, **values):
        for statements in lists:
            statements.append("layer read: " + self.sql)
        return first(self, **values)

    monkeypatch.setattr(PreparedRead, "first", counted_first)
    return lists


def statements_of(client, url: str, headers: dict, layer_reads: list) -> list[str]:
    with counted_statements() as statements:
        layer_reads.append(statements)
        response = client.get(url, headers=headers)
        layer_reads.remove(statements)
    assert response.status_code == 200, response.get_json()
    return statements


# endpoint -> (who asks, statements). Availability: the layer's read, the user, the hub with its
# hours, its spaces, their bookings, the day's closure (+ the people, for staff). A list of
# bookings: the layer's read, the user, the page and its count, the members, series and hubs of
# its items (+ the zones of the hubs, for a range of dates; + the hub asked for).
READS = {
    "/api/v1/me": ("member", 1),
    "/api/v1/hubs": ("member", 4),
    "/api/v1/hubs/leeds-central": ("member", 3),
    "/api/v1/hubs/leeds-central/spaces": ("member", 5),
    "/api/v1/hubs/leeds-central/spaces/{room}": ("member", 3),
    "/api/v1/hubs/leeds-central/availability?date={monday}": ("member", 6),
    "/api/v1/hubs/leeds-central/availability?date={monday}&kind=room": ("staff", 7),
    "/api/v1/bookings": ("member", 7),
    "/api/v1/bookings?from={monday}&to={monday}": ("member", 7),
    "/api/v1/bookings?hub=leeds-central&from={monday}": ("staff", 8),
    "/api/v1/bookings/{booking}": ("member", 4),
    "/api/v1/booking-series/{series}": ("member", 4),
}


@pytest.mark.parametrize("path", READS)
def test_a_read_runs_the_same_statements_however_many_rows_it_shows(client, world, make_token, layer_reads, path):
    who, expected = READS[path]
    headers = bearer(make_token(getattr(world, who)))
    client.get("/api/v1/me", headers=headers)  # the token's first use is written once, here

    def url() -> str:
        return path.format(monday=world.monday.isoformat(), room=world.room.id, booking=world.booking.id,
                           series=world.series.id)

    small = statements_of(client, url(), headers, layer_reads)
    world.grow()
    large = statements_of(client, url(), headers, layer_reads)

    assert (len(small), len(large)) == (expected, expected), "\n\n".join(small) + "\n-----\n" + "\n\n".join(large)
