"""Lists paged in SQL: ``page_of_query(select, page, per_page)`` gives one ``Page`` (the API's
``{"items", "page", "per_page", "total", "pages"}``) from a LIMIT/OFFSET and a count, two
statements however many rows match. Every list (bookings, hubs, spaces, memberships, and the
coming invoices and ledger entries) pages this way; the query's ORDER BY must end on a unique
column so that pages never repeat or skip a row."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import request

from coworking.extensions import db


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page)


def page_of_query(query: sa.Select, page: int, per_page: int) -> Page:
    """One page of ``query`` (LIMIT/OFFSET) and the count of all its rows: always two
    statements; a page past the end is empty, not an error."""
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    return Page(items, page, per_page, total or 0)


def page_number() -> int:
    """The ``?page=`` of a list page (1 when absent or not a number)."""
    try:
        return max(1, min(int(request.args.get("page", 1)), 100_000))
    except ValueError:
        return 1
