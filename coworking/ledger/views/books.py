"""The managers' books: entries (list, one with its postings and receipt, reversing it), the
everyday entry and the full one, the chart of accounts, closing a period, and the settings."""
from __future__ import annotations

import calendar
import re
from datetime import date
from functools import partial

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from coworking.extensions import db
from coworking.forms import form_page, saved
from coworking.hubs.loaders import managed_hub
from coworking.ledger import manual
from coworking.ledger.chart import add_account, hub_accounts
from coworking.ledger.forms import (
    AccountForm,
    ClosePeriodForm,
    MultiLineEntryForm,
    ReverseForm,
    SettingsForm,
    SimpleEntryForm,
)
from coworking.ledger.impact import settings_for
from coworking.ledger.models import ClosedPeriod, JournalEntry, Posting
from coworking.ledger.posting import close_period, reverse_entry
from coworking.ledger.views import bp
from coworking.ledger.views.common import account_choices, date_arg, dated_form, hub_account, me, today
from coworking.money import MoneyError, parse_money
from coworking.permissions import in_hub_or_404
from coworking.transactions import unit_of_work

PER_PAGE = 50


@bp.route("/hubs/<slug>/ledger/entries")
@login_required
def entries(slug: str):
    hub = managed_hub(slug)
    start, end = date_arg("from", None), date_arg("to", None)
    query = sa.select(JournalEntry).where(JournalEntry.hub_id == hub.id)
    if start:
        query = query.where(JournalEntry.entry_date >= start)
    if end:
        query = query.where(JournalEntry.entry_date <= end)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 100_000))
    rows = list(db.session.scalars(query.order_by(JournalEntry.entry_date.desc(), JournalEntry.id.desc())
                                   .limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    sums = {entry_id: amount for entry_id, amount in db.session.execute(
        sa.select(Posting.entry_id, sa.func.sum(sa.case((Posting.amount_minor > 0, Posting.amount_minor), else_=0)))
        .where(Posting.entry_id.in_([e.id for e in rows])).group_by(Posting.entry_id))} if rows else {}
    return render_template("ledger/entries.html", hub=hub, entries=rows, sums=sums, page=page,
                           pages=max(1, -(-total // PER_PAGE)), total=total, start=start, end=end,
                           filters={name: value for name, value in (("from", start), ("to", end)) if value})


@bp.route("/hubs/<slug>/ledger/entries/<int:entry_id>", methods=["GET", "POST"])
@login_required
def entry(slug: str, entry_id: int):
    hub = managed_hub(slug)
    one = in_hub_or_404(JournalEntry, hub, entry_id)
    form = ReverseForm(entry_date=today(hub))
    if form.validate_on_submit():
        reversal = saved(form, partial(reverse_entry, one, on=form.entry_date.data, by=me()))
        if reversal is not None:
            flash(f"Entry {one.id} is reversed by entry {reversal.id}.")
            return redirect(url_for("ledger.entry", slug=slug, entry_id=reversal.id))
    reversed_by = db.session.scalar(sa.select(JournalEntry.id).where(JournalEntry.reverses_id == one.id))
    return form_page("ledger/entry.html", form, hub=hub, entry=one, receipt=manual.entry_receipt(one),
                     reversed_by=reversed_by)


@bp.route("/hubs/<slug>/ledger/entries/<int:entry_id>/receipt")
@login_required
def receipt(slug: str, entry_id: int):
    hub = managed_hub(slug)
    found = manual.entry_receipt(in_hub_or_404(JournalEntry, hub, entry_id))
    if found is None:
        abort(404)
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", found.filename) or "receipt"
    return Response(found.data, mimetype=found.content_type, headers={
        "Content-Disposition": f'attachment; filename="{safe_name}"', "X-Content-Type-Options": "nosniff"})


RECEIPT_PAGES = ("ledger.record", "ledger.new_entry")


@bp.url_value_preprocessor
def allow_receipt_upload(endpoint, values) -> None:
    """The app takes 1 MB requests; a page with a receipt takes a little over the receipt's
    5 MB, so that a larger receipt gets its message beside the field (far larger ones: 413).
    Set here because this runs before the CSRF check reads the form."""
    if endpoint in RECEIPT_PAGES:
        request.max_content_length = manual.MAX_RECEIPT_BYTES + 256 * 1024


def uploaded(form) -> manual.ReceiptFile | None:
    upload = form.receipt.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    try:
        return manual.ReceiptFile(upload.filename, upload.read(manual.MAX_RECEIPT_BYTES + 1))
    finally:
        upload.close()


@bp.route("/hubs/<slug>/ledger/record", methods=["GET", "POST"])
@login_required
def record(slug: str):
    hub = managed_hub(slug)
    form = dated_form(SimpleEntryForm, hub)
    direction = form.direction.data or "out"
    form.account.choices = account_choices(hub, "expense" if direction == "out" else "income")
    if not form.account.choices or direction not in ("in", "out"):
        form.account.choices = account_choices(hub, "expense")
    if form.validate_on_submit():
        account = hub_account(hub, form.account.data)
        if account is None:
            form.account.errors.append("Choose one of the categories.")
        else:
            entry = saved(form, partial(manual.record_simple, hub, direction=direction, on=form.entry_date.data,
                                        description=form.description.data, account=account,
                                        amount_minor=form.amount.minor, via=form.via.data,
                                        receipt=uploaded(form), by=me()))
            if entry is not None:
                flash(f"Recorded: {entry.memo}.")
                return redirect(url_for("ledger.entry", slug=slug, entry_id=entry.id))
    return form_page("ledger/record.html", form, hub=hub,
                     cost_accounts=account_choices(hub, "expense"), income_accounts=account_choices(hub, "income"))


@bp.route("/hubs/<slug>/ledger/entries/new", methods=["GET", "POST"])
@login_required
def new_entry(slug: str):
    hub = managed_hub(slug)
    form = dated_form(MultiLineEntryForm, hub)
    choices = [(0, "—")] + account_choices(hub, include_reinvestment=True)
    for line in form.lines:
        line.account.choices = choices
    if form.validate_on_submit():
        lines = parsed_lines(hub, form)
        if lines is not None:
            entry = saved(form, partial(manual.record_multi_line, hub, on=form.entry_date.data,
                                        description=form.description.data, lines=lines,
                                        receipt=uploaded(form), by=me()))
            if entry is not None:
                flash(f"Recorded entry {entry.id}.")
                return redirect(url_for("ledger.entry", slug=slug, entry_id=entry.id))
    return form_page("ledger/new_entry.html", form, hub=hub)


def parsed_lines(hub, form):
    """(account, debit, credit) for each filled line, or None with errors shown beside them."""
    lines, ok = [], True
    for line in form.lines:
        if not (line.account.data or line.debit.data or line.credit.data):
            continue
        account = hub_account(hub, line.account.data)
        if account is None:
            line.account.errors = ["Choose an account."]
            ok = False
            continue
        amounts = []
        for field in (line.debit, line.credit):
            try:
                amounts.append(parse_money(field.data, hub.currency) if field.data else 0)
            except MoneyError as error:
                field.errors = [str(error)]
                ok = False
        if len(amounts) == 2:
            lines.append((account, *amounts))
    if ok and len(lines) < 2:
        form.form_errors.append("Fill in at least two lines.")
        ok = False
    return lines if ok else None


@bp.route("/hubs/<slug>/ledger/accounts", methods=["GET", "POST"])
@login_required
def accounts(slug: str):
    hub = managed_hub(slug)
    form = AccountForm()
    if form.validate_on_submit():
        account = saved(form, partial(add_account, hub, code=form.code.data, name=form.name.data, type_=form.type.data))
        if account is not None:
            flash(f"Account {account.code} {account.name} is added.")
            return redirect(url_for("ledger.accounts", slug=slug))
    return form_page("ledger/accounts.html", form, hub=hub, accounts=hub_accounts(hub))


def period_bounds(kind: str, text: str) -> tuple[date, date] | None:
    if kind == "month" and re.fullmatch(r"(20\d\d|2100)-(0[1-9]|1[0-2])", text):
        year, month = int(text[:4]), int(text[5:])
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if kind == "year" and re.fullmatch(r"20\d\d|2100", text):
        return date(int(text), 1, 1), date(int(text), 12, 31)
    return None


@bp.route("/hubs/<slug>/ledger/close", methods=["GET", "POST"])
@login_required
def close(slug: str):
    hub = managed_hub(slug)
    form = ClosePeriodForm()
    if form.validate_on_submit():
        bounds = period_bounds(form.kind.data, form.period.data)
        if bounds is None:
            form.period.errors.append("Enter a month as 2026-10 or a year as 2026.")
        else:
            closed = saved(form, partial(close_period, hub, starts_on=bounds[0], ends_on=bounds[1],
                                         today=today(hub), by=me()))
            if closed is not None:
                flash(f"The books from {closed.starts_on:%-d %b %Y} to {closed.ends_on:%-d %b %Y} are closed.")
                return redirect(url_for("ledger.close", slug=slug))
    closed_periods = list(db.session.scalars(sa.select(ClosedPeriod).where(ClosedPeriod.hub_id == hub.id)
                                             .order_by(ClosedPeriod.starts_on.desc())))
    return form_page("ledger/close.html", form, hub=hub, closed_periods=closed_periods)


@bp.route("/hubs/<slug>/ledger/settings", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    hub = managed_hub(slug)
    with unit_of_work():
        current = settings_for(hub)
        values = {"impact_public": current.impact_public, "impact_intro": current.impact_intro}
    form = SettingsForm(data=values if request.method == "GET" else None)
    if form.validate_on_submit():
        def save():
            chosen = settings_for(hub)
            chosen.impact_public = form.impact_public.data
            chosen.impact_intro = form.impact_intro.data or ""
            return chosen
        if saved(form, save) is not None:
            flash("The ledger settings are saved.")
            return redirect(url_for("ledger.settings", slug=slug))
    return form_page("ledger/settings.html", form, hub=hub)

