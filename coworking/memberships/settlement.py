"""Settling bookings against allowances: the ledger entries and each booking's charge.

Every change (a booking made, moved or cancelled; a plan change, pause, cancellation or
adjustment) re-settles the member's bookings in the hub from the period it touched onward:
the allocation is computed again for the bookings that exist now, in canonical order, and only
the *difference* to what the ledger holds is written (CONSUMPTION for more, REVERSAL for less).
Running it twice writes nothing the second time, which is what makes a booking event received
twice (the service's signal and a test's, say) settle the booking exactly once.

Rules (docs/decisions.md, "Allowances"): desks and offices use desk days, one per local day a
booking touches; rooms use minutes. The membership active that day covers the booking if its
plan then covers the space's kind; its allowance is used first, then passes (desks only), and
what neither covers is billable at the booking's stored price, pro rata.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.memberships.allocation import Allocation, Demand, allocate
from coworking.memberships.ledger import BookingFacts, MemberLedger
from coworking.memberships.models import DESK_DAYS, ROOM_MINUTES, BookingCharge, EntryKind
from coworking.memberships.periods import Period
from coworking.memberships.proration import half_up_fraction
from coworking.timezones import local_day_bounds, local_today, utc_to_local
from coworking.types import utcnow

RESOURCE_OF_KIND = {"desk": DESK_DAYS, "office": DESK_DAYS, "room": ROOM_MINUTES}
# Passes are desk days for desks: an office's day is not a hot desk's.
PASS_KINDS = frozenset({"desk"})


@dataclass(frozen=True)
class Piece:
    """The part of a booking on one local day, in the resource's unit."""

    day: date
    quantity: int


