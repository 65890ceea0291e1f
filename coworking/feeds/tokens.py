"""Private feed links: making, finding, noting the use of and revoking feed tokens.

Private links are derived, not stored: ``raw = base64url(HMAC-SHA256(SECRET_KEY,
"feed:<id>:<nonce>"))``; the row keeps the nonce and the link's hash. The profile can show the link
again, a copy of the database alone cannot forge one, and changing SECRET_KEY ends them all.

Functions flush, never commit.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from coworking.accounts.models import User
from coworking.accounts.services import hash_secret
from coworking.extensions import db
from coworking.feeds.models import FeedKind, FeedToken
from coworking.hubs.models import Hub, Space
from coworking.types import utcnow

# A feed is polled every few minutes; note its use at most this often, not on every poll.
LAST_USE_RECORDED_EVERY = timedelta(hours=1)
# Longer than any link we make (43 characters): anything longer is not worth a query.
MAX_TOKEN_LENGTH = 64


def raw_token(token: FeedToken) -> str:
    """The link's secret part: 256 bits derived from the app's key, the row's id and its nonce."""
    return derive_link_secret(current_app.config["SECRET_KEY"], token.id, token.nonce)


def derive_link_secret(secret_key: str, token_id: int, nonce: str) -> str:
    message = f"feed:{token_id}:{nonce}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _target(kind: FeedKind, hub: Hub | None, space: Space | None) -> tuple[int | None, int | None]:
    if kind is FeedKind.SPACE:
        if space is None:
            raise ValueError("A space feed needs a space.")
        return None, space.id
    if kind is FeedKind.HUB:
        if hub is None:
            raise ValueError("A hub feed needs a hub.")
        return hub.id, None
    return None, None


def _matches(column, value):
    return column.is_(None) if value is None else column == value


def get_or_create_token(user: User, kind: FeedKind | str, hub: Hub | None = None, space: Space | None = None) -> FeedToken:
    """The user's live token for this feed, created the first time it is asked for."""
    kind = FeedKind(kind)
    hub_id, space_id = _target(kind, hub, space)
    token = db.session.scalar(
        sa.select(FeedToken)
        .where(
            FeedToken.user_id == user.id,
            FeedToken.kind == kind.value,
            _matches(FeedToken.hub_id, hub_id),
            _matches(FeedToken.space_id, space_id),
            FeedToken.revoked_at.is_(None),
        )
        .order_by(FeedToken.id)
        .limit(1)
    )
    if token is not None and _derives_from_current_key(token):
        return token
    if token is not None:
        token.revoked_at = utcnow()  # made under an old SECRET_KEY: its link no longer works
    # The hash needs the row's id, so the row goes in with a placeholder that can never match
    # a link (links are base64url, without ":"), then gets its real hash.
    token = FeedToken(
        user_id=user.id,
        kind=kind.value,
        hub_id=hub_id,
        space_id=space_id,
        nonce=secrets.token_urlsafe(32),
        token_hash=f"pending:{secrets.token_hex(16)}",
    )
    db.session.add(token)
    db.session.flush()
    token.token_hash = hash_secret(raw_token(token))
    db.session.flush()
    return token


def _derives_from_current_key(token: FeedToken, raw: str | None = None) -> bool:
    expected = raw_token(token)
    if raw is not None:
        return hmac.compare_digest(raw, expected)
    return hmac.compare_digest(token.token_hash, hash_secret(expected))


def find_live_token(raw: str) -> FeedToken | None:
    """The token a link names, if it still works: not revoked, its user active, and for a
    space or hub feed, its user still manager or staff of that hub. None otherwise."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    token = db.session.scalar(
        sa.select(FeedToken)
        .where(FeedToken.token_hash == hash_secret(raw))
        .options(joinedload(FeedToken.user), joinedload(FeedToken.space), joinedload(FeedToken.hub))
    )
    if token is None or token.is_revoked or not token.user.active:
        return None
    if not _derives_from_current_key(token, raw):
        return None  # SECRET_KEY changed since the link was made: every old link ends
    if token.kind == FeedKind.SPACE.value and not token.user.works_at(token.space.hub):
        return None
    if token.kind == FeedKind.HUB.value and not token.user.works_at(token.hub):
        return None
    return token


def note_use(token: FeedToken, now: datetime | None = None) -> None:
    """Record when a link was last used, at most once an hour: feeds are polled all day."""
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USE_RECORDED_EVERY:
        token.last_used_at = now


def reset_tokens(user: User, now: datetime | None = None) -> int:
    """Revoke every live feed link of the user at once; new ones are made when next asked for."""
    result = db.session.execute(
        sa.update(FeedToken)
        .where(FeedToken.user_id == user.id, FeedToken.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    return result.rowcount


@dataclass(frozen=True)
class StaffFeedTokens:
    hub: Hub
    hub_token: FeedToken
    spaces: list[tuple[Space, FeedToken]]


def staff_feed_tokens(user: User, hub: Hub) -> StaffFeedTokens:
    """The user's links for a hub they work at: the whole hub's, and one per space.

    The space links come from one query; only the links not made yet are made one by one.
    """
    spaces = list(hub.spaces)
    live = db.session.scalars(
        sa.select(FeedToken)
        .where(
            FeedToken.user_id == user.id,
            FeedToken.kind == FeedKind.SPACE.value,
            FeedToken.space_id.in_([space.id for space in spaces]),
            FeedToken.revoked_at.is_(None),
        )
        .order_by(FeedToken.id.desc())  # the oldest last, so it wins below, as in get_or_create_token
    )
    by_space = {token.space_id: token for token in live}
    return StaffFeedTokens(
        hub=hub,
        hub_token=get_or_create_token(user, FeedKind.HUB, hub=hub),
        spaces=[(space, _usable(by_space.get(space.id)) or get_or_create_token(user, FeedKind.SPACE, space=space)) for space in spaces],
    )


def _usable(token: FeedToken | None) -> FeedToken | None:
    return token if token is not None and _derives_from_current_key(token) else None

