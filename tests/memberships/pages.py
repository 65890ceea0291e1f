"""Helpers for the memberships page tests: reading a page as a person would, rows as stored."""
from __future__ import annotations

import html
import re

import sqlalchemy as sa

from coworking.extensions import db


def text_of(response) -> str:
    """The page's visible text, tags removed and whitespace folded, for sentences to be found."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def count(model, *where) -> int:
    db.session.rollback()  # see what the requests committed
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def money(amount_minor: int) -> str:
    return f"£{amount_minor / 100:,.2f}"
