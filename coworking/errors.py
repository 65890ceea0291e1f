"""One error page and one JSON error shape for the whole app.

API errors are ``{"error": {"code": ..., "message": ..., "fields": {...}}}``; anything under
``/api/`` gets JSON, never HTML.
"""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
}


class ApiError(Exception):
    """Raised by API code to answer with a JSON error."""

    def __init__(self, status: int, message: str, fields: dict | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}
        self.code = code or CODES.get(status, "error")


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


def json_error(status: int, message: str, fields: dict | None = None, code: str | None = None):
    body = {"error": {"code": code or CODES.get(status, "error"), "message": message}}
    body["error"]["fields"] = fields or {}
    response = jsonify(body)
    response.status_code = status
    return response


def _message_for(error: HTTPException) -> str:
    if error.code == 413:
        return "The request body is too large."
    if error.code == 429:
        return "Too many requests. Please wait a moment and try again."
    data = getattr(error, "data", None) or {}
    if data.get("message"):
        return str(data["message"])
    fields = _flatten_fields(data.get("messages"))
    if fields:
        return "Some fields are not valid: " + ", ".join(sorted(fields)) + "."
    whole_request_problem = _first_message(data.get("messages"))
    if whole_request_problem:
        return whole_request_problem  # webargs says "Invalid JSON body." here
    return error.description or error.name


def _extra_headers(error: HTTPException) -> list[tuple[str, str]]:
    """Headers the exception carries (Allow on a 405, say), minus its HTML content type."""
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    data = getattr(error, "data", None) or {}
    headers.extend((data.get("headers") or {}).items())
    return headers


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    if status == 404 and request.path.startswith("/feeds/"):
        # Calendar apps get the feeds' one plain answer, whatever made the link not work.
        from coworking.feeds.views import not_found

        return not_found()
    if wants_json():
        data = getattr(error, "data", None) or {}
        response = json_error(status, _message_for(error), _flatten_fields(data.get("messages")))
        response.headers.extend(_extra_headers(error))
        return response
    return (
        render_template("errors/error.html", status=status, title=error.name, message=_message_for(error)),
        status,
        _extra_headers(error),
    )


def _flatten_fields(messages) -> dict:
    """marshmallow's {"json": {"field": ["message", ...]}} becomes {"field": "message"}.

    Nested problems get dotted names: {"hourly_rate": {"amount_minor": [...]}} becomes
    {"hourly_rate.amount_minor": "..."}; a list item's problem is {"amenities.2": "..."}.
    marshmallow's "_schema" (the object as a whole is wrong) is put on the field holding the
    object; for the whole body it names no field and _message_for() says it instead.
    """
    if not isinstance(messages, dict):
        return {}
    flat: dict = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            flat.update(_flatten_nested(location_messages, prefix=""))
    flat.pop("", None)
    return flat


def _flatten_nested(problems: dict, prefix: str) -> dict:
    flat: dict = {}
    for field, problem in problems.items():
        name = prefix.rstrip(".") if field == "_schema" else f"{prefix}{field}"
        if isinstance(problem, dict):
            flat.update(_flatten_nested(problem, prefix=f"{name}."))
        else:
            flat[name] = _first_message(problem) or str(problem)
    return flat


def _first_message(problem) -> str | None:
    """The first sentence in a marshmallow message list (or in {"json": [...]})."""
    if isinstance(problem, str):
        return problem
    if isinstance(problem, list | tuple):
        return next((message for message in map(_first_message, problem) if message), None)
    if isinstance(problem, dict):
        return next((message for message in map(_first_message, problem.values()) if message), None)
    return None


def handle_api_error(error: ApiError):
    return json_error(error.status, error.message, error.fields, error.code)


def handle_csrf_error(error: CSRFError):
    message = "Your form expired or was sent from elsewhere. Please reload the page and try again."
    if wants_json():
        return json_error(400, message, code="csrf_failed")
    return render_template("errors/error.html", status=400, title="Form expired", message=message), 400


def handle_internal_error(error: InternalServerError):
    """Flask has logged the exception; undo the half-done transaction before rendering,
    because the page itself may need the database (a failed PostgreSQL transaction refuses
    every query until it is rolled back)."""
    from coworking.extensions import db

    db.session.rollback()
    return handle_http_exception(error)


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    # Unhandled exceptions reach this as a 500 (after Flask logs them) unless
    # PROPAGATE_EXCEPTIONS is on, as it is under TESTING, so tests see the real traceback.
    app.register_error_handler(InternalServerError, handle_internal_error)
