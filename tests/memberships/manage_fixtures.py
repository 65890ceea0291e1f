"""Fixtures and helpers for the managers' memberships pages: the hub's staff, a manager of
another hub, logging in and two plans (fixtures, made available by tests/memberships/conftest.py),
and reading what pages and the database hold (helpers, imported by the test modules)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from coworking.extensions import db
from coworking.hubs.roles import Role
from coworking.memberships.applications import apply_for_plan, approve_application
from tests.hubs.helpers import error_beside, fresh_snapshot

__all__ = ["error_beside", "fresh_snapshot", "count", "text", "flashes", "member_since", "staff", "outsider", "login",
           "hot_desk", "resident"]


def count(model, *where) -> int:
    """Rows in the database now (what requests committed)."""
    fresh_snapshot()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def text(response) -> str:
    return response.get_data(as_text=True)


def flashes(page: str) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'<p class="flash[^"]*">(.*?)</p>', page, re.S)]


def member_since(who, plan, starts_on, manager, **approval):
    """A membership approved on the day it starts (so it may start months ago)."""
    application = apply_for_plan(who, plan, today=starts_on)
    return approve_application(application, by=manager, starts_on=starts_on, today=starts_on, notify=False, **approval)


@pytest.fixture
def staff(hub, make_manager):
    return make_manager(hub, Role.STAFF, email="staff@example.org", name="Stan Staff")


@pytest.fixture
def outsider(make_hub, make_manager):
    """A manager of another hub."""
    return make_manager(make_hub(slug="away", name="Away Hub"), email="away@example.org", name="Otto Other")


@pytest.fixture
def login(auth):
    def log_in(user):
        assert auth.login(user).status_code == 302
        return user

    return log_in


@pytest.fixture
def hot_desk(make_plan):
    return make_plan(name="Hot desk", monthly_price_minor=12_000, desk_days_per_month=10, room_hours_per_month=4,
                     pauses_allowed=True, max_pause_months=2, notice_period_days=30, carry_over_months=0)


@pytest.fixture
def resident(make_plan):
    return make_plan(name="Resident", monthly_price_minor=25_000, desk_days_per_month=None, room_hours_per_month=10)
