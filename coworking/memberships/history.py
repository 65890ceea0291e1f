"""Every change to a membership leaves a MembershipEvent (who, when, what, why); and the two
questions every service asks first: is ``by`` a manager here, or the member themself?"""
from __future__ import annotations

from datetime import datetime

from coworking.accounts.models import User
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.memberships.errors import MembershipError
from coworking.memberships.models import Membership, MembershipEvent
from coworking.types import utcnow


def record_event(membership: Membership, kind: str, description: str, *, by: User | None, reason: str = "",
                 at: datetime | None = None) -> MembershipEvent:
    event = MembershipEvent(membership=membership, kind=kind, description=description, reason=(reason or "").strip(),
                            by_id=by.id if by is not None else None, at=at or utcnow())
    db.session.add(event)
    return event


def require_manager(by: User, hub: Hub, doing: str = "do that") -> None:
    if not by.manages(hub):
        raise MembershipError(f"Only the hub's managers can {doing}.", status=403)


def require_member_or_manager(by: User, membership: Membership, doing: str = "change this membership") -> bool:
    """True when ``by`` manages the hub (a manager may do more than the member may)."""
    if by.manages(membership.hub):
        return True
    if by.id != membership.member_id:
        raise MembershipError(f"Only the member or the hub's managers can {doing}.", status=403)
    return False
