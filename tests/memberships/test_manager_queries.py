"""The managers' memberships pages load what they show in a few statements: no relationship is
loaded row by row (see tests/core/test_no_n_plus_one.py), and the list and its CSV export run
as many statements for nine members as for three."""
from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import request_started
from sqlalchemy.orm import Session

from coworking.extensions import db
from coworking.memberships.applications import apply_for_plan
from coworking.memberships.lifecycle import add_concession, change_plan, pause_membership
from coworking.memberships.models import Membership
from coworking.memberships.periods import Period
from coworking.memberships.plans import create_pass_product, save_organisation, sell_pass
from tests.conftest import counted_statements
from tests.core import test_no_n_plus_one as n_plus_one
from tests.memberships.manage_fixtures import member_since


@pytest.fixture
def lazy_loads(app):
    counter = n_plus_one.LazyLoadCounter()
    sa.event.listen(Session, "do_orm_execute", counter.on_execute)
    request_started.connect(counter.start_request, app)
    try:
        yield counter
    finally:
        request_started.disconnect(counter.start_request, app)
        sa.event.remove(Session, "do_orm_execute", counter.on_execute)


@pytest.fixture
def populate(hub, manager, make_user, make_plan, hot_desk, resident, today):
    """``populate(n)``: n members, each with something different (an organisation, a concession,
    a plan change, a pause, a pass), and as many applications waiting."""
    this = Period.of(today)
    make_plan(name="Community", public=False)  # a third plan: the plans page shows each one's prices
    organisations = [save_organisation(hub, by=manager, name=f"Co-op {n}", billing_email=f"coop{n}@example.org")
                     for n in range(3)]
    products = [create_pass_product(hub, by=manager, name=f"Pass {n}", desk_days=n + 1, valid_days=30, price_minor=1000)
                for n in range(3)]

    numbers = itertools.count()

    def make(n: int) -> list[Membership]:
        memberships = []
        for number in itertools.islice(numbers, n):
            person = make_user(email=f"person{number}@example.org", name=f"Person {number}")
            plan = (hot_desk, resident)[number % 2]
            membership = member_since(person, plan, this.plus(-2).first_day, manager,
                                      organisation=organisations[number % 3] if number % 2 else None)
            add_concession(membership, by=manager, reason=f"Reason {number}", percent_bp=1000 * (number % 5 + 1),
                           review_on=today - timedelta(days=1), starts_on=membership.starts_on, today=membership.starts_on)
            if number % 3 == 0:
                change_plan(membership, (resident, hot_desk)[number % 2], by=manager, today=this.plus(-1).first_day, at_once=True)
            if number % 3 == 1 and plan.pauses_allowed:
                pause_membership(membership, by=manager, first_period=this, months=1, today=this.plus(-1).first_day)
            for product in products:
                sell_pass(product, person, hub=hub, sold_by=manager, today=today)
            applicant = make_user(email=f"applicant{number}@example.org", name=f"Applicant {number}")
            apply_for_plan(applicant, (hot_desk, resident)[number % 2], today=today)
            memberships.append(membership)
        db.session.commit()
        return memberships

    return make


def test_no_managers_page_loads_a_relationship_row_by_row(client, login, manager, populate, lazy_loads):
    memberships = populate(6)
    login(manager)
    pages = ["/hubs/here/memberships", "/hubs/here/memberships?concession=yes&state=active",
             "/hubs/here/memberships.csv", "/hubs/here/applications", "/hubs/here/passes", "/hubs/here/plans",
             "/hubs/here/organisations", "/hubs/here/edit"]
    pages += [f"/hubs/here/memberships/{m.id}" for m in memberships[:3]]
    failures = []
    for path in pages:
        try:
            response = client.get(path)
        except n_plus_one.NPlusOneQuery:
            continue  # recorded in lazy_loads.problems
        if response.status_code != 200:
            failures.append(f"GET {path} answered {response.status_code}")
    assert lazy_loads.problems == [] and failures == []


@pytest.mark.parametrize("path", ["/hubs/here/memberships", "/hubs/here/memberships.csv"])
def test_the_list_and_its_export_cost_the_same_statements_for_more_members(client, login, manager, populate, path):
    populate(3)
    login(manager)
    with counted_statements() as few:
        assert "Person 2" in client.get(path).get_data(as_text=True)  # read whole: the export streams
    populate(6)
    with counted_statements() as many:
        assert "Person 8" in client.get(path).get_data(as_text=True)
    assert len(many) == len(few)
