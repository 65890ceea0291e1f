"""The memberships area's forms, one module per group of pages: they parse what was typed;
the rules live in the services (plans.py, applications.py, lifecycle.py, allowances.py)."""
