"""Text people send: what no text input may hold, and what a single-line one may not either.

PostgreSQL refuses NUL in text (the request died with a 500 there, and SQLite stored it), a
lone surrogate cannot be encoded as UTF-8, and control characters break calendar feeds, CSV
files and mail headers. So every text input, on a page, in the API's URLs, query strings and
JSON bodies, refuses control characters other than tab, line feed and carriage return, and the
request is refused before anything reads the database:

- the API answers 422 naming the field (``coworking.api.json_body`` for bodies);
- a page's form shows the error beside the field (``coworking.forms.PageForm``);
- a URL's path segment with one names nothing: 404; a query value with one: 422 naming it (here).

Names (of hubs and spaces) are single-line as well: ``single_line_problem``.
"""
from __future__ import annotations

import re

from flask import Flask, abort, request

from coworking.errors import DomainError

# C0 controls but tab, LF and CR; DEL; C1 controls; lone surrogates (from JSON's "\ud800").
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAKS = re.compile("[\r\n\u2028\u2029]")

CONTROL_CHARACTERS = "This cannot contain control characters (such as NUL)."
LINE_BREAKS = "This must be a single line, without line breaks."


def text_problem(text: str) -> str | None:
    """What is wrong with text someone sent, or None: the message to show beside its field."""
    return CONTROL_CHARACTERS if _FORBIDDEN.search(text) else None


def single_line_problem(text: str) -> str | None:
    """As ``text_problem``, for text that must also be one line (a name)."""
    return text_problem(text) or (LINE_BREAKS if _LINE_BREAKS.search(text) else None)


def _refuse_control_characters_in_url():
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and text_problem(value):
            abort(404)  # no hub's slug or page's name holds one
    for name, value in request.args.items(multi=True):
        problem = text_problem(value) or text_problem(name)
        if problem:
            raise DomainError(problem, name if not text_problem(name) else "query")


def register_text_checks(app: Flask) -> None:
    app.before_request(_refuse_control_characters_in_url)
