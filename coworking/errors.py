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
    return error.description or error.name


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    if wants_json():
        fields = getattr(error, "data", {}).get("messages") if hasattr(error, "data") else None
        return json_error(status, _message_for(error), _flatten_fields(fields))
    return (
        render_template("errors/error.html", status=status, title=error.name, message=_message_for(error)),
        status,
    )


def _flatten_fields(messages) -> dict:
    """marshmallow's {"json": {"field": [...]}} becomes {"field": "message"}."""
    if not messages:
        return {}
    flat: dict = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            for field, problems in location_messages.items():
                flat[field] = problems[0] if isinstance(problems, list) and problems and isinstance(problems[0], str) else problems
    return flat


def handle_api_error(error: ApiError):
    return json_error(error.status, error.message, error.fields, error.code)


def handle_csrf_error(error: CSRFError):
    message = "Your form expired or was sent from elsewhere. Please reload the page and try again."
    if wants_json():
        return json_error(400, message, code="csrf_failed")
    return render_template("errors/error.html", status=400, title="Form expired", message=message), 400


def handle_unexpected(error: Exception):
    # Werkzeug re-raises HTTPExceptions through here only when they are not handled above.
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    from coworking.extensions import db

    db.session.rollback()
    return handle_http_exception(InternalServerError())


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    if not app.config.get("PROPAGATE_EXCEPTIONS"):
        app.register_error_handler(Exception, handle_unexpected)
