"""Filters and globals every template may use."""
from __future__ import annotations

from flask import Flask, current_app
from flask_login import current_user

from coworking.money import format_money
from coworking.timezones import utc_to_local


def local_time(instant, zone_name: str, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    if instant is None:
        return ""
    return utc_to_local(instant, zone_name).strftime(fmt)


def nav_items() -> list[tuple[str, str]]:
    """Navigation by role: (endpoint, label)."""
    items = [("hubs.index", "Hubs")]
    if current_user.is_authenticated:
        if current_user.is_admin:
            items.append(("hubs.admin_hubs", "Manage hubs"))
        elif current_user.roles:
            items.append(("hubs.mine", "My hubs"))
        items.append(("bookings.start", "Book"))
        items.append(("bookings.mine", "My bookings"))
        items.append(("memberships.mine", "My membership"))
        items.append(("billing.my_invoices", "My invoices"))
        items.append(("accounts.profile", "Profile"))
        items.append(("accounts.tokens", "API tokens"))
    return [(endpoint, label) for endpoint, label in items if endpoint in current_app.view_functions]


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.globals["nav_items"] = nav_items
