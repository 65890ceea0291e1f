"""A calendar app's "anything new?" poll, answered before Flask from one indexed read.

Calendar apps poll each subscribed feed every few minutes, sending the ETag they hold; nearly
every poll finds nothing new. For a private feed link (``/feeds/<token>.ics``) sent with
If-None-Match or If-Modified-Since, this WSGI layer:

1. reads, in one statement, the link's token if it still works (not revoked, its person active,
   a staff link's person still working at the hub) together with the stamps of its feed;
2. checks that the link derives from the current SECRET_KEY;
3. works out the ETag exactly as the view does (``versions.version_from_stamps``) and, when the
   client's copy is current, counts the poll against the link's rate limit and answers 304.

Anything else goes on to the Flask view, which gives the full answer: a changed feed, a link that
does not work, a link whose last use is due to be recorded, a poll over its rate limit, or a
database error. So this layer only ever gives the answer the view would have given, sooner: the
view's Flask, session, ORM and limiter machinery costs several times what the poll itself needs.
"""
from __future__ import annotations

import hmac
import logging
import re
from datetime import datetime
from functools import lru_cache

import sqlalchemy as sa
from flask import Flask
from limits import RateLimitItem, parse
from sqlalchemy.orm import aliased
from werkzeug.datastructures import ETags
from werkzeug.http import http_date, parse_date, parse_etags, quote_etag

from coworking.accounts.models import User
from coworking.accounts.services import hash_secret
from coworking.extensions import db, limiter
from coworking.feeds.definitions import feed_window
from coworking.feeds.models import FeedKind, FeedStamp, FeedToken
from coworking.feeds.tokens import LAST_USE_RECORDED_EVERY, MAX_TOKEN_LENGTH, derive_link_secret
from coworking.feeds.versions import CATALOGUE, FeedVersion, Stamp, version_from_stamps
from coworking.hubs.models import Space
from coworking.hubs.roles import HubRole
from coworking.security import SECURITY_HEADERS
from coworking.types import utcnow

log = logging.getLogger(__name__)

PRIVATE_FEED_PATH = re.compile(rf"/feeds/([A-Za-z0-9_-]{{1,{MAX_TOKEN_LENGTH}}})\.ics")
# Feeds may be kept this long by clients and proxies; the view sends the same.
MAX_AGE = 300
# The rate-limit bucket every request to one private link counts in, here and in the view
# (Flask-Limiter's shared_limit: the bucket is [key, scope] whatever the endpoint).
PRIVATE_LINK_SCOPE = "feed-link"


def cache_control(public: bool) -> str:
    return f"{'public' if public else 'private'}, max-age={MAX_AGE}"


def link_rate_key(raw_token: str) -> str:
    # Per link, not per client address; hashed so the limiter's storage never holds a live link.
    return "feed-token:" + hash_secret(raw_token)[:32]


def client_copy_is_current(if_none_match: ETags, if_modified_since: datetime | None, version: FeedVersion) -> bool:
    """Does the client's copy match? If-None-Match, when sent, decides alone (RFC 9110)."""
    if if_none_match:
        return if_none_match.star_tag or if_none_match.contains_weak(version.etag)
    return if_modified_since is not None and version.last_modified <= if_modified_since


def _live_token_with_stamps() -> sa.Select:
    """The statement behind step 1: one row for a working link, none otherwise."""
    stamp, catalogue = aliased(FeedStamp), aliased(FeedStamp)
    target = sa.case(
        (FeedToken.kind == FeedKind.SPACE.value, FeedToken.space_id),
        (FeedToken.kind == FeedKind.HUB.value, FeedToken.hub_id),
        else_=FeedToken.user_id,
    )
    works_at_hub = sa.exists().where(
        HubRole.user_id == FeedToken.user_id, HubRole.hub_id == sa.func.coalesce(FeedToken.hub_id, Space.hub_id)
    )
    kind, target_id = CATALOGUE
    return (
        sa.select(
            FeedToken.id, FeedToken.nonce, FeedToken.kind, target.label("target"), FeedToken.last_used_at,
            stamp.version, stamp.changed_at, catalogue.version, catalogue.changed_at,
        )
        .join(User, User.id == FeedToken.user_id)
        .outerjoin(Space, Space.id == FeedToken.space_id)
        .outerjoin(stamp, sa.and_(stamp.kind == FeedToken.kind, stamp.target_id == target))
        .outerjoin(catalogue, sa.and_(catalogue.kind == kind, catalogue.target_id == target_id))
        .where(
            FeedToken.token_hash == sa.bindparam("token_hash", value=""),
            FeedToken.revoked_at.is_(None),
            User.active.is_(True),
            sa.or_(FeedToken.kind == FeedKind.MEMBER.value, User.is_admin.is_(True), works_at_hub),
        )
    )


LIVE_TOKEN_WITH_STAMPS = _live_token_with_stamps()


class ReadFailed(Exception):
    """The database refused or dropped a PreparedRead."""


