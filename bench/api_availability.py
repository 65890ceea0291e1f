"""GET /api/v1/hubs/<slug>/availability?date=... through gunicorn, against the bare app.

Two hubs, each on a weekday near today, with a member's bearer token (others' bookings show as
busy): the first demo hub (six spaces, the demo bookings), and the bench hub of 200 spaces with
10,000 bookings around today (the density bench/availability.py measures; the table's size does
not change the cost of a day, that benchmark shows).

Each hub is measured three ways: as a client polls without If-None-Match (the answer kept by the
process under its ETag, after the first), the same with no answer kept (every request builds the
day: ``API_ANSWER_CACHE_BYTES=0``), and, for the demo hub, a poll with the current ETag (304).
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
NOTHING_KEPT = {"API_ANSWER_CACHE_BYTES": "0"}


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
    callers = [(slug, {"Authorization": f"Bearer {bench.api_token(email)}", "Accept": "application/json"})
               for slug, email in ((DEMO_HUB, DEMO_MEMBER), (MAIN_HUB, BENCH_MEMBER))]
    with bench.app_server() as server:
        for slug, headers in callers:
            path = f"/api/v1/hubs/{slug}/availability?date={day.isoformat()}"
            spaces, bookings, etag = check_answers(server.url + path, headers)
            results.append(bench.measure(f"GET {path} ({spaces} spaces, {bookings} bookings)", server, path, headers))
            if slug == DEMO_HUB:
                polled = {**headers, "If-None-Match": etag}
                results.append(bench.measure(f"GET {path}, If-None-Match: current (304)", server, path, polled,
                                             expect_status=304))
    with bench.app_server(**NOTHING_KEPT) as server:
        for slug, headers in callers:
            path = f"/api/v1/hubs/{slug}/availability?date={day.isoformat()}"
            spaces, bookings, _ = check_answers(server.url + path, headers)
            results.append(bench.measure(f"GET {path} ({spaces} spaces, {bookings} bookings), built every time",
                                         server, path, headers))
    return results


def weekday_near(today: date) -> date:
    """Today, or the next weekday: the demo hubs and the bench hub are closed at weekends."""
    while today.weekday() >= 5:
        today += timedelta(days=1)
    return today


def check_answers(url: str, headers: dict[str, str]) -> tuple[int, int, str]:
    """(spaces, bookings, ETag) of the answer; refuses an answer without spaces or bookings."""
    status, body = http_get(url, headers)
    try:
        items = json.loads(body)["items"] if status == 200 else []
    except (ValueError, KeyError, TypeError):
        items = []
    bookings = sum(len(item["bookings"]) for item in items)
    if not items or not bookings:
        raise BenchError(f"GET {url} should list spaces with bookings; got {status}: {body[:300]!r}")
    return len(items), bookings, etag_of(url, headers)


def etag_of(url: str, headers: dict[str, str]) -> str:
    import urllib.request

    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as response:
        etag = response.headers.get("ETag")
    if not etag:
        raise BenchError(f"GET {url} sent no ETag")
    return etag
