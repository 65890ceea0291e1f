"""What the managers' billing pages share: who is acting, the hub's invoice (or statement line)
named in the URL or a 404, a submission saved as one unit of work with its refusal shown beside
its field, and a page answered with the status its form calls for.

Who may do what (docs/decisions.md, "The managers' billing pages"): the hub's managers and
network admins see and change everything; its staff see the lists, invoices, statements and
exports read-only. No page edits or deletes an issued invoice: a draft's forms are shown only
while it is a draft, and the services refuse (409) before the database's triggers would.
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
PAGE_STATUSES = (409, 422)
PER_PAGE = 50


def me() -> User:
    return current_user._get_current_object()


def can_manage(hub: Hub) -> bool:
    return current_user.manages(hub)


def in_hub_or_404(model: type[T], hub: Hub, row_id: int) -> T:
    """The hub's invoice, statement or statement line with this id, else 404."""
    row = db.session.get(model, row_id) if row_id <= MAX_INTEGER else None
    if row is None or row.hub_id != hub.id:
        abort(404)
    return row


def page_number() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), 100_000))
    except ValueError:
        return 1


def show_refusal_on(form) -> Callable[[DomainError], None]:
    """Show a refusal beside the form's field for it (renamed by the form's SERVICE_FIELDS)
    and remember the page's status."""
    renamed = getattr(form, "SERVICE_FIELDS", {})

    def show(error: DomainError) -> None:
        add_error(form, renamed.get(error.field, error.field), error.message)
        form.page_status = error.status if error.status in PAGE_STATUSES else 400
        form.refusal = error

    return show


def saved(form, work: Callable[[], T]) -> T | None:
    """``work`` as the request's unit of work; None when refused (shown on the form)."""
    return save_or_show(form, work, refused=show_refusal_on(form))


def form_page(template: str, form, **context):
    """A page holding ``form``: 200 when shown, 400 (or the refusal's 409/422) when it came back."""
    status = getattr(form, "page_status", 400) if request.method == "POST" else 200
    return render_template(template, form=form, **context), status
