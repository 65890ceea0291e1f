"""Filters and globals every template may use."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_login import current_user

from coworking.money import format_money
from coworking.timezones import utc_to_local


def local_time(instant, zone_name: str, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    if instant is None:
        return ""
    return utc_to_local(instant, zone_name).strftime(fmt)


def nav_items() -> list[tuple[str, str]]:
    """Navigation by role: (endpoint, label). API tokens are under the profile, not here."""
    items = [("hubs.index", "Hubs")]
    if current_user.is_authenticated:
        if current_user.is_admin:
            items.append(("hubs.admin_hubs", "Manage hubs"))
        if current_user.roles:
            items.append(("hubs.mine", "My hubs"))
        items.append(("bookings.start", "Book"))
        items.append(("bookings.mine", "My bookings"))
        items.append(("memberships.mine", "My membership"))
        items.append(("billing.my_invoices", "My invoices"))
        items.append(("accounts.profile", "Profile"))
    return [(endpoint, label) for endpoint, label in items if endpoint in current_app.view_functions]


def return_here() -> str | None:
    """This page's path, for the header's "Log in" and "Sign up" links to come back to; None on
    the account pages themselves and after a POST (a form's answer is not a page to return to)."""
    if request.method != "GET" or (request.endpoint or "").startswith("accounts.") or request.path == "/":
        return None
    return request.full_path.rstrip("?")


@dataclass(frozen=True)
class HubLink:
    endpoint: str
    label: str
    current: bool


# One navigation for everyone running a hub: (group, [(endpoint, label, who, also current on)]).
# "staff": the hub's staff and managers; "manager": its managers (and the network admin).
HUB_NAVIGATION = [
    ("Bookings", [
        ("bookings.manage_day", "Day", "staff", ()),
        ("bookings.manage_week", "Week", "staff", ()),
        ("bookings.manage_list", "All bookings", "staff", ()),
        ("bookings.new_block", "Block a space", "staff", ()),
        ("bookings.grid", "Book for someone", "staff", ("bookings.book_desk", "bookings.book_room", "bookings.book_series")),
        ("bookings.rules", "Booking rules", "manager", ("bookings.space_rules",)),
    ]),
    ("Members", [
        ("memberships.memberships", "Memberships", "staff", ("memberships.record", "memberships.enrol")),
        ("memberships.applications", "Applications", "staff", ("memberships.application",)),
        ("memberships.plans", "Plans", "staff", ("memberships.new_plan", "memberships.edit_plan", "memberships.change_price")),
        ("memberships.passes", "Passes", "staff", ("memberships.new_pass", "memberships.sell_pass")),
        ("memberships.organisations", "Organisations", "staff", ("memberships.new_organisation", "memberships.edit_organisation")),
        ("hubs.team", "Team", "manager", ("hubs.roles",)),
    ]),
    ("Money", [
        ("billing.overview", "Billing", "staff", ()),
        ("billing.invoices", "Invoices", "staff", ()),
        ("billing.overdue", "Overdue", "staff", ()),
        ("billing.statements", "Bank statements", "manager", ()),
        ("ledger.overview", "Books and surplus", "manager", ("ledger.entries", "ledger.entry", "ledger.record",
                                                          "ledger.new_entry", "ledger.set_aside", "ledger.reinvest",
                                                          "ledger.accounts", "ledger.close", "ledger.report")),
        ("ledger.settings", "Transparency page", "manager", ()),
    ]),
    ("Hub", [
        ("hubs.edit", "Details", "manager", ()),
        ("hubs.hours", "Opening hours", "manager", ()),
        ("hubs.closures", "Closures", "manager", ()),
        ("hubs.spaces", "Spaces", "manager", ("hubs.new_space", "hubs.edit_space")),
        ("feeds.hub_feeds", "Calendar feeds", "staff", ()),
        ("hubs.show", "Public page", "staff", ()),
    ]),
]


def hub_navigation(hub) -> list[tuple[str, list[HubLink]]]:
    """The hub's pages the current user may open, by group; empty for someone not on its team."""
    if not (current_user.is_authenticated and current_user.works_at(hub)):
        return []
    manages = current_user.manages(hub)
    groups = []
    for group, links in HUB_NAVIGATION:
        shown = [
            HubLink(endpoint, label, request.endpoint == endpoint or request.endpoint in also)
            for endpoint, label, who, also in links
            if (who == "staff" or manages) and endpoint in current_app.view_functions
        ]
        if shown:
            groups.append((group, shown))
    return groups


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["hub_navigation"] = hub_navigation
    app.jinja_env.globals["return_here"] = return_here
