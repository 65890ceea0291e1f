"""The ledger API: accounts and entries for the hub's managers only (paged, between dates,
statements fixed), the impact figures public where the hub opted in (no token needed)."""
from __future__ import annotations

from datetime import date

import pytest

from coworking.extensions import db
from coworking.ledger.funds import reinvest, set_aside
from coworking.ledger.impact import settings_for
from coworking.ledger.posting import post_entry
from tests.conftest import bearer, counted_statements


@pytest.fixture
def books(people, make_token):
    hub = people.hub
    for month in range(1, 7):
        post_entry(hub, on=date(2026, month, 10), memo=f"Fees {month}", lines=[("bank", 100000), ("income_membership", -100000)])
    set_aside(hub, amount_minor=50000, on=date(2026, 6, 30))
    reinvest(hub, kind="community_grants", amount_minor=30000, on=date(2026, 7, 2), what="Grant to Bright Bikes",
             beneficiary="Bright Bikes CIC")
    db.session.commit()
    return hub


def test_a_manager_lists_the_accounts_and_entries_between_dates(client, books, people, make_token):
    token = make_token(people.manager)
    accounts = client.get(f"/api/v1/hubs/{books.slug}/ledger/accounts", headers=bearer(token)).json
    assert {"code": "1000", "name": "Bank"}.items() <= accounts["items"][0].items()
    page = client.get(f"/api/v1/hubs/{books.slug}/ledger/entries?from=2026-02-01&to=2026-04-30&per_page=2",
                      headers=bearer(token)).json
    assert (page["total"], page["pages"], page["page"]) == (3, 2, 1)
    assert [item["date"] for item in page["items"]] == ["2026-04-10", "2026-03-10"]
    assert sorted(p["amount_minor"] for p in page["items"][0]["postings"]) == [-100000, 100000]


def test_a_page_of_entries_costs_the_same_statements_however_many(client, books, people, make_token):
    token = make_token(people.manager)
    url = f"/api/v1/hubs/{books.slug}/ledger/entries?per_page=5"
    client.get(url, headers=bearer(token))
    with counted_statements() as few:
        client.get(url, headers=bearer(token))
    for month in range(1, 13):
        post_entry(books, on=date(2025, month, 10), memo="More", lines=[("bank", 1000), ("income_other", -1000)])
    db.session.commit()
    with counted_statements() as many:
        client.get(url, headers=bearer(token))
    assert len(many) == len(few)


@pytest.mark.parametrize("who", ["member", "staff", "other_manager"])
def test_no_one_but_the_hubs_managers_reads_its_books(client, books, people, make_token, who):
    token = make_token(people[who])
    for path in ("ledger/accounts", "ledger/entries"):
        response = client.get(f"/api/v1/hubs/{books.slug}/{path}", headers=bearer(token))
        assert response.status_code == 403 and response.json["error"]["message"]


@pytest.mark.parametrize("query,field", [("from=2026-13-01", "from"), ("to=yesterday", "to"),
                                         ("from=2026-05-01&to=2026-04-01", "from"), ("per_page=0", "per_page")])
def test_bad_queries_name_the_field(client, books, people, make_token, query, field):
    response = client.get(f"/api/v1/hubs/{books.slug}/ledger/entries?{query}", headers=bearer(make_token(people.manager)))
    assert response.status_code == 422
    assert field in str(response.json["error"])


def test_impact_is_public_once_the_hub_opts_in(client, books):
    assert client.get(f"/api/v1/hubs/{books.slug}/impact").status_code == 404
    settings_for(books).impact_public = True
    db.session.commit()
    body = client.get(f"/api/v1/hubs/{books.slug}/impact?year=2026").json
    assert body["year"] == 2026 and body["currency"] == "GBP"
    assert body["total"]["income_minor"] == 600000 and body["total"]["reinvested_minor"] == 30000
    assert body["total"]["set_aside_minor"] == 50000
    assert [q["period"] for q in body["quarters"]] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert body["reinvestments"] == [{"date": "2026-07-02", "kind": "community_grants",
                                      "description": "Grant to Bright Bikes", "beneficiary": "Bright Bikes CIC",
                                      "amount_minor": 30000}]
    assert client.get(f"/api/v1/hubs/{books.slug}/impact?year=1999").status_code == 422
    assert client.get("/api/v1/hubs/nowhere/impact").status_code == 404
