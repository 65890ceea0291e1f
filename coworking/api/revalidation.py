"""Revalidation of the reads clients poll: a hub's availability and spaces, one booking, a list
of bookings.

Each answer's ETag comes from the feed stamps (``coworking.feeds.versions``: the database bumps
them in the same transaction as any change to bookings, closures, opening hours, spaces, hubs
and people's names) together with who asks (their id, whether a network admin, their role at the
hub) and the URL with its query string. One statement reads all of it together with the token
(``Polled.statement``), so the ETag costs one indexed read, and no body is built to answer a
client whose copy is current:

- in front of Flask (``ApiRevalidation``, a WSGI layer like the feeds'), a GET with
  If-None-Match and a live token whose last use need not be written is answered 304 there;
- otherwise the Flask view answers as usual, and ``answer_if_unchanged`` (after token auth)
  answers 304 itself or lets the view build the body, which leaves with the ETag and
  ``Cache-Control: private, no-cache``.

Anything the layer cannot vouch for (no row: an unknown hub or booking, a revoked token, a
booking or hub list the caller may not see) goes to the view, which answers 401, 403 or 404.
The stamps are read before the body is built: a change in between gives a new body under the
old ETag, so the next poll fetches it again, never the reverse.
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import parse_qsl

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request
from sqlalchemy.orm import aliased
from werkzeug.datastructures import ETags
from werkzeug.http import parse_etags, quote_etag

from coworking.accounts.models import ApiToken, User
from coworking.accounts.services import API_TOKEN_USE_RECORDED_EVERY, hash_secret
from coworking.bookings.models import Booking
from coworking.extensions import db
from coworking.feeds.models import FeedStamp
from coworking.feeds.revalidation import PreparedRead
from coworking.feeds.versions import CATALOGUE
from coworking.hubs.models import Hub, Space
from coworking.hubs.roles import HubRole
from coworking.security import SECURITY_HEADERS
from coworking.types import MAX_INTEGER, utcnow

log = logging.getLogger(__name__)

# Part of every ETag: bump it when an answer's shape changes.
FORMAT_VERSION = "1"
CACHE_CONTROL = "private, no-cache"
# The ETag the layer in front of Flask worked out, for the view's answer (clients cannot set it:
# their headers arrive as HTTP_* keys).
ETAG_KEY = "coworking.api_etag"
CACHE_EXTENSION = "coworking_api_answers"
# How the OpenAPI document describes it, on each polled read's 200 and its 304.
VALIDATORS_DOC = {
    "ETag": {"description": "Send it back in If-None-Match: 304 while the answer is unchanged",
             "schema": {"type": "string"}},
    "Cache-Control": {"description": "private, no-cache", "schema": {"type": "string"}},
}
NOT_MODIFIED_DOC = "Not modified: your copy (If-None-Match) is current. No body."


# --- the one statement behind each ETag -----------------------------------------------------

def _stamp(kind: str, target) -> tuple:
    stamp = aliased(FeedStamp)
    return stamp, sa.and_(stamp.kind == kind, stamp.target_id == target)


def _caller_with(*columns, joins: tuple = ()) -> sa.Select:
    """The live token's owner (as token auth finds it) with ``columns``, after ``joins``."""
    query = sa.select(ApiToken.last_used_at, User.id, User.is_admin, *columns).select_from(ApiToken)
    query = query.join(User, User.id == ApiToken.user_id)
    for target, condition, outer in joins:
        query = query.outerjoin(target, condition) if outer else query.join(target, condition)
    return query.where(
        ApiToken.token_hash == sa.bindparam("token_hash", value=""),
        ApiToken.revoked_at.is_(None),
        User.active.is_(True),
    )


def _role_at(hub_id) -> sa.ScalarSelect:
    return sa.select(HubRole.role).where(HubRole.user_id == User.id, HubRole.hub_id == hub_id).scalar_subquery()


