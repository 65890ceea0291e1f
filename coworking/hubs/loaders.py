"""The pages' loaders for what a URL names: the hub (or 404), checked for the current user's role
(or 403), and a space inside it. Every area's views use these; the API has its own, answering JSON."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from coworking.hubs.models import Hub, Space
from coworking.hubs.services import get_hub_by_slug, get_space_in_hub
from coworking.permissions import check_manages, check_works_at
from coworking.types import MAX_INTEGER


def hub_or_404(slug: str) -> Hub:
    hub = get_hub_by_slug(slug)
    if hub is None:
        abort(404)
    return hub


def staff_hub(slug: str) -> Hub:
    """The hub in the URL (or 404), if the current user is its manager or staff (or 403)."""
    hub = hub_or_404(slug)
    check_works_at(current_user, hub)
    return hub


def managed_hub(slug: str) -> Hub:
    """The hub in the URL (or 404), if the current user manages it (or 403)."""
    hub = hub_or_404(slug)
    check_manages(current_user, hub)
    return hub


def space_or_404(hub: Hub, space_id: int, *, include_inactive: bool = True) -> Space:
    """The hub's space with this id (or 404 for another hub's space, an unknown id or, unless
    asked for, an inactive space)."""
    space = get_space_in_hub(hub, space_id) if space_id <= MAX_INTEGER else None
    if space is None or not (space.active or include_inactive):
        abort(404)
    return space
