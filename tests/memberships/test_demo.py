"""The demo memberships: every situation worth showing, and seeding twice changes nothing."""
from __future__ import annotations

import sqlalchemy as sa

from coworking.accounts.services import find_user_by_email
from coworking.demo import DEMO_PASSWORD, seed_demo
from coworking.extensions import db
from coworking.hubs.roles import HubRole
from coworking.memberships.billable import billable_items
from coworking.memberships.demo import seed_hub_memberships
from coworking.memberships.models import (
    AllowanceEntry,
    Application,
    Concession,
    Membership,
    MembershipEvent,
    PassPurchase,
    Plan,
)
from coworking.memberships.periods import Period
from coworking.timezones import local_today


def seed_all() -> list:
    seed_demo()
    members = [find_user_by_email(f"{name}@example.org") for name in ("alice", "bob", "carol")]
    hubs = []
    for role in db.session.scalars(sa.select(HubRole).where(HubRole.role == "manager")):
        seed_hub_memberships(role.hub, role.user, members, DEMO_PASSWORD)
        hubs.append(role.hub)
    db.session.commit()
    return hubs


def counts() -> tuple:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (Plan, Membership, Application, Concession, PassPurchase, AllowanceEntry, MembershipEvent))


def test_the_demo_shows_each_situation_and_seeding_again_changes_nothing(app):
    hubs = seed_all()
    first = counts()
    assert len(hubs) == 2
    for hub in hubs:
        today = local_today(hub.timezone)
        memberships = {m.member.email.split(".")[0]: m for m in db.session.scalars(sa.select(Membership).where(Membership.hub_id == hub.id))}
        assert {"dana", "eli", "fay", "gus", "hana", "alice@example"} <= set(memberships)
        assert memberships["dana"].concessions[0].funded_by_community_fund
        assert memberships["eli"].organisation_id == memberships["fay"].organisation_id is not None
        assert memberships["gus"].plan_changes[0].effective_on == Period.of(today).plus(1).first_day
        assert memberships["hana"].pauses[0].starts_on == Period.of(today).first_day
        waiting = db.session.scalars(sa.select(Application).where(Application.hub_id == hub.id, Application.status == "pending")).all()
        assert [a.member.email.split(".")[0] for a in waiting] == ["ivy"]
        keys = {item.source_key.split(":")[0] for item in billable_items(hub, Period.of(today))}
        assert {"membership", "concession", "pass"} <= keys
    seed_all()
    assert counts() == first