def _availability_statement() -> sa.Select:
    """Columns: last use, user id, admin, role at the hub, hub id, no owner, hub and catalogue stamps."""
    hub_stamp, on_hub = _stamp("hub", Hub.id)
    catalogue, on_catalogue = _stamp(*CATALOGUE)
    return _caller_with(
        _role_at(Hub.id), Hub.id, sa.null(), hub_stamp.version, hub_stamp.changed_at,
        catalogue.version, catalogue.changed_at,
        joins=((Hub, Hub.slug == sa.bindparam("slug", value=""), False), (hub_stamp, on_hub, True),
               (catalogue, on_catalogue, True)),
    )


def _spaces_statement() -> sa.Select:
    """As availability's: a hub's spaces move its stamp (added) or the catalogue's (changed)."""
    return _availability_statement()


def _booking_statement() -> sa.Select:
    """Columns: ..., role at the booking's hub, its hub id, its member, its space's and the catalogue's stamps."""
    space_stamp, on_space = _stamp("space", Booking.space_id)
    catalogue, on_catalogue = _stamp(*CATALOGUE)
    return _caller_with(
        _role_at(Space.hub_id), Space.hub_id, Booking.member_id, space_stamp.version, space_stamp.changed_at,
        catalogue.version, catalogue.changed_at,
        joins=((Booking, Booking.id == sa.bindparam("booking_id", value=0), False),
               (Space, Space.id == Booking.space_id, False), (space_stamp, on_space, True),
               (catalogue, on_catalogue, True)),
    )


def _bookings_statement() -> sa.Select:
    """Columns: ..., role at the hub asked for (if any), its id, no owner, the caller's and the hub's
    stamps, the catalogue's. Without ``hub`` the hub columns are null: the caller's own bookings."""
    member_stamp, on_member = _stamp("member", User.id)
    hub_stamp, on_hub = _stamp("hub", Hub.id)
    catalogue, on_catalogue = _stamp(*CATALOGUE)
    return _caller_with(
        _role_at(Hub.id), Hub.id, sa.null(), member_stamp.version, member_stamp.changed_at,
        hub_stamp.version, hub_stamp.changed_at, catalogue.version, catalogue.changed_at,
        joins=((Hub, Hub.slug == sa.bindparam("slug", value=""), True), (member_stamp, on_member, True),
               (hub_stamp, on_hub, True), (catalogue, on_catalogue, True)),
    )


# --- which reads, and whether the caller may have them --------------------------------------

@dataclass(frozen=True)
class Polled:
    endpoint: str
    path: re.Pattern
    statement: sa.Select

    def parameters(self, path_arguments: dict, query: dict) -> dict | None:
        """The statement's bound values for this URL; None when no 200 could come of it."""
        if self.endpoint in ("bookings_api.availability", "api.hub_spaces"):
            return {"slug": path_arguments["slug"]}
        if self.endpoint == "bookings_api.booking":
            booking_id = int(path_arguments["booking_id"])
            return {"booking_id": booking_id} if 0 < booking_id <= MAX_INTEGER else None
        return {"slug": query.get("hub") or None}

    def may_see(self, row: tuple, hub_asked: bool, query: dict) -> bool:
        """Would the view answer 200? (Availability and active spaces: anyone; inactive spaces
        too: the hub's managers; a booking: its member or someone working at its hub; a hub's
        bookings: someone working there.)"""
        _, user_id, is_admin, role, hub_id, owner_id = row[:6]
        if self.endpoint == "api.hub_spaces" and "include_inactive" in query:
            return bool(is_admin or role == "manager")
        if self.endpoint == "bookings_api.booking":
            return bool(is_admin or role or owner_id == user_id)
        if self.endpoint == "bookings_api.bookings" and hub_asked:
            return hub_id is not None and bool(is_admin or role)
        return True


POLLED = (
    Polled("bookings_api.availability", re.compile(r"/api/v1/hubs/(?P<slug>[^/]+)/availability"),
           _availability_statement()),
    Polled("api.hub_spaces", re.compile(r"/api/v1/hubs/(?P<slug>[^/]+)/spaces"), _spaces_statement()),
    Polled("bookings_api.booking", re.compile(r"/api/v1/bookings/(?P<booking_id>[0-9]+)"), _booking_statement()),
    Polled("bookings_api.bookings", re.compile(r"/api/v1/bookings"), _bookings_statement()),
)
POLLED_BY_ENDPOINT = {polled.endpoint: polled for polled in POLLED}


