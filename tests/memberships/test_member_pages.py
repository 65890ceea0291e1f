""""My membership": the plan, start, notice and billed organisation, this month's allowance used
and left after bookings, passes, the estimate of next month's invoice, past memberships; and
that a member sees only their own (another member's membership is a 404, whoever asks)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from coworking.extensions import db
from coworking.memberships.applications import apply_for_plan, approve_application
from coworking.memberships.lifecycle import (
    add_concession,
    cancel_membership,
    change_plan,
    pause_membership,
    timeline_of,
)
from coworking.memberships.periods import Period
from coworking.memberships.plans import create_pass_product, create_plan, save_organisation, sell_pass
from coworking.memberships.usage import allowance_use
from tests.conftest import Auth, post_form
from tests.core.test_no_n_plus_one import lazy_loads  # noqa: F401  (the fixture)
from tests.memberships.conftest import weekdays
from tests.memberships.pages import text_of

MINE = "/memberships"


@pytest.fixture
def this_month(today) -> Period:
    return Period.of(today)


@pytest.fixture
def hot_desk(make_plan):
    return make_plan(name="Hot desk", monthly_price_minor=30_000, vat_rate_bp=2000, desk_days_per_month=10,
                     room_hours_per_month=4, notice_period_days=30, pauses_allowed=True, max_pause_months=2)


@pytest.fixture
def on_hot_desk(member, hot_desk, make_membership, this_month):
    """A Hot desk membership since the first of this month: a whole month's allowance."""
    return make_membership(member, hot_desk, this_month.first_day)


@pytest.fixture
def logged_in(auth, member):
    assert auth.login(member).status_code == 302
    db.session.rollback()
    return member


def test_my_membership_shows_the_plan_start_notice_and_allowance_used_after_bookings(
        client, logged_in, on_hot_desk, desks, room, book, this_month):
    first, second = weekdays(this_month, 2)
    book(desks[0], first)
    book(desks[1], second)
    book(room, first, "10:00", "11:30")

    page = text_of(client.get(MINE))

    assert "Here Hub" in page and "Hot desk (active)" in page
    assert f"Started {this_month.first_day:%d %B %Y}" in page and "Notice period 30 days" in page
    assert "Desks: 2 of 10 desk days used, 8 left" in page
    assert "Rooms: 1.5 of 4 room hours used, 2.5 left" in page


def test_a_months_use_is_its_own_bookings_whichever_month_they_draw_on(member, make_plan, make_membership, desks, book,
                                                                       this_month, today):
    """Bookings draw on carried-over allowance first: the second month's bookings take what the
    first left, yet the first month still reads as its own bookings used it."""
    first, second = this_month.plus(1), this_month.plus(2)
    membership = make_membership(member, make_plan(name="Two", desk_days_per_month=2, carry_over_months=1), first.first_day)
    book(desks[0], weekdays(first, 1)[0])
    for day in weekdays(second, 3):
        book(desks[0], day)
    timeline = timeline_of(membership)

    in_first = allowance_use(membership, timeline, first, "desk_days", today)
    in_second = allowance_use(membership, timeline, second, "desk_days", today)

    assert (in_first.used, in_first.left, in_first.text) == (1, 1, "1 of 2 desk days used, 1 left")
    assert (in_second.used, in_second.left, in_second.text) == (
        3, 0, "3 of 3 desk days used, 0 left (2 for the month, 1 carried over)")


def test_an_unlimited_allowance_says_so_with_what_was_used(client, logged_in, make_plan, make_membership, desks, book, this_month):
    make_membership(logged_in, make_plan(name="Resident", desk_days_per_month=None, covered_space_kinds=["desk"]),
                    this_month.first_day)
    book(desks[0], weekdays(this_month, 1)[0])

    page = text_of(client.get(MINE))

    assert "Desks: Unlimited (1 desk day used so far)" in page
    assert "Rooms: Not included in the plan" in page


