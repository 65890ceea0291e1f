"""Demo books, so a newcomer sees the ledger at work: per demo hub, the twelve months before this
one with membership income (from before the app, as a hub's opening books would have it), a
grant, rent, utilities, cleaning and staff, a set-aside each quarter, and three reinvestments (a
bursary, a grant to a local start-up, a boiler repair). The first demo hub publishes its
transparency page. Safe to run again: a hub whose books have demo entries is left alone."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from coworking.accounts.models import User
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.ledger.funds import reinvest, set_aside
from coworking.ledger.impact import settings_for
from coworking.ledger.models import JournalEntry
from coworking.ledger.posting import post_entry

DEMO_SOURCE = "demo"
MONTHLY = (  # memo, account role, amount in minor units (positive: money in)
    ("Membership fees (opening books, before the app)", "income_membership", 410000),
    ("Meeting room hire (opening books)", "income_booking", 62000),
    ("Rent", "expense_rent", -180000),
    ("Electricity and heating", "expense_utilities", -32000),
    ("Cleaning", "expense_cleaning", -18000),
    ("Part-time host", "expense_staff", -120000),
)


def months_before(today: date, count: int) -> list[date]:
    """The 10th of each of the ``count`` months before this one, oldest first."""
    days = []
    year, month = today.year, today.month
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        days.append(date(year, month, 10))
    return days[::-1]


def seed_hub_books(hub: Hub, manager: User, today: date, *, publish: bool) -> None:
    if db.session.scalar(sa.select(JournalEntry.id).where(JournalEntry.hub_id == hub.id,
                                                          JournalEntry.source_kind == DEMO_SOURCE).limit(1)):
        return
    months = months_before(today, 12)
    for number, day in enumerate(months):
        for memo, role, amount in MONTHLY:
            if role.startswith("income") and number == len(months) - 1:
                continue  # last month's income is billed by the app (billing's demo invoices it)
            money = "bank" if role != "expense_cleaning" else "cash"
            post_entry(hub, on=day, memo=memo, lines=[(money, amount), (role, -amount)], source_kind=DEMO_SOURCE, by=manager)
        if number % 3 == 2:
            set_aside(hub, amount_minor=150000, on=day.replace(day=28), memo="Quarter's surplus set aside", by=manager)
    post_entry(hub, on=months[4], memo="Community grant from the town council", source_kind=DEMO_SOURCE, by=manager,
               lines=[("bank", 250000), ("income_other", -250000)])
    reinvest(hub, kind="bursaries", amount_minor=45000, on=months[5].replace(day=15), by=manager,
             what="Three months of desk space for a member returning to work", beneficiary_is_person=True)
    reinvest(hub, kind="community_grants", amount_minor=120000, on=months[7].replace(day=15), by=manager,
             what="Start-up grant for a local bike repair co-op", beneficiary="Bright Bikes CIC")
    reinvest(hub, kind="building", amount_minor=42000, on=months[10].replace(day=15), by=manager,
             what="Boiler repair")
    if publish:
        settings = settings_for(hub)
        settings.impact_public = True
        settings.impact_intro = (f"{hub.name} is run for its community: every penny of surplus goes back into the "
                                 "building, our members and our neighbourhood. Here is where the money went.")
    db.session.flush()
