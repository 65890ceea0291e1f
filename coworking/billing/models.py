"""Billing's tables.

An **Invoice** row is either an invoice or a credit note (``kind``); both are *documents* with a
number from their own gap-free series (``NumberCounter``). A draft has no number and may change;
issuing gives it a number, dates, a content hash chained to the previous document of its series
(tamper evidence) and freezes it: the application refuses, and database triggers reject, any
change to an issued document's content or lines and any delete. What payments and credit notes
change afterwards lives outside the frozen content: ``paid_minor`` and ``credited_minor`` are
derived state (sums of allocations and credit notes) kept on the row for cheap listing.

A line's ``source_key`` (``membership:41:2026-11``, ``booking:9120``) is unique per hub, so a
run repeated or raced never bills one item twice; a line removed from a draft leaves a
``LineExclusion`` so the next run does not bring it back.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coworking.extensions import db
from coworking.types import MinorUnits, UTCDateTime, utcnow

if TYPE_CHECKING:
    from coworking.accounts.models import User
    from coworking.hubs.models import Hub
    from coworking.memberships.models import Organisation


class DocumentKind(str, enum.Enum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class DocumentStatus(str, enum.Enum):
    DRAFT = "draft"
    ISSUED = "issued"


class PaymentMethod(str, enum.Enum):
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    CASH = "cash"
    OTHER = "other"


# The columns that make up an issued document's content: the triggers refuse to change them.
FROZEN_INVOICE_COLUMNS = (
    "hub_id", "kind", "number", "status", "period", "member_id", "organisation_id",
    "billed_name", "billed_address", "billed_email", "currency", "issued_on", "due_on",
    "subtotal_minor", "vat_minor", "total_minor", "credit_applied_minor", "corrects_id",
    "content_hash", "previous_hash", "sequence_year", "sequence_number", "reason",
)
FROZEN_LINE_COLUMNS = (
    "invoice_id", "hub_id", "position", "description", "quantity", "unit_price_minor",
    "vat_rate_bp", "amount_minor", "vat_minor", "source_key", "corrects_line_id",
    "income_kind", "funded_by_community_fund",
)


class Invoice(db.Model):
    """An invoice or a credit note, for one billed party: a member, or the organisation that
    holds their membership (then ``organisation_id`` is set and ``member_id`` names nobody)."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(12), default=DocumentKind.INVOICE.value)
    status: Mapped[str] = mapped_column(sa.String(10), default=DocumentStatus.DRAFT.value)
    # The run's period ("2026-11") for invoices a run made; None for one made by hand.
    period: Mapped[str | None] = mapped_column(sa.String(7))
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    # "member:12" or "organisation:3": one draft per party and period (a partial unique index).
    party_key: Mapped[str] = mapped_column(sa.String(40))
    billed_name: Mapped[str] = mapped_column(sa.String(200), default="")
    billed_address: Mapped[str] = mapped_column(sa.Text, default="")
    billed_email: Mapped[str] = mapped_column(sa.String(254), default="")
    currency: Mapped[str] = mapped_column(sa.String(3))
    number: Mapped[str | None] = mapped_column(sa.String(40))
    sequence_year: Mapped[int | None] = mapped_column()
    sequence_number: Mapped[int | None] = mapped_column()
    issued_on: Mapped[date | None] = mapped_column(sa.Date)
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    subtotal_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    vat_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    total_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    # Member credit (an earlier overpayment) used by this invoice when it was issued.
    credit_applied_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    # A credit note names the invoice it corrects.
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    # Why a credit note corrects its invoice (migration 0010_billing_d1_credit_reason); "" on invoices.
    reason: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    content_hash: Mapped[str | None] = mapped_column(sa.String(64))
    previous_hash: Mapped[str | None] = mapped_column(sa.String(64))
    # Derived state, outside the frozen content: changed by payments and credit notes.
    paid_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    credited_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    hub: Mapped[Hub] = relationship()
    member: Mapped[User | None] = relationship(foreign_keys=[member_id])
    organisation: Mapped[Organisation | None] = relationship()
    corrects: Mapped[Invoice | None] = relationship(remote_side=[id], foreign_keys=[corrects_id])
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.position", cascade="all, delete-orphan",
        foreign_keys="InvoiceLine.invoice_id",
    )

    __table_args__ = (
        sa.UniqueConstraint("hub_id", "number", name="uq_invoices_hub_number"),
        sa.UniqueConstraint("hub_id", "kind", "sequence_year", "sequence_number", name="uq_invoices_sequence"),
        # One draft per party and period: two runs at once cannot both make one.
        sa.Index(
            "uq_invoices_one_draft_per_party", "hub_id", "period", "party_key", unique=True,
            sqlite_where=sa.text("status = 'draft' AND period IS NOT NULL"),
            postgresql_where=sa.text("status = 'draft' AND period IS NOT NULL"),
        ),
        sa.CheckConstraint("kind IN ('invoice', 'credit_note')", name="invoice_kind"),
        sa.CheckConstraint("status IN ('draft', 'issued')", name="invoice_status"),
        sa.CheckConstraint("paid_minor >= 0 AND credited_minor >= 0", name="invoice_derived_not_negative"),
    )

    @property
    def is_draft(self) -> bool:
        return self.status == DocumentStatus.DRAFT.value

    @property
    def is_credit_note(self) -> bool:
        return self.kind == DocumentKind.CREDIT_NOTE.value

    @property
    def outstanding_minor(self) -> int:
        """What is still owed on an issued invoice (never negative): total less credit notes and
        what was allocated to it. ``paid_minor`` is the sum of its payment allocations, credit
        used at issue included (``credit_applied_minor`` records that part, frozen, for print)."""
        if self.is_draft or self.is_credit_note:
            return 0
        return max(0, self.total_minor - self.credited_minor - self.paid_minor)

    @property
    def is_void(self) -> bool:
        """Fully credited."""
        return not self.is_draft and not self.is_credit_note and self.total_minor > 0 \
            and self.credited_minor >= self.total_minor

    def display_status(self, today: date) -> str:
        """draft, issued, part paid, paid, overdue, void; a credit note is 'credit note'."""
        if self.is_draft:
            return "draft"
        if self.is_credit_note:
            return "credit note"
        if self.is_void:
            return "void"
        if self.outstanding_minor == 0:
            return "paid"
        if self.due_on is not None and today > self.due_on:
            return "overdue"
        if self.paid_minor or self.credited_minor or self.credit_applied_minor:
            return "part paid"
        return "issued"


