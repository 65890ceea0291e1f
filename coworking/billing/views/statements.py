"""The billing pages: statements (routes join the blueprint of views/__init__.py)."""