def etag_of(polled: Polled, row: tuple | None, token_hash: str, parameters: dict, query_string: str,
            query: dict) -> str | None:
    """The answer's ETag from its statement's row, or None when the view must answer. The token
    is part of it: a database emptied and filled again (ids reused, no stamps yet) never meets
    an old ETag, nor an old cached answer."""
    if row is None or not polled.may_see(row, bool(parameters.get("slug")), query):
        return None
    _, user_id, is_admin, role = row[:4]
    parts = [FORMAT_VERSION, polled.endpoint, repr(sorted(parameters.items())), query_string, token_hash,
             str(user_id), str(bool(is_admin)), str(role)]
    parts += ["" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))
              for value in row[6:]]
    if polled.endpoint == "bookings_api.availability":
        # Today's free times start at the first slot still bookable (and no date means today):
        # the body changes with the clock, so the ETag does too, a minute at a time.
        parts.append(utcnow().strftime("%Y-%m-%dT%H:%M"))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def use_is_due(row: tuple) -> bool:
    """Is the token's last use due to be written (token auth does it, in Flask)?"""
    last_used_at = row[0]
    return last_used_at is None or utcnow() - last_used_at > API_TOKEN_USE_RECORDED_EVERY


def client_has(if_none_match: ETags, etag: str) -> bool:
    return bool(if_none_match) and (if_none_match.star_tag or if_none_match.contains_weak(etag))


def validator_headers(etag: str) -> dict[str, str]:
    return {"ETag": quote_etag(etag), "Cache-Control": CACHE_CONTROL, "Vary": "Authorization"}


def bearer_token(header: str) -> str | None:
    scheme, _, raw = (header or "").partition(" ")
    return raw.strip() if scheme.lower() == "bearer" and raw.strip() else None


# --- in Flask: after token auth -------------------------------------------------------------

def answer_if_unchanged() -> Response | None:
    """A polled GET: its ETag noted for the answer, or a 304 if the client's copy is current.
    The layer in front of Flask passes on the ETag it worked out, so it is not read twice."""
    polled = POLLED_BY_ENDPOINT.get(request.endpoint or "")
    if request.method != "GET" or polled is None:
        return None
    etag = request.environ.get(ETAG_KEY) or _current_etag(polled)
    if etag is None:
        return None
    g.api_etag = etag
    if client_has(request.if_none_match, etag):
        return Response(status=304, headers=validator_headers(etag))
    return None


def _current_etag(polled: Polled) -> str | None:
    parameters = polled.parameters(request.view_args or {}, request.args)
    raw = bearer_token(request.headers.get("Authorization", ""))
    if parameters is None or raw is None:
        return None
    token_hash = hash_secret(raw)
    row = db.session.execute(polled.statement, {"token_hash": token_hash, **parameters}).first()
    return etag_of(polled, row and tuple(row), token_hash, parameters, request.environ.get("QUERY_STRING", ""),
                   request.args)


def add_validators(response: Response) -> Response:
    """The ETag and Cache-Control on a polled read's 200, whose body is kept for the next poll."""
    etag = g.pop("api_etag", None)
    if etag is not None and response.status_code == 200:
        response.headers.update(validator_headers(etag))
        cache = current_app.extensions.get(CACHE_EXTENSION)
        if cache is not None and not response.is_streamed:
            cache.put(etag, response.get_data(), response.headers["Content-Type"])
    return response


class AnswerCache:
    """The latest polled answers of this process, by ETag, up to ``limit`` bytes of bodies.

    An ETag names one body (that is what it promises), so a poll without If-None-Match whose
    ETag is here gets these bytes without the answer being built again. Least recently used
    answers leave first."""

    def __init__(self, limit: int):
        self.limit = limit
        self._answers: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, etag: str) -> tuple[bytes, str] | None:
        with self._lock:
            answer = self._answers.get(etag)
            if answer is not None:
                self._answers.move_to_end(etag)
            return answer

    def put(self, etag: str, body: bytes, content_type: str) -> None:
        if len(body) > self.limit:
            return
        with self._lock:
            previous = self._answers.pop(etag, None)
            self._size += len(body) - (len(previous[0]) if previous else 0)
            self._answers[etag] = (body, content_type)
            while self._size > self.limit:
                _, (dropped, _) = self._answers.popitem(last=False)
                self._size -= len(dropped)


