"""Every change to a membership leaves a MembershipEvent (who, when, what, why), and a manager
may add a note to it; and the questions every service asks first: is ``by`` a manager here, or
the member themself? Which account does an email name?"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coworking.accounts.models import User
from coworking.accounts.services import find_user_by_email
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.memberships.errors import MembershipError
from coworking.memberships.models import Membership, MembershipEvent
from coworking.types import utcnow

NOTE = "note"  # the kind of a manager's note: its text is the description
MAX_NOTE_LENGTH = 2000


def record_event(membership: Membership, kind: str, description: str, *, by: User | None, reason: str = "",
                 at: datetime | None = None) -> MembershipEvent:
    event = MembershipEvent(membership=membership, kind=kind, description=description, reason=(reason or "").strip(),
                            by_id=by.id if by is not None else None, at=at or utcnow())
    db.session.add(event)
    return event


def add_note(membership: Membership, *, by: User, text: str) -> MembershipEvent:
    """A manager's free-text note on the member's record, kept in its history like a change."""
    require_manager(by, membership.hub, "add notes")
    text = (text or "").strip()
    if not text:
        raise MembershipError("Write the note.", "text")
    if len(text) > MAX_NOTE_LENGTH:
        raise MembershipError(f"Use at most {MAX_NOTE_LENGTH} characters.", "text")
    event = record_event(membership, NOTE, text, by=by)
    db.session.flush()
    return event


def membership_history(membership: Membership) -> list[MembershipEvent]:
    """The membership's history and notes, latest first, with who did each thing."""
    return list(db.session.scalars(
        sa.select(MembershipEvent).where(MembershipEvent.membership_id == membership.id)
        .options(selectinload(MembershipEvent.by))
        .order_by(MembershipEvent.at.desc(), MembershipEvent.id.desc())
    ))


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


def member_by_email(email: str, field: str = "member_email") -> User:
    """The account with this email (a manager enrolling someone or selling them a pass)."""
    member = find_user_by_email(email or "")
    if member is None:
        raise MembershipError("No account uses that email: ask them to sign up first.", field)
    return member
