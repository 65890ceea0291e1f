"""The transparency page, ``/hubs/<slug>/impact``: no login, only for hubs that opted in
(others answer 404), a year at a time, with its figures as CSV too."""
from __future__ import annotations

from flask import abort, render_template

from coworking.hubs.loaders import hub_or_404
from coworking.ledger.impact import KIND_LABELS, is_public, ledger_settings, year_impact, years_with_books
from coworking.ledger.views import bp
from coworking.ledger.views.common import today, year_arg
from coworking.ledger.views.surplus import csv_response, surplus_charts, surplus_rows


def public_hub(slug: str):
    hub = hub_or_404(slug)
    if not is_public(hub):
        abort(404)
    return hub


@bp.route("/hubs/<slug>/impact")
def impact(slug: str):
    hub = public_hub(slug)
    years = years_with_books(hub)
    year = year_arg(years[0] if years else today(hub).year)
    figures = year_impact(hub, year)
    flows, reinvested, kinds = surplus_charts(hub, figures.quarters)
    page = render_template("ledger/impact.html", hub=hub, year=year, years=years, figures=figures,
                           flows_chart=flows, reinvested_chart=reinvested, kinds=kinds,
                           kind_labels=KIND_LABELS, intro=ledger_settings(hub).impact_intro)
    return page, 200, {"Cache-Control": "public, max-age=300"}


@bp.route("/hubs/<slug>/impact.csv")
def impact_csv(slug: str):
    hub = public_hub(slug)
    years = years_with_books(hub)
    year = year_arg(years[0] if years else today(hub).year)
    figures = year_impact(hub, year)
    periods = figures.quarters + ([figures.total] if figures.total else [])
    return csv_response(f"{hub.slug}-impact-{year}.csv", surplus_rows(hub, periods))