class PreparedRead:
    """One SELECT compiled once for an engine and run on a bare DBAPI cursor.

    A poll is this one statement, and SQLAlchemy's per-execution work (cache key, parameters,
    result rows) was a quarter of it; the statement never changes, so the SQL text, the parameter
    order and the column converters are worked out once here instead.
    """

    def __init__(self, engine: sa.Engine, statement: sa.Select):
        compiled = statement.compile(dialect=engine.dialect)
        self.engine = engine
        self.sql = str(compiled)
        self.bound = compiled.construct_params()
        self.order = compiled.positiontup if compiled.positional else None
        self.converters = [
            column.type.dialect_impl(engine.dialect).result_processor(engine.dialect, None)
            for column in statement.selected_columns
        ]

    def first(self, **values) -> tuple | None:
        params = {**self.bound, **values}
        if self.order is not None:
            params = [params[name] for name in self.order]
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
            cursor.close()
        except self.engine.dialect.loaded_dbapi.Error as error:
            connection.invalidate()  # it may be a dropped connection: never hand it out again
            raise ReadFailed(str(error)) from error
        finally:
            connection.close()
        if row is None:
            return None
        return tuple(value if convert is None else convert(value) for convert, value in zip(self.converters, row, strict=True))


@lru_cache(maxsize=8)
def _limit(value: str) -> RateLimitItem:
    return parse(value)


class FeedRevalidation:
    """WSGI middleware in front of the app (installed by ``install``)."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self._read: PreparedRead | None = None

    def __call__(self, environ, start_response):
        headers = self._not_modified_headers(environ)
        if headers is None:
            return self.wsgi_app(environ, start_response)
        start_response("304 Not Modified", headers)
        return []

    def _not_modified_headers(self, environ) -> list[tuple[str, str]] | None:
        """The 304's headers, or None for "let the view answer"."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        if_none_match, if_modified_since = environ.get("HTTP_IF_NONE_MATCH"), environ.get("HTTP_IF_MODIFIED_SINCE")
        if not (if_none_match or if_modified_since):
            return None
        match = PRIVATE_FEED_PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None:
            return None
        try:
            return self._answer(match.group(1), parse_etags(if_none_match), parse_date(if_modified_since))
        except Exception:  # noqa: BLE001 - this layer is a shortcut: whatever goes wrong, the view answers
            log.exception("Feed revalidation failed; the view answers instead")
            return None

    def _answer(self, raw: str, if_none_match: ETags, if_modified_since: datetime | None) -> list[tuple[str, str]] | None:
        version = self._current_version(raw)
        if version is None or not client_copy_is_current(if_none_match, if_modified_since, version):
            return None
        if not self._take_allowance(raw):
            return None  # the view answers 429, with the limiter's headers
        return [
            ("ETag", quote_etag(version.etag)),
            ("Last-Modified", http_date(version.last_modified)),
            ("Cache-Control", cache_control(public=False)),
            *SECURITY_HEADERS.items(),
        ]

    def _current_version(self, raw: str) -> FeedVersion | None:
        """The feed's version if the link works and nothing is due to be written; else None."""
        row = self._get_read().first(token_hash=hash_secret(raw))
        if row is None:
            return None
        token_id, nonce, kind, target, last_used_at, version, changed_at, catalogue_version, catalogue_changed_at = row
        if not hmac.compare_digest(raw, derive_link_secret(self.app.config["SECRET_KEY"], token_id, nonce)):
            return None  # made under another SECRET_KEY: the view says 404
        now = utcnow()
        if last_used_at is None or now - last_used_at > LAST_USE_RECORDED_EVERY:
            return None  # the view records this use
        return version_from_stamps(
            f"{kind}:{target}",
            feed_window(now),
            self.app.config["BASE_URL"],
            Stamp(version or 0, changed_at),
            Stamp(catalogue_version or 0, catalogue_changed_at),
        )

    def _take_allowance(self, raw: str) -> bool:
        if not (limiter.enabled and limiter.initialized):
            return True
        identifiers = [link_rate_key(raw), PRIVATE_LINK_SCOPE]
        prefix = self.app.config.get("RATELIMIT_KEY_PREFIX")
        return limiter.limiter.hit(_limit(self.app.config["FEED_RATE_LIMIT"]), *([prefix] if prefix else []), *identifiers)

    def _get_read(self) -> PreparedRead:
        if self._read is None:
            with self.app.app_context():
                engine = db.engine
            if engine.dialect.name == "postgresql":
                # A small pool of its own, in autocommit and without the app's pre-ping: a poll
                # is one statement, and BEGIN, ROLLBACK and a ping would quadruple its round
                # trips (about 0.35 ms against 1.5 ms here). A connection that dropped fails one
                # poll, which the view then answers, and is replaced.
                engine = sa.create_engine(engine.url, isolation_level="AUTOCOMMIT", pool_size=2, max_overflow=8)
            self._read = PreparedRead(engine, LIVE_TOKEN_WITH_STAMPS)
        return self._read


def install(app: Flask) -> None:
    app.wsgi_app = FeedRevalidation(app, app.wsgi_app)
