"""What the ledger pages share: the hub's accounts as form choices, a submission saved as one
unit of work with its refusal beside the field, dates and periods from the query string."""
from __future__ import annotations

import re
from datetime import date

from flask import render_template, request
from flask_login import current_user

from coworking.forms import add_error, save_or_show
from coworking.hubs.models import Hub
from coworking.ledger.chart import hub_accounts
from coworking.ledger.models import LedgerAccount
from coworking.timezones import local_today

RENAMED = {"entry_date": "entry_date", "lines": "lines", "amount": "amount"}


def me():
    return current_user._get_current_object()


def saved(form, work):
    """``work`` as the request's unit of work; None when refused (shown on the form)."""
    def refused(error):
        form.page_status = error.status if error.status in (403, 409, 422) else 422
        add_error(form, error.field, error.message)
    return save_or_show(form, work, refused=refused)


def form_page(template: str, form, **context):
    status = getattr(form, "page_status", 400) if request.method == "POST" else 200
    return render_template(template, form=form, **context), status


def account_choices(hub: Hub, *types: str, include_reinvestment: bool = False) -> list[tuple[int, str]]:
    return [(a.id, f"{a.code} {a.name}") for a in hub_accounts(hub)
            if (not types or a.type in types) and (include_reinvestment or not a.is_reinvestment)]


def hub_account(hub: Hub, account_id) -> LedgerAccount | None:
    return next((a for a in hub_accounts(hub) if a.id == account_id), None)


def today(hub: Hub) -> date:
    return local_today(hub.timezone)


def date_arg(name: str, default: date | None) -> date | None:
    """``?from=2026-01-01``: a date between 2000 and 2100, else the default."""
    text = request.args.get(name, "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            value = date.fromisoformat(text)
        except ValueError:
            return default
        if 2000 <= value.year <= 2100:
            return value
    return default


def year_arg(default: int) -> int:
    text = request.args.get("year", "")
    return int(text) if re.fullmatch(r"20\d\d|2100", text) else default
