"""What a hub shows the community on its transparency page, when it has opted in: for a year
and each of its quarters, income, costs, surplus and what was reinvested by kind, with the
reinvestments managers chose to publish. Everything comes from postings (``reports``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.ledger.models import JournalEntry, LedgerAccount, LedgerSettings, Posting, Reinvestment
from coworking.ledger.reports import PeriodFigures, figures_by_period

KIND_LABELS = {
    "building": "The building",
    "community_grants": "Community grants",
    "bursaries": "Bursaries",
    "community_projects": "Community projects",
}


@dataclass(frozen=True)
class PublishedReinvestment:
    on: date
    kind: str
    description: str
    beneficiary: str
    amount_minor: int


@dataclass(frozen=True)
class YearImpact:
    year: int
    total: PeriodFigures | None
    quarters: list[PeriodFigures]
    reinvestments: list[PublishedReinvestment]


def settings_for(hub: Hub) -> LedgerSettings:
    settings = db.session.get(LedgerSettings, hub.id)
    if settings is None:
        settings = LedgerSettings(hub_id=hub.id, impact_public=False, impact_intro="")
        db.session.add(settings)
        db.session.flush()
    return settings


def ledger_settings(hub: Hub) -> LedgerSettings:
    """The hub's settings as stored, or the defaults (nothing published), without writing."""
    return db.session.get(LedgerSettings, hub.id) or LedgerSettings(hub_id=hub.id, impact_public=False, impact_intro="")


def is_public(hub: Hub) -> bool:
    return ledger_settings(hub).impact_public


def year_impact(hub: Hub, year: int) -> YearImpact:
    start, end = date(year, 1, 1), date(year, 12, 31)
    quarters = figures_by_period(hub, start=start, end=end, granularity="quarter")
    total = combined(quarters, f"{year:04d}", start, end) if quarters else None
    return YearImpact(year, total, quarters, published_reinvestments(hub, start, end))


def combined(periods: list[PeriodFigures], key: str, start: date, end: date) -> PeriodFigures:
    """Several periods' figures as one (a year from its quarters): sums, so no second query."""
    total = PeriodFigures(key, start, end)
    for figures in periods:
        for mine, theirs in ((total.income_by_account, figures.income_by_account),
                             (total.costs_by_account, figures.costs_by_account),
                             (total.reinvested_by_kind, figures.reinvested_by_kind)):
            for name, amount in theirs.items():
                mine[name] = mine.get(name, 0) + amount
        total.set_aside_minor += figures.set_aside_minor
    return total


def published_reinvestments(hub: Hub, start: date, end: date) -> list[PublishedReinvestment]:
    """Reinvestments marked for publishing; a person's name only where they consented."""
    amount = (sa.select(sa.func.sum(Posting.amount_minor))
              .join(LedgerAccount, LedgerAccount.id == Posting.account_id)
              .where(Posting.entry_id == JournalEntry.id, LedgerAccount.reinvestment_kind.is_not(None))
              .correlate(JournalEntry).scalar_subquery())
    rows = db.session.execute(
        sa.select(JournalEntry.entry_date, Reinvestment, amount)
        .join(Reinvestment, Reinvestment.entry_id == JournalEntry.id)
        .where(JournalEntry.hub_id == hub.id, JournalEntry.entry_date.between(start, end), Reinvestment.published)
        .order_by(JournalEntry.entry_date, JournalEntry.id))
    return [PublishedReinvestment(on, r.kind, r.public_description, _public_name(r), total or 0)
            for on, r, total in rows]


def _public_name(reinvestment: Reinvestment) -> str:
    if reinvestment.beneficiary_is_person and not reinvestment.consent_given:
        return ""
    return reinvestment.beneficiary


def years_with_books(hub: Hub) -> list[int]:
    first, last = db.session.execute(sa.select(sa.func.min(Posting.entry_date), sa.func.max(Posting.entry_date))
                                     .where(Posting.hub_id == hub.id)).one()
    if first is None:
        return []
    return list(range(last.year, first.year - 1, -1))
