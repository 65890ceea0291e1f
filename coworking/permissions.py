"""The one permission helper: who may see or change what. Views call these; they 403 or 404."""
from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING, TypeVar

from flask import abort
from flask_login import current_user, login_required

from coworking.extensions import db
from coworking.types import MAX_INTEGER

if TYPE_CHECKING:
    from coworking.hubs.models import Hub

T = TypeVar("T")


def require_admin(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def check_manages(user, hub: Hub) -> None:
    """403 unless the user is a manager of this hub or a network admin."""
    if not (user.is_authenticated and user.manages(hub)):
        abort(403)


def check_works_at(user, hub: Hub) -> None:
    """403 unless the user is manager or staff here, or a network admin."""
    if not (user.is_authenticated and user.works_at(hub)):
        abort(403)


def in_hub_or_404(model: type[T], hub: Hub, row_id: int) -> T:
    """The hub's row (a plan, an invoice, a journal entry...) with this id from the URL, else 404:
    another hub's row is as unknown as a missing one."""
    row = db.session.get(model, row_id) if row_id <= MAX_INTEGER else None
    if row is None or row.hub_id != hub.id:
        abort(404)
    return row
