"""What a hub sells: plans (with their prices over time), passes and the passes sold, and the
organisations that can be billed for their people's memberships."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coworking.extensions import db
from coworking.types import MinorUnits, UTCDateTime, utcnow

if TYPE_CHECKING:
    from coworking.accounts.models import User
    from coworking.hubs.models import Hub

# The resources an allowance counts (the ledger's units).
DESK_DAYS = "desk_days"
ROOM_MINUTES = "room_minutes"
RESOURCES = (DESK_DAYS, ROOM_MINUTES)
MAX_CARRY_OVER_MONTHS = 12
# A plan's first price applies "from the start": before any membership could begin.
FROM_THE_START = date(1, 1, 1)


class Plan(db.Model):
    """A monthly plan. ``None`` allowances mean unlimited; 0 means none included."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    currency: Mapped[str] = mapped_column(sa.String(3))
    vat_rate_bp: Mapped[int] = mapped_column(default=0)
    desk_days_per_month: Mapped[int | None] = mapped_column()
    room_hours_per_month: Mapped[int | None] = mapped_column()
    covered_space_kinds: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    network_access: Mapped[bool] = mapped_column(default=False)
    carry_over_months: Mapped[int] = mapped_column(default=0)
    public: Mapped[bool] = mapped_column(default=True)
    notice_period_days: Mapped[int] = mapped_column(default=30)
    pauses_allowed: Mapped[bool] = mapped_column(default=False)
    max_pause_months: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    hub: Mapped[Hub] = relationship()
    prices: Mapped[list[PlanPrice]] = relationship(
        back_populates="plan", order_by="PlanPrice.effective_from", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint("hub_id", "name", name="uq_plans_hub_name"),
        sa.CheckConstraint("vat_rate_bp between 0 and 10000", name="vat_rate_range"),
        sa.CheckConstraint("desk_days_per_month is null or desk_days_per_month >= 0", name="desk_days_not_negative"),
        sa.CheckConstraint("room_hours_per_month is null or room_hours_per_month >= 0", name="room_hours_not_negative"),
        sa.CheckConstraint(f"carry_over_months between 0 and {MAX_CARRY_OVER_MONTHS}", name="carry_over_range"),
        sa.CheckConstraint("notice_period_days >= 0", name="notice_not_negative"),
        sa.CheckConstraint("max_pause_months >= 0", name="max_pause_not_negative"),
    )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def covers(self, space_kind: str) -> bool:
        return space_kind in (self.covered_space_kinds or [])

    def allowance(self, resource: str) -> int | None:
        """The monthly allowance in the ledger's unit (room hours become minutes); None = unlimited."""
        if resource == DESK_DAYS:
            return self.desk_days_per_month
        hours = self.room_hours_per_month
        return None if hours is None else hours * 60

    def price_on(self, day: date) -> int:
        """The monthly price in force on ``day`` (the latest price effective by then)."""
        return price_on(self.prices, day)

    def __repr__(self) -> str:
        return f"<Plan {self.id} {self.name!r}>"


def price_on(prices: list[PlanPrice], day: date) -> int:
    current = None
    for price in prices:  # ordered by effective_from
        if price.effective_from <= day:
            current = price
    if current is None:
        raise LookupError(f"no price in force on {day}")
    return current.price_minor


class PlanPrice(db.Model):
    """A plan's monthly price from ``effective_from`` until the next row's date. Rows are added
    for future dates, never changed for dates that have passed, so past periods keep their price."""

    __tablename__ = "plan_prices"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))
    effective_from: Mapped[date] = mapped_column(sa.Date)
    price_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(sa.String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    plan: Mapped[Plan] = relationship(back_populates="prices")

    __table_args__ = (
        sa.UniqueConstraint("plan_id", "effective_from", name="uq_plan_prices_plan_effective_from"),
        sa.CheckConstraint("price_minor >= 0", name="price_not_negative"),
    )


class PassProduct(db.Model):
    """A pass a hub sells: a number of desk days, valid for a number of days from the sale."""

    __tablename__ = "pass_products"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    desk_days: Mapped[int] = mapped_column()
    valid_days: Mapped[int] = mapped_column()
    price_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(sa.String(3))
    vat_rate_bp: Mapped[int] = mapped_column(default=0)
    public: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("hub_id", "name", name="uq_pass_products_hub_name"),
        sa.CheckConstraint("desk_days > 0", name="desk_days_positive"),
        sa.CheckConstraint("valid_days > 0", name="valid_days_positive"),
        sa.CheckConstraint("price_minor >= 0", name="price_not_negative"),
        sa.CheckConstraint("vat_rate_bp between 0 and 10000", name="vat_rate_range"),
    )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class PassPurchase(db.Model):
    """One pass sold: its price, VAT rate and desk days as they were at the sale."""

    __tablename__ = "pass_purchases"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("pass_products.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    sold_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sold_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    desk_days: Mapped[int] = mapped_column()
    price_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(sa.String(3))
    vat_rate_bp: Mapped[int] = mapped_column()
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_until: Mapped[date] = mapped_column(sa.Date)

    product: Mapped[PassProduct] = relationship()
    member: Mapped[User] = relationship(foreign_keys=[member_id])
    sold_by: Mapped[User] = relationship(foreign_keys=[sold_by_id])
    organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (
        sa.Index("ix_pass_purchases_member_hub", "member_id", "hub_id"),
        sa.Index("ix_pass_purchases_hub_sold", "hub_id", "sold_at"),
        sa.CheckConstraint("desk_days > 0", name="desk_days_positive"),
        sa.CheckConstraint("price_minor >= 0", name="price_not_negative"),
        sa.CheckConstraint("vat_rate_bp between 0 and 10000", name="vat_rate_range"),
        sa.CheckConstraint("valid_until >= valid_from", name="valid_dates_ordered"),
    )

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until


class Organisation(db.Model):
    """A micro-business or social enterprise that holds memberships and is billed for them."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(160))
    address: Mapped[str] = mapped_column(sa.Text, default="")
    billing_email: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("hub_id", "name", name="uq_organisations_hub_name"),)
