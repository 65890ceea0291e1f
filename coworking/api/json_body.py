"""Writes to /api take JSON: anything else is refused with a 415 before a view reads it."""
from __future__ import annotations

from flask import Flask, request
from webargs.core import is_json

from coworking.errors import json_error

METHODS_WITH_A_BODY = frozenset({"POST", "PUT", "PATCH"})


def _require_json_body():
    if not request.path.startswith("/api/") or request.method not in METHODS_WITH_A_BODY:
        return None
    if request.routing_exception is not None:
        return None  # the 404 or 405 is the more useful answer
    if not is_json(request.mimetype):
        return json_error(415, "Send the request body as JSON, with 'Content-Type: application/json'.")
    return None


def register_json_body_check(app: Flask) -> None:
    app.before_request(_require_json_body)
