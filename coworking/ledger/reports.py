"""Figures from postings, aggregated in the database, never stored twice: account balances,
the trial balance, income and expenditure by period, and the surplus with what was set aside
and reinvested. Periods are months, quarters or years of entry dates (the hub's local dates).

The surplus of a period is income less costs; reinvestment (out of the community fund) is not a
cost of running the hub: it is what the surplus was used for."""
from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.ledger.chart import ensure_chart, hub_accounts
from coworking.ledger.models import AccountType, JournalEntry, LedgerAccount, Posting

GRANULARITIES = ("month", "quarter", "year")


@dataclass
class AccountBalance:
    account: LedgerAccount
    debit_minor: int
    credit_minor: int

    @property
    def balance_minor(self) -> int:
        """Debit positive."""
        return self.debit_minor - self.credit_minor


def account_balances(hub: Hub, *, start: date | None = None, end: date | None = None) -> list[AccountBalance]:
    """Every account's debits and credits between two dates (both included), by code."""
    accounts = hub_accounts(hub)
    debit = sa.func.sum(sa.case((Posting.amount_minor > 0, Posting.amount_minor), else_=0))
    credit = sa.func.sum(sa.case((Posting.amount_minor < 0, -Posting.amount_minor), else_=0))
    query = sa.select(Posting.account_id, debit, credit).where(Posting.hub_id == hub.id)
    query = _between(query, start, end).group_by(Posting.account_id)
    sums = {account_id: (d or 0, c or 0) for account_id, d, c in db.session.execute(query)}
    return [AccountBalance(account, *sums.get(account.id, (0, 0))) for account in accounts]


def trial_balance(hub: Hub, *, end: date | None = None) -> tuple[list[AccountBalance], int, int]:
    """Accounts with a balance up to a date, and total debits and credits (always equal)."""
    rows = [row for row in account_balances(hub, end=end) if row.debit_minor or row.credit_minor]
    debits = sum(max(row.balance_minor, 0) for row in rows)
    credits = sum(max(-row.balance_minor, 0) for row in rows)
    return rows, debits, credits


@dataclass
class PeriodFigures:
    key: str  # "2026-11", "2026-Q4", "2026"
    start: date
    end: date
    income_by_account: dict[str, int] = field(default_factory=dict)
    costs_by_account: dict[str, int] = field(default_factory=dict)
    reinvested_by_kind: dict[str, int] = field(default_factory=dict)
    set_aside_minor: int = 0

    @property
    def income_minor(self) -> int:
        return sum(self.income_by_account.values())

    @property
    def costs_minor(self) -> int:
        return sum(self.costs_by_account.values())

    @property
    def surplus_minor(self) -> int:
        return self.income_minor - self.costs_minor

    @property
    def reinvested_minor(self) -> int:
        return sum(self.reinvested_by_kind.values())

    @property
    def reinvested_share(self) -> float | None:
        """Reinvested as a share of the surplus; None when there was no surplus."""
        return self.reinvested_minor / self.surplus_minor if self.surplus_minor > 0 else None


def period_key(year: int, month: int, granularity: str) -> tuple[str, date, date]:
    if granularity == "year":
        return f"{year:04d}", date(year, 1, 1), date(year, 12, 31)
    if granularity == "quarter":
        quarter = (month - 1) // 3 + 1
        first = 3 * (quarter - 1) + 1
        return f"{year:04d}-Q{quarter}", date(year, first, 1), _month_end(year, first + 2)
    return f"{year:04d}-{month:02d}", date(year, month, 1), _month_end(year, month)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def figures_by_period(hub: Hub, *, start: date, end: date, granularity: str = "month") -> list[PeriodFigures]:
    """Income, costs, set aside and reinvested for each period that has any, oldest first:
    one grouped query over postings by year, month and account, and one over the community
    fund's set-asides (the few postings that need their entry's kind)."""
    accounts = {account.id: account for account in hub_accounts(hub)}
    fund_id = ensure_chart(hub)["community_fund"].id
    year = sa.extract("year", Posting.entry_date)
    month = sa.extract("month", Posting.entry_date)
    sums = _between(sa.select(year, month, Posting.account_id, sa.func.sum(Posting.amount_minor))
                    .where(Posting.hub_id == hub.id), start, end).group_by(year, month, Posting.account_id)
    set_aside = _between(
        sa.select(year, month, sa.func.sum(Posting.amount_minor))
        .join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .where(Posting.hub_id == hub.id, Posting.account_id == fund_id, JournalEntry.source_kind == "set_aside"),
        start, end).group_by(year, month)
    periods: dict[str, PeriodFigures] = {}

    def figures_of(y, m) -> PeriodFigures:
        key, first, last = period_key(int(y), int(m), granularity)
        return periods.setdefault(key, PeriodFigures(key, first, last))

    for y, m, account_id, amount in db.session.execute(sums):
        _add(figures_of(y, m), accounts[account_id], int(amount or 0))
    for y, m, amount in db.session.execute(set_aside):
        figures_of(y, m).set_aside_minor -= int(amount or 0)
    return [periods[key] for key in sorted(periods)]


def _add(figures: PeriodFigures, account: LedgerAccount, amount: int) -> None:
    if account.type == AccountType.INCOME.value:
        figures.income_by_account[account.name] = figures.income_by_account.get(account.name, 0) - amount
    elif account.is_reinvestment:
        kind = account.reinvestment_kind
        figures.reinvested_by_kind[kind] = figures.reinvested_by_kind.get(kind, 0) + amount
    elif account.type == AccountType.EXPENSE.value:
        figures.costs_by_account[account.name] = figures.costs_by_account.get(account.name, 0) + amount


def _between(query, start: date | None, end: date | None):
    if start is not None:
        query = query.where(Posting.entry_date >= start)
    if end is not None:
        query = query.where(Posting.entry_date <= end)
    return query


def fund_balances(hub: Hub, *, end: date | None = None) -> list[AccountBalance]:
    """The funds (equity accounts): the general fund and the community fund, credit positive."""
    return [row for row in account_balances(hub, end=end) if row.account.type == AccountType.EQUITY.value]


def totals_by_kind(periods: list[PeriodFigures]) -> dict[str, int]:
    kinds: dict[str, int] = defaultdict(int)
    for figures in periods:
        for kind, amount in figures.reinvested_by_kind.items():
            kinds[kind] += amount
    return dict(kinds)
