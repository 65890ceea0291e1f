"""What the managers' memberships pages share: the hub's rows named in the URL (or 404), who is
acting, a submission saved as one unit of work with its refusal shown beside the field, and a
page answered with the status its form calls for.

Who may do what (docs/decisions.md, "The managers' memberships pages: who may do what"): the
hub's managers and network admins see and change everything; its staff see the lists and
records, read-only.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, render_template, request
from flask_login import current_user

from coworking.accounts.models import User
from coworking.errors import DomainError
from coworking.extensions import db
from coworking.forms import add_error, save_or_show
from coworking.hubs.models import Hub
from coworking.types import MAX_INTEGER

T = TypeVar("T")
# A refusal's status becomes the page's when it says something about the state (409) or the
# rules (422); anything else about a submitted form is a plain 400.
PAGE_STATUSES = (409, 422)


def me() -> User:
    return current_user._get_current_object()


def can_manage(hub: Hub) -> bool:
    return current_user.manages(hub)


def initial(values):
    """Stored values fill a form only when it is first shown; a POST is judged on what it sent
    (as hubs.views.initial)."""
    return values if request.method == "GET" else None


def page_number() -> int:
    """The ``?page=`` of a list (1 when absent or not a number)."""
    try:
        return max(1, min(int(request.args.get("page", 1)), 100_000))
    except ValueError:
        return 1


def in_hub_or_404(model: type[T], hub: Hub, row_id: int) -> T:
    """The hub's plan, pass, organisation, application or membership with this id, else 404."""
    row = db.session.get(model, row_id) if row_id <= MAX_INTEGER else None
    if row is None or row.hub_id != hub.id:
        abort(404)
    return row


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


def show_refusal_on(form) -> Callable[[DomainError], None]:
    """Show a refusal beside the form's field for it (a service's ``price_minor`` is the form's
    ``price``: see the form's SERVICE_FIELDS), and remember the page's status."""
    renamed = getattr(form, "SERVICE_FIELDS", {})

    def show(error: DomainError) -> None:
        add_error(form, renamed.get(error.field, error.field), error.message)
        form.page_status = error.status if error.status in PAGE_STATUSES else 400

    return show


def saved(form, work: Callable[[], T]) -> T | None:
    """``work`` as the request's unit of work; None when refused (shown on the form)."""
    return save_or_show(form, work, refused=show_refusal_on(form))


def form_page(template: str, form, **context):
    """A page holding ``form``: 200 when shown, 400 (or the refusal's 409/422) when it came back."""
    status = getattr(form, "page_status", 400) if request.method == "POST" else 200
    return render_template(template, form=form, **context), status
