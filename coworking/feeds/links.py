"""Feed URLs as people paste them into calendar apps: absolute (from BASE_URL) and webcal://.

Used by the feed pages and the API alike; needs an app context (``url_for``).
"""
from __future__ import annotations

from flask import current_app, url_for

from coworking.feeds.models import FeedToken
from coworking.feeds.services import raw_token
from coworking.hubs.models import Hub, Space


def absolute_url(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def webcal_url(url: str) -> str:
    """The same link with the webcal scheme, which calendar apps open as a subscription."""
    _, _, rest = url.partition("://")
    return f"webcal://{rest}"


def link(path: str) -> dict:
    url = absolute_url(path)
    return {"url": url, "webcal": webcal_url(url)}


def private_link(token: FeedToken) -> dict:
    return link(url_for("feeds.private_feed", token=raw_token(token)))


def public_space_link(space: Space) -> dict | None:
    """The space's public feed link, or None while its feed is private."""
    if not space.feed_public:
        return None
    return link(url_for("feeds.public_space_feed", space_id=space.id))


def closures_link(hub: Hub) -> dict:
    return link(url_for("feeds.hub_closures_feed", slug=hub.slug))
