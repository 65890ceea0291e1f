"""Bearer-token authentication for /api: every request carries a personal API token."""
from __future__ import annotations

import re

from flask import Flask, g, request

from coworking.accounts.services import user_for_api_token
from coworking.errors import json_error
from coworking.extensions import db
from coworking.transactions import commit_if_possible

PUBLIC_API_PATHS = frozenset({"/api/v1/openapi.json"})
# Open to anyone, token or not: a hub's published transparency figures.
PUBLIC_API_PATTERN = re.compile(r"^/api/v1/hubs/[^/]+/impact$")


def current_api_user():
    return g.api_user


def _unauthorized(message: str, token_error: str | None = None):
    response = json_error(401, message)
    challenge = 'Bearer realm="api"'
    if token_error:
        challenge += f', error="{token_error}"'
    response.headers["WWW-Authenticate"] = challenge
    return response


def _authenticate_api_request():
    if not request.path.startswith("/api/") or request.path in PUBLIC_API_PATHS:
        return None
    if PUBLIC_API_PATTERN.match(request.path) and not request.headers.get("Authorization"):
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return _unauthorized("Send a personal API token as 'Authorization: Bearer <token>'.")
    user = user_for_api_token(raw.strip())
    if user is None:
        return _unauthorized("This API token is unknown or revoked.", token_error="invalid_token")
    if db.session.dirty:
        _record_last_use()
    g.api_user = user
    return None


def _record_last_use() -> None:
    # SQLite refuses the second of two requests writing last_used_at at the same moment (the
    # same token used in parallel); the other request's record is as good as ours.
    commit_if_possible()


def register_token_auth(app: Flask) -> None:
    app.before_request(_authenticate_api_request)
