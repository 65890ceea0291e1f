"""No page or API list loads a relationship once per row (the N+1 query problem).

While each request runs, a listener on SQLAlchemy's ``do_orm_execute`` counts the lazy loads
that reach the database, per relationship (``Booking.member``, ``Space.hub`` ...). A relationship
lazily loaded more than twice in one request is loading row by row: the listener raises there
and then, so the failure points at the line that triggered it, and the test lists every such
request. Lazy loads answered from the session's identity map send no SQL and are not counted.

The data has enough rows for a per-row load to show: three hubs in three time zones with opening
hours and closures, five spaces, ten members with 30 bookings between them (one member's spread
over every hub), a recurring series, a cancellation, a block, API tokens and feed links. Every
GET page and API list a member, a hub manager and a network admin can see is requested.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from flask import has_request_context, request, request_started
from sqlalchemy.orm import ORMExecuteState, Session

from coworking.accounts.services import create_api_token
from coworking.bookings.blocks import block_space
from coworking.bookings.operations import book_space, cancel_booking
from coworking.bookings.recurrence import Recurrence
from coworking.bookings.series import book_series
from coworking.extensions import db
from coworking.feeds.definitions import set_space_feed_visibility
from coworking.feeds.models import FeedKind
from coworking.feeds.tokens import get_or_create_token, raw_token
from coworking.hubs.roles import Role, grant_role
from coworking.hubs.services import add_closure, set_opening_hours
from coworking.timezones import combine_local, local_today
from tests.conftest import Auth, bearer

LAZY_LOADS_ALLOWED = 2  # per relationship per request: a third means one load per row


class NPlusOneQuery(AssertionError):
    """A relationship was lazily loaded once per row."""


class LazyLoadCounter:
    """Counts the lazy loads of each relationship during one request; raises past the limit."""

    def __init__(self):
        self.counts: Counter[str] = Counter()
        self.problems: list[str] = []

    def start_request(self, sender, **extra) -> None:
        self.counts.clear()

    def on_execute(self, state: ORMExecuteState) -> None:
        if not (has_request_context() and state.is_select):
            return
        if state.lazy_loaded_from is not None:
            relationship = state.loader_strategy_path.path[-1]
            name = f"{relationship.parent.class_.__name__}.{relationship.key}"
        elif state.is_column_load:
            # Reloading expired (or deferred) columns row by row: e.g. a commit before the
            # page is rendered expires every object the template then touches.
            name = f"{state.bind_mapper.class_.__name__} (expired columns reloaded)"
        else:
            return
        self.counts[name] += 1
        if self.counts[name] > LAZY_LOADS_ALLOWED:
            problem = f"{request.method} {request.full_path.rstrip('?')}: {name} loaded row by row ({self.counts[name]} times)"
            if problem not in self.problems:
                self.problems.append(problem)
            raise NPlusOneQuery(problem)


@pytest.fixture
def lazy_loads(app):
    """Lazy loads counted per request; the listener is removed after the test."""
    counter = LazyLoadCounter()
    sa.event.listen(Session, "do_orm_execute", counter.on_execute)
    request_started.connect(counter.start_request, app)
    try:
        yield counter
    finally:
        request_started.disconnect(counter.start_request, app)
        sa.event.remove(Session, "do_orm_execute", counter.on_execute)


# --- the data -------------------------------------------------------------------------------

def open_every_day(hub) -> None:
    for weekday in range(7):
        set_opening_hours(hub, weekday, time(8, 0), time(18, 0))


def at(day: date, hour: int, hub) -> tuple:
    return combine_local(day, time(hour), hub.timezone), combine_local(day, time(hour + 1), hub.timezone)


@pytest.fixture
def world(make_hub, make_space, make_user, make_manager):
    hubs = [
        make_hub(slug="alpha", name="Alpha", timezone="Europe/London", address="1 High St\nLeeds"),
        make_hub(slug="beta", name="Beta", timezone="Europe/Berlin"),
        make_hub(slug="gamma", name="Gamma", timezone="America/New_York"),
    ]
    for hub in hubs:
        open_every_day(hub)
    alpha = hubs[0]
    spaces = [make_space(alpha, "desk", f"Desk {n}") for n in (1, 2, 3)] + [
        make_space(alpha, "room", f"Room {n}") for n in (1, 2)
    ]
    elsewhere = [make_space(hub, "room", f"{hub.name} Room") for hub in hubs[1:]]
    members = [make_user(email=f"member{n}@example.org", name=f"Member {n}") for n in range(10)]
    manager = make_manager(alpha, email="manager@example.org", name="Mo Manager")
    grant_role(make_user(email="staff@example.org", name="Sam Staff"), alpha, Role.STAFF)
    admin = make_user(email="admin@example.org", name="Ada Admin", is_admin=True)
    today = local_today(alpha.timezone)
    first_day = today + timedelta(days=2)
    for hub in hubs:
        add_closure(hub, today + timedelta(days=40), today + timedelta(days=41), "Works")
        add_closure(hub, today + timedelta(days=50), today + timedelta(days=50), "Holiday")

    bookings = []
    for number in range(30):
        space, member = spaces[number % 5], members[number % 10]
        day = first_day + timedelta(days=number // 5)
        starts_at, ends_at = (
            (combine_local(day, time(8), alpha.timezone), combine_local(day, time(18), alpha.timezone))
            if space.kind == "desk" else at(day, 9 + number % 3, alpha)
        )
        bookings.append(book_space(space, member, starts_at, ends_at, booked_by=member))
    member = members[0]
    for space in elsewhere:  # the member's bookings span every hub
        bookings.append(book_space(space, member, *at(first_day, 10, space.hub), booked_by=member))
        starts_at, ends_at = at(today - timedelta(days=3), 10, space.hub)
        book_space(space, member, starts_at, ends_at, booked_by=member, now=starts_at - timedelta(days=1))
    series, _ = book_series(spaces[3], member, Recurrence("weekly", first_day, weekdays=(first_day.weekday(),), count=3),
                            time(15, 0), time(16, 0), booked_by=member)
    cancel_booking(bookings[1], by=manager, reason="Desk needed")
    block_space(spaces[4], *at(first_day, 16, alpha), "Deep clean", by=manager)
    set_space_feed_visibility(spaces[3], public=True, shows_first_name=True)
    feed_token = get_or_create_token(member, FeedKind.MEMBER)
    tokens = {who: create_api_token(user, "n+1 test")[1] for who, user in
              (("member", member), ("manager", manager), ("admin", admin))}
    db.session.commit()
    return {
        "people": {"member": member, "manager": manager, "admin": admin},
        "tokens": tokens,
        "values": {
            "day": first_day.isoformat(),
            "last_day": (first_day + timedelta(days=6)).isoformat(),
            "booking": bookings[0].id,
            "series": series.id,
            "space": spaces[3].id,
            "room": spaces[3].id,
            "feed": raw_token(feed_token),
        },
    }


# --- what each person requests ----------------------------------------------------------------

MEMBER_PAGES = (
    "/", "/hubs/alpha", "/hubs/mine", "/book",
    "/hubs/alpha/book?date={day}", "/hubs/alpha/book?date={day}&kind=room",
    "/hubs/alpha/book/desk", "/hubs/alpha/book/room?date={day}", "/hubs/alpha/book/series",
    "/bookings", "/bookings/{booking}", "/bookings/{booking}.ics",
    "/profile", "/profile/tokens", "/profile/calendar", "/hubs/alpha/pricing", "/memberships",
    "/feeds/{feed}.ics", "/feeds/spaces/{space}.ics", "/feeds/hubs/alpha/closures.ics",
)
MEMBER_API = (
    "/api/v1/me", "/api/v1/hubs", "/api/v1/hubs/alpha", "/api/v1/hubs/alpha/spaces",
    "/api/v1/hubs/alpha/spaces/{space}", "/api/v1/hubs/alpha/availability?date={day}",
    "/api/v1/hubs/alpha/availability?date={day}&kind=desk",
    "/api/v1/bookings", "/api/v1/bookings?from={day}&to={last_day}", "/api/v1/bookings/{booking}",
    "/api/v1/booking-series/{series}", "/api/v1/me/feeds",
)
MANAGER_PAGES = MEMBER_PAGES + (
    "/hubs/alpha/spaces", "/hubs/alpha/edit", "/hubs/alpha/hours", "/hubs/alpha/closures",
    "/hubs/alpha/spaces/new", "/hubs/alpha/spaces/{space}/edit",
    "/hubs/alpha/bookings/day?date={day}", "/hubs/alpha/bookings/week?date={day}",
    "/hubs/alpha/bookings", "/hubs/alpha/bookings?starts_on={day}&ends_on={last_day}",
    "/hubs/alpha/bookings.csv?starts_on={day}&ends_on={last_day}",
    "/hubs/alpha/blocks/new", "/hubs/alpha/booking-rules", "/hubs/alpha/spaces/{space}/booking-rules",
    "/hubs/alpha/feeds",
)
MANAGER_API = MEMBER_API + (
    "/api/v1/bookings?hub=alpha", "/api/v1/bookings?hub=alpha&from={day}&to={last_day}",
)
ADMIN_PAGES = MANAGER_PAGES + ("/admin/hubs", "/admin/hubs/new", "/admin/hubs/alpha/roles")

REQUESTS = {
    "member": (MEMBER_PAGES, MEMBER_API),
    "manager": (MANAGER_PAGES, MANAGER_API),
    "admin": (ADMIN_PAGES, MEMBER_API),
}


@pytest.mark.parametrize("who", REQUESTS)
def test_no_page_or_api_list_loads_a_relationship_row_by_row(client, world, lazy_loads, who):
    pages, api = REQUESTS[who]
    values, failures = world["values"], []
    assert Auth(client).login(world["people"][who]).status_code == 302
    headers = bearer(world["tokens"][who])
    for path, extra in [(page, {}) for page in pages] + [(path, {"headers": headers}) for path in api]:
        path = path.format(**values)
        try:
            response = client.get(path, **extra)
        except NPlusOneQuery:
            continue  # recorded in lazy_loads.problems
        if response.status_code != 200:
            failures.append(f"GET {path} answered {response.status_code}, not 200")
    assert lazy_loads.problems == [], "\n".join(lazy_loads.problems)
    assert failures == []
