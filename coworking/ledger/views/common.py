"""What the ledger pages share: the hub's accounts as form choices, dates and periods from the
query string. A submission saved with its refusal beside the field and the page's status are the
app's own (``forms.saved``, ``forms.form_page``)."""
from __future__ import annotations

import re
from datetime import date

from flask import request
from flask_login import current_user

from coworking.hubs.models import Hub
from coworking.ledger.chart import hub_accounts
from coworking.ledger.models import LedgerAccount
from coworking.timezones import local_today


def me():
    return current_user._get_current_object()


def account_choices(hub: Hub, *types: str, include_reinvestment: bool = False) -> list[tuple[int, str]]:
    return [(a.id, f"{a.code} {a.name}") for a in hub_accounts(hub)
            if (not types or a.type in types) and (include_reinvestment or not a.is_reinvestment)]


def hub_account(hub: Hub, account_id) -> LedgerAccount | None:
    return next((a for a in hub_accounts(hub) if a.id == account_id), None)


def today(hub: Hub) -> date:
    return local_today(hub.timezone)


def dated_form(form_class, hub: Hub):
    """A ledger form in the hub's currency, dated today in the hub's zone when first shown (a
    submission keeps the date it sent)."""
    form = form_class(currency=hub.currency)
    if request.method == "GET":
        form.entry_date.data = today(hub)
    return form


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
