"""Applications: a member applies for a plan; a manager of the hub approves it (choosing the
start date) or declines it with a message; the member is emailed either way, through the outbox
in the same transaction. Functions flush, never commit."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from sqlalchemy.exc import IntegrityError

from coworking.accounts.models import User
from coworking.extensions import db
from coworking.mail import queue_mail
from coworking.memberships.errors import MembershipError
from coworking.memberships.history import record_event, require_manager
from coworking.memberships.models import Application, ApplicationStatus, Membership, Organisation, Plan
from coworking.memberships.periods import Period
from coworking.memberships.settlement import settle_member
from coworking.timezones import local_today
from coworking.types import utcnow

MAX_MESSAGE_LENGTH = 2000


def apply_for_plan(member: User, plan: Plan, *, message: str = "", today: date | None = None) -> Application:
    """The member asks for ``plan``: refused for an archived or private plan, or when they have
    an application waiting or a membership (current or coming) at the hub already."""
    hub = plan.hub
    today = today or local_today(hub.timezone)
    if plan.is_archived:
        raise MembershipError("This plan is no longer offered.", "plan", status=409)
    if not plan.public:
        raise MembershipError("This plan is offered by the hub's managers only: please ask them.", "plan")
    message = _checked_message(message, required=False)
    if _pending_application(member, hub.id) is not None:
        raise MembershipError("You have an application waiting at this hub already.", status=409)
    if current_or_coming_membership(member.id, hub.id, today) is not None:
        raise MembershipError("You are a member here already: change your plan instead.", status=409)
    application = Application(hub_id=hub.id, member_id=member.id, plan_id=plan.id, message=message)
    db.session.add(application)
    db.session.flush()
    return application


def _pending_application(member: User, hub_id: int) -> Application | None:
    return db.session.scalar(sa.select(Application).where(
        Application.member_id == member.id, Application.hub_id == hub_id,
        Application.status == ApplicationStatus.PENDING.value,
    ))


def current_or_coming_membership(member_id: int, hub_id: int, today: date) -> Membership | None:
    return db.session.scalar(sa.select(Membership).where(
        Membership.member_id == member_id, Membership.hub_id == hub_id,
        sa.or_(Membership.ends_on.is_(None), Membership.ends_on >= today),
    ).order_by(Membership.starts_on).limit(1))


def overlapping_membership(member_id: int, hub_id: int, starts_on: date, ends_on: date | None,
                           *, exclude_id: int | None = None) -> Membership | None:
    query = sa.select(Membership).where(
        Membership.member_id == member_id, Membership.hub_id == hub_id,
        sa.or_(Membership.ends_on.is_(None), Membership.ends_on >= starts_on),
    )
    if ends_on is not None:
        query = query.where(Membership.starts_on <= ends_on)
    if exclude_id is not None:
        query = query.where(Membership.id != exclude_id)
    return db.session.scalar(query.limit(1))


def approve_application(application: Application, *, by: User, starts_on: date, today: date | None = None,
                        organisation: Organisation | None = None, message: str = "", notify: bool = True) -> Membership:
    """Approve: the membership starts on ``starts_on``, which may lie in the past by at most
    MEMBERSHIP_BACKDATE_DAYS days. Approving (or deciding) twice is refused with 409.

    :param notify: email the member (the demo data does not)."""
    hub = application.hub
    require_manager(by, hub, "approve applications")
    _refuse_decided(application)
    today = today or local_today(hub.timezone)
    backdate_days = current_app.config.get("MEMBERSHIP_BACKDATE_DAYS", 31)
    if starts_on < today - timedelta(days=backdate_days):
        raise MembershipError(
            f"A membership can start at most {backdate_days} days in the past." if backdate_days
            else "A membership cannot start before it is approved.", "starts_on")
    if application.plan.is_archived:
        raise MembershipError("That plan has been archived since: decline, or ask them to apply for another.",
                              "plan", status=409)
    if organisation is not None and organisation.hub_id != hub.id:
        raise MembershipError("That organisation is not one of this hub's.", "organisation")
    message = _checked_message(message, required=False)
    if overlapping_membership(application.member_id, hub.id, starts_on, None) is not None:
        raise MembershipError("They have a membership here from that date already.", "starts_on", status=409)
    membership = insert_membership(Membership(
        hub_id=hub.id, member_id=application.member_id, plan_id=application.plan_id, starts_on=starts_on,
        organisation_id=organisation.id if organisation else None, approved_at=utcnow(), approved_by_id=by.id,
    ))
    record_event(membership, "approved", f"Application approved: {application.plan.name} from {starts_on:%d %B %Y}.",
                 by=by, reason=message)
    _decide(application, ApplicationStatus.APPROVED, by, message)
    application.membership_id = membership.id
    if notify:
        _email(application, "application_approved", f"Welcome to {hub.name}", membership=membership, message=message)
    # Bookings the member already made from that date on are now covered by the plan.
    settle_member(hub, application.member_id, Period.of(starts_on), today=today)
    return membership


def enrol_member(member: User, plan: Plan, *, by: User, starts_on: date, today: date | None = None,
                 organisation: Organisation | None = None, message: str = "", notify: bool = True) -> Membership:
    """A manager puts a member on a plan (a private one too) without waiting for them to apply:
    recorded as an application made and approved by the manager, with the same checks."""
    require_manager(by, plan.hub, "enrol members")
    if _pending_application(member, plan.hub_id) is not None:
        raise MembershipError("They have an application waiting: approve or decline it instead.", status=409)
    application = Application(hub_id=plan.hub_id, member_id=member.id, plan_id=plan.id,
                              message=f"Enrolled by {by.name}.")
    db.session.add(application)
    db.session.flush()
    return approve_application(application, by=by, starts_on=starts_on, today=today, organisation=organisation,
                               message=message, notify=notify)


def insert_membership(membership: Membership) -> Membership:
    """Insert in a savepoint: the database's overlap refusal becomes the same friendly 409."""
    try:
        with db.session.begin_nested():
            db.session.add(membership)
            db.session.flush()
    except IntegrityError as error:
        if "membership_overlap" in str(error.orig) or "ex_memberships_no_overlap" in str(error.orig):
            raise MembershipError("They have a membership here at that time already.", "starts_on", status=409) from error
        raise
    return membership


