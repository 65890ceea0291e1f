"""Hubs, their spaces, opening hours and closures."""
from __future__ import annotations

import enum
from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coworking.extensions import db
from coworking.types import MinorUnits


class SpaceKind(str, enum.Enum):
    DESK = "desk"
    ROOM = "room"
    OFFICE = "office"


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Hub(db.Model):
    __tablename__ = "hubs"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Europe/London")
    currency: Mapped[str] = mapped_column(sa.String(3), default="GBP")
    address: Mapped[str] = mapped_column(sa.Text, default="")
    vat_number: Mapped[str | None] = mapped_column(sa.String(32))
    invoice_prefix: Mapped[str] = mapped_column(sa.String(16), default="INV")
    payment_terms_days: Mapped[int] = mapped_column(default=14)
    # Members change plan from the next month; where this is set they may also change at once,
    # with the month prorated (managers always may).
    members_may_change_plan_at_once: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # How members reach the hub (shown on its page and where something can't be done online).
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))

    spaces: Mapped[list[Space]] = relationship(
        back_populates="hub", order_by="Space.kind, Space.name", cascade="all, delete-orphan"
    )
    opening_hours: Mapped[list[OpeningHours]] = relationship(
        back_populates="hub", order_by="OpeningHours.weekday", cascade="all, delete-orphan"
    )
    closures: Mapped[list[Closure]] = relationship(
        back_populates="hub", order_by="Closure.starts_on", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("payment_terms_days >= 0", name="payment_terms_not_negative"),
    )

    def hours_on(self, weekday: int) -> OpeningHours | None:
        """Opening hours for a weekday (0 = Monday), or None when the hub is closed that day."""
        for hours in self.opening_hours:
            if hours.weekday == weekday and not hours.closed:
                return hours
        return None

    def closure_on(self, day: date) -> Closure | None:
        for closure in self.closures:
            if closure.starts_on <= day <= closure.ends_on:
                return closure
        return None

    def __repr__(self) -> str:
        return f"<Hub {self.slug}>"


class Space(db.Model):
    __tablename__ = "spaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    name: Mapped[str] = mapped_column(sa.String(120))
    capacity: Mapped[int] = mapped_column(default=1)
    hourly_rate_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    daily_rate_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    amenities: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # A public calendar feed of this space shows only "Booked", or the booker's first name.
    feed_public: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    feed_shows_first_name: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    hub: Mapped[Hub] = relationship(back_populates="spaces")

    __table_args__ = (
        sa.UniqueConstraint("hub_id", "name", name="uq_spaces_hub_name"),
        sa.CheckConstraint("kind in ('desk', 'room', 'office')", name="kind_known"),
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint("hourly_rate_minor >= 0", name="hourly_rate_not_negative"),
        sa.CheckConstraint("daily_rate_minor >= 0", name="daily_rate_not_negative"),
    )

    def __repr__(self) -> str:
        return f"<Space {self.hub_id}/{self.name}>"


class OpeningHours(db.Model):
    """One weekday's hours in the hub's local time; ``closed`` marks a day the hub is shut."""

    __tablename__ = "opening_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column()
    closed: Mapped[bool] = mapped_column(default=False)
    opens_at: Mapped[time | None] = mapped_column(sa.Time)
    closes_at: Mapped[time | None] = mapped_column(sa.Time)

    hub: Mapped[Hub] = relationship(back_populates="opening_hours")

    __table_args__ = (
        sa.UniqueConstraint("hub_id", "weekday", name="uq_opening_hours_hub_weekday"),
        sa.CheckConstraint("weekday between 0 and 6", name="weekday_range"),
        sa.CheckConstraint(
            "closed or (opens_at is not null and closes_at is not null and opens_at < closes_at)",
            name="opens_before_closes",
        ),
    )

    @property
    def weekday_name(self) -> str:
        return WEEKDAYS[self.weekday]


class Closure(db.Model):
    """Days the hub is shut (holidays, works), inclusive of both dates, in local dates."""

    __tablename__ = "closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.String(200))

    hub: Mapped[Hub] = relationship(back_populates="closures")

    __table_args__ = (sa.CheckConstraint("starts_on <= ends_on", name="dates_ordered"),)
