"""Feed tokens (private calendar subscription links) and the cache of built feed bodies."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coworking.extensions import db
from coworking.types import UTCDateTime, utcnow


class FeedKind(str, enum.Enum):
    MEMBER = "member"  # a member's own bookings
    SPACE = "space"  # every booking of one space, with names (hub staff only)
    HUB = "hub"  # every booking of a hub, with names (hub staff only)


class FeedToken(db.Model):
    """A private feed link. Only the token's hash is stored; the link itself is derived from
    ``nonce`` and the app's secret key, so the profile can show it again but a copy of the
    database alone cannot reproduce it. Revoked tokens stay, so old links keep failing."""

    __tablename__ = "feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    hub_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"))
    space_id: Mapped[int | None] = mapped_column(sa.ForeignKey("spaces.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(sa.String(64))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")
    hub = relationship("Hub")
    space = relationship("Space")

    __table_args__ = (
        sa.CheckConstraint("kind in ('member', 'space', 'hub')", name="kind_known"),
        sa.CheckConstraint(
            "(kind = 'member' and hub_id is null and space_id is null)"
            " or (kind = 'space' and space_id is not null)"
            " or (kind = 'hub' and hub_id is not null)",
            name="target_matches_kind",
        ),
    )

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class FeedCache(db.Model):
    """A built feed body, kept until the feed's newest change moves on (its ETag changes)."""

    __tablename__ = "feed_cache"

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    etag: Mapped[str] = mapped_column(sa.String(80))
    last_modified: Mapped[datetime] = mapped_column(UTCDateTime)
    body: Mapped[bytes] = mapped_column(sa.LargeBinary)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedStamp(db.Model):
    """How often, and when last, the rows behind a set of feeds changed.

    One row per scope: a member's bookings (``member``, user id), a space's (``space``), a hub's
    bookings and closures (``hub``), and ``catalogue`` (target 0) for the hubs', spaces' and
    people's names and settings that feeds show. Database triggers (migration 0005) bump them in
    the same transaction as the change, whatever code made it, so a feed's ETag comes from one
    primary-key read instead of an aggregate over its bookings.
    """

    __tablename__ = "feed_stamps"

    kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    target_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(sa.BigInteger)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint("kind in ('member', 'space', 'hub', 'catalogue')", name="kind_known"),
    )
