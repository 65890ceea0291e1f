"""The allocation rule alone (pure): who draws what from which pool."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coworking.memberships.allocation import Demand, allocate


def test_demands_draw_from_their_pools_in_order_and_the_rest_is_uncovered():
    result = allocate(
        [Demand(1, 3, ("nov", "pass")), Demand(2, 2, ("nov", "pass")), Demand(3, 1, ("nov",))],
        {"nov": 2, "pass": 2},
    )
    assert result.draws[1] == {"nov": 2, "pass": 1}
    assert result.draws[2] == {"pass": 1}
    assert result.uncovered == {1: 0, 2: 1, 3: 1}


def test_an_unlimited_day_draws_on_nothing():
    result = allocate([Demand(1, 90, unlimited=True)], {"nov": 10})
    assert result.draws[1] == {} and result.unlimited[1] == 90 and 1 not in result.uncovered


pools = st.sampled_from(["a", "b", "c"])
demands = st.lists(
    st.builds(Demand, st.integers(1, 20), st.integers(1, 120), st.lists(pools, unique=True).map(tuple)),
    max_size=30,
)


@given(demands=demands, capacity=st.dictionaries(pools, st.integers(0, 300)))
def test_no_pool_gives_more_than_it_holds_and_every_unit_is_accounted_for(demands, capacity):
    result = allocate(demands, capacity)
    for pool, units in capacity.items():
        assert result.drawn_from(pool) <= units
    needed = sum(demand.quantity for demand in demands)
    drawn = sum(sum(draws.values()) for draws in result.draws.values())
    assert drawn + sum(result.uncovered.values()) == needed
