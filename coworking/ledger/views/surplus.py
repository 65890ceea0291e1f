"""The surplus page (income, costs, surplus, set aside and reinvested per month, quarter or
year, with charts and the figures in tables), setting surplus aside, recording a
reinvestment, and the reports with their CSVs. Every figure comes from postings."""
from __future__ import annotations

from datetime import date
from functools import partial

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from coworking.forms import form_page, saved
from coworking.hubs.loaders import managed_hub
from coworking.ledger import funds
from coworking.ledger.charts import Series, bar_chart
from coworking.ledger.forms import ReinvestForm, SetAsideForm
from coworking.ledger.impact import KIND_LABELS
from coworking.ledger.reports import GRANULARITIES, figures_by_period, fund_balances, trial_balance
from coworking.ledger.views import bp
from coworking.ledger.views.common import date_arg, dated_form, me, today, year_arg
from coworking.money import format_money, minor_to_decimal
from coworking.spreadsheet import csv_line, safe_cell


def surplus_charts(hub, periods):
    def money(amount):
        return format_money(amount, hub.currency)
    labels = [figures.key for figures in periods]
    flows = bar_chart("Income, costs and surplus", labels, [
        Series("income", "Income", [f.income_minor for f in periods]),
        Series("costs", "Costs", [f.costs_minor for f in periods]),
        Series("surplus", "Surplus", [f.surplus_minor for f in periods]),
    ], money=money)
    kinds = {kind: sum(f.reinvested_by_kind.get(kind, 0) for f in periods) for kind in KIND_LABELS}
    reinvested = bar_chart("Reinvestment by kind", [KIND_LABELS[k] for k in kinds],
                           [Series("reinvested", "Reinvested", list(kinds.values()))], money=money)
    return flows, reinvested, kinds


@bp.route("/hubs/<slug>/ledger")
@login_required
def overview(slug: str):
    hub = managed_hub(slug)
    year = year_arg(today(hub).year)
    granularity = request.args.get("by", "month")
    if granularity not in GRANULARITIES:
        granularity = "month"
    periods = figures_by_period(hub, start=date(year, 1, 1), end=date(year, 12, 31), granularity=granularity)
    flows, reinvested, kinds = surplus_charts(hub, periods)
    return render_template("ledger/overview.html", hub=hub, year=year, granularity=granularity, periods=periods,
                           flows_chart=flows, reinvested_chart=reinvested, kinds=kinds, kind_labels=KIND_LABELS,
                           fund_balance=funds.fund_balance(hub))


@bp.route("/hubs/<slug>/ledger/surplus.csv")
@login_required
def surplus_csv(slug: str):
    hub = managed_hub(slug)
    year = year_arg(today(hub).year)
    granularity = request.args.get("by", "month") if request.args.get("by") in GRANULARITIES else "month"
    periods = figures_by_period(hub, start=date(year, 1, 1), end=date(year, 12, 31), granularity=granularity)
    return csv_response(f"{hub.slug}-surplus-{year}-{granularity}.csv", surplus_rows(hub, periods))


def surplus_rows(hub, periods):
    decimal = partial(minor_to_decimal, currency=hub.currency)
    yield ("period", "income", "costs", "surplus", "set aside", "reinvested", "share of surplus reinvested", "currency")
    for f in periods:
        share = f"{f.reinvested_share:.1%}" if f.reinvested_share is not None else ""
        yield (f.key, decimal(f.income_minor), decimal(f.costs_minor), decimal(f.surplus_minor),
               decimal(f.set_aside_minor), decimal(f.reinvested_minor), share, hub.currency)