def test_the_estimate_shows_next_months_fee_its_concession_and_vat(client, logged_in, on_hot_desk, manager, this_month):
    add_concession(on_hot_desk, by=manager, reason="Bursary", percent_bp=5000)
    db.session.commit()
    coming = this_month.plus(1)

    page = text_of(client.get(MINE))

    assert "Next invoice: an estimate" in page and "as things stand today" in page
    assert f"Hot desk, {coming.label()} £300.00" in page
    assert "50% concession (Bursary) -£150.00" in page
    assert "VAT £30.00" in page and "Total £180.00" in page


def test_the_estimate_of_a_paused_month_is_nothing(client, logged_in, on_hot_desk, this_month, today):
    pause_membership(on_hot_desk, by=logged_in, first_period=this_month.plus(1), months=1, today=today)
    db.session.commit()

    page = text_of(client.get(MINE))

    assert f"Nothing for {this_month.plus(1).label()}: your membership is paused" in page
    assert f"Pause {this_month.plus(1).label()}: no fee, no allowance" in page


def test_bookings_beyond_the_allowance_are_mentioned_beside_the_estimate(client, logged_in, make_plan, make_membership, desks,
                                                                         book, this_month):
    make_membership(logged_in, make_plan(name="Tiny", desk_days_per_month=1), this_month.first_day)
    first, second = weekdays(this_month, 2)
    book(desks[0], first)
    book(desks[0], second)  # beyond the one desk day: the desk's £15.00

    page = text_of(client.get(MINE))

    assert f"bookings beyond your allowance and passes in {this_month.label()}, £15.00 so far" in page


def test_the_billed_organisation_and_passes_are_shown(client, logged_in, hot_desk, make_membership, hub, manager, today):
    bakery = save_organisation(hub, by=manager, name="Bakery Co-op", billing_email="accounts@bakery.example")
    db.session.commit()
    make_membership(logged_in, hot_desk, organisation=bakery)
    sell_pass(create_pass_product(hub, by=manager, name="Ten desk days", desk_days=10, valid_days=90, price_minor=12_000),
              logged_in, hub=hub, sold_by=manager, today=today)
    db.session.commit()

    page = text_of(client.get(MINE))

    assert "Billed to Bakery Co-op" in page
    assert f"Ten desk days: 10 of 10 desk days left, valid until {today + timedelta(days=89):%d %B %Y}" in page


def test_a_pass_holder_without_a_membership_sees_the_pass_and_a_link_to_the_plans(client, logged_in, hub, manager, today):
    sell_pass(create_pass_product(hub, by=manager, name="Day pass", desk_days=1, valid_days=1, price_minor=1500),
              logged_in, hub=hub, sold_by=manager, today=today)
    db.session.commit()

    response = client.get(MINE)

    assert "Day pass: 1 of 1 desk day left" in text_of(response)
    assert "/hubs/here/pricing" in response.get_data(as_text=True)


def test_past_memberships_are_listed_below(client, logged_in, hot_desk, make_membership, manager, today):
    ended = make_membership(logged_in, hot_desk, today - timedelta(days=20))
    cancel_membership(ended, by=manager, ends_on=today - timedelta(days=1), today=today)
    db.session.commit()

    page = text_of(client.get(MINE))

    assert "Past memberships" in page
    assert f"Here Hub: Hot desk, {ended.starts_on:%d %B %Y} to {ended.ends_on:%d %B %Y}" in page
    assert "Hot desk (active)" not in page


def test_a_member_without_anything_is_told_what_a_membership_is(client, logged_in):
    assert "You have no membership yet." in text_of(client.get(MINE))


def test_my_membership_is_in_the_main_navigation_once_logged_in(client, logged_in):
    assert 'href="/memberships"' in client.get("/").get_data(as_text=True)


# --- only one's own -------------------------------------------------------------------------

def test_another_members_membership_is_not_shown_to_me(client, on_hot_desk, make_user, make_plan, make_membership):
    other = make_user(email="olga@example.org", name="Olga Other")
    make_membership(other, make_plan(name="Olga's plan"))
    Auth(client).login(other)

    page = text_of(client.get(MINE))

    assert "Olga's plan" in page and "Hot desk" not in page


