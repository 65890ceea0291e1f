"""Billable items of a hub's period: fees prorated by active days, concessions as their own
line, overage and pay-as-you-go bookings, passes sold; nothing for a day outside a membership."""
from __future__ import annotations

from datetime import timedelta

import pytest

from coworking.extensions import db
from coworking.memberships.billable import billable_items
from coworking.memberships.lifecycle import add_concession, cancel_membership, change_plan, pause_membership
from coworking.memberships.periods import Period
from coworking.memberships.plans import create_pass_product, save_organisation, sell_pass
from coworking.memberships.proration import share_of_month
from tests.conftest import counted_statements
from tests.memberships.conftest import weekdays


def items_by_key(hub, period) -> dict:
    db.session.expire_all()
    return {item.source_key: item for item in billable_items(hub, period)}


@pytest.fixture
def plan(make_plan):
    return make_plan(name="Hot desk", monthly_price_minor=30_000, vat_rate_bp=2000, desk_days_per_month=2,
                     pauses_allowed=True, max_pause_months=1)


def test_a_whole_month_is_billed_at_the_plans_price(hub, member, plan, make_membership, coming):
    membership = make_membership(member, plan, coming.first_day)
    item = items_by_key(hub, coming)[f"membership:{membership.id}:{coming}"]
    assert (item.amount_minor, item.vat_rate_bp, item.currency) == (30_000, 2000, "GBP")
    assert (item.billed_party.kind, item.billed_party.id, item.billed_party.email) == ("member", member.id, member.email)
    assert item.description == f"Hot desk membership, {coming.label()}"


def test_a_membership_starting_mid_month_pays_for_its_days_and_nothing_before(hub, member, plan, make_membership, coming):
    starts_on = coming.first_day + timedelta(days=15)
    membership = make_membership(member, plan, starts_on)
    item = items_by_key(hub, coming)[f"membership:{membership.id}:{coming}"]
    assert item.amount_minor == share_of_month(30_000, starts_on, coming.last_day, coming.days)
    assert "prorated" in item.description
    assert items_by_key(hub, coming.plus(-1)) == {}


def test_a_concession_is_its_own_negative_line_before_vat_and_says_who_funds_it(hub, member, manager, plan, make_membership, coming):
    membership = make_membership(member, plan, coming.first_day)
    add_concession(membership, by=manager, reason="Bursary", percent_bp=5000, funded_by_community_fund=True, today=coming.first_day)
    db.session.commit()
    items = items_by_key(hub, coming)
    fee, concession = items[f"membership:{membership.id}:{coming}"], items[f"concession:{membership.id}:{coming}"]
    assert (fee.amount_minor, concession.amount_minor, concession.vat_rate_bp) == (30_000, -15_000, 2000)
    assert concession.funded_by_community_fund and "Bursary" in concession.description


def test_a_fixed_price_concession_bills_the_difference(hub, member, manager, plan, make_membership, coming):
    membership = make_membership(member, plan, coming.first_day)
    add_concession(membership, by=manager, reason="Student", fixed_price_minor=10_000, today=coming.first_day)
    db.session.commit()
    assert items_by_key(hub, coming)[f"concession:{membership.id}:{coming}"].amount_minor == -20_000


def test_a_change_at_once_bills_each_plan_for_its_days_and_the_parts_make_the_month(hub, member, plan, make_plan, make_membership, coming):
    membership = make_membership(member, plan, coming.first_day)
    same_price = make_plan(name="Same price", monthly_price_minor=30_000)
    hub.members_may_change_plan_at_once = True
    change_plan(membership, same_price, by=member, today=coming.first_day + timedelta(days=9), at_once=True)
    db.session.commit()
    items = items_by_key(hub, coming)
    first, second = items[f"membership:{membership.id}:{coming}"], items[f"membership:{membership.id}:{coming}:plan:{same_price.id}"]
    assert first.amount_minor + second.amount_minor == 30_000
    assert min(first.amount_minor, second.amount_minor) > 0


def test_a_paused_month_bills_nothing(hub, member, plan, make_membership, today, coming):
    membership = make_membership(member, plan, today)
    pause_membership(membership, by=member, first_period=coming, months=1, today=today)
    db.session.commit()
    assert items_by_key(hub, coming) == {}
    assert f"membership:{membership.id}:{coming.plus(1)}" in items_by_key(hub, coming.plus(1))