def csv_response(filename: str, rows) -> Response:
    body = "".join(csv_line([safe_cell(cell) if isinstance(cell, str) else cell for cell in row]) for row in rows)
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/hubs/<slug>/ledger/set-aside", methods=["GET", "POST"])
@login_required
def set_aside(slug: str):
    hub = managed_hub(slug)
    form = dated_form(SetAsideForm, hub)
    if form.validate_on_submit():
        entry = saved(form, partial(funds.set_aside, hub, amount_minor=form.amount.minor, on=form.entry_date.data,
                                    memo=form.memo.data or "", by=me()))
        if entry is not None:
            flash(f"{format_money(form.amount.minor, hub.currency)} is set aside into the community fund.")
            return redirect(url_for("ledger.overview", slug=slug))
    return form_page("ledger/set_aside.html", form, hub=hub, fund_balance=funds.fund_balance(hub))


@bp.route("/hubs/<slug>/ledger/reinvest", methods=["GET", "POST"])
@login_required
def reinvest(slug: str):
    hub = managed_hub(slug)
    form = dated_form(ReinvestForm, hub)
    if form.validate_on_submit():
        entry = saved(form, partial(
            funds.reinvest, hub, kind=form.kind.data, amount_minor=form.amount.minor, on=form.entry_date.data,
            what=form.what.data, beneficiary=form.beneficiary.data or "",
            beneficiary_is_person=form.beneficiary_is_person.data, consent_given=form.consent_given.data,
            published=form.published.data, paid_from=form.paid_from.data,
            allow_negative_fund=form.allow_negative_fund.data, by=me()))
        if entry is not None:
            flash(f"Reinvestment recorded: {entry.memo}.")
            return redirect(url_for("ledger.overview", slug=slug))
    return form_page("ledger/reinvest.html", form, hub=hub, fund_balance=funds.fund_balance(hub))


REPORTS = ("trial-balance", "income-expenditure", "funds")


@bp.route("/hubs/<slug>/ledger/reports/<name>")
@bp.route("/hubs/<slug>/ledger/reports/<name>.csv", endpoint="report_csv")
@login_required
def report(slug: str, name: str):
    hub = managed_hub(slug)
    if name not in REPORTS:
        abort(404)
    as_csv = request.endpoint == "ledger.report_csv"
    end = date_arg("to", today(hub))
    start = date_arg("from", date(end.year, 1, 1))
    rows, context = report_rows(hub, name, start, end)
    if as_csv:
        return csv_response(f"{hub.slug}-{name}-{start}-{end}.csv", rows)
    return render_template("ledger/report.html", hub=hub, name=name, start=start, end=end,
                           rows=list(rows)[1:], header=context["header"], title=context["title"])


def report_rows(hub, name: str, start: date, end: date):
    decimal = partial(minor_to_decimal, currency=hub.currency)
    if name == "trial-balance":
        balances, debits, credits = trial_balance(hub, end=end)
        header = ("code", "account", "debit", "credit")
        rows = [header] + [(b.account.code, b.account.name, decimal(max(b.balance_minor, 0)),
                            decimal(max(-b.balance_minor, 0))) for b in balances]
        rows.append(("", "Total", decimal(debits), decimal(credits)))
        return rows, {"header": header, "title": f"Trial balance at {end:%-d %B %Y}"}
    if name == "funds":
        header = ("code", "fund", "balance")
        rows = [header] + [(b.account.code, b.account.name, decimal(-b.balance_minor)) for b in fund_balances(hub, end=end)]
        return rows, {"header": header, "title": f"Fund balances at {end:%-d %B %Y}"}
    periods = figures_by_period(hub, start=start, end=end, granularity="month")
    header = ("period", "line", "amount")
    rows = [header]
    for f in periods:
        rows += [(f.key, f"Income: {name_}", decimal(amount)) for name_, amount in sorted(f.income_by_account.items())]
        rows += [(f.key, f"Cost: {name_}", decimal(amount)) for name_, amount in sorted(f.costs_by_account.items())]
        rows.append((f.key, "Surplus", decimal(f.surplus_minor)))
    return rows, {"header": header, "title": f"Income and expenditure, {start:%-d %b %Y} to {end:%-d %b %Y}"}
