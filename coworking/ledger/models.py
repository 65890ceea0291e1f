"""The ledger's tables: accounts (a chart per hub), journal entries and their postings
(append-only: the database refuses UPDATE and DELETE, and every entry balances to zero),
reinvestment details, closed periods and the hub's ledger settings.

Amounts are signed minor units: a debit is positive, a credit negative, so an entry's
postings sum to zero and the trial balance of any set of entries is zero.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coworking.extensions import db
from coworking.types import MinorUnits, UTCDateTime, utcnow


class AccountType(str, enum.Enum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    INCOME = "income"
    EXPENSE = "expense"


class ReinvestmentKind(str, enum.Enum):
    BUILDING = "building"
    COMMUNITY_GRANTS = "community_grants"
    BURSARIES = "bursaries"
    COMMUNITY_PROJECTS = "community_projects"


class LedgerAccount(db.Model):
    """One account of a hub's chart. ``role`` names the accounts the app posts to on its own
    (bank, receivable, income_membership...); managers' own accounts have none.
    ``reinvestment_kind`` marks the reinvestment accounts: expenses out of the community fund,
    kept apart from the costs that the surplus is measured after."""

    __tablename__ = "ledger_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(120))
    type: Mapped[str] = mapped_column(sa.String(10))
    role: Mapped[str | None] = mapped_column(sa.String(40))
    reinvestment_kind: Mapped[str | None] = mapped_column(sa.String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("hub_id", "code", name="uq_ledger_accounts_hub_code"),
        sa.Index("uq_ledger_accounts_hub_role", "hub_id", "role", unique=True,
                 sqlite_where=sa.text("role IS NOT NULL"), postgresql_where=sa.text("role IS NOT NULL")),
        sa.CheckConstraint("type IN ('asset', 'liability', 'equity', 'income', 'expense')", name="ledger_account_type"),
    )

    @property
    def is_reinvestment(self) -> bool:
        return self.reinvestment_kind is not None


class JournalEntry(db.Model):
    """One event in the books, dated in the hub's zone. An automatic entry names its source
    (``invoice`` 12, ``payment`` 7...) and exists once per source; a correction is a new entry
    that ``reverses`` an old one."""

    __tablename__ = "journal_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    entry_date: Mapped[date] = mapped_column(sa.Date)
    memo: Mapped[str] = mapped_column(sa.String(300))
    currency: Mapped[str] = mapped_column(sa.String(3))
    source_kind: Mapped[str] = mapped_column(sa.String(30), default="manual")
    source_id: Mapped[int | None] = mapped_column()
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("journal_entries.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    postings: Mapped[list[Posting]] = relationship(back_populates="entry", order_by="Posting.id")
    reinvestment: Mapped[Reinvestment | None] = relationship(back_populates="entry")

    __table_args__ = (
        sa.Index("ix_journal_entries_hub_date", "hub_id", "entry_date"),
        sa.Index("uq_journal_entries_source", "hub_id", "source_kind", "source_id", unique=True,
                 sqlite_where=sa.text("source_id IS NOT NULL"), postgresql_where=sa.text("source_id IS NOT NULL")),
    )


class Posting(db.Model):
    """A signed amount on one account: debit positive, credit negative."""

    __tablename__ = "ledger_postings"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("journal_entries.id", ondelete="CASCADE"), index=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("ledger_accounts.id"), index=True)
    entry_date: Mapped[date] = mapped_column(sa.Date)  # the entry's, so reports aggregate one table
    amount_minor: Mapped[int] = mapped_column(MinorUnits)

    entry: Mapped[JournalEntry] = relationship(back_populates="postings")
    account: Mapped[LedgerAccount] = relationship()

    __table_args__ = (
        sa.Index("ix_ledger_postings_hub_date_account", "hub_id", "entry_date", "account_id"),
        sa.CheckConstraint("amount_minor <> 0", name="ledger_posting_not_zero"),
    )


class Reinvestment(db.Model):
    """What a reinvestment entry was for: what, for whom, and what may be published. A person
    is named only with their consent; enterprises and projects by name."""

    __tablename__ = "ledger_reinvestments"

    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("journal_entries.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    beneficiary: Mapped[str] = mapped_column(sa.String(200), default="")
    beneficiary_is_person: Mapped[bool] = mapped_column(default=False)
    consent_given: Mapped[bool] = mapped_column(default=False)
    public_description: Mapped[str] = mapped_column(sa.String(300), default="")
    published: Mapped[bool] = mapped_column(default=True)
    # Recorded when a manager let the fund go below zero for it.
    fund_allowed_negative: Mapped[bool] = mapped_column(default=False)

    entry: Mapped[JournalEntry] = relationship(back_populates="reinvestment")


class Receipt(db.Model):
    """A receipt attached to a manual entry (PDF or image, size-checked)."""

    __tablename__ = "ledger_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("journal_entries.id", ondelete="CASCADE"), unique=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(60))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


class ClosedPeriod(db.Model):
    """A month or year whose books are closed: no entry may be dated in it."""

    __tablename__ = "ledger_closed_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("hub_id", "starts_on", "ends_on", name="uq_ledger_closed_periods"),)


class LedgerSettings(db.Model):
    """A hub's ledger choices: whether its transparency page is public, and its introduction."""

    __tablename__ = "ledger_settings"

    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"), primary_key=True)
    impact_public: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    impact_intro: Mapped[str] = mapped_column(sa.Text, default="")
