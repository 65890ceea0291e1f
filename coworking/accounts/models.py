"""Users, their sessions and tokens. Their roles in hubs belong to the hubs area (hubs/roles.py)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coworking.extensions import db
from coworking.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from coworking.hubs.models import Hub
    from coworking.hubs.roles import HubRole


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Always stored lower-cased (see normalise_email) so uniqueness is case-insensitive.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # HubRole lives in the hubs area (coworking/hubs/roles.py); named here, never imported.
    roles: Mapped[list[HubRole]] = relationship(
        "HubRole", back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # Set by login/user_loader (not a column): the key of the server-side session in use.
    session_key = None

    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lowercase"),)

    def get_id(self) -> str | None:
        # Flask-Login keeps this in the cookie; it names a revocable AuthSession, not the user.
        return self.session_key

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.name

    def role_in(self, hub: Hub):
        """The user's Role in the hub (coworking.hubs.roles.Role), or None."""
        for hub_role in self.roles:
            if hub_role.hub_id == hub.id:
                return hub_role.kind
        return None

    def manages(self, hub: Hub) -> bool:
        return self.is_admin or any(role.hub_id == hub.id and role.is_manager for role in self.roles)

    def works_at(self, hub: Hub) -> bool:
        """Manager or staff of the hub (or a network admin)."""
        return self.is_admin or self.role_in(hub) is not None

    @property
    def managed_hub_ids(self) -> set[int]:
        return {role.hub_id for role in self.roles if role.is_manager}

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class AuthSession(db.Model):
    """A logged-in browser. Logout deletes the row, so a copied cookie stops working too."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The first characters of the token, shown in lists so people can tell tokens apart.
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class PasswordReset(db.Model):
    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at
