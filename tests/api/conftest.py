"""Helpers for /api tests: a hub, tokens for each kind of user, and reading back what is stored."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from coworking.extensions import db
from coworking.hubs.models import Hub, Space
from coworking.timezones import local_today
from tests.conftest import bearer


@pytest.fixture
def hub(make_hub):
    return make_hub("leeds-central", "Leeds Central", timezone="Europe/London", currency="GBP")


def someone(people, who: str):
    """The people fixture's person in that relation to ``hub``: "member", "staff", "manager",
    "manager of another hub" or "admin"."""
    return people["other_manager" if who == "manager of another hub" else who]


@pytest.fixture
def token_of(hub, people, make_token):
    """A token for someone standing in a given relation to ``hub`` (see ``someone``)."""

    def make(who: str) -> str:
        return make_token(someone(people, who))

    return make


def stored_hub(slug: str) -> Hub:
    """The hub as the database holds it now (not as this test's session remembers it)."""
    db.session.rollback()
    db.session.expire_all()
    return db.session.scalar(sa.select(Hub).where(Hub.slug == slug))


def stored_spaces(hub_slug: str) -> list[Space]:
    db.session.rollback()
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Space).join(Hub).where(Hub.slug == hub_slug).order_by(Space.name)))


def assert_json_error(response, status: int, code: str) -> dict:
    """The response is our JSON error envelope; returns its ``error`` object."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert isinstance(error["fields"], dict)
    return error


# --- memberships ----------------------------------------------------------------------------

@pytest.fixture
def make_plan(hub, people):
    """make_plan(**terms) -> a plan of ``hub`` (or of ``at=another_hub``), made by a network admin:
    £300 a month, 20% VAT, 10 desk days and 4 room hours, pauses of up to 2 months."""
    from coworking.memberships.plans import create_plan

    counter = iter(range(1, 1000))

    def make(at=None, **terms):
        terms.setdefault("name", f"Plan {next(counter)}")
        terms.setdefault("monthly_price_minor", 30_000)
        terms.setdefault("vat_rate_bp", 2000)
        terms.setdefault("desk_days_per_month", 10)
        terms.setdefault("room_hours_per_month", 4)
        terms.setdefault("pauses_allowed", True)
        terms.setdefault("max_pause_months", 2)
        plan = create_plan(at or hub, by=people.admin, **terms)
        db.session.commit()
        return plan

    return make


@pytest.fixture
def make_membership(people):
    """make_membership(member, plan, starts_on=today): enrolled by a network admin, no mail."""
    from coworking.memberships.applications import enrol_member
    from coworking.timezones import local_today

    def make(member, plan, starts_on=None, **options):
        starts_on = starts_on or local_today(plan.hub.timezone)
        membership = enrol_member(member, plan, by=people.admin, starts_on=starts_on, notify=False, **options)
        db.session.commit()
        return membership

    return make


def stored_memberships_state() -> dict:
    """What the memberships tables (and the outbox) hold now: equal before and after a refused
    request when nothing changed."""
    from coworking.mail import OutboxMessage
    from coworking.memberships.models import (
        AllowanceEntry,
        Application,
        Concession,
        Membership,
        MembershipEvent,
        MembershipPause,
        MembershipPlanChange,
    )

    db.session.rollback()
    db.session.expire_all()

    def count(model) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    memberships = db.session.scalars(sa.select(Membership).order_by(Membership.id))
    applications = db.session.scalars(sa.select(Application).order_by(Application.id))
    return {
        "memberships": [(m.id, m.plan_id, m.starts_on, m.ends_on, m.cancelled_at) for m in memberships],
        "applications": [(a.id, a.status, a.membership_id) for a in applications],
        "rows": {model.__name__: count(model) for model in (
            MembershipPlanChange, MembershipPause, Concession, AllowanceEntry, MembershipEvent, OutboxMessage)},
    }


def statements_to_get(client, url: str, headers: dict) -> list[str]:
    """The SQL statements a GET costs, once the token's first use (recording it) is behind it."""
    from tests.conftest import counted_statements

    assert client.get(url, headers=headers).status_code == 200
    with counted_statements() as statements:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_json()
    return statements


# The memberships API tests' cast: the hub "leeds-central" is in London.
@pytest.fixture
def today():
    return local_today("Europe/London")


@pytest.fixture
def mary(make_user):
    return make_user(email="mary@example.org", name="Mary Member")


@pytest.fixture
def as_mary(mary, make_token):
    return bearer(make_token(mary))


@pytest.fixture
def as_manager(people, make_token):
    return bearer(make_token(people.manager))
