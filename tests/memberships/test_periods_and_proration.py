"""Periods and proration, pure: no database, no app."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coworking.memberships.errors import MembershipError
from coworking.memberships.periods import Period, parse_period
from coworking.memberships.proration import percent_of, share_of_month, split_month


@pytest.mark.parametrize(("text", "period"), [("2026-11", Period(2026, 11)), ("2027-01", Period(2027, 1)), (" 2026-02 ", Period(2026, 2))])
def test_a_month_is_written_yyyy_mm(text, period):
    assert parse_period(text) == period
    assert str(period) == text.strip()


@pytest.mark.parametrize("text", ["2026-13", "26-1", "2026-1", "2026-00", "0000-01", "2026/11", "2026-11-01", "", None, "november"])
def test_anything_else_is_refused_with_the_field_named(text):
    with pytest.raises(MembershipError) as refusal:
        parse_period(text)
    assert refusal.value.field == "period"
    assert refusal.value.status == 422
    assert "YYYY-MM" in refusal.value.message


def test_periods_know_their_days_and_neighbours():
    february = Period(2028, 2)
    assert (february.first_day, february.last_day, february.days) == (date(2028, 2, 1), date(2028, 2, 29), 29)
    assert Period(2026, 12).plus(1) == Period(2027, 1)
    assert Period(2027, 1).plus(-13) == Period(2025, 12)
    assert Period(2027, 1).months_after(Period(2026, 11)) == 2
    assert len(list(february.dates())) == 29


def test_a_period_starts_at_local_midnight_whatever_the_clocks_do():
    starts_at, ends_at = Period(2026, 10).utc_bounds("Europe/London")
    assert starts_at.isoformat() == "2026-09-30T23:00:00+00:00"  # British Summer Time
    assert ends_at.isoformat() == "2026-11-01T00:00:00+00:00"  # back on GMT


months = st.builds(Period, st.integers(2000, 2100), st.integers(1, 12))


@given(month=months, price=st.integers(0, 10**9), cuts=st.sets(st.integers(1, 30)))
def test_the_parts_of_any_split_of_a_month_add_up_to_its_price(month, price, cuts):
    boundaries = sorted({cut for cut in cuts if cut < month.days} | {month.days})
    parts = split_month(price, month.days, boundaries)
    assert sum(parts) == price
    assert all(part >= 0 for part in parts)


@given(month=months, price=st.integers(0, 10**9), cut=st.integers(1, 30))
def test_two_runs_of_days_cost_the_full_price_within_one_minor_unit_of_each_other_computed_alone(month, price, cut):
    cut = min(cut, month.days - 1) or 1
    first = share_of_month(price, month.first_day, month.first_day + timedelta(days=cut - 1), month.days)
    second = share_of_month(price, month.first_day + timedelta(days=cut), month.last_day, month.days)
    assert first + second == price
    # each part is its exact share of the price, rounded: never off by a whole minor unit
    assert abs(first * month.days - price * cut) * 2 <= month.days


def test_half_up_rounding_of_a_share():
    assert share_of_month(1000, date(2026, 11, 1), date(2026, 11, 15), 30) == 500
    assert share_of_month(100, date(2026, 11, 1), date(2026, 11, 1), 30) == 3  # 3.33 -> 3
    assert share_of_month(50, date(2026, 11, 1), date(2026, 11, 1), 30) == 2  # 1.67 -> 2
    assert percent_of(999, 5000) == 500  # 499.5 -> 500, half up


@given(amount=st.integers(0, 10**9), basis_points=st.integers(0, 10_000))
def test_a_percentage_never_exceeds_the_amount(amount, basis_points):
    assert 0 <= percent_of(amount, basis_points) <= amount
