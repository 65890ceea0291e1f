"""Absolute links for mail and feeds come from the routes and BASE_URL, path prefix included."""
from __future__ import annotations

import pytest

from coworking.urls import external_url


@pytest.mark.parametrize(
    ("base_url", "link"),
    [
        ("http://localhost", "http://localhost/hubs/here"),
        ("https://cowork.example.org", "https://cowork.example.org/hubs/here"),
        ("https://example.org/cowork", "https://example.org/cowork/hubs/here"),
        ("https://example.org/cowork/", "https://example.org/cowork/hubs/here"),
        ("http://127.0.0.1:5000/a/b", "http://127.0.0.1:5000/a/b/hubs/here"),
    ],
)
def test_a_link_starts_with_the_base_url_whatever_its_path(app, base_url, link):
    app.config["BASE_URL"] = base_url
    assert external_url("hubs.show", slug="here") == link


def test_values_the_route_does_not_take_become_the_query_string(app):
    app.config["BASE_URL"] = "https://example.org/cowork"
    assert external_url("hubs.show", slug="here", tab="spaces") == "https://example.org/cowork/hubs/here?tab=spaces"


def test_no_request_is_needed(app):
    from flask import has_request_context

    app.config["BASE_URL"] = "https://example.org/cowork"
    assert not has_request_context()
    assert external_url("feeds.hub_closures_feed", slug="here") == "https://example.org/cowork/feeds/hubs/here/closures.ics"