class InvoiceLine(db.Model):
    """One line: ``amount_minor`` = quantity x unit price, before VAT; ``vat_minor`` is its VAT,
    rounded half up to the minor unit. A credit note's lines are negative of what they correct."""

    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(sa.String(300))
    quantity: Mapped[int] = mapped_column(default=1)
    unit_price_minor: Mapped[int] = mapped_column(MinorUnits)
    vat_rate_bp: Mapped[int] = mapped_column(default=0)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    vat_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    source_key: Mapped[str | None] = mapped_column(sa.String(80))
    corrects_line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoice_lines.id"))
    # What the line bills, for the ledger: membership, booking, pass, concession, other.
    income_kind: Mapped[str] = mapped_column(sa.String(20), default="other")
    funded_by_community_fund: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    invoice: Mapped[Invoice] = relationship(back_populates="lines", foreign_keys=[invoice_id])

    __table_args__ = (
        sa.UniqueConstraint("hub_id", "source_key", name="uq_invoice_lines_hub_source_key"),
        sa.CheckConstraint("vat_rate_bp >= 0 AND vat_rate_bp <= 10000", name="invoice_line_vat_rate"),
    )

    @property
    def gross_minor(self) -> int:
        return self.amount_minor + self.vat_minor


class LineExclusion(db.Model):
    """A billable item a manager removed from a draft: later runs leave it out."""

    __tablename__ = "invoice_line_exclusions"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"))
    source_key: Mapped[str] = mapped_column(sa.String(80))
    removed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("hub_id", "source_key", name="uq_invoice_line_exclusions"),)


