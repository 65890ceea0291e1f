"""The ``Idempotency-Key`` header on the API's POSTs that create things (bookings, series).

A client that may send a request twice (a retry after a timeout) sends a key of its choosing
with it. The first request's answer is stored with the key (``coworking.idempotency``), in the
same unit of work as what it made; a repeat with the same key and the same body gets that answer
again (with ``Idempotent-Replayed: true``) and books nothing. The same key with another body is
a 422 naming the header. Keys belong to the token's user and the endpoint.
"""
from __future__ import annotations

from flask import Response, request

from coworking.accounts.models import User
from coworking.errors import ApiError
from coworking.idempotency import KEPT_FOR, MAX_KEY_LENGTH, digest_of, find_key, remember_key

HEADER = "Idempotency-Key"
HEADER_DOC = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
    "description": "Any unique text (a UUID, say). A repeat with the same key and body answers as the first "
    "time and creates nothing; the same key with another body is a 422. A key is kept for at least "
    f"{KEPT_FOR.days} days; after that it may be used again.",
}


def key_sent() -> str | None:
    """The request's key, or None; one that is blank or too long is a 422 naming the header."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not 0 < len(key) <= MAX_KEY_LENGTH:
        message = f"Send 1 to {MAX_KEY_LENGTH} characters, such as a UUID."
        raise ApiError(422, message, {HEADER: message})
    return key


def earlier_answer(user: User, scope: str, values: dict) -> Response | None:
    """The answer given the first time this key was sent with this body, or None."""
    record = find_key(user.id, scope, key_sent())
    if record is None:
        return None
    if record.request_digest != digest_of(values):
        message = "This Idempotency-Key was already used with a different request; send a new key."
        raise ApiError(422, message, {HEADER: message})
    response = Response(record.body, status=record.status_code, mimetype="application/json")
    response.headers["Location"] = record.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def remember_answer(user: User, scope: str, values: dict, body: dict, location: str, status: int = 201) -> None:
    """Store the answer with the key, in the request's unit of work (no key sent: nothing)."""
    remember_key(user.id, scope, key_sent(), location=location, digest=digest_of(values), status_code=status, body=body)


def twin_answer(error: ApiError, user: User, scope: str, values: dict) -> Response:
    """A 409 (the slot, or the key's row, taken by a twin request with the same key that won a
    race) answered with the twin's answer when there is one; any other error is raised again."""
    replayed = earlier_answer(user, scope, values) if error.status == 409 and key_sent() else None
    if replayed is None:
        raise error
    return replayed
