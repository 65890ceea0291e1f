"""Logging in or signing up returns to where the person was going (a safe, same-site ``next``),
and the links between the two pages carry it along."""
from __future__ import annotations

import pytest

from tests.conftest import post_form

NEW = {"name": "Nina Newcomer", "email": "nina@example.org", "password": "a-long-enough-password",
       "confirm": "a-long-enough-password"}


def test_signing_up_returns_to_the_page_asked_for(client):
    response = post_form(client, "/signup?next=/hubs/somewhere/book", NEW)
    assert response.status_code == 302
    assert response.headers["Location"] == "/hubs/somewhere/book"


@pytest.mark.parametrize("target", ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"))
def test_signing_up_never_leaves_the_site(client, target):
    response = post_form(client, "/signup", NEW, query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_the_login_page_links_to_sign_up_keeping_next_and_back(client):
    login = client.get("/login?next=/hubs/x/book").get_data(as_text=True)
    assert 'href="/signup?next=/hubs/x/book"' in login or 'href="/signup?next=%2Fhubs%2Fx%2Fbook"' in login
    signup = client.get("/signup?next=/hubs/x/book").get_data(as_text=True)
    assert 'href="/login?next=%2Fhubs%2Fx%2Fbook"' in signup or 'href="/login?next=/hubs/x/book"' in signup


def test_an_unsafe_next_is_not_carried_to_the_other_page(client):
    login = client.get("/login?next=https://evil.example/").get_data(as_text=True)
    assert "evil.example" not in login


def test_the_headers_log_in_link_comes_back_to_the_page(client, make_hub):
    make_hub(slug="here", name="Here Hub")
    page = client.get("/hubs/here").get_data(as_text=True)
    assert 'href="/login?next=/hubs/here"' in page