def decline_application(application: Application, *, by: User, message: str) -> Application:
    """Decline with a message the member is sent."""
    require_manager(by, application.hub, "decline applications")
    _refuse_decided(application)
    message = _checked_message(message, required=True)
    _decide(application, ApplicationStatus.DECLINED, by, message)
    _email(application, "application_declined", f"Your application to {application.hub.name}", message=message)
    db.session.flush()
    return application


def _refuse_decided(application: Application) -> None:
    if not application.is_pending:
        raise MembershipError(f"This application was {application.status} already.", status=409)


def _decide(application: Application, status: ApplicationStatus, by: User, message: str) -> None:
    application.status = status.value
    application.decided_at = utcnow()
    application.decided_by_id = by.id
    application.decision_message = message


def _checked_message(message: str, *, required: bool) -> str:
    message = (message or "").strip()
    if required and not message:
        raise MembershipError("Write a message: the member will be sent it.", "message")
    if len(message) > MAX_MESSAGE_LENGTH:
        raise MembershipError(f"Use at most {MAX_MESSAGE_LENGTH} characters.", "message")
    return message


def _email(application: Application, template: str, subject: str, **context) -> None:
    body = render_template(f"mail/memberships/{template}.txt", member=application.member, hub=application.hub,
                           plan=application.plan, **context)
    queue_mail(application.member.email, subject, body)


def pending_applications(hub_id: int) -> list[Application]:
    return list(db.session.scalars(sa.select(Application).where(
        Application.hub_id == hub_id, Application.status == ApplicationStatus.PENDING.value,
    ).order_by(Application.created_at, Application.id)))