def booking_pieces(starts_at: datetime, ends_at: datetime, resource: str, zone_name: str) -> list[Piece]:
    """One piece per local day the booking touches: a desk day each, or its minutes that day."""
    pieces = []
    day = utc_to_local(starts_at, zone_name).date()
    while True:
        day_starts_at, day_ends_at = local_day_bounds(day, zone_name)
        if day_starts_at >= ends_at:
            return pieces
        seconds = (min(ends_at, day_ends_at) - max(starts_at, day_starts_at)).total_seconds()
        if seconds > 0:
            pieces.append(Piece(day, 1 if resource == DESK_DAYS else max(1, int(seconds // 60))))
        day = date.fromordinal(day.toordinal() + 1)


def grant_if_missing(ledger: MemberLedger, pool: tuple) -> None:
    """Write a membership pool's monthly grant the first time the period is touched."""
    if pool in ledger.granted():
        return
    _, membership_id, period_key, resource = pool
    expected = ledger.timelines[membership_id].grant(Period.from_key(period_key), resource)
    if expected:
        ledger.add_entry(pool, EntryKind.GRANT, expected, reason="Monthly allowance")


def settle_member(hub: Hub, member_id: int, from_period: Period, *, today: date | None = None,
                  regrant_from: Period | None = None) -> MemberLedger:
    """Re-settle the member's bookings in the hub from ``from_period`` on; flushes.

    :param regrant_from: the membership's days changed from this period (plan change, pause,
        cancellation): open periods already granted get their grant corrected first.
    """
    today = today or local_today(hub.timezone)
    scope = min(from_period, regrant_from) if regrant_from else from_period
    ledger = MemberLedger.load(hub, member_id, scope, today)
    Settlement(ledger).run(regrant_from)
    db.session.flush()
    return ledger


class Settlement:
    def __init__(self, ledger: MemberLedger):
        self.ledger = ledger
        self.zone = ledger.hub.timezone
        self.pieces = {b.id: booking_pieces(b.starts_at, b.ends_at, RESOURCE_OF_KIND[b.space_kind], self.zone)
                       for b in ledger.bookings}

    def run(self, regrant_from: Period | None) -> None:
        ledger = self.ledger
        current = ledger.draws_by_booking()
        demands, frozen = self._demands(current)
        self._ensure_grants(demands, regrant_from)
        allocation = allocate(demands, self._capacity())
        targets = {b.id: {**frozen.get(b.id, {}), **allocation.draws.get(b.id, {})} for b in ledger.bookings}
        for booking in ledger.bookings:
            self._write_difference(booking, current.get(booking.id, {}), targets[booking.id])
            self._write_charge(booking, targets[booking.id], allocation)
        self._expire_closed_pools()

    # --- what each booking needs ------------------------------------------------------------

    def _demands(self, current) -> tuple[list[Demand], dict[int, dict]]:
        """Demands in canonical order (start, then id); draws on closed pools stay as they are."""
        demands, frozen = [], {}
        for booking in self.ledger.bookings:
            if not booking.confirmed:
                continue
            kept = {pool: units for pool, units in current.get(booking.id, {}).items()
                    if units > 0 and not self.ledger.is_open(pool)}
            frozen[booking.id] = kept
            still_frozen = sum(kept.values())
            for piece in self.pieces[booking.id]:
                quantity = piece.quantity - min(still_frozen, piece.quantity)
                still_frozen -= piece.quantity - quantity
                if quantity:
                    demands.append(self._demand(booking, piece, quantity))
        return demands, frozen

    def _demand(self, booking: BookingFacts, piece: Piece, quantity: int) -> Demand:
        resource = RESOURCE_OF_KIND[booking.space_kind]
        pools: list[tuple] = []
        membership = self.ledger.membership_on(piece.day)
        if membership is not None:
            timeline = self.ledger.timelines[membership.id]
            if timeline.covers(piece.day, booking.space_kind):
                if timeline.plan_on(piece.day).allowance(resource) is None:
                    return Demand(booking.id, quantity, unlimited=True)
                pools += self.ledger.membership_pools_for(membership, Period.of(piece.day), resource)
        if booking.space_kind in PASS_KINDS:
            pools += self.ledger.pass_pools_for(piece.day)
        return Demand(booking.id, quantity, tuple(pools))

    # --- grants -----------------------------------------------------------------------------

    def _ensure_grants(self, demands: list[Demand], regrant_from: Period | None) -> None:
        """A period's grant is written when the period is first drawn on (lazily, once); when
        the membership's days changed, open periods' grants are corrected to match them."""
        ledger = self.ledger
        granted = ledger.granted()
        pools = {pool for demand in demands for pool in demand.pools if pool[0] == "membership"}
        if regrant_from is not None:
            pools |= {pool for pool in granted if pool[0] == "membership" and pool[2] >= regrant_from.key}
        for pool in sorted(pools):
            if not ledger.is_open(pool):
                continue
            if pool not in granted:
                grant_if_missing(ledger, pool)
            elif regrant_from is not None and pool[2] >= regrant_from.key:
                _, membership_id, period_key, resource = pool
                expected = ledger.timelines[membership_id].grant(Period.from_key(period_key), resource)
                if expected != granted[pool]:
                    ledger.add_entry(pool, EntryKind.GRANT, expected - granted[pool],
                                     reason="Membership changed: allowance prorated again")

    def _capacity(self) -> dict:
        """What each open pool holds for the bookings being settled: its balance without them."""
        scoped = {b.id for b in self.ledger.bookings}
        capacity: dict = defaultdict(int)
        for entry in self.ledger.entries:
            if entry.booking_id in scoped and entry.kind in (EntryKind.CONSUMPTION.value, EntryKind.REVERSAL.value):
                continue
            capacity[entry.pool] += entry.quantity
        return {pool: units for pool, units in capacity.items() if self.ledger.is_open(pool)}

    # --- writing ----------------------------------------------------------------------------

    def _write_difference(self, booking: BookingFacts, current: dict, target: dict) -> None:
        period = Period.of(self._first_day(booking))
        for pool in sorted(set(current) | set(target)):
            difference = target.get(pool, 0) - current.get(pool, 0)
            if difference > 0:
                kind = EntryKind.CONSUMPTION
            elif difference < 0:
                kind = EntryKind.REVERSAL
            else:
                continue
            self.ledger.add_entry(pool, kind, -difference, period=period, resource=DESK_DAYS, booking_id=booking.id)

    def _write_charge(self, booking: BookingFacts, target: dict, allocation: Allocation) -> None:
        first_day = self._first_day(booking)
        membership = self.ledger.membership_on(first_day)
        quantity = sum(piece.quantity for piece in self.pieces[booking.id]) or 1
        if booking.confirmed:
            by_membership = sum(u for p, u in target.items() if p[0] == "membership") + allocation.unlimited.get(booking.id, 0)
            by_passes = sum(u for p, u in target.items() if p[0] == "pass")
            billable = half_up_fraction(booking.price_minor, quantity - by_membership - by_passes, quantity)
        else:
            by_membership = by_passes = billable = 0
        values = {
            "hub_id": self.ledger.hub.id, "member_id": self.ledger.member_id,
            "membership_id": membership.id if membership is not None else None,
            "period": Period.of(first_day).key, "resource": RESOURCE_OF_KIND[booking.space_kind],
            "quantity": quantity, "covered_by_membership": by_membership, "covered_by_passes": by_passes,
            "price_minor": booking.price_minor, "billable_minor": billable, "currency": booking.currency,
        }
        charge = self.ledger.charges.get(booking.id)
        if charge is None:
            db.session.add(BookingCharge(booking_id=booking.id, settled_at=utcnow(), **values))
        elif any(getattr(charge, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(charge, name, value)
            charge.settled_at = utcnow()

    def _expire_closed_pools(self) -> None:
        """What is left in a closed pool expires: when it closes, and again if a reversal (a
        late cancellation) put something back into it."""
        for pool, balance in sorted(self.ledger.balances().items()):
            if balance > 0 and not self.ledger.is_open(pool):
                period = Period.of(self.ledger.pass_by_id(pool[1]).valid_until) if pool[0] == "pass" else None
                self.ledger.add_entry(pool, EntryKind.EXPIRY, -balance, period=period, resource=DESK_DAYS,
                                      reason="Not used in time")

    def _first_day(self, booking: BookingFacts) -> date:
        pieces = self.pieces[booking.id]
        return pieces[0].day if pieces else utc_to_local(booking.starts_at, self.zone).date()
