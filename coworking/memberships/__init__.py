"""Memberships: plans and passes, the member lifecycle (apply, approve, change, pause, cancel),
concessions, organisations, the allowance ledger settled from booking events, and the
billable items of a period that invoicing turns into invoices.

Module map: ``models/`` (the tables), ``periods.py`` and ``proration.py`` (pure calendar and
money arithmetic), ``timeline.py`` (a membership's plan, pauses and concessions day by day),
``plans.py`` (plans, prices, passes, organisations), ``applications.py`` and ``lifecycle.py``
(the member's record), ``allocation.py`` (the pure allowance allocation), ``settlement.py``
(the ledger written from it), ``allowances.py`` (adjustments, statements, expiry),
``receivers.py`` (booking events), ``billable.py`` (billable items), ``demo.py``.
"""
