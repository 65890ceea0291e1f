"""The ledger pages: one blueprint, its URL table filled by the modules below.

- ``books.py``: the managers' books (entries, the everyday and the full entry forms, receipts,
  reversals, accounts, closing periods, settings);
- ``surplus.py``: the surplus page (charts and figures), setting aside, reinvesting, reports
  and their CSVs;
- ``public.py``: the hub's transparency page, ``/hubs/<slug>/impact``, for everyone.

Only a hub's managers (and network admins) see its books; staff and members get 403.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ledger", __name__)

from coworking.ledger.views import (  # noqa: E402,F401  (their routes join bp)
    books,
    public,
    surplus,
)
