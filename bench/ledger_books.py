"""The ledger with five years of a busy hub's books (200,000 postings): the transparency page and
the yearly income-and-expenditure report rendered in-process (as a request renders them, the
aggregation in the database), and the Beancount export of all five years.

Books are inserted in bulk with SQLAlchemy Core: 80,000 entries of two postings (fees, rent,
costs), 12,666 of three (invoices with VAT) and 500 of four (reinvestments with their release
from the fund), dated across the five years before this one.
"""
from __future__ import annotations

import io
import random
from datetime import date, timedelta

import sqlalchemy as sa
from flask_login import login_user

from bench.common import Note, Timing, progress, timed
from bench.seeding import EMAIL_DOMAIN, SLUG_PREFIX
from bench.seeding import remove_books as remove_hub_books
from coworking.accounts.models import User
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.hubs.roles import Role, grant_role
from coworking.hubs.services import create_hub
from coworking.ledger.chart import accounts_by_role
from coworking.ledger.export import beancount_lines
from coworking.ledger.impact import settings_for
from coworking.ledger.models import JournalEntry, LedgerAccount, Posting, Reinvestment

SLUG = f"{SLUG_PREFIX}books"
YEARS = 5
# 160,000 + 38,000 + 2,000 postings: costs and takings, invoices with VAT, reinvestments.
TWO_LEGGED, THREE_LEGGED, FOUR_LEGGED = 80_000, 12_666, 500
CALLS = 20
TWO_LEG_KINDS = (("income_membership", "bank", 1), ("income_booking", "bank", 1), ("expense_rent", "bank", -1),
                 ("expense_utilities", "bank", -1), ("expense_cleaning", "cash", -1), ("expense_staff", "bank", -1))
REINVEST = ("reinvest_building", "reinvest_community_grants", "reinvest_bursaries", "reinvest_community_projects")


def run(bench) -> list:
    with bench.app() as app:
        remove_books()
        try:
            hub, manager = make_hub_and_manager()
            first_year = date.today().year - YEARS
            seeded = timed(seed_books, hub, first_year)
            progress(f"ledger: {count_postings(hub):,} postings in {seeded.seconds:.1f}s")
            year = first_year + YEARS - 1
            impact = [timed(render, app, f"/hubs/{SLUG}/impact?year={year}") for _ in range(CALLS)]
            report_url = f"/hubs/{SLUG}/ledger/reports/income-expenditure?from={year}-01-01&to={year}-12-31"
            report = [timed(render, app, report_url, manager) for _ in range(CALLS)]
            export = [timed(export_all, hub) for _ in range(2)]
            return [
                Timing.of("transparency page, one year", impact, f"{count_postings(hub):,} postings over {YEARS} years"),
                Timing.of("income and expenditure report, one year", report, "a manager's page"),
                Timing.of("Beancount export, five years", export, f"{export[-1].result:,} bytes"),
                Note("Setup", f"{TWO_LEGGED + THREE_LEGGED + FOUR_LEGGED:,} entries inserted in {seeded.seconds:.1f}s"),
            ]
        finally:
            db.session.rollback()
            remove_books()


def make_hub_and_manager() -> tuple[Hub, User]:
    hub = create_hub(SLUG, "Bench Books Hub")
    manager = User(email=f"books-manager@{EMAIL_DOMAIN}", name="Books Manager", password_hash="!", active=True)
    db.session.add(manager)
    db.session.flush()
    grant_role(manager, hub, Role.MANAGER)
    settings_for(hub).impact_public = True
    db.session.commit()
    return hub, manager


def seed_books(hub: Hub, first_year: int) -> None:
    accounts = accounts_by_role(hub)
    rng = random.Random(2026)
    start, days = date(first_year, 1, 1), YEARS * 365
    next_id = (db.session.scalar(sa.select(sa.func.max(JournalEntry.id))) or 0) + 1
    entries, postings, reinvestments = [], [], []
    for number in range(TWO_LEGGED + THREE_LEGGED + FOUR_LEGGED):
        day = start + timedelta(days=rng.randrange(days))
        entry_id = next_id + number
        amount = rng.randrange(500, 200_000)
        entries.append({"id": entry_id, "hub_id": hub.id, "entry_date": day, "memo": f"Entry {number}",
                        "currency": hub.currency, "source_kind": "manual"})
        if number < TWO_LEGGED:
            account, money, sign = TWO_LEG_KINDS[number % len(TWO_LEG_KINDS)]
            legs = [(accounts[money].id, sign * amount), (accounts[account].id, -sign * amount)]
        elif number < TWO_LEGGED + THREE_LEGGED:
            vat = amount // 5
            legs = [(accounts["receivable"].id, amount + vat), (accounts["income_membership"].id, -amount),
                    (accounts["vat"].id, -vat)]
        else:
            legs = [(accounts[REINVEST[number % 4]].id, amount), (accounts["bank"].id, -amount),
                    (accounts["community_fund"].id, amount), (accounts["general_fund"].id, -amount)]
            reinvestments.append({"entry_id": entry_id, "kind": REINVEST[number % 4][len("reinvest_"):],
                                  "public_description": f"Reinvestment {number}", "published": True,
                                  "beneficiary": "", "beneficiary_is_person": False, "consent_given": False,
                                  "fund_allowed_negative": True})
        postings += [{"entry_id": entry_id, "hub_id": hub.id, "account_id": account_id, "entry_date": day,
                      "amount_minor": value} for account_id, value in legs]
    for table, rows in ((JournalEntry.__table__, entries), (Posting.__table__, postings),
                        (Reinvestment.__table__, reinvestments)):
        for offset in range(0, len(rows), 5000):
            db.session.execute(table.insert(), rows[offset:offset + 5000])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE journal_entries; ANALYZE ledger_postings"))
        db.session.commit()


def count_postings(hub: Hub) -> int:
    return db.session.scalar(sa.select(sa.func.count(Posting.id)).where(Posting.hub_id == hub.id))


def render(app, url: str, user: User | None = None) -> int:
    """The page as a request renders it (routing, view, template), without HTTP."""
    with app.test_request_context(url):
        if user is not None:
            login_user(db.session.merge(user))
        response = app.full_dispatch_request()
        assert response.status_code == 200, (url, response.status_code)
        return len(response.get_data())


def export_all(hub: Hub) -> int:
    out = io.StringIO()
    for chunk in beancount_lines(hub):
        out.write(chunk)
    return out.tell()


def remove_books() -> None:
    """Delete the bench hub with its books."""
    hub_id = db.session.scalar(sa.select(Hub.id).where(Hub.slug == SLUG))
    if hub_id is not None:
        remove_hub_books([hub_id])
        db.session.execute(sa.delete(LedgerAccount).where(LedgerAccount.hub_id == hub_id))
        db.session.execute(sa.delete(Hub).where(Hub.id == hub_id))
    db.session.execute(sa.delete(User).where(User.email == f"books-manager@{EMAIL_DOMAIN}"))
    db.session.commit()
