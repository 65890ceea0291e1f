"""What each hub offers, in a line a first-time visitor reads: "4 desks from £15.00 a day".

One query for every hub on the home page; only active spaces count.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from coworking.extensions import db
from coworking.hubs.models import Hub, Space

KIND_NAMES = {"desk": ("desk", "desks"), "room": ("meeting room", "meeting rooms"), "office": ("studio", "studios")}


@dataclass(frozen=True)
class Offer:
    kind: str
    count: int
    cheapest_hourly_minor: int | None  # None: no space of this kind is let by the hour
    cheapest_daily_minor: int | None

    @property
    def label(self) -> str:
        one, many = KIND_NAMES.get(self.kind, (self.kind, self.kind + "s"))
        return f"{self.count} {one if self.count == 1 else many}"


def offers_by_hub(hubs: list[Hub]) -> dict[int, list[Offer]]:
    """Per hub id, its kinds of space (desks first) with how many and the lowest prices."""
    rows = db.session.execute(
        sa.select(Space.hub_id, Space.kind, Space.hourly_rate_minor, Space.daily_rate_minor)
        .where(Space.hub_id.in_([hub.id for hub in hubs]), Space.active.is_(True))
    )
    grouped: dict[tuple[int, str], list] = defaultdict(list)
    for hub_id, kind, hourly, daily in rows:
        grouped[(hub_id, kind)].append((hourly, daily))
    offers: dict[int, list[Offer]] = {hub.id: [] for hub in hubs}
    order = list(KIND_NAMES)
    for (hub_id, kind), rates in sorted(grouped.items(), key=lambda item: (item[0][0], _rank(order, item[0][1]))):
        offers[hub_id].append(Offer(kind, len(rates), _cheapest(r[0] for r in rates), _cheapest(r[1] for r in rates)))
    return offers


def _rank(order: list[str], kind: str) -> int:
    return order.index(kind) if kind in order else len(order)


def _cheapest(amounts) -> int | None:
    priced = [amount for amount in amounts if amount]
    return min(priced) if priced else None
