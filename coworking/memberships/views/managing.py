"""What the managers' memberships pages share: who is acting, whether they manage the hub, the
values a form starts with, and a row picked in a select. The hub's rows named in the URL
(``permissions.in_hub_or_404``), a submission saved with its refusal beside the field and the
page's status (``forms.saved``, ``forms.form_page``) are the app's own.

Who may do what (docs/decisions.md, "The managers' memberships pages: who may do what"): the
hub's managers and network admins see and change everything; its staff see the lists and
records, read-only.
"""
from __future__ import annotations

from typing import TypeVar

from flask import request
from flask_login import current_user

from coworking.accounts.models import User
from coworking.extensions import db
from coworking.forms import add_error
from coworking.hubs.models import Hub
from coworking.types import MAX_INTEGER

T = TypeVar("T")


def me() -> User:
    return current_user._get_current_object()


def can_manage(hub: Hub) -> bool:
    return current_user.manages(hub)


def initial(values):
    """Stored values fill a form only when it is first shown; a POST is judged on what it sent
    (as hubs.views.initial)."""
    return values if request.method == "GET" else None


def chosen_row(form, field_name: str, model: type[T], hub: Hub, message: str) -> T | None:
    """The hub's row picked in the select ``field_name`` (None when left blank). A choice that
    is not one of the hub's rows (stale, or forged) gets ``message`` beside the field."""
    field = form[field_name]
    if not field.data:
        return None
    row_id = field.chosen_id()
    row = db.session.get(model, row_id) if row_id is not None and 0 < row_id <= MAX_INTEGER else None
    if row is None or row.hub_id != hub.id:
        add_error(form, field_name, message)
        return None
    return row
