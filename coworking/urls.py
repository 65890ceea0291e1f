"""Absolute links for what leaves the app (mail, calendar feeds, one-off .ics files).

They are built from the routes (``url_for``'s map) and ``BASE_URL``, never from the request's
host (a request may come through a proxy, or not exist at all: a CLI command, the outbox worker)
and never by joining hard-coded paths.
"""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import Map, MapAdapter


def external_url(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values, _external=True)`` as seen from ``BASE_URL``."""
    return _adapter(current_app.url_map, current_app.config["BASE_URL"]).build(endpoint, values, force_external=True)


@lru_cache(maxsize=16)
def _adapter(url_map: Map, base_url: str) -> MapAdapter:
    base = urlsplit(base_url.rstrip("/"))
    return url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
