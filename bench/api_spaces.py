"""GET /api/v1/hubs/<slug>/spaces with a member's bearer token: token lookup, hub, its spaces, JSON.

Measured as a client polls without If-None-Match (the answer kept by the process under its
ETag, after the first), and with no answer kept (``API_ANSWER_CACHE_BYTES=0``: built every time).
"""
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
    results = []
    for name, env in ((f"GET {path}", {}), (f"GET {path}, built every time", {"API_ANSWER_CACHE_BYTES": "0"})):
        with bench.app_server(**env) as server:
            _check_lists_spaces(server.url + path, headers)
            results.append(bench.measure(name, server, path, headers))
    return results


def _check_lists_spaces(url: str, headers: dict[str, str]) -> None:
    status, body = http_get(url, headers)
    try:
        items = json.loads(body)["items"] if status == 200 else None
    except (ValueError, KeyError, TypeError):
        items = None
    if not items:
        raise BenchError(f"GET {url} should list the demo spaces; got {status}: {body[:300]!r}")
