"""The memberships pages: one blueprint, its URL table filled by the modules below.

- ``member.py``: the public pricing page, applying, "my membership" (allowance, passes, the next
  invoice's estimate), changing plan, pausing, cancelling;
- the hub managers' pages (staff see them read-only): ``manager.py`` applications, the
  memberships list and its CSV, enrolling; ``plans.py`` plans, prices, passes and their sales,
  organisations; ``records.py`` a member's record and the changes made there (plan, pause,
  cancellation, concessions, allowance, billing, notes); ``managing.py`` what they share.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("memberships", __name__)

from coworking.memberships.views import (  # noqa: E402,F401  (their routes join bp)
    manager,
    member,
    plans,
    records,
)
