"""GET /api/v1/hubs/<slug>/availability?date=... through gunicorn, against the bare app.

Two hubs, each on a weekday near today, with a member's bearer token (others' bookings show as
busy): the first demo hub (six spaces, the demo bookings), and the bench hub of 200 spaces with
10,000 bookings around today (the density bench/availability.py measures; the table's size does
not change the cost of a day, that benchmark shows).
"""
from __future__ import annotations

import json
from datetime import date, timedelta

from bench.common import Bench, BenchError, Measurement, http_get, progress
from bench.seeding import MAIN_HUB, booking_rows, create_bench_hubs, insert_bookings, remove_bench_data
from coworking.demo import HUBS
from coworking.extensions import db
from coworking.timezones import local_today

DEMO_HUB = HUBS[0]["slug"]
DEMO_MEMBER = "alice@example.org"
BENCH_MEMBER = "member0001@bench.example"
BOOKINGS = 10_000


def run(bench: Bench) -> list[Measurement]:
    day = weekday_near(local_today("Europe/London"))
    with bench.app():
        remove_bench_data()
        try:
            insert_bookings(booking_rows(create_bench_hubs(), BOOKINGS))
            progress(f"Seeded {MAIN_HUB}: 200 spaces, {BOOKINGS:,} bookings")
            return measure_both(bench, day)
        finally:
            db.session.rollback()
            remove_bench_data()


def measure_both(bench: Bench, day: date) -> list[Measurement]:
    results = []
    with bench.app_server() as server:
        for slug, email in ((DEMO_HUB, DEMO_MEMBER), (MAIN_HUB, BENCH_MEMBER)):
            headers = {"Authorization": f"Bearer {bench.api_token(email)}", "Accept": "application/json"}
            path = f"/api/v1/hubs/{slug}/availability?date={day.isoformat()}"
            spaces, bookings = check_answers(server.url + path, headers)
            results.append(bench.measure(f"GET {path} ({spaces} spaces, {bookings} bookings)", server, path, headers))
    return results


def weekday_near(today: date) -> date:
    """Today, or the next weekday: the demo hubs and the bench hub are closed at weekends."""
    while today.weekday() >= 5:
        today += timedelta(days=1)
    return today


def check_answers(url: str, headers: dict[str, str]) -> tuple[int, int]:
    """(spaces, bookings) the endpoint lists; refuses an answer without spaces or bookings."""
    status, body = http_get(url, headers)
    try:
        items = json.loads(body)["items"] if status == 200 else []
    except (ValueError, KeyError, TypeError):
        items = []
    bookings = sum(len(item["bookings"]) for item in items)
    if not items or not bookings:
        raise BenchError(f"GET {url} should list spaces with bookings; got {status}: {body[:300]!r}")
    return len(items), bookings