def test_nothing_is_billed_after_the_end(hub, member, manager, plan, make_membership, today, coming):
    membership = make_membership(member, plan, today)
    ends_on = coming.first_day + timedelta(days=4)
    cancel_membership(membership, by=manager, today=today, ends_on=ends_on)
    db.session.commit()
    assert items_by_key(hub, coming)[f"membership:{membership.id}:{coming}"].amount_minor == share_of_month(30_000, coming.first_day, ends_on, coming.days)
    assert items_by_key(hub, coming.plus(1)) == {}


def test_bookings_beyond_the_allowance_and_by_non_members_are_billed(hub, member, make_user, plan, make_membership, desks, room, book, cancel, coming):
    make_membership(member, plan, coming.first_day)
    days = weekdays(coming, 4)
    covered = [book(desks[0], day) for day in days[:2]]
    overage = book(desks[0], days[2])
    visitor = make_user(email="visitor@example.org", name="Vic Visitor")
    payg = book(room, days[0], "10:00", "11:30", who=visitor)
    cancel(book(room, days[1], "10:00", "11:00", who=visitor))
    items = items_by_key(hub, coming)
    assert not any(f"booking:{b.id}" in items for b in covered)
    assert items[f"booking:{overage.id}"].amount_minor == 1500
    assert items[f"booking:{overage.id}"].description.startswith("Not covered by the membership's allowance: Desk 1")
    assert items[f"booking:{payg.id}"].description.startswith("Pay as you go: Meeting Room")
    assert items[f"booking:{payg.id}"].amount_minor == 3000
    assert items[f"booking:{payg.id}"].billed_party.email == "visitor@example.org"
    assert items[f"booking:{payg.id}"].vat_rate_bp == 2000
    assert len([key for key in items if key.startswith("booking:")]) == 2


def test_passes_sold_in_the_period_are_billed(hub, member, manager, today):
    product = create_pass_product(hub, by=manager, name="Day pass", desk_days=1, valid_days=1, price_minor=1800, vat_rate_bp=2000)
    purchase = sell_pass(product, member, hub=hub, sold_by=manager, today=today)
    db.session.commit()
    item = items_by_key(hub, Period.of(today))[f"pass:{purchase.id}"]
    assert (item.amount_minor, item.vat_rate_bp, item.billed_party.id) == (1800, 2000, member.id)


def test_an_organisation_is_billed_for_its_peoples_memberships_and_their_overage(hub, manager, make_user, plan, make_membership, desks, book, coming):
    organisation = save_organisation(hub, by=manager, name="Bakery Co-op", billing_email="accounts@bakery.example")
    db.session.commit()
    people = [make_user(email=f"baker{n}@example.org") for n in (1, 2)]
    memberships = [make_membership(who, plan, coming.first_day, organisation=organisation) for who in people]
    overage = [book(desks[n], day, who=people[0]) for n, day in enumerate(weekdays(coming, 3))][-1]
    items = items_by_key(hub, coming)
    for membership in memberships:
        assert items[f"membership:{membership.id}:{coming}"].billed_party.name == "Bakery Co-op"
    assert items[f"booking:{overage.id}"].billed_party.kind == "organisation"


def test_the_number_of_queries_does_not_grow_with_the_number_of_members(hub, manager, make_user, plan, make_membership, desks, room, book, coming):
    def add_members(count: int, offset: int) -> None:
        for n in range(offset, offset + count):
            who = make_user(email=f"m{n}@example.org")
            membership = make_membership(who, plan, coming.first_day)
            add_concession(membership, by=manager, reason="Student", percent_bp=2000, today=coming.first_day)
            for day in weekdays(coming, 3, skip=3 * (n % 5)):
                book(desks[n % 3] if n % 2 else room, day, "09:00", "17:00" if n % 2 else "10:00", who=who)
        db.session.commit()

    def statements_for_billing() -> tuple[list[str], int]:
        db.session.expire_all()
        with counted_statements() as statements:
            items = billable_items(hub, coming)
        return statements, len(items)

    add_members(2, 0)
    few, few_items = statements_for_billing()
    add_members(6, 2)
    many, many_items = statements_for_billing()
    assert many_items > few_items
    assert len(many) == len(few) <= 10, "\n".join(many)