MEMBERSHIP_PAGES = ("/memberships/{id}/plan", "/memberships/{id}/pause", "/memberships/{id}/cancel")


@pytest.mark.parametrize("path", MEMBERSHIP_PAGES)
@pytest.mark.parametrize("who", ["another member", "the hub's manager", "a network admin"])
def test_someone_elses_membership_pages_are_a_404_and_change_nothing(client, on_hot_desk, make_user, manager, path, who):
    visitor = {"another member": lambda: make_user(email="olga@example.org"), "the hub's manager": lambda: manager,
               "a network admin": lambda: make_user(email="ada@example.org", is_admin=True)}[who]()
    Auth(client).login(visitor)
    url = path.format(id=on_hot_desk.id)

    assert client.get(url).status_code == 404
    assert post_form(client, url, {"plan": on_hot_desk.plan_id, "first_period": "2099-01", "months": 1}).status_code == 404
    db.session.rollback()
    assert (on_hot_desk.ends_on, on_hot_desk.plan_changes, on_hot_desk.pauses) == (None, [], [])


@pytest.mark.parametrize("path", MEMBERSHIP_PAGES)
def test_the_member_opens_their_own_membership_pages(client, logged_in, on_hot_desk, path):
    assert client.get(path.format(id=on_hot_desk.id)).status_code == 200


@pytest.mark.parametrize("path", (MINE, *MEMBERSHIP_PAGES))
def test_the_member_pages_need_a_login(client, on_hot_desk, path):
    response = client.get(path.format(id=on_hot_desk.id))
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


# --- loading ----------------------------------------------------------------------------------

def test_my_membership_and_pricing_load_nothing_row_by_row(client, member, make_hub, make_manager, make_space,
                                                           lazy_loads, today):  # noqa: F811  (the imported fixture)
    """Three hubs, each with plans, a membership (plan change, pause, concession, organisation),
    a past membership, passes and an application elsewhere: no relationship loaded per row."""
    for number in range(3):
        hub = make_hub(slug=f"h{number}", name=f"Hub {number}")
        manager = make_manager(hub, email=f"m{number}@example.org")
        make_space(hub, "desk")
        plans = [create_plan(hub, by=manager, name=f"Plan {n}", monthly_price_minor=1000 * (n + 1), desk_days_per_month=5,
                             pauses_allowed=True, max_pause_months=2) for n in range(3)]
        old = approve_application(apply_for_plan(member, plans[0], today=today), by=manager,
                                  starts_on=today - timedelta(days=25), today=today)
        cancel_membership(old, by=manager, ends_on=today - timedelta(days=20), today=today)
        current = approve_application(apply_for_plan(member, plans[1], today=today), by=manager,
                                      starts_on=today - timedelta(days=10), today=today,
                                      organisation=save_organisation(hub, by=manager, name="Org", billing_email="o@example.org"))
        change_plan(current, plans[2], by=member, today=today)
        pause_membership(current, by=member, first_period=Period.of(today).plus(2), months=1, today=today)
        add_concession(current, by=manager, reason="Student", percent_bp=2500, today=today)
        for product_number in range(3):
            product = create_pass_product(hub, by=manager, name=f"Pass {product_number}", desk_days=2, valid_days=30, price_minor=100)
            sell_pass(product, member, hub=hub, sold_by=manager, today=today)
        elsewhere = make_hub(slug=f"e{number}", name=f"Elsewhere {number}")
        apply_for_plan(member, create_plan(elsewhere, by=make_manager(elsewhere, email=f"e{number}@example.org"),
                                           name="Desk", monthly_price_minor=500), today=today)
    db.session.commit()
    assert Auth(client).login(member).status_code == 302

    for path in (MINE, "/hubs/h0/pricing"):
        assert client.get(path).status_code == 200
    assert lazy_loads.problems == []
