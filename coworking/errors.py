"""One way to refuse, one error page and one JSON error shape for the whole app.

Services refuse by raising a ``DomainError`` (each area derives its own: ``AccountError``,
``HubError``, ``BookingError``...); they never call ``abort``. A page shows the refusal beside its
form field (``coworking.forms.show_refusal``); the API answers it here, as JSON with the error's
status. API errors are ``{"error": {"code": ..., "message": ..., "fields": {...}}}``; anything under
``/api/`` gets JSON, never HTML.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, jsonify, render_template, request
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


class DomainError(ValueError):
    """A business rule refused something. ``status`` is the HTTP status the API answers with,
    ``field`` the form or JSON field it concerns (None: the request as a whole), ``details`` any
    extra keys the JSON error carries (a list of broken rules, say)."""

    status = 422

    def __init__(self, message: str, field: str | None = None, *, status: int | None = None, **details):
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status
        self.details = details

    @property
    def fields(self) -> dict[str, str]:
        return {self.field: self.message} if self.field else {}


class ApiError(Exception):
    """Raised by API code to answer with a JSON error; ``extra`` keys (``rules``, ``occurrences``)
    go into the error object beside code, message and fields."""

    def __init__(self, status: int, message: str, fields: dict | None = None, code: str | None = None, **extra):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}
        self.code = code or CODES.get(status, "error")
        self.extra = extra


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


def json_error(status: int, message: str, fields: dict | None = None, code: str | None = None, **extra):
    body = {"error": {"code": code or CODES.get(status, "error"), "message": message}}
    body["error"]["fields"] = fields or {}
    body["error"].update(extra)
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


# Path prefixes whose 404s have an answer of their own (calendar feeds answer plain text, the
# same bytes whatever made the link not work). Areas add theirs with ``plain_not_found``.
_NOT_FOUND_ANSWERS: dict[str, Callable[[], Response]] = {}


def plain_not_found(prefix: str, answer: Callable[[], Response]) -> None:
    """Answer every 404 under ``prefix`` with ``answer()`` instead of the error page."""
    _NOT_FOUND_ANSWERS[prefix] = answer


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    if status == 404:
        answer = next((answer for prefix, answer in _NOT_FOUND_ANSWERS.items() if request.path.startswith(prefix)), None)
        if answer is not None:
            return answer()
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
    return json_error(error.status, error.message, error.fields, error.code, **error.extra)


def api_error_for(error: DomainError, field: str | None = None) -> ApiError:
    """The API's one translation of a refusal: its status, its message, the field it names
    (``field`` renames it where the API's field differs from the form's)."""
    name = field or error.field
    return ApiError(error.status, error.message, {name: error.message} if name else {}, **error.details)


def handle_domain_error(error: DomainError):
    """A refusal that reached the top: the transaction is rolled back (by the unit of work, or
    here) and the API answers it as JSON; a page shows it as an error page with its status."""
    from coworking.extensions import db

    db.session.rollback()
    if wants_json():
        return handle_api_error(api_error_for(error))
    return render_template("errors/error.html", status=error.status, title="Not possible", message=error.message), error.status


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
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    # Unhandled exceptions reach this as a 500 (after Flask logs them) unless
    # PROPAGATE_EXCEPTIONS is on, as it is under TESTING, so tests see the real traceback.
    app.register_error_handler(InternalServerError, handle_internal_error)
