"""The billing pages: one blueprint, its URL table filled by the modules below.

- ``manager.py``: a hub's billing for managers (runs and their progress, issuing all of a run,
  overdue, exports, settings) and ``invoices.py`` (the invoices list, one invoice, a draft's
  lines, issuing one, credit notes, payments); staff see them read-only; ``common.py`` what
  the managers' pages share;
- ``statements.py``: bank statement import, matching and confirming;
- ``member.py``: a member's own invoices and credit notes, their PDFs and balance.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("billing", __name__)

from coworking.billing.views import (  # noqa: E402,F401  (their routes join bp)
    invoices,
    manager,
    member,
    statements,
)
