"""A feed's version (its ETag and Last-Modified), worked out from stamps without building it.

Database triggers bump a ``FeedStamp`` whenever a feed's rows change (its member's bookings, its
space's, its hub's), and the catalogue's stamp whenever the names and settings feeds show do.
So a feed's version is one read of two stamps; the body is built only when the version is new
(``cache``), and a poll that finds nothing new is answered from the version alone (``views``,
and before Flask in ``revalidation``).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from coworking.extensions import db
from coworking.feeds.definitions import Feed, FeedWindow
from coworking.feeds.models import FeedStamp

# Part of every ETag: bump it when the body's shape changes, so cached bodies are rebuilt.
FORMAT_VERSION = "3"
# The stamp of what every feed shows beside its rows: names of spaces, hubs and people, settings.
CATALOGUE = ("catalogue", 0)


@dataclass(frozen=True)
class Stamp:
    """A FeedStamp's value; a scope nothing has happened in yet has version 0."""

    version: int = 0
    changed_at: datetime | None = None


@dataclass(frozen=True)
class FeedVersion:
    etag: str
    last_modified: datetime


def version_from_stamps(feed_key: str, window: FeedWindow, base_url: str, scope: Stamp, catalogue: Stamp) -> FeedVersion:
    """The feed's ETag and Last-Modified from its stamps (the calendar is not built).

    Any change to the feed's rows bumps its scope's stamp, and any change to the names and
    settings feeds show bumps the catalogue's; the window's date covers rows leaving the window.
    Change times are in the ETag too, so stamps started afresh (a restored database) never repeat
    an old ETag. Last-Modified is the newest change, or the moment the window last moved,
    whichever is later. The conditional-request fast path (``revalidation``) calls this as well.
    """
    parts = [FORMAT_VERSION, feed_key, window.today.isoformat(), base_url]
    for stamp in (scope, catalogue):
        parts += [str(stamp.version), stamp.changed_at.isoformat() if stamp.changed_at else ""]
    etag = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    changes = [stamp.changed_at for stamp in (scope, catalogue) if stamp.changed_at is not None]
    last_modified = max([window.began, *changes]).replace(microsecond=0)
    return FeedVersion(etag=etag, last_modified=last_modified)


def feed_version(feed: Feed, window: FeedWindow, base_url: str) -> FeedVersion:
    """The feed's ETag and Last-Modified, from one read of two stamps."""
    wanted = (feed.scope, CATALOGUE)
    rows = db.session.execute(
        sa.select(FeedStamp.kind, FeedStamp.target_id, FeedStamp.version, FeedStamp.changed_at).where(
            sa.or_(*(sa.and_(FeedStamp.kind == kind, FeedStamp.target_id == target) for kind, target in wanted))
        )
    )
    stamps = {(kind, target): Stamp(version, changed_at) for kind, target, version, changed_at in rows}
    return version_from_stamps(feed.key, window, base_url, stamps.get(feed.scope, Stamp()), stamps.get(CATALOGUE, Stamp()))

