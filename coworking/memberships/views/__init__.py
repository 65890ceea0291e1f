"""The memberships pages: one blueprint, its URL table filled by the modules below.

- ``member.py``: the public pricing page, applying, "my membership" (allowance, passes, the next
  invoice's estimate), changing plan, pausing, cancelling;
- ``manager.py`` (and its siblings): plans and passes, applications, the memberships list and its
  CSV, a member's record, concessions, organisations.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("memberships", __name__)

from coworking.memberships.views import manager, member  # noqa: E402,F401  (their routes join bp)
