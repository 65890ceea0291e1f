"""What a hub offers the public, as its pricing page shows it: the public plans still offered
and the passes on sale, with prices shown as the hub must show them. A hub registered for VAT
(it has a VAT number) shows prices with VAT and the VAT part; a hub without one shows no VAT.
Read-only, in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.memberships.models import DESK_DAYS, ROOM_MINUTES, PassProduct, Plan
from coworking.memberships.proration import percent_of
from coworking.memberships.wording import kinds, monthly_allowance
from coworking.money import format_money


@dataclass(frozen=True)
class ShownPrice:
    """A price as the hub shows it: before VAT, the VAT on it (0 where the hub shows none)."""

    net_minor: int
    vat_minor: int
    vat_rate_bp: int
    currency: str

    @property
    def gross_minor(self) -> int:
        return self.net_minor + self.vat_minor

    @property
    def shows_vat(self) -> bool:
        return self.vat_rate_bp > 0

    @property
    def vat_percent(self) -> str:
        return f"{self.vat_rate_bp / 100:g}%"


def shown_price(hub: Hub, net_minor: int, vat_rate_bp: int, currency: str) -> ShownPrice:
    rate = vat_rate_bp if hub.vat_number else 0
    return ShownPrice(net_minor, percent_of(net_minor, rate), rate, currency)


@dataclass(frozen=True)
class PlanOffer:
    plan: Plan
    price: ShownPrice
    next_price: tuple[date, ShownPrice] | None  # a price change already decided, from that day
    covers: str  # "desks and rooms"
    desk_days: str | None  # "10 desk days a month", "Unlimited desk days"; None: desks not covered
    room_hours: str | None

    @property
    def label(self) -> str:
        """'Resident: £300.00 a month including VAT', for a list to choose from."""
        vat = " including VAT" if self.price.shows_vat else ""
        return f"{self.plan.name}: {format_money(self.price.gross_minor, self.price.currency)} a month{vat}"


@dataclass(frozen=True)
class PassOffer:
    product: PassProduct
    price: ShownPrice


def plan_offer(hub: Hub, plan: Plan, today: date) -> PlanOffer:
    """One plan as offered today (its price today, and the next price change if one is set)."""
    coming = next((p for p in plan.prices if p.effective_from > today), None)
    return PlanOffer(
        plan=plan,
        price=shown_price(hub, plan.price_on(today), plan.vat_rate_bp, plan.currency),
        next_price=(coming.effective_from, shown_price(hub, coming.price_minor, plan.vat_rate_bp, plan.currency))
        if coming else None,
        covers=kinds(plan.covered_space_kinds or []),
        desk_days=monthly_allowance(plan, DESK_DAYS),
        room_hours=monthly_allowance(plan, ROOM_MINUTES),
    )


def public_plans(hub: Hub, today: date) -> list[PlanOffer]:
    """The hub's public plans still offered, cheapest first."""
    plans = db.session.scalars(
        sa.select(Plan).where(Plan.hub_id == hub.id, Plan.public.is_(True), Plan.archived_at.is_(None))
        .options(selectinload(Plan.prices)).order_by(Plan.name)
    )
    offers = [plan_offer(hub, plan, today) for plan in plans]
    return sorted(offers, key=lambda offer: offer.price.net_minor)


def public_passes(hub: Hub) -> list[PassOffer]:
    """The passes on sale at the hub, cheapest first."""
    products = db.session.scalars(
        sa.select(PassProduct).where(PassProduct.hub_id == hub.id, PassProduct.public.is_(True),
                                     PassProduct.archived_at.is_(None))
        .order_by(PassProduct.price_minor, PassProduct.name)
    )
    return [PassOffer(p, shown_price(hub, p.price_minor, p.vat_rate_bp, p.currency)) for p in products]
