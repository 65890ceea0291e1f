"""The allowance ledger (AllowanceEntry) and what each booking was charged (BookingCharge).

A pool is the allowance of one membership for one period and resource, or one pass sold; its
balance is the sum of its entries. Entries are only ever added, never changed or deleted.
"""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from coworking.extensions import db
from coworking.types import MinorUnits, UTCDateTime, utcnow


class EntryKind(str, enum.Enum):
    GRANT = "GRANT"  # a period's allowance (or a correction of it when the membership changed)
    CONSUMPTION = "CONSUMPTION"  # a booking used some (negative)
    REVERSAL = "REVERSAL"  # a booking gave some back: cancelled, moved, or re-settled (positive)
    ADJUSTMENT = "ADJUSTMENT"  # a manager's change, with a reason
    EXPIRY = "EXPIRY"  # what did not carry over (negative)


class AllowanceEntry(db.Model):
    __tablename__ = "allowance_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"))
    membership_id: Mapped[int | None] = mapped_column(sa.ForeignKey("memberships.id", ondelete="CASCADE"))
    pass_purchase_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pass_purchases.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(sa.String(7))
    resource: Mapped[str] = mapped_column(sa.String(12))
    kind: Mapped[str] = mapped_column(sa.String(12))
    quantity: Mapped[int] = mapped_column()
    booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bookings.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.Index("ix_allowance_entries_membership_period", "membership_id", "period"),
        sa.Index("ix_allowance_entries_pass_purchase", "pass_purchase_id"),
        sa.Index("ix_allowance_entries_booking", "booking_id"),
        sa.CheckConstraint(
            "(membership_id is null) <> (pass_purchase_id is null)", name="one_pool"
        ),
        sa.CheckConstraint("resource in ('desk_days', 'room_minutes')", name="resource_known"),
        sa.CheckConstraint(
            "(kind = 'CONSUMPTION' and quantity < 0) or (kind = 'REVERSAL' and quantity > 0) "
            "or (kind = 'EXPIRY' and quantity < 0) or (kind in ('GRANT', 'ADJUSTMENT') and quantity <> 0)",
            name="kind_and_sign",
        ),
    )

    @property
    def pool(self) -> tuple:
        if self.membership_id is not None:
            return ("membership", self.membership_id, self.period, self.resource)
        return ("pass", self.pass_purchase_id)


class BookingCharge(db.Model):
    """How a booking was settled: under which membership, how many units its allowance and
    passes covered, and the part of its price that is billable (pay-as-you-go or overage).

    Kept beside the booking (bookings/ is not ours to change): written by the settlement on
    every booking event, so it always matches the booking's current time, space and status.
    """

    __tablename__ = "booking_charges"

    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True)
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    membership_id: Mapped[int | None] = mapped_column(sa.ForeignKey("memberships.id", ondelete="SET NULL"))
    period: Mapped[str] = mapped_column(sa.String(7))
    resource: Mapped[str] = mapped_column(sa.String(12))
    quantity: Mapped[int] = mapped_column()
    covered_by_membership: Mapped[int] = mapped_column(default=0)
    covered_by_passes: Mapped[int] = mapped_column(default=0)
    price_minor: Mapped[int] = mapped_column(MinorUnits)
    billable_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(sa.String(3))
    settled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.Index("ix_booking_charges_hub_period", "hub_id", "period"),
        sa.CheckConstraint(
            "covered_by_membership >= 0 and covered_by_passes >= 0 "
            "and covered_by_membership + covered_by_passes <= quantity",
            name="covered_within_quantity",
        ),
        sa.CheckConstraint("billable_minor >= 0 and billable_minor <= price_minor", name="billable_within_price"),
    )

    @property
    def covered(self) -> int:
        return self.covered_by_membership + self.covered_by_passes
