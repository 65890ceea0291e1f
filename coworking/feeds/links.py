"""Absolute links: the feed URLs people paste into calendar apps, and the links feeds carry.

All are built from the routes and BASE_URL (``coworking.urls.external_url``), never by joining
paths; so they need an app context. Used by the feed pages, the API and the feeds' content.
"""
from __future__ import annotations

from collections.abc import Callable

from coworking.feeds.models import FeedToken
from coworking.feeds.tokens import raw_token
from coworking.hubs.models import Hub, Space
from coworking.types import MAX_INTEGER
from coworking.urls import external_url

# --- subscription links ---------------------------------------------------------------------

def webcal_url(url: str) -> str:
    """The same link with the webcal scheme, which calendar apps open as a subscription."""
    _, _, rest = url.partition("://")
    return f"webcal://{rest}"


def subscription_link(endpoint: str, **values) -> dict:
    url = external_url(endpoint, **values)
    return {"url": url, "webcal": webcal_url(url)}


def private_link(token: FeedToken) -> dict:
    return subscription_link("feeds.private_feed", token=raw_token(token))


def public_space_link(space: Space) -> dict | None:
    """The space's public feed link, or None while its feed is private."""
    if not space.feed_public:
        return None
    return subscription_link("feeds.public_space_feed", space_id=space.id)


def closures_link(hub: Hub) -> dict:
    return subscription_link("feeds.hub_closures_feed", slug=hub.slug)


# --- links inside a feed's events -----------------------------------------------------------

class EventLinks:
    """The pages one feed's events link to: a booking's page, and its hub's.

    A feed has thousands of events and a link through the URL map costs about 4 µs, a tenth of
    writing the event; so each kind of link goes through the map once per feed.
    """

    def __init__(self) -> None:
        self.booking_page = link_for_each_id("bookings.show", "booking_id")
        self._hub_pages: dict[int, str] = {}

    def hub_page(self, hub: Hub) -> str:
        page = self._hub_pages.get(hub.id)
        if page is None:
            page = self._hub_pages[hub.id] = external_url("hubs.show", slug=hub.slug)
        return page


def link_for_each_id(endpoint: str, name: str) -> Callable[[int], str]:
    """``external_url(endpoint, **{name: id})`` for any id, asking the URL map once: a route's
    integer part is the number as it is, so every id's link is one link with the number swapped."""
    head, _, tail = external_url(endpoint, **{name: MAX_INTEGER}).rpartition(str(MAX_INTEGER))
    return lambda value: f"{head}{value}{tail}"