class NumberCounter(db.Model):
    """The last number given in one series (hub, kind, year). Issuing locks this row and
    increments it inside its own transaction, so numbers have no gap and no repeat."""

    __tablename__ = "invoice_number_counters"

    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
    # The hash of the last document issued in the series (hub, kind), for the chain.
    last_hash: Mapped[str | None] = mapped_column(sa.String(64))


class Payment(db.Model):
    """Money received from a billed party. What is not allocated to invoices is their credit,
    used by their next invoice."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    party_key: Mapped[str] = mapped_column(sa.String(40), index=True)
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(sa.String(3))
    method: Mapped[str] = mapped_column(sa.String(20), default=PaymentMethod.BANK_TRANSFER.value)
    received_on: Mapped[date] = mapped_column(sa.Date)
    reference: Mapped[str] = mapped_column(sa.String(200), default="")
    statement_line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("statement_lines.id"), unique=True)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    allocations: Mapped[list[PaymentAllocation]] = relationship(
        back_populates="payment", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.CheckConstraint("amount_minor > 0", name="payment_positive"),)


class PaymentAllocation(db.Model):
    """The part of a payment that settles one invoice (or credit used: ``payment_id`` names
    the payment the credit came from)."""

    __tablename__ = "payment_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payments.id", ondelete="CASCADE"), index=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)

    payment: Mapped[Payment] = relationship(back_populates="allocations")
    invoice: Mapped[Invoice] = relationship()

    __table_args__ = (sa.CheckConstraint("amount_minor > 0", name="allocation_positive"),)


class StatementImport(db.Model):
    """One uploaded bank statement; its lines are unique per hub by a fingerprint, so importing
    the same statement twice records nothing twice."""

    __tablename__ = "statement_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200), default="")
    file_hash: Mapped[str] = mapped_column(sa.String(64))
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lines: Mapped[list[StatementLine]] = relationship(back_populates="statement_import", order_by="StatementLine.id")


class StatementLine(db.Model):
    """A line of a bank statement: a credit to the hub's account, matched (suggested) to an
    invoice, then confirmed by a manager, which records a Payment."""

    __tablename__ = "statement_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(sa.ForeignKey("statement_imports.id", ondelete="CASCADE"), index=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"))
    booked_on: Mapped[date] = mapped_column(sa.Date)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    reference: Mapped[str] = mapped_column(sa.String(300), default="")
    # sha256 of (date, amount, reference, and its occurrence number among identical lines).
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    suggested_invoice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoices.id"))
    match_reason: Mapped[str] = mapped_column(sa.String(40), default="")
    status: Mapped[str] = mapped_column(sa.String(12), default="unmatched")  # unmatched, suggested, recorded, ignored

    statement_import: Mapped[StatementImport] = relationship(back_populates="lines")
    suggested_invoice: Mapped[Invoice | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("hub_id", "fingerprint", name="uq_statement_lines_fingerprint"),)


class BillingSettings(db.Model):
    """A hub's billing choices: the statement CSV's columns, reminder steps, the run's day."""

    __tablename__ = "billing_settings"

    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"), primary_key=True)
    # Column names in the bank's CSV, mapped once per hub.
    statement_date_column: Mapped[str] = mapped_column(sa.String(60), default="Date")
    statement_amount_column: Mapped[str] = mapped_column(sa.String(60), default="Amount")
    statement_reference_column: Mapped[str] = mapped_column(sa.String(60), default="Reference")
    statement_date_format: Mapped[str] = mapped_column(sa.String(20), default="%d/%m/%Y")
    # Days after the due date on which a reminder goes out, e.g. "7,21".
    reminder_days: Mapped[str] = mapped_column(sa.String(60), default="7,21")
    # Day of the month (1-28) on which `jobs run` makes the month's run; None: never on its own.
    run_day: Mapped[int | None] = mapped_column()
    # Whether the scheduled run issues the drafts at once (False: a manager reviews them).
    issue_automatically: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    bank_details: Mapped[str] = mapped_column(sa.Text, default="")  # "how to pay" on the invoice


class ReminderSent(db.Model):
    """A reminder step sent for an invoice: unique, so a step is never sent twice."""

    __tablename__ = "invoice_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    step_days: Mapped[int] = mapped_column()
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("invoice_id", "step_days", name="uq_invoice_reminders_step"),)
