"""GET /api/v1/hubs/<slug>/spaces with a member's bearer token: token lookup, hub, its spaces, JSON."""
from __future__ import annotations

import json

from bench.common import Bench, BenchError, Measurement, http_get
from coworking.demo import HUBS

# The first demo hub (six spaces) and a plain member: seed-demo has made both.
HUB_SLUG = HUBS[0]["slug"]
MEMBER_EMAIL = "alice@example.org"


def run(bench: Bench) -> list[Measurement]:
    token = bench.api_token(MEMBER_EMAIL)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    path = f"/api/v1/hubs/{HUB_SLUG}/spaces"
    with bench.app_server() as server:
        _check_lists_spaces(server.url + path, headers)
        return [bench.measure(f"GET {path}", server, path, headers)]


def _check_lists_spaces(url: str, headers: dict[str, str]) -> None:
    status, body = http_get(url, headers)
    try:
        items = json.loads(body)["items"] if status == 200 else None
    except (ValueError, KeyError, TypeError):
        items = None
    if not items:
        raise BenchError(f"GET {url} should list the demo spaces; got {status}: {body[:300]!r}")
