"""The cache of built feed bodies: one row a feed, holding the body of its latest version.

A feed is built once per version (``versions``) and served from here until its rows change;
two requests building the same version at once both store it (an upsert). Storing is
bookkeeping: when the database is too busy to take the write, the body is served all the same.
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from coworking.extensions import db
from coworking.feeds.content import build_feed
from coworking.feeds.definitions import Feed, FeedWindow
from coworking.feeds.models import FeedCache
from coworking.feeds.versions import FeedVersion
from coworking.types import utcnow

log = logging.getLogger(__name__)


def cached_body(feed: Feed, version: FeedVersion) -> bytes | None:
    return db.session.scalar(
        sa.select(FeedCache.body).where(FeedCache.feed_key == feed.key, FeedCache.etag == version.etag)
    )


def store_body(feed: Feed, version: FeedVersion, body: bytes) -> None:
    """Keep the body for this version: an upsert, so two requests building at once both succeed."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(FeedCache).values(
        feed_key=feed.key, etag=version.etag, last_modified=version.last_modified, body=body, built_at=utcnow()
    )
    statement = statement.on_conflict_do_update(
        index_elements=[FeedCache.feed_key],
        set_={name: statement.excluded[name] for name in ("etag", "last_modified", "body", "built_at")},
    )
    db.session.execute(statement)


def feed_body(feed: Feed, window: FeedWindow, version: FeedVersion) -> bytes:
    """The feed's body for this version: from the cache, or built once and stored."""
    body = cached_body(feed, version)
    if body is None:
        body = build_feed(feed, window)
        try:
            with db.session.begin_nested():
                store_body(feed, version, body)
        except OperationalError:
            # The database is too busy to take the write (SQLite's lock): serve the body
            # anyway; the next request stores it.
            log.warning("Could not cache the body of feed %s", feed.key, exc_info=True)
    return body
