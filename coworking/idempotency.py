"""Once-only submissions: a key a client sends with a request that creates something (a booking
form's hidden ``once`` field, the API's ``Idempotency-Key`` header), remembered with what the
first request made, so a repeat (a double click, Back and submit again, a retried API call) is
answered with that instead of creating it twice.

A key belongs to one user and one scope (the page or endpoint). It is written in the same unit
of work as what it made, so it exists exactly when that does; two requests racing with the same
key meet the unique constraint and the loser's work is rolled back.

Keys are kept for ``KEPT_FOR`` (a week, long enough for a client's retries over a weekend and a
form left open for days); ``forget_old_keys``, a schedule of ``jobs run``, deletes older ones, after
which the same key makes something new again.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from coworking.extensions import db
from coworking.transactions import unit_of_work
from coworking.types import UTCDateTime, utcnow

MAX_KEY_LENGTH = 255
KEPT_FOR = timedelta(days=7)


class IdempotencyKey(db.Model):
    __tablename__ = "idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("user_id", "scope", "key", name="uq_idempotency_keys_user_scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(sa.String(100))
    key: Mapped[str] = mapped_column(sa.String(MAX_KEY_LENGTH))
    # A fingerprint of the request, so the same key sent with another request is refused.
    request_digest: Mapped[str] = mapped_column(sa.String(64), default="")
    status_code: Mapped[int] = mapped_column(default=201)
    body: Mapped[str] = mapped_column(sa.Text, default="")  # the JSON answered the first time
    location: Mapped[str] = mapped_column(sa.String(2000), default="")  # what was made
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def new_key() -> str:
    """A fresh key for a form to carry."""
    return secrets.token_urlsafe(18)


def digest_of(values: dict) -> str:
    """A stable fingerprint of a request's loaded values (dates and times as ISO text)."""
    text = json.dumps(values, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def find_key(user_id: int, scope: str, key: str | None) -> IdempotencyKey | None:
    if not key:
        return None
    return db.session.scalar(
        sa.select(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id, IdempotencyKey.scope == scope, IdempotencyKey.key == key[:MAX_KEY_LENGTH]
        )
    )


def remember_key(user_id: int, scope: str, key: str | None, *, location: str = "", digest: str = "",
                 status_code: int = 201, body: object = None) -> None:
    """Record what a request with this key made, in the caller's unit of work (flushed)."""
    if not key:
        return
    db.session.add(
        IdempotencyKey(
            user_id=user_id, scope=scope, key=key[:MAX_KEY_LENGTH], request_digest=digest,
            status_code=status_code, body="" if body is None else json.dumps(body), location=location,
        )
    )
    db.session.flush()


def forget_old_keys(now: datetime) -> int:
    """Delete the keys older than ``KEPT_FOR`` (a schedule of ``jobs run``: one indexed DELETE,
    nothing when no key is that old). Returns how many."""
    with unit_of_work():
        deleted = db.session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < now - KEPT_FOR))
    return deleted.rowcount