# --- in front of Flask ----------------------------------------------------------------------

class ApiRevalidation:
    """WSGI middleware answering a polled read from one statement: 304 when the client's copy
    is current, the kept answer when this process has it, else Flask with the ETag worked out."""

    def __init__(self, app: Flask, wsgi_app, cache: AnswerCache | None):
        self.app = app
        self.wsgi_app = wsgi_app
        self.cache = cache
        self._reads: dict[str, PreparedRead] = {}

    def __call__(self, environ, start_response):
        answer = self._early_answer(environ)
        if answer is None:
            return self.wsgi_app(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return body

    def _early_answer(self, environ) -> tuple[str, list[tuple[str, str]], list[bytes]] | None:
        if environ.get("REQUEST_METHOD") != "GET" or not environ.get("PATH_INFO", "").startswith("/api/v1/"):
            return None
        try:
            return self._answer(environ)
        except Exception:  # noqa: BLE001 - this layer is a shortcut: whatever goes wrong, the view answers
            log.exception("API revalidation failed; the view answers instead")
            return None

    def _answer(self, environ) -> tuple[str, list[tuple[str, str]], list[bytes]] | None:
        raw = bearer_token(environ.get("HTTP_AUTHORIZATION", ""))
        found = _polled_path(environ["PATH_INFO"].encode("latin-1").decode("utf-8"))
        if raw is None or found is None:
            return None
        polled, path_arguments = found
        query_string = environ.get("QUERY_STRING", "")
        query = _query(query_string)
        parameters = polled.parameters(path_arguments, query)
        if parameters is None:
            return None
        token_hash = hash_secret(raw)
        row = self._read(polled).first(token_hash=token_hash, **parameters)
        etag = etag_of(polled, row, token_hash, parameters, query_string, query)
        if etag is None:
            return None
        environ[ETAG_KEY] = etag
        if use_is_due(row):
            return None  # token auth writes it, in Flask
        headers = [*validator_headers(etag).items(), *SECURITY_HEADERS.items()]
        if client_has(parse_etags(environ.get("HTTP_IF_NONE_MATCH")), etag):
            return "304 Not Modified", headers, []
        kept = self.cache.get(etag) if self.cache is not None else None
        if kept is None:
            return None
        body, content_type = kept
        return "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body))), *headers], [body]

    def _read(self, polled: Polled) -> PreparedRead:
        read = self._reads.get(polled.endpoint)
        if read is None:
            with self.app.app_context():
                engine = db.engine
            if engine.dialect.name == "postgresql":
                # As the feeds' layer: a small pool in autocommit, one round trip a poll.
                engine = sa.create_engine(engine.url, isolation_level="AUTOCOMMIT", pool_size=2, max_overflow=8)
            read = self._reads[polled.endpoint] = PreparedRead(engine, polled.statement)
        return read


def _polled_path(path: str) -> tuple[Polled, dict] | None:
    for polled in POLLED:
        match = polled.path.fullmatch(path)
        if match is not None:
            return polled, match.groupdict()
    return None


def _query(query_string: str) -> dict:
    """The first value of each query argument, as Flask's ``request.args.get`` gives it."""
    values: dict = {}
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        values.setdefault(name, value)
    return values


def install(app: Flask) -> None:
    """The hooks in Flask (after token auth), and the layer in front of it with this process's
    answer cache (``API_ANSWER_CACHE_BYTES``; 0: none)."""
    limit = app.config.get("API_ANSWER_CACHE_BYTES", 0)
    cache = AnswerCache(limit) if limit > 0 else None
    if cache is not None:
        app.extensions[CACHE_EXTENSION] = cache
    app.before_request(answer_if_unchanged)
    app.after_request(add_validators)
    app.wsgi_app = ApiRevalidation(app, app.wsgi_app, cache)
