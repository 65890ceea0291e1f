"""page_of: one page of a list with its paging fields (no HTTP, no database)."""
from __future__ import annotations

import pytest

from coworking.api.paging import page_of


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
def test_page_of(total, page, per_page, items, pages):
    assert page_of(list(range(total)), page, per_page) == {
        "items": items, "page": page, "per_page": per_page, "total": total, "pages": pages,
    }
