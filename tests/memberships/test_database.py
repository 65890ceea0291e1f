"""What the database itself guarantees about memberships' rows, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from coworking.bookings.models import Booking
from coworking.extensions import db
from coworking.hubs.models import Hub, Space
from coworking.memberships.lifecycle import add_concession, change_plan
from coworking.memberships.models import AllowanceEntry, Concession, Membership, Plan
from tests.memberships.conftest import weekdays


def test_a_hub_can_be_deleted_with_everything_of_its_memberships(hub, member, manager, make_plan, make_membership, desks, book, coming, today):
    membership = make_membership(member, make_plan(desk_days_per_month=3), coming.first_day)
    change_plan(membership, make_plan(), by=member, today=today)
    add_concession(membership, by=manager, reason="Bursary", percent_bp=1000, today=today)
    book(desks[0], weekdays(coming, 1)[0])
    db.session.execute(sa.delete(Booking).where(Booking.space_id.in_(sa.select(Space.id).where(Space.hub_id == hub.id))))
    db.session.execute(sa.delete(Hub).where(Hub.id == hub.id))
    db.session.commit()
    assert [db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in (Plan, Membership, AllowanceEntry)] == [0, 0, 0]


@pytest.mark.parametrize(
    "values",
    [{"percent_bp": 10_001}, {"percent_bp": 10, "fixed_price_minor": 10}, {"percent_bp": None, "fixed_price_minor": None}, {"fixed_price_minor": -1, "percent_bp": None}],
)
def test_the_database_refuses_a_concession_that_is_not_exactly_one_of_0_to_100_percent_or_a_price(member, make_plan, make_membership, today, values):
    membership = make_membership(member, make_plan())
    row = {"membership_id": membership.id, "currency": "GBP", "reason": "x", "starts_on": today,
           "funded_by_community_fund": False, "created_at": membership.created_at, "percent_bp": 100, **values}
    with pytest.raises(IntegrityError):
        db.session.execute(sa.insert(Concession).values(**row))


@pytest.mark.parametrize(("kind", "quantity"), [("CONSUMPTION", 1), ("REVERSAL", -1), ("EXPIRY", 2), ("GRANT", 0)])
def test_the_ledger_refuses_an_entry_of_the_wrong_sign(hub, member, make_plan, make_membership, kind, quantity):
    membership = make_membership(member, make_plan())
    with pytest.raises(IntegrityError):
        db.session.execute(sa.insert(AllowanceEntry).values(
            hub_id=hub.id, membership_id=membership.id, period="2026-11", resource="desk_days", kind=kind,
            quantity=quantity, reason="", created_at=membership.created_at))
