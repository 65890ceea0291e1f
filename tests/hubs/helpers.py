"""Helpers for the hub tests: errors beside fields and rows as stored."""
from __future__ import annotations

import html
import re

import sqlalchemy as sa

from coworking.extensions import db


def error_beside(page: str, field_id: str) -> str | None:
    """The error text the field macro shows beside the field with this id, or None."""
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S)
    return html.unescape(match.group(1)).strip() if match else None


def stored_row(model, row_id: int) -> dict:
    """The row as the database holds it now (bypassing the session's identity map)."""
    table = model.__table__
    return dict(db.session.execute(sa.select(table).where(table.c.id == row_id)).mappings().one())


def stored_rows(model, **where) -> list[dict]:
    """The rows as the database holds them now, by id."""
    table = model.__table__
    query = sa.select(table).order_by(table.c.id)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    return [dict(row) for row in db.session.execute(query).mappings()]



def fresh_snapshot() -> None:
    """Forget what this test's session has loaded, so the next read sees what requests committed."""
    db.session.rollback()
