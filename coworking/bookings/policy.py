"""A space's effective booking rules: its own overrides over its hub's, over our defaults."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import time, timedelta

import sqlalchemy as sa

from coworking.bookings.models import BookingPolicy
from coworking.extensions import db
from coworking.hubs.models import Hub, Space


@dataclass(frozen=True)
class Policy:
    slot_minutes: int = 15
    min_duration_minutes: int = 30
    max_duration_minutes: int = 600
    max_days_ahead: int = 90
    min_notice_minutes: int = 0
    cancellation_cutoff_minutes: int = 60
    max_active_bookings: int = 30
    buffer_minutes: int = 0
    half_day_split: time = time(13, 0)
    series_horizon_days: int = 182

    @property
    def cancellation_cutoff(self) -> timedelta:
        return timedelta(minutes=self.cancellation_cutoff_minutes)


POLICY_FIELDS = tuple(field.name for field in fields(Policy))
DEFAULT_POLICY = Policy()


def _overrides(row: BookingPolicy | None) -> dict:
    if row is None:
        return {}
    return {name: getattr(row, name) for name in POLICY_FIELDS if getattr(row, name) is not None}


def policy_rows(hub: Hub) -> dict[int | None, BookingPolicy]:
    """The hub's policy rows keyed by space id (None for the hub-wide row), in one query."""
    rows = db.session.scalars(sa.select(BookingPolicy).where(BookingPolicy.hub_id == hub.id))
    return {row.space_id: row for row in rows}


def effective_policy(space: Space, rows: dict[int | None, BookingPolicy] | None = None) -> Policy:
    rows = policy_rows(space.hub) if rows is None else rows
    merged = replace(DEFAULT_POLICY, **_overrides(rows.get(None)))
    return replace(merged, **_overrides(rows.get(space.id)))


def hub_policy(hub: Hub) -> Policy:
    return replace(DEFAULT_POLICY, **_overrides(policy_rows(hub).get(None)))


def policy_row_for(hub: Hub, space: Space | None = None) -> BookingPolicy:
    """The editable row for the hub (or one space's overrides), created when missing."""
    space_id = space.id if space is not None else None
    row = db.session.scalar(
        sa.select(BookingPolicy).where(
            BookingPolicy.hub_id == hub.id,
            BookingPolicy.space_id.is_(None) if space_id is None else BookingPolicy.space_id == space_id,
        )
    )
    if row is None:
        row = BookingPolicy(hub_id=hub.id, space_id=space_id)
        db.session.add(row)
    return row
