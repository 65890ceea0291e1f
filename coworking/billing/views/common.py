"""What the managers' billing pages share: who is acting, and whether they manage the hub. The
hub's rows named in the URL (``permissions.in_hub_or_404``), a submission saved with its refusal
beside the field and the page's status (``forms.saved``, ``forms.form_page``) are the app's own.

Who may do what (docs/decisions.md, "The managers' billing pages"): the hub's managers and
network admins see and change everything; its staff see the lists, invoices, statements and
exports read-only. No page edits or deletes an issued invoice: a draft's forms are shown only
while it is a draft, and the services refuse (409) before the database's triggers would.
"""
from __future__ import annotations

from flask_login import current_user

from coworking.accounts.models import User
from coworking.hubs.models import Hub

PER_PAGE = 50


def me() -> User:
    return current_user._get_current_object()


def can_manage(hub: Hub) -> bool:
    return current_user.manages(hub)
