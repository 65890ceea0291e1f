"""Who works at which hub: the Role vocabulary, the HubRole row, and granting and revoking roles.

A network admin (``User.is_admin``) works at every hub without holding a row here.
"""
from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coworking.accounts.models import User
from coworking.accounts.services import find_user_by_email
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.hubs.services import HubError, list_hubs


class Role(str, enum.Enum):
    MANAGER = "manager"
    STAFF = "staff"


class HubRole(db.Model):
    __tablename__ = "hub_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    hub_id: Mapped[int] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))

    user: Mapped[User] = relationship(back_populates="roles")
    hub: Mapped[Hub] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("user_id", "hub_id", name="uq_hub_roles_user_hub"),
        sa.CheckConstraint("role in ('manager', 'staff')", name="role_known"),
    )

    @property
    def kind(self) -> Role:
        return Role(self.role)

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER.value


def grant_role(user: User, hub: Hub, role: Role | str) -> HubRole:
    """Give (or change) the user's role in a hub."""
    role = Role(role)
    existing = next((r for r in user.roles if r.hub_id == hub.id), None)
    if existing is not None:
        existing.role = role.value
        return existing
    hub_role = HubRole(user=user, hub=hub, role=role.value)
    db.session.add(hub_role)
    db.session.flush()
    return hub_role


def revoke_role(user: User, hub: Hub) -> None:
    for role in list(user.roles):
        if role.hub_id == hub.id:
            user.roles.remove(role)


def list_hub_roles(hub: Hub) -> list[HubRole]:
    """Everyone holding a role in the hub, managers first, then by name."""
    return list(
        db.session.scalars(
            sa.select(HubRole)
            .join(HubRole.user)
            .where(HubRole.hub_id == hub.id)
            .order_by(HubRole.role, User.name, User.email)
        )
    )


def grant_role_by_email(hub: Hub, email: str, role: Role | str) -> HubRole:
    """Give the account with this email a role in the hub (replacing any role it had there)."""
    try:
        role = Role(role)
    except ValueError as error:
        raise HubError("Choose manager or staff.", "role") from error
    user = find_user_by_email(email)
    if user is None:
        raise HubError("No account uses this email. Ask them to sign up first.", "email")
    hub_role = grant_role(user, hub, role)
    db.session.flush()
    return hub_role


def revoke_hub_role(hub: Hub, user_id: int) -> User | None:
    """Take away the user's role in the hub; None when they hold none there."""
    user = db.session.get(User, user_id)
    if user is None or user.role_in(hub) is None:
        return None
    revoke_role(user, hub)
    db.session.flush()
    return user


def hubs_with_roles(user: User, *, every_hub_for_admins: bool = True) -> list[tuple[Hub, str]]:
    """(hub, role label) for each hub the user works at, by name.

    A network admin works at every hub; ``every_hub_for_admins=False`` lists only the hubs where
    they hold a role themselves (the feeds page, where a link per hub of the network is noise).
    """
    roles = {hub_role.hub_id: hub_role.role for hub_role in user.roles}
    if user.is_admin and every_hub_for_admins:
        return [(hub, roles.get(hub.id, "network admin")) for hub in list_hubs()]
    held = [hub_role.hub for hub_role in user.roles]
    return [(hub, roles[hub.id]) for hub in sorted(held, key=lambda hub: hub.name)]


# --- the hub's own team, run by its managers ---------------------------------------------------
# A manager makes people staff at their hub and takes the role away again (they stay members);
# appointing or removing a manager stays with the network admin.

def roles_they_may_give(giver: User, hub: Hub) -> list[Role]:
    """The roles ``giver`` may hand out at ``hub``: a network admin any, a manager staff only."""
    if giver.is_admin:
        return [Role.MANAGER, Role.STAFF]
    return [Role.STAFF] if giver.manages(hub) else []


def add_to_team(giver: User, hub: Hub, email: str, role: Role | str = Role.STAFF) -> HubRole:
    """Give the account with this email a role at the hub, as far as ``giver`` may."""
    try:
        role = Role(role)
    except ValueError as error:
        raise HubError("Choose a role.", "role") from error
    if role not in roles_they_may_give(giver, hub):
        raise HubError("Only the network admin appoints managers.", "role", status=403)
    user = find_user_by_email(email)
    if user is None:
        raise HubError("No account uses this email. Ask them to sign up first.", "email")
    if user.role_in(hub) == Role.MANAGER and not giver.is_admin:
        raise HubError(f"{user.name} is a manager here; only the network admin changes a manager's role.", "email", status=403)
    return grant_role(user, hub, role)


def remove_from_team(giver: User, hub: Hub, user_id: int) -> User | None:
    """Take away someone's role at the hub (they stay a member); None when they hold none here."""
    user = db.session.get(User, user_id)
    if user is None or user.role_in(hub) is None:
        return None
    if user.role_in(hub) not in roles_they_may_give(giver, hub):
        raise HubError("Only the network admin removes a manager.", status=403)
    revoke_role(user, hub)
    db.session.flush()
    return user
