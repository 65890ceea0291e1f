"""Bookings, booking series (recurrence) and booking policies (the hub's rules)."""
from __future__ import annotations

import enum
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coworking.extensions import db
from coworking.types import MinorUnits, UTCDateTime, utcnow

if TYPE_CHECKING:
    from coworking.accounts.models import User
    from coworking.hubs.models import Hub, Space

# No booking row spans more than this. Longer blocks are stored as one row per local day, so
# "what overlaps this day?" can be answered from the (space_id, starts_at) index alone.
MAX_BOOKING_SPAN = timedelta(hours=25)


class BookingStatus(str, enum.Enum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class BookingPurpose(str, enum.Enum):
    BOOKING = "booking"  # a member's booking
    BLOCK = "block"  # a manager took the space out of use (maintenance...)


class Booking(db.Model):
    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("spaces.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    booked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    series_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("booking_series.id", ondelete="SET NULL"), index=True
    )
    purpose: Mapped[str] = mapped_column(sa.String(10), default=BookingPurpose.BOOKING.value)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(10), default=BookingStatus.CONFIRMED.value)
    # Priced when booked, from the space's rates then: later rate changes never rewrite history.
    price_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    currency: Mapped[str] = mapped_column(sa.String(3))
    allowance_used_minutes: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    # Rules a manager chose to override for this booking, in words (an explicit, recorded choice).
    overridden_rules: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cancel_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    # Bumped on every change; iCalendar's SEQUENCE.
    sequence: Mapped[int] = mapped_column(default=0)

    space: Mapped[Space] = relationship(lazy="joined", innerjoin=True)
    member: Mapped[User | None] = relationship(foreign_keys=[member_id])
    booked_by: Mapped[User] = relationship(foreign_keys=[booked_by_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
    series: Mapped[BookingSeries | None] = relationship(back_populates="bookings")

    __table_args__ = (
        sa.Index("ix_bookings_space_starts", "space_id", "starts_at"),
        sa.Index("ix_bookings_member_starts", "member_id", "starts_at"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("status in ('confirmed', 'cancelled')", name="status_known"),
        sa.CheckConstraint("purpose in ('booking', 'block')", name="purpose_known"),
        sa.CheckConstraint("price_minor >= 0", name="price_not_negative"),
        # MAX_BOOKING_SPAN, which overlap queries rely on; SQLite's trigger checks it there.
        sa.CheckConstraint("ends_at - starts_at <= interval '25 hours'", name="span_at_most_25_hours").ddl_if(
            dialect="postgresql"
        ),
        sa.CheckConstraint("purpose = 'block' or member_id is not null", name="booking_has_member"),
        # The no-overlap guarantee, enforced by PostgreSQL itself. SQLite gets a trigger
        # (see the migration) and BEGIN IMMEDIATE write transactions (coworking/transactions.py).
        ExcludeConstraint(
            (sa.Column("space_id"), "="),
            (sa.func.tstzrange(sa.Column("starts_at"), sa.Column("ends_at"), "[)"), "&&"),
            name="ex_bookings_no_overlap",
            using="gist",
            where=sa.text("status = 'confirmed'"),
        ).ddl_if(dialect="postgresql"),
    )

    @property
    def is_confirmed(self) -> bool:
        return self.status == BookingStatus.CONFIRMED.value

    @property
    def is_block(self) -> bool:
        return self.purpose == BookingPurpose.BLOCK.value

    @property
    def hub(self) -> Hub:
        return self.space.hub

    def is_owned_by(self, user) -> bool:
        return user is not None and self.member_id == getattr(user, "id", None)

    def can_view(self, user) -> bool:
        """Who sees a booking in full (its page, its member, a block's reason): its member and the
        hub's managers and staff. To anyone else it is only a busy slot, on the pages and in the API."""
        return self.is_owned_by(user) or (user is not None and user.works_at(self.space.hub))

    def has_started(self, now: datetime) -> bool:
        return self.starts_at <= now

    def is_past_cutoff(self, now: datetime, cutoff: timedelta) -> bool:
        return now > self.starts_at - cutoff

    @classmethod
    def during(cls, starts_at, ends_at=None, *, earliest=None) -> sa.ColumnElement[bool]:
        """Rows overlapping [starts_at, ends_at), or still going at ``starts_at`` without ``ends_at``.

        No row spans more than MAX_BOOKING_SPAN, so bounding ``starts_at`` from below lets the
        (space_id, starts_at) and (member_id, starts_at) indexes answer this without scanning
        a space's or a member's whole history. That bound is ``starts_at - MAX_BOOKING_SPAN``;
        a statement built once with bound parameters passes it as ``earliest``.
        """
        lower = starts_at - MAX_BOOKING_SPAN if earliest is None else earliest
        bounds = [cls.starts_at > lower, cls.ends_at > starts_at]
        if ends_at is not None:
            bounds.insert(0, cls.starts_at < ends_at)
        return sa.and_(*bounds)

    @hybrid_method
    def is_upcoming(self, now: datetime) -> bool:
        """Confirmed and not over yet (under way included): a member's "upcoming" bookings, and
        what the hub's limit on active bookings counts."""
        return self.is_confirmed and self.ends_at > now

    @is_upcoming.inplace.expression
    @classmethod
    def _is_upcoming_expression(cls, now: datetime) -> sa.ColumnElement[bool]:
        return sa.and_(cls.status == BookingStatus.CONFIRMED.value, cls.during(now))

    def __repr__(self) -> str:
        return f"<Booking {self.id} space={self.space_id} {self.starts_at:%Y-%m-%d %H:%M}Z {self.status}>"


class BookingSeries(db.Model):
    """A recurrence a member booked; each occurrence is its own Booking row."""

    __tablename__ = "booking_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    booked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # {"freq": "weekly", "interval": 1, "weekdays": [0, 2], "until": "2027-01-31", "count": null, ...}
    rule: Mapped[dict] = mapped_column(sa.JSON)
    local_start: Mapped[time] = mapped_column(sa.Time)
    local_end: Mapped[time] = mapped_column(sa.Time)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bookings: Mapped[list[Booking]] = relationship(back_populates="series", order_by="Booking.starts_at")
    space: Mapped[Space] = relationship()
    member: Mapped[User | None] = relationship(foreign_keys=[member_id])

    def can_view(self, user) -> bool:
        """Its member and the hub's managers and staff see (and may cancel) a series; to anyone
        else it does not exist."""
        return user is not None and (self.member_id == user.id or user.works_at(self.space.hub))


class BookingPolicy(db.Model):
    """A hub's booking rules (space_id null), or one space's overrides (null = use the hub's)."""

    __tablename__ = "booking_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"))
    space_id: Mapped[int | None] = mapped_column(sa.ForeignKey("spaces.id", ondelete="CASCADE"))
    slot_minutes: Mapped[int | None] = mapped_column()
    min_duration_minutes: Mapped[int | None] = mapped_column()
    max_duration_minutes: Mapped[int | None] = mapped_column()
    max_days_ahead: Mapped[int | None] = mapped_column()
    min_notice_minutes: Mapped[int | None] = mapped_column()
    cancellation_cutoff_minutes: Mapped[int | None] = mapped_column()
    max_active_bookings: Mapped[int | None] = mapped_column()
    buffer_minutes: Mapped[int | None] = mapped_column()
    half_day_split: Mapped[time | None] = mapped_column(sa.Time)
    series_horizon_days: Mapped[int | None] = mapped_column()

    __table_args__ = (
        sa.UniqueConstraint("hub_id", "space_id", name="uq_booking_policies_hub_space"),
        sa.CheckConstraint("slot_minutes is null or slot_minutes between 5 and 240", name="slot_range"),
        sa.CheckConstraint(
            "min_duration_minutes is null or max_duration_minutes is null "
            "or min_duration_minutes <= max_duration_minutes",
            name="durations_ordered",
        ),
    )
