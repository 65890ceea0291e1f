"""Which allowance covers which booking: a pure function, so its rules can be tested alone.

Demands (one per local day of a booking) are served in the order given, which the settlement
makes canonical (by the booking's start, then its id). Each takes what it needs from its
candidate pools in their order (the membership's periods oldest first, then passes soonest to
expire), as much as each still holds; what no pool covers is billable. Because the result
depends only on the demands, their order and the pools' capacities, re-running it for the
bookings that exist now gives the same answer however they came to exist: booked, cancelled
and moved in any order (the property tests in tests/memberships check this).
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Demand:
    """What one local day of a booking needs, and where it may take it from."""

    booking_id: int
    quantity: int
    pools: tuple[Hashable, ...] = ()
    # The day's plan includes this resource without limit: covered, drawing on no pool.
    unlimited: bool = False


@dataclass
class Allocation:
    """Per booking: units drawn from each pool, units covered without limit, units uncovered."""

    draws: dict[int, dict[Hashable, int]] = field(default_factory=dict)
    unlimited: dict[int, int] = field(default_factory=dict)
    uncovered: dict[int, int] = field(default_factory=dict)

    def drawn_from(self, pool: Hashable) -> int:
        return sum(draws.get(pool, 0) for draws in self.draws.values())


def allocate(demands: Iterable[Demand], capacity: Mapping[Hashable, int]) -> Allocation:
    """Serve the demands in order from the pools' ``capacity`` (what each holds for them)."""
    remaining = {pool: max(units, 0) for pool, units in capacity.items()}
    result = Allocation()
    for demand in demands:
        draws = result.draws.setdefault(demand.booking_id, {})
        if demand.unlimited:
            result.unlimited[demand.booking_id] = result.unlimited.get(demand.booking_id, 0) + demand.quantity
            continue
        needed = demand.quantity
        for pool in demand.pools:
            taken = min(needed, remaining.get(pool, 0))
            if taken:
                draws[pool] = draws.get(pool, 0) + taken
                remaining[pool] -= taken
                needed -= taken
            if not needed:
                break
        result.uncovered[demand.booking_id] = result.uncovered.get(demand.booking_id, 0) + needed
    return result
