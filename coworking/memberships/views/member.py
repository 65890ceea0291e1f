"""The members' memberships pages (routes join the blueprint in views/__init__.py)."""
from __future__ import annotations

from coworking.memberships.views import bp  # noqa: F401
