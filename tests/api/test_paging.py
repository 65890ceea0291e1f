"""page_of_query: one page of a SELECT with its paging fields, paged in SQL (two statements)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from coworking.hubs.models import Hub
from coworking.paging import page_of_query
from tests.conftest import counted_statements


@pytest.mark.parametrize(
    "total, page, per_page, items, pages",
    (
        (0, 1, 20, [], 0),
        (1, 1, 20, [0], 1),
        (20, 1, 20, list(range(20)), 1),
        (21, 2, 20, [20], 2),
        (5, 2, 2, [2, 3], 3),
        (5, 4, 2, [], 3),
        (5, 99, 100, [], 1),
    ),
)
def test_a_page_holds_its_slice_of_the_rows_and_counts_them_all(make_hub, total, page, per_page, items, pages):
    hubs = [make_hub(f"hub-{number:02}", f"Hub {number:02}") for number in range(total)]
    query = sa.select(Hub).order_by(Hub.name, Hub.id)
    with counted_statements() as statements:
        result = page_of_query(query, page, per_page)
    assert result.items == [hubs[index] for index in items]
    assert (result.page, result.per_page, result.total, result.pages) == (page, per_page, total, pages)
    assert len(statements) == 2
