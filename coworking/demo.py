"""Demo data for a first run: two hubs, their spaces, an admin, managers and members.

Idempotent: each piece is looked up before it is made, so ``seed-demo`` can run on every
``make run``. Later areas add their own demo data here.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from coworking.accounts import services as accounts
from coworking.accounts.models import User
from coworking.extensions import db
from coworking.hubs import services as hubs
from coworking.hubs.models import Hub
from coworking.hubs.roles import Role, grant_role
from coworking.timezones import local_today

DEMO_PASSWORD = "demo-password"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


HUBS = [
    {
        "slug": "leeds-central",
        "name": "Leeds Central Co-work",
        "timezone": "Europe/London",
        "currency": "GBP",
        "address": "12 Mill Street, Leeds LS1 4AB",
        "vat_number": "GB123456789",
        "invoice_prefix": "LDS",
        "contact_email": "hello@leeds-central.example.org",
        "contact_phone": "0113 496 0000",
        "spaces": [
            ("desk", "Desk 1", 1, 0, 1500), ("desk", "Desk 2", 1, 0, 1500),
            ("desk", "Desk 3", 1, 0, 1500), ("desk", "Desk 4", 1, 0, 1500),
            ("room", "Aire Room", 8, 2000, 12000), ("room", "Phone Booth", 1, 500, 3000),
        ],
    },
    {
        "slug": "bristol-harbour",
        "name": "Bristol Harbour Hub",
        "timezone": "Europe/London",
        "currency": "GBP",
        "address": "3 Quay Side, Bristol BS1 5TT",
        "vat_number": None,
        "invoice_prefix": "BRS",
        "contact_email": "hello@bristol-harbour.example.org",
        "contact_phone": "0117 496 0000",
        "spaces": [
            ("desk", "Hot desk A", 1, 0, 1200), ("desk", "Hot desk B", 1, 0, 1200),
            ("desk", "Hot desk C", 1, 0, 1200), ("room", "Harbour Room", 10, 2500, 15000),
            ("office", "Studio 2", 4, 0, 6000),
        ],
    },
]

USERS = [
    ("admin@example.org", "Ada Admin", True, None, None),
    ("manager.leeds@example.org", "Mo Manager", False, "leeds-central", Role.MANAGER),
    ("manager.bristol@example.org", "Bea Manager", False, "bristol-harbour", Role.MANAGER),
    ("staff.leeds@example.org", "Sam Staff", False, "leeds-central", Role.STAFF),
    ("alice@example.org", "Alice Member", False, None, None),
    ("bob@example.org", "Bob Member", False, None, None),
    ("carol@example.org", "Carol Member", False, None, None),
]


def _ensure_hub(spec: dict) -> Hub:
    hub = hubs.get_hub_by_slug(spec["slug"])
    if hub is None:
        fields = {k: v for k, v in spec.items() if k not in {"slug", "name", "spaces"}}
        hub = hubs.create_hub(spec["slug"], spec["name"], **fields)
        for kind, name, capacity, hourly, daily in spec["spaces"]:
            hubs.add_space(hub, kind, name, capacity=capacity, hourly_rate_minor=hourly, daily_rate_minor=daily)
    return hub


def _ensure_user(email: str, name: str, is_admin: bool) -> User:
    user = accounts.find_user_by_email(email)
    if user is None:
        user = accounts.create_user(email, name, DEMO_PASSWORD, is_admin=is_admin)
    return user


def seed_demo() -> list[DemoLogin]:
    """Create whatever demo data is missing; return the demo logins."""
    by_slug = {spec["slug"]: _ensure_hub(spec) for spec in HUBS}
    logins = []
    for email, name, is_admin, hub_slug, role in USERS:
        user = _ensure_user(email, name, is_admin)
        if hub_slug:
            grant_role(user, by_slug[hub_slug], role)
        label = "network admin" if is_admin else (f"{role.value}, {hub_slug}" if role else "member")
        logins.append(DemoLogin(email, label))
    db.session.flush()
    _seed_bookings(by_slug)
    return logins


def _seed_bookings(by_slug: dict[str, Hub]) -> None:
    from coworking.bookings.demo import seed_hub_bookings
    from coworking.ledger.demo import seed_hub_books
    from coworking.memberships.demo import seed_hub_memberships

    members = [accounts.find_user_by_email(email) for email, *_ in USERS if email.split("@")[0] in {"alice", "bob", "carol"}]
    for number, hub in enumerate(by_slug.values()):
        manager = next(role.user for role in _roles_of(hub) if role.role == Role.MANAGER.value)
        seed_hub_bookings(hub, members, manager)
        seed_hub_memberships(hub, manager, members, DEMO_PASSWORD)
        seed_hub_books(hub, manager, local_today(hub.timezone), publish=number == 0)


def seed_demo_billing() -> None:
    """Invoices at each demo hub: last month issued (paid, part paid, overdue, credited), this
    month in draft. Called once the rest is committed: invoice runs commit as they go."""
    from coworking.billing.demo import seed_hub_billing

    for spec in HUBS:
        hub = hubs.get_hub_by_slug(spec["slug"])
        manager = next(role.user for role in _roles_of(hub) if role.role == Role.MANAGER.value)
        seed_hub_billing(hub, manager)


def _roles_of(hub: Hub):
    from coworking.hubs.roles import HubRole

    return db.session.scalars(sa.select(HubRole).where(HubRole.hub_id == hub.id)).all()
