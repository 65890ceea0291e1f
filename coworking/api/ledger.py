"""/api/v1/hubs/<slug>/ledger/... and /impact: a hub's chart of accounts and journal entries
(its managers and network admins only; entries paged in SQL, newest first, between optional
dates) and its transparency figures for a year (anyone, token or not, where the hub has opted
in; 404 otherwise, as the page)."""
from __future__ import annotations

from flask.views import MethodView

from coworking.api.blueprint import ApiBlueprint
from coworking.api.ledger_schemas import (
    EntryQuerySchema,
    ImpactQuerySchema,
    ImpactSchema,
    JournalEntryPageSchema,
    LedgerAccountListSchema,
)
from coworking.api.loaders import load_hub, managers_only
from coworking.errors import ApiError
from coworking.hubs.models import Hub
from coworking.ledger.chart import hub_accounts
from coworking.ledger.impact import is_public, year_impact, years_with_books
from coworking.ledger.queries import entries_query
from coworking.memberships.queries import page_of_query
from coworking.timezones import local_today

blp = ApiBlueprint("ledger_api", __name__, description="A hub's books (its managers) and its transparency figures "
                   "(public where the hub publishes them). Amounts are integer minor units; debit positive.")


@blp.route("/hubs/<slug>/ledger/accounts", endpoint="accounts")
class Accounts(MethodView):
    @managers_only
    @blp.response(200, LedgerAccountListSchema)
    @blp.documents_errors(401, 403, 404)
    def get(self, hub: Hub):
        """The hub's chart of accounts, by code (managers)"""
        return {"items": hub_accounts(hub)}


@blp.route("/hubs/<slug>/ledger/entries", endpoint="entries")
class Entries(MethodView):
    @managers_only
    @blp.arguments(EntryQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, JournalEntryPageSchema)
    @blp.documents_errors(401, 403, 404, 422)
    def get(self, hub: Hub, page: int, per_page: int, from_, to):
        """The hub's journal entries with their postings, newest first, between `from` and `to` (managers)"""
        if from_ and to and from_ > to:
            raise ApiError(422, "'from' comes after 'to'.", {"from": "'from' comes after 'to'."})
        return page_of_query(entries_query(hub, start=from_, end=to), page, per_page)


@blp.route("/hubs/<slug>/impact", endpoint="impact")
class Impact(MethodView):
    @blp.arguments(ImpactQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, ImpactSchema)
    @blp.documents_errors(401, 404, 422)
    @blp.doc(security=[{}, {"bearerAuth": []}])
    def get(self, slug: str, year: int | None):
        """Income, costs, surplus, set aside and reinvested for a year and its quarters, with the published reinvestments (public where the hub opted in; no token needed)"""
        hub = load_hub(slug)
        if not is_public(hub):
            raise ApiError(404, "This hub does not publish its figures.")
        years = years_with_books(hub)
        year = year or (years[0] if years else local_today(hub.timezone).year)
        figures = year_impact(hub, year)
        return {"hub": hub.slug, "currency": hub.currency, "year": year, "total": figures.total,
                "quarters": figures.quarters, "reinvestments": figures.reinvestments}
