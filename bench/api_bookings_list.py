"""GET /api/v1/bookings (a page of a list) with 1,000 and then 100,000 bookings in the table.

Lists page in SQL (``coworking.paging.page_of_query``: LIMIT/OFFSET and a count), so a page
costs the same however much history the table holds. Measured through gunicorn with no answer
kept (``API_ANSWER_CACHE_BYTES=0``: every request builds its page), as a network admin:

- a week of the 200-space bench hub's bookings, page 1 and page 5 of 20;
- a bench member's own bookings, page 1;
- the bench hub's bookings without a range, page 1: its count covers the hub's whole history,
  so this one grows with the table (shown to say so, not hidden).
"""
from __future__ import annotations

from datetime import timedelta

from bench.common import Bench, Measurement, progress
from bench.seeding import MAIN_HUB, booking_rows, create_bench_hubs, insert_bookings, remove_bench_data
from coworking.extensions import db
from coworking.timezones import local_today

ADMIN = "admin@example.org"
BENCH_MEMBER = "member0001@bench.example"
SIZES = (1_000, 100_000)
NOTHING_KEPT = {"API_ANSWER_CACHE_BYTES": "0"}


def run(bench: Bench) -> list[Measurement]:
    results = []
    with bench.app():
        remove_bench_data()
        try:
            data = create_bench_hubs()
            rows = booking_rows(data, SIZES[-1])
            inserted = 0
            for size in SIZES:
                insert_bookings(rows[inserted:size])
                inserted = size
                progress(f"{size:,} bookings in the table")
                results += measure(bench, size)
        finally:
            db.session.rollback()
            remove_bench_data()
    return results


def measure(bench: Bench, size: int) -> list[Measurement]:
    today = local_today("Europe/London")
    week = f"from={today.isoformat()}&to={(today + timedelta(days=6)).isoformat()}"
    admin = {"Authorization": f"Bearer {bench.api_token(ADMIN)}", "Accept": "application/json"}
    member = {"Authorization": f"Bearer {bench.api_token(BENCH_MEMBER)}", "Accept": "application/json"}
    lists = (
        (f"/api/v1/bookings?hub={MAIN_HUB}&{week}", admin),
        (f"/api/v1/bookings?hub={MAIN_HUB}&{week}&page=5", admin),
        ("/api/v1/bookings", member),
        (f"/api/v1/bookings?hub={MAIN_HUB}", admin),
    )
    with bench.app_server(**NOTHING_KEPT) as server:
        return [bench.measure(f"GET {path} ({size:,} bookings in the table)", server, path, headers)
                for path, headers in lists]
