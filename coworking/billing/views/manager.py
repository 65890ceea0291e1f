"""The billing pages: manager (routes join the blueprint of views/__init__.py)."""
