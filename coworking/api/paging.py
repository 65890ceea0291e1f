"""Paging for list endpoints: ``{"items": [...], "page", "per_page", "total", "pages"}``."""
from __future__ import annotations

from collections.abc import Sequence


def page_of(items: Sequence, page: int, per_page: int) -> dict:
    """One page of ``items`` with the paging fields; a page past the end is empty, not an error."""
    total = len(items)
    start = (page - 1) * per_page
    return {
        "items": list(items[start:start + per_page]),
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": -(-total // per_page),
    }
