"""The billing pages: one blueprint, its URL table filled by the modules below.

- ``manager.py``: a hub's billing for managers (runs and their progress, drafts, issuing,
  invoices, credit notes, payments, overdue, exports, settings); staff see it read-only;
- ``statements.py``: bank statement import, matching and confirming;
- ``member.py``: a member's own invoices and credit notes, their PDFs and balance.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("billing", __name__)

from coworking.billing.views import (  # noqa: E402,F401  (their routes join bp)
    manager,
    member,
    statements,
)
