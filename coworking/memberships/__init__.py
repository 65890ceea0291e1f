"""Memberships: plans and passes, the member lifecycle (apply, approve, change, pause, cancel),
concessions, organisations, the allowance ledger settled from booking events, and the
billable items of a period that invoicing turns into invoices.

Module map:
- ``models/``: the tables (``plans.py`` what a hub sells, ``memberships.py`` the member's
  record, ``allowances.py`` the ledger and each booking's charge); ``errors.py``: MembershipError.
- Pure rules: ``periods.py`` (months in the hub's zone, ``parse_period``), ``proration.py``
  (cumulative day shares), ``timeline.py`` (a membership day by day: plan, pause, concession,
  fee parts, grants), ``allocation.py`` (which allowance covers which booking).
- Services (flush, never commit): ``plans.py`` (plans, prices, passes, organisations),
  ``applications.py`` (apply, approve, decline, enrol), ``lifecycle.py`` (plan changes, pauses,
  cancellation, concessions, who is billed), ``allowances.py`` (adjustments, statements,
  expiry), ``history.py`` (the history rows and the permission checks they share).
- Settlement: ``receivers.py`` (booking events), ``fast_path.py`` (most new bookings, in a few
  statements), ``settlement.py`` and ``ledger.py`` (the full re-settlement of a member).
- ``billable.py``: ``billable_items(hub, period)``; ``demo.py``: the demo data.
- Lists: ``queries.py`` (filtered and paged in SQL), ``roster.py`` (a membership as a line of the
  hub's list and of its CSV export).
- What members read (read-only): ``offers.py`` (the public plans and passes, prices with VAT as
  the hub shows them), ``overview.py`` ("my membership": per hub, the allowance, passes,
  applications and an estimate of next month's fee), ``usage.py`` (a month's allowance used
  and left), ``coverage.py`` (what would pay, or paid, for a booking: the booking pages ask
  through coworking/events.py), ``wording.py`` (allowances in words).
- Pages: ``views/`` (the blueprint) and ``forms/``, one module per audience.
"""
