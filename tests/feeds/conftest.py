"""Feed fixtures: the bookings fixtures (hub "here", a room, desks, a member), its team, links
to each kind of feed, and helpers that parse a feed back and expand it with a second library."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar

from coworking.extensions import db
from coworking.feeds.definitions import feed_window
from coworking.feeds.models import FeedKind
from coworking.feeds.tokens import get_or_create_token, raw_token
from coworking.timezones import combine_local
from coworking.types import utcnow
from tests.bookings.conftest import *  # noqa: F403  (hub "here", room, desks, member, book ...)
from tests.conftest import ROOT

# Prints the UTC instants of every event of .ics files as ical.js reads them (see the script).
ICAL_INSTANTS = ROOT / "tests" / "ical_instants.mjs"


# The people fixture's, by name (tests ask for them with request.getfixturevalue(who)).
@pytest.fixture
def manager(people):
    return people.manager


@pytest.fixture
def staff(people):
    return people.staff


@pytest.fixture
def other_manager(people):
    return people.other_manager


@pytest.fixture
def admin(people):
    return people.admin


@pytest.fixture
def place(admin):
    """place(space, who, starts_at, ends_at, now=None): a booking a network admin makes for ``who``,
    rules overridden, so tests can put bookings anywhere in the feed's window (even the past)."""
    from coworking.bookings.operations import book_space

    def make(space, who, starts_at, ends_at, *, now: datetime | None = None, note: str = ""):
        booking = book_space(
            space, who, starts_at, ends_at, booked_by=admin, override_rules=True, now=now, note=note, notify=False
        )
        db.session.commit()
        return booking

    return make


@pytest.fixture
def feed_path(app):
    """feed_path(user, kind="member", hub=None, space=None): the path of the user's private feed."""

    def make(user, kind: str = "member", hub=None, space=None) -> str:
        token = get_or_create_token(user, FeedKind(kind), hub=hub, space=space)
        raw = raw_token(token)
        db.session.commit()
        return f"/feeds/{raw}.ics"

    return make


def local(day: date, hhmm: str, zone_name: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return combine_local(day, time(hours, minutes), zone_name)


def parse(response) -> Calendar:
    assert response.status_code == 200, response.get_data(as_text=True)
    return Calendar.from_ical(response.data)


def window_bounds(today: date | None = None) -> tuple[datetime, datetime]:
    window = feed_window(datetime.combine(today, time(12), tzinfo=timezone.utc) if today else None)
    return window.starts_at - timedelta(days=2), window.ends_at + timedelta(days=2)


def expanded(calendar: Calendar) -> dict[str, object]:
    """Every event in the feed's window, as recurring-ical-events expands it, by UID."""
    start, end = window_bounds()
    return {str(event["UID"]): event for event in recurring_ical_events.of(calendar).between(start, end)}


def events_by_uid(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def uid(booking) -> str:
    return f"booking-{booking.id}@coworking-hub"


def clock_changes(zone_name: str, first: date, last: date) -> list[date]:
    """The local dates between first and last on which the zone's clocks change."""
    tz = ZoneInfo(zone_name)
    days = []
    day = first
    while day <= last:
        today_offset = datetime.combine(day, time(0), tzinfo=tz).utcoffset()
        tomorrow_offset = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).utcoffset()
        if today_offset != tomorrow_offset:
            days.append(day)
        day += timedelta(days=1)
    return days


def today_utc() -> date:
    return utcnow().date()


def iso(instant: datetime) -> str:
    return instant.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def ical_js_unavailable() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed: the ical.js tests need it (apt-get install nodejs)"
    if not (ROOT / "node_modules" / "ical.js" / "package.json").exists():
        return "ical.js is not installed: run `npm ci` at the repository's root"
    return None


@pytest.fixture
def ical_js(tmp_path):
    """ical_js(*bodies): {(file index, uid, start, end)} as ical.js reads each calendar, in UTC."""
    reason = ical_js_unavailable()
    if reason:
        if os.environ.get("CI") == "1" or os.environ.get("REQUIRE_NODE") == "1":
            pytest.fail(f"{reason} (CI=1 or REQUIRE_NODE=1 makes it required)")
        pytest.skip(reason)

    def read(*bodies: bytes) -> set[tuple[int, str, str, str]]:
        paths = []
        for index, body in enumerate(bodies):
            paths.append(tmp_path / f"{index}.ics")
            paths[-1].write_bytes(body)
        # A zone unlike any hub's for the process: a time read as floating would show.
        result = subprocess.run(
            ["node", str(ICAL_INSTANTS), *map(str, paths)], capture_output=True, text=True, check=False, timeout=60,
            cwd=ROOT, env={**os.environ, "TZ": "America/Denver"},
        )
        assert result.returncode == 0, result.stderr
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        return {(int(Path(line["file"]).stem), line["uid"], line["start"], line["end"]) for line in lines}

    return read
