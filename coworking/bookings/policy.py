"""A space's effective booking rules: its own overrides over its hub's, over our defaults."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import time, timedelta
from functools import cache

import sqlalchemy as sa

from coworking.bookings.errors import PolicyInvalid
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
    return {row.space_id: row for row in db.session.scalars(_hub_policy_rows(), {"hub_id": hub.id})}


@cache
def _hub_policy_rows() -> sa.Select:
    # Built once: every booking asks (as bookings.queries._active_count).
    return sa.select(BookingPolicy).where(BookingPolicy.hub_id == sa.bindparam("hub_id"))


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


# --- editing --------------------------------------------------------------------------------

# Grids that divide an hour evenly, so "on the grid" means the same thing every hour.
SLOT_CHOICES = (5, 10, 15, 20, 30, 60)
# The lowest and highest value a manager may set for each number.
POLICY_LIMITS = {
    "min_duration_minutes": (5, 24 * 60),
    "max_duration_minutes": (5, 24 * 60),
    "max_days_ahead": (1, 730),
    "min_notice_minutes": (0, 14 * 24 * 60),
    "cancellation_cutoff_minutes": (0, 14 * 24 * 60),
    "max_active_bookings": (1, 1000),
    "buffer_minutes": (0, 240),
    "series_horizon_days": (1, 730),
}


def policy_problems(values: dict, inherited: Policy) -> dict[str, str]:
    """What is wrong with a manager's rule values, field by field (a None value means inherit)."""
    problems = {}
    slot = values.get("slot_minutes")
    if slot is not None and slot not in SLOT_CHOICES:
        problems["slot_minutes"] = "The slot grid is 5, 10, 15, 20, 30 or 60 minutes."
    for name, (low, high) in POLICY_LIMITS.items():
        value = values.get(name)
        if value is not None and not low <= value <= high:
            problems[name] = f"Enter a number from {low} to {high}."
    merged = replace(inherited, **{name: value for name, value in values.items() if value is not None})
    if not problems.keys() & {"min_duration_minutes", "max_duration_minutes"} and (
        merged.min_duration_minutes > merged.max_duration_minutes
    ):
        problems["max_duration_minutes"] = (
            f"The longest booking ({merged.max_duration_minutes} minutes) cannot be shorter than "
            f"the shortest ({merged.min_duration_minutes} minutes)."
        )
    return problems


def save_policy(row: BookingPolicy, values: dict, inherited: Policy) -> BookingPolicy:
    """Store a hub's rules or a space's overrides (None = inherit); PolicyInvalid says what is wrong."""
    problems = policy_problems(values, inherited)
    if problems:
        raise PolicyInvalid(problems)
    for name in POLICY_FIELDS:
        if name in values:
            setattr(row, name, values[name])
    db.session.flush()
    return row
