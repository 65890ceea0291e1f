"""Calendar feeds: a member's feed of 500 events, a space's of 5,000, cold and cached; 304s through gunicorn.

One room booked back to back every day of the feed window (90 days ago to a year ahead), 5,000
bookings, every tenth by the same member. In-process, through the app's test client (the whole
request: token, version query, body): the member's feed (500 events) and the room's staff feed
(5,000 events with names), each built cold (its cached body deleted first) and served cached.
Through gunicorn, against the bare app: a calendar app's poll that finds nothing new
(``If-None-Match`` with the current ETag: 304, nothing built), and the cached member feed.
"""
from __future__ import annotations

import random
import urllib.request
from datetime import time, timedelta

import sqlalchemy as sa

from bench.common import Bench, BenchError, Measurement, Timing, progress, timed
from bench.seeding import booking_row, create_bench_hubs, insert_bookings, remove_bench_data
from coworking.accounts.models import User
from coworking.extensions import db
from coworking.feeds.definitions import feed_window
from coworking.feeds.models import FeedCache, FeedKind
from coworking.feeds.tokens import get_or_create_token, raw_token
from coworking.hubs.models import Hub, Space
from coworking.hubs.roles import Role, grant_role
from coworking.timezones import combine_local
from coworking.types import utcnow

HUB = ("bench-feeds", "Europe/London", 0, 1)
MEMBERS = 10
SPACE_EVENTS = 5000
MEMBER_EVERY = 10  # the member has every tenth booking: 500 events
SLOT = timedelta(minutes=50)
CALLS = 30
COLD_CALLS = 10  # a cold 5,000-event build takes seconds on a slow machine
NO_RATE_LIMIT = "1000000 per minute"  # the real limit (60 a minute per link) would answer 429


def run(bench: Bench) -> list:
    bench.env["FEED_RATE_LIMIT"] = NO_RATE_LIMIT  # for the gunicorn servers started below
    with bench.app(FEED_RATE_LIMIT=NO_RATE_LIMIT) as app:
        remove_bench_data()
        try:
            links = seed_feeds()
            results = in_process(app, links)
            results += through_gunicorn(bench, links)
            return results
        finally:
            db.session.rollback()
            remove_bench_data()


def seed_feeds() -> dict[str, str]:
    """The room, its bookings, and the feed paths: the member's and a manager's of the room."""
    data = create_bench_hubs(hubs=(HUB,), members=MEMBERS)
    room, member_id = data.spaces[0], data.member_ids[0]
    rng, now = random.Random(5), utcnow()
    window = feed_window()
    rows, day = [], window.first_date
    while len(rows) < SPACE_EVENTS:
        starts_at = combine_local(day, time(8, 0), room.timezone)
        for _ in range(11):
            if len(rows) < SPACE_EVENTS:
                member = member_id if len(rows) % MEMBER_EVERY == 0 else rng.choice(data.member_ids[1:])
                rows.append(booking_row(room, member, starts_at, starts_at + SLOT, now, rng, cancelled_share=0))
            starts_at += SLOT
        day += timedelta(days=1)
    insert_bookings(rows)
    manager = db.session.get(User, data.member_ids[-1])
    grant_role(manager, db.session.get(Hub, room.hub_id), Role.MANAGER)
    member_token = get_or_create_token(db.session.get(User, member_id), FeedKind.MEMBER)
    space_token = get_or_create_token(manager, FeedKind.SPACE, space=db.session.get(Space, room.id))
    db.session.commit()
    progress(f"Seeded {len(rows):,} bookings of one room, to {rows[-1]['starts_at']:%Y-%m-%d}")
    return {
        "member": f"/feeds/{raw_token(member_token)}.ics",
        "space": f"/feeds/{raw_token(space_token)}.ics",
    }


# --- in-process -----------------------------------------------------------------------------

def get(app, path: str):
    """One request as production serves it: its own app context, so its own session."""
    with app.app_context():
        response = app.test_client().get(path)
    if response.status_code != 200:
        raise BenchError(f"GET {path} answered {response.status_code}: {response.data[:300]!r}")
    return response


def forget_cached_bodies() -> None:
    db.session.execute(sa.delete(FeedCache))
    db.session.commit()


def in_process(app, links: dict[str, str]) -> list[Timing]:
    results = []
    for name, path in links.items():
        events = get(app, path).data.count(b"BEGIN:VEVENT")
        cold = []
        for _ in range(COLD_CALLS):
            forget_cached_bodies()
            cold.append(timed(get, app, path))
        warm = [timed(get, app, path) for _ in range(CALLS)]
        what = f"{name} feed, {events:,} events"
        progress(f"{what}: cold {1000 * sorted(c.seconds for c in cold)[COLD_CALLS // 2]:.0f} ms")
        results += [Timing.of(f"GET {name} feed, built (cold)", cold, what),
                    Timing.of(f"GET {name} feed, cached body (warm)", warm, what)]
    return results


# --- through gunicorn -------------------------------------------------------------------------

def etag_of(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        etag = response.headers.get("ETag")
    if not etag:
        raise BenchError(f"GET {url} sent no ETag")
    return etag


def through_gunicorn(bench: Bench, links: dict[str, str]) -> list[Measurement]:
    results = []
    with bench.app_server() as server:
        for name, path in links.items():
            etag = etag_of(server.url + path)
            results.append(bench.measure(f"GET {name} feed, If-None-Match: current ETag (304)", server, path,
                                         {"If-None-Match": etag}, expect_status=304))
        path = links["member"]
        results.append(bench.measure("GET member feed, cached body (200, 500 events)", server, path))
    return results
