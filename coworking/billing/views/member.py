"""The billing pages: member (routes join the blueprint of views/__init__.py)."""
