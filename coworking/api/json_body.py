"""Writes to /api take JSON, or no body: anything else is refused with a 415 before a view reads
it. A JSON body's text (keys and values, at any depth, in any method) is checked as every text
input is (``coworking.text``): a control character is a 422 naming the field, before any view runs."""
from __future__ import annotations

from flask import Flask, request
from webargs.core import is_json

from coworking.errors import DomainError, json_error
from coworking.text import text_problem

METHODS_WITH_A_BODY = frozenset({"POST", "PUT", "PATCH"})


def _require_json_body():
    if not request.path.startswith("/api/") or request.routing_exception is not None:
        return None  # the 404 or 405 is the more useful answer
    if not request.get_data(cache=True):
        return None  # no body at all: a body's fields, if the view wants any, are missing (422)
    if not is_json(request.mimetype):
        if request.method in METHODS_WITH_A_BODY:
            return json_error(415, "Send the request body as JSON, with 'Content-Type: application/json'.")
        return None
    _refuse_control_characters(request.get_json(silent=True))  # any method's (a DELETE's reason too)
    return None


def _refuse_control_characters(value, path: tuple[str, ...] = ()) -> None:
    """DomainError naming the first field (``hourly_rate.amount_minor``, ``weekdays.0``) whose
    text, or name, holds a control character."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise DomainError(problem, ".".join(path) or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            if text_problem(key):
                raise DomainError(text_problem(key), ".".join(path) or "body")
            _refuse_control_characters(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_control_characters(item, (*path, str(index)))


def register_json_body_check(app: Flask) -> None:
    app.before_request(_require_json_body)
