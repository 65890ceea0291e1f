"""The member's record: applications, memberships with their plan changes, pauses and
concessions, and the history of every change (MembershipEvent)."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coworking.extensions import db
from coworking.types import MinorUnits, UTCDateTime, utcnow

if TYPE_CHECKING:
    from coworking.accounts.models import User
    from coworking.hubs.models import Hub
    from coworking.memberships.models.plans import Organisation, Plan


class ApplicationStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class Application(db.Model):
    """A member asking for a plan; a manager approves it (a Membership results) or declines it."""

    __tablename__ = "membership_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(10), default=ApplicationStatus.PENDING.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decision_message: Mapped[str] = mapped_column(sa.Text, default="")
    membership_id: Mapped[int | None] = mapped_column(sa.ForeignKey("memberships.id", ondelete="SET NULL"))

    hub: Mapped[Hub] = relationship()
    member: Mapped[User] = relationship(foreign_keys=[member_id])
    plan: Mapped[Plan] = relationship()
    membership: Mapped[Membership | None] = relationship()

    __table_args__ = (
        sa.Index("ix_membership_applications_hub_status", "hub_id", "status"),
        sa.Index("ix_membership_applications_member", "member_id"),
        sa.CheckConstraint("status in ('pending', 'approved', 'declined')", name="status_known"),
    )

    @property
    def is_pending(self) -> bool:
        return self.status == ApplicationStatus.PENDING.value


class Membership(db.Model):
    """A member's membership of one hub, from ``starts_on`` to ``ends_on`` (None: open-ended),
    both local dates and both included. ``plan`` is the plan it started on; later plans are
    MembershipPlanChange rows. Two memberships of one member in one hub never overlap."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # Plans are archived, never deleted; the cascade only lets a whole hub be deleted at once
    # (PostgreSQL would otherwise check this key before its cascade reached the membership).
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cancel_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    hub: Mapped[Hub] = relationship()
    member: Mapped[User] = relationship(foreign_keys=[member_id])
    plan: Mapped[Plan] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    plan_changes: Mapped[list[MembershipPlanChange]] = relationship(
        back_populates="membership", order_by="MembershipPlanChange.effective_on", cascade="all, delete-orphan"
    )
    pauses: Mapped[list[MembershipPause]] = relationship(
        back_populates="membership", order_by="MembershipPause.starts_on", cascade="all, delete-orphan"
    )
    concessions: Mapped[list[Concession]] = relationship(
        back_populates="membership", order_by="Concession.starts_on", cascade="all, delete-orphan"
    )
    events: Mapped[list[MembershipEvent]] = relationship(
        back_populates="membership", order_by="MembershipEvent.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.Index("ix_memberships_member_hub", "member_id", "hub_id"),
        sa.CheckConstraint("ends_on is null or ends_on >= starts_on", name="dates_ordered"),
        # No two memberships of a member in a hub overlap: PostgreSQL enforces it itself; SQLite
        # gets a trigger (see migration 0007). The services check first, for a friendly message.
        ExcludeConstraint(
            (sa.Column("member_id"), "="),
            (sa.Column("hub_id"), "="),
            (sa.func.daterange(sa.Column("starts_on"), sa.Column("ends_on"), "[]"), "&&"),
            name="ex_memberships_no_overlap",
            using="gist",
        ).ddl_if(dialect="postgresql"),
    )

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def covers_date(self, day: date) -> bool:
        """Between its start and end (pauses aside)."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def has_ended(self, today: date) -> bool:
        return self.ends_on is not None and self.ends_on < today

    def billed_party_is_organisation(self) -> bool:
        return self.organisation_id is not None

    def __repr__(self) -> str:
        return f"<Membership {self.id} member={self.member_id} {self.starts_on}..{self.ends_on or ''}>"


class MembershipPlanChange(db.Model):
    """From ``effective_on`` the membership is on ``plan`` (until a later change)."""

    __tablename__ = "membership_plan_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("memberships.id", ondelete="CASCADE"))
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))  # see Membership.plan_id
    effective_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    membership: Mapped[Membership] = relationship(back_populates="plan_changes")
    plan: Mapped[Plan] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("membership_id", "effective_on", name="uq_membership_plan_changes_membership_effective_on"),
    )


class MembershipPause(db.Model):
    """Whole months without fee or allowance: ``starts_on`` is a first, ``ends_on`` a last day."""

    __tablename__ = "membership_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("memberships.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    membership: Mapped[Membership] = relationship(back_populates="pauses")

    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="dates_ordered"),)

    def covers_date(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Concession(db.Model):
    """A discount on the membership fee: a percentage (basis points) or a fixed monthly price,
    with its reason and the date it is due for review. Applied before VAT, billed as its own line."""

    __tablename__ = "concessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("memberships.id", ondelete="CASCADE"), index=True)
    percent_bp: Mapped[int | None] = mapped_column()
    fixed_price_minor: Mapped[int | None] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(sa.String(3))
    reason: Mapped[str] = mapped_column(sa.String(200))
    review_on: Mapped[date | None] = mapped_column(sa.Date)
    funded_by_community_fund: Mapped[bool] = mapped_column(default=False)
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    membership: Mapped[Membership] = relationship(back_populates="concessions")

    __table_args__ = (
        sa.CheckConstraint(
            "(percent_bp is null and fixed_price_minor is not null) or (percent_bp is not null and fixed_price_minor is null)",
            name="percent_or_fixed",
        ),
        sa.CheckConstraint("percent_bp is null or percent_bp between 0 and 10000", name="percent_range"),
        sa.CheckConstraint("fixed_price_minor is null or fixed_price_minor >= 0", name="fixed_not_negative"),
        sa.CheckConstraint("ends_on is null or ends_on >= starts_on", name="dates_ordered"),
    )

    def covers_date(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def describe(self) -> str:
        if self.percent_bp is not None:
            return f"{self.percent_bp / 100:g}% concession ({self.reason})"
        return f"Concession: fixed monthly price ({self.reason})"


class MembershipEvent(db.Model):
    """One line of a membership's history: who did what, when and why."""

    __tablename__ = "membership_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("memberships.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    description: Mapped[str] = mapped_column(sa.Text)
    reason: Mapped[str] = mapped_column(sa.Text, default="")

    membership: Mapped[Membership] = relationship(back_populates="events")
    by: Mapped[User | None] = relationship()
