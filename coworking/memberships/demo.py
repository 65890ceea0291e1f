"""Demo memberships, so a newcomer sees the money half at work: per demo hub, three plans (one
private) and two passes, an organisation, and members in each situation worth showing:

- Dana, on a plan with a 50% bursary funded by the community fund (due for review);
- Eli and Fay, billed to an organisation;
- Gus, half-way through a plan change (to Resident from next month);
- Hana, paused this month;
- Ivy, whose application waits for a manager;
- Alice (of the demo bookings) on Hot desk, so her bookings use allowance and run into overage;
  Carol holds a ten-day pass; Bob pays as he goes.

``seed_hub_memberships(hub, manager, members, password)`` is called by ``coworking/demo.py``
once per hub, after the demo bookings. Idempotent: a hub that has plans is left alone. It goes
through the services, as a manager would, so the ledger and the history are the real thing.
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from coworking.accounts import services as accounts
from coworking.accounts.models import User
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.memberships.applications import apply_for_plan, approve_application, enrol_member
from coworking.memberships.lifecycle import add_concession, change_plan, pause_membership
from coworking.memberships.models import Plan
from coworking.memberships.periods import Period
from coworking.memberships.plans import create_pass_product, create_plan, save_organisation, sell_pass
from coworking.memberships.settlement import settle_member
from coworking.timezones import local_today

PEOPLE = {
    "dana": "Dana Bursary", "eli": "Eli Baker", "fay": "Fay Baker", "gus": "Gus Changer",
    "hana": "Hana Traveller", "ivy": "Ivy Applicant",
}


def hub_has_plans(hub: Hub) -> bool:
    return db.session.scalar(sa.select(sa.func.count(Plan.id)).where(Plan.hub_id == hub.id)) > 0


def seed_hub_memberships(hub: Hub, manager: User, members: list[User], password: str) -> None:
    """Plans, passes and members of one demo hub; ``members`` are the demo bookings' members
    (Alice, Bob, Carol). Does nothing if the hub has plans already."""
    if hub_has_plans(hub):
        return
    today = local_today(hub.timezone)
    vat = 2000 if hub.vat_number else 0
    hot_desk, resident, community = _plans(hub, manager, vat)
    day_pass, ten_days = (
        create_pass_product(hub, by=manager, name="Day pass", desk_days=1, valid_days=1, price_minor=1500, vat_rate_bp=vat),
        create_pass_product(hub, by=manager, name="Ten desk days", desk_days=10, valid_days=90, price_minor=12_000, vat_rate_bp=vat),
    )
    people = {key: _person(hub, key, password) for key in PEOPLE}
    earlier = Period.of(today).plus(-2).first_day
    last_month = Period.of(today).plus(-1).first_day

    dana = _member(people["dana"], community, manager, starts_on=last_month)
    add_concession(dana, by=manager, reason="Bursary", percent_bp=5000, review_on=today + timedelta(days=7),
                   funded_by_community_fund=True, starts_on=last_month, today=last_month)
    bakery = save_organisation(hub, by=manager, name=f"{hub.name.split()[0]} Bakery Co-op",
                               billing_email=f"accounts.{_town(hub)}@bakery.example", address="1 Oven Lane")
    for key in ("eli", "fay"):
        _member(people[key], hot_desk, manager, starts_on=last_month, organisation=bakery)
    gus = _member(people["gus"], hot_desk, manager, starts_on=earlier)
    change_plan(gus, resident, by=people["gus"], today=today, reason="Needs a desk every day from next month")
    hana = _member(people["hana"], hot_desk, manager, starts_on=earlier)
    pause_membership(hana, by=people["hana"], first_period=Period.of(today), months=1,
                     today=last_month, reason="Travelling for a month")
    apply_for_plan(people["ivy"], hot_desk, message="I'm a freelance illustrator looking for a regular desk.", today=today)

    alice, _bob, carol = members
    _member(alice, hot_desk, manager, starts_on=last_month)
    sell_pass(ten_days, carol, hub=hub, sold_by=manager, today=today)
    sell_pass(day_pass, people["ivy"], hub=hub, sold_by=manager, today=today)
    for member in members:  # their demo bookings, made before they had plans
        settle_member(hub, member.id, Period.of(today).plus(-1), today=today)
    db.session.flush()


def _plans(hub: Hub, manager: User, vat: int) -> tuple[Plan, Plan, Plan]:
    hot_desk = create_plan(
        hub, by=manager, name="Hot desk", monthly_price_minor=12_000, vat_rate_bp=vat, desk_days_per_month=10,
        room_hours_per_month=4, covered_space_kinds=["desk", "room"], carry_over_months=1, notice_period_days=30,
        pauses_allowed=True, max_pause_months=2, description="Ten days a month at any free desk, and four room hours.")
    resident = create_plan(
        hub, by=manager, name="Resident", monthly_price_minor=25_000, vat_rate_bp=vat, desk_days_per_month=None,
        room_hours_per_month=10, covered_space_kinds=["desk", "room"], network_access=True, notice_period_days=60,
        description="Every day, ten room hours, and the network's other hubs.")
    community = create_plan(
        hub, by=manager, name="Community", monthly_price_minor=4_000, vat_rate_bp=vat, desk_days_per_month=4,
        room_hours_per_month=2, covered_space_kinds=["desk"], public=False, notice_period_days=0,
        description="Offered by the managers with a concession.")
    return hot_desk, resident, community


def _town(hub: Hub) -> str:
    return hub.slug.split("-")[0]


def _person(hub: Hub, key: str, password: str) -> User:
    email = f"{key}.{_town(hub)}@example.org"
    return accounts.find_user_by_email(email) or accounts.create_user(email, PEOPLE[key], password)


def _member(person: User, plan: Plan, manager: User, *, starts_on: date, organisation=None):
    """Applied for and approved (or, for a private plan, enrolled by the manager) as of ``starts_on``."""
    if not plan.public:
        return enrol_member(person, plan, by=manager, starts_on=starts_on, today=starts_on, notify=False)
    application = apply_for_plan(person, plan, today=starts_on)
    return approve_application(application, by=manager, starts_on=starts_on, today=starts_on,
                               organisation=organisation, notify=False)
