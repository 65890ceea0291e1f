"""The one permission helper: who may see or change what. Views call these; they 403 or 404."""
from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from flask import abort
from flask_login import current_user, login_required

if TYPE_CHECKING:
    from coworking.hubs.models import Hub


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
