"""Bookings of one member made at the same instant never spend the same allowance twice."""
from __future__ import annotations

import sqlalchemy as sa

from coworking.extensions import db
from coworking.memberships.models import AllowanceEntry, BookingCharge
from tests.conftest import run_together
from tests.memberships.conftest import weekdays

RACERS = 6


def test_racing_bookings_of_one_member_share_the_last_desk_day(app, hub, member, manager, make_plan, make_membership, make_space, book, coming):
    membership = make_membership(member, make_plan(desk_days_per_month=2), coming.first_day)
    days = weekdays(coming, RACERS + 1)
    book(make_space(hub, "desk", "First desk"), days[0])  # grants the month; one desk day left
    desks = [make_space(hub, "desk", f"Racing desk {n}") for n in range(RACERS)]
    space_ids, day_list = [d.id for d in desks], days[1:]

    def attempt(index: int) -> int:
        from coworking.accounts.models import User
        from coworking.hubs.models import Space

        space = db.session.get(Space, space_ids[index])
        who = db.session.get(User, member.id)
        return book(space, day_list[index], who=who, commit=False).id

    results = run_together(app, RACERS, attempt)
    assert all(isinstance(result, int) for result in results), results
    db.session.rollback()  # see what the racers committed
    balance = db.session.scalar(sa.select(sa.func.sum(AllowanceEntry.quantity)).where(AllowanceEntry.membership_id == membership.id))
    covered = db.session.scalar(sa.select(sa.func.sum(BookingCharge.covered_by_membership)))
    assert (balance, covered) == (0, 2)
