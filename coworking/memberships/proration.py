"""Proration by calendar days, pure integer arithmetic (see docs/decisions.md, "Proration").

A month's price is spread over its days *cumulatively*: the first k days of a month of n days
cost ``round_half_up(price * k / n)``, and a run of days from a to b costs the difference of
those cumulative figures at b and at a - 1. The parts of any split of a month therefore add up
to exactly the full price (the sums telescope), and no part is ever negative (the cumulative
figure never decreases for a price of 0 or more). The same rule prorates allowances.
"""
from __future__ import annotations

from datetime import date

BASIS_POINTS = 10_000  # 100 %


def half_up_fraction(amount: int, numerator: int, denominator: int) -> int:
    """``round_half_up(amount * numerator / denominator)`` for amount >= 0, in integers."""
    if amount < 0 or numerator < 0 or denominator <= 0:
        raise ValueError("proration works on amounts and fractions of 0 or more")
    return (2 * amount * numerator + denominator) // (2 * denominator)


def cumulative_share(amount: int, days_counted: int, days_in_month: int) -> int:
    """What the first ``days_counted`` days of a month cost out of ``amount`` for the month."""
    return half_up_fraction(amount, days_counted, days_in_month)


def share_of_month(amount: int, first: date, last: date, days_in_month: int) -> int:
    """The part of a month's ``amount`` for the days ``first``..``last`` (both counted, same month)."""
    if first.month != last.month or first.year != last.year or last < first:
        raise ValueError("a share of a month is a run of days inside that month")
    return cumulative_share(amount, last.day, days_in_month) - cumulative_share(amount, first.day - 1, days_in_month)


def percent_of(amount: int, basis_points: int) -> int:
    """``basis_points`` (0..10000) of ``amount``, half-up."""
    return half_up_fraction(amount, basis_points, BASIS_POINTS)


def split_month(amount: int, days_in_month: int, boundaries: list[int]) -> list[int]:
    """The parts of a month's ``amount`` for the runs of days ending at each day in
    ``boundaries`` (ascending, the last one ``days_in_month``): they add up to ``amount``."""
    parts, previous = [], 0
    for last_day in boundaries:
        parts.append(cumulative_share(amount, last_day, days_in_month) - cumulative_share(amount, previous, days_in_month))
        previous = last_day
    return parts
