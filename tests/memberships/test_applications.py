"""Applying, approving with a start date, declining with a message: the member is emailed
either way; bad input is refused with a clear message, a 4xx and nothing changed."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from coworking.extensions import db
from coworking.mail import OutboxMessage
from coworking.memberships.applications import (
    apply_for_plan,
    approve_application,
    decline_application,
    insert_membership,
)
from coworking.memberships.errors import MembershipError
from coworking.memberships.models import Application, Membership


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def application(member, make_plan, today):
    application = apply_for_plan(member, make_plan(name="Hot desk"), message="I run a small bakery", today=today)
    db.session.commit()
    return application


def test_approving_starts_the_membership_on_the_chosen_date_and_emails_the_member(application, manager, member, today):
    starts_on = today + timedelta(days=3)
    membership = approve_application(application, by=manager, starts_on=starts_on, today=today, message="See you Monday")
    db.session.commit()
    assert (membership.member_id, membership.plan_id, membership.starts_on, membership.ends_on) == (member.id, application.plan_id, starts_on, None)
    assert (membership.approved_by_id, application.status, application.membership_id) == (manager.id, "approved", membership.id)
    assert [(e.kind, e.by_id) for e in membership.events] == [("approved", manager.id)]
    mail = db.session.scalars(sa.select(OutboxMessage)).one()
    assert mail.to_address == member.email and "Welcome to Here Hub" in mail.subject
    assert "Hot desk" in mail.body_text and f"{starts_on:%d %B %Y}" in mail.body_text and "See you Monday" in mail.body_text


def test_approving_twice_is_refused_with_409_and_nothing_changes(application, manager, today):
    approve_application(application, by=manager, starts_on=today, today=today)
    db.session.commit()
    with pytest.raises(MembershipError) as refusal:
        approve_application(application, by=manager, starts_on=today, today=today)
    assert refusal.value.status == 409
    db.session.rollback()
    assert (count(Membership), count(OutboxMessage)) == (1, 1)


def test_a_start_date_further_back_than_a_manager_may_backdate_is_refused(app, application, manager, today):
    with pytest.raises(MembershipError) as refusal:
        approve_application(application, by=manager, starts_on=today - timedelta(days=32), today=today)
    assert (refusal.value.field, refusal.value.status) == ("starts_on", 422)
    assert "31 days" in refusal.value.message
    app.config["MEMBERSHIP_BACKDATE_DAYS"] = 0
    with pytest.raises(MembershipError) as refusal:
        approve_application(application, by=manager, starts_on=today - timedelta(days=1), today=today)
    assert refusal.value.field == "starts_on"
    app.config["MEMBERSHIP_BACKDATE_DAYS"] = 31
    membership = approve_application(application, by=manager, starts_on=today - timedelta(days=31), today=today)
    assert membership.starts_on == today - timedelta(days=31)


def test_a_manager_of_another_hub_cannot_approve(application, make_hub, make_manager, today):
    stranger = make_manager(make_hub(), email="stranger@example.org")
    with pytest.raises(MembershipError) as refusal:
        approve_application(application, by=stranger, starts_on=today, today=today)
    assert refusal.value.status == 403
    db.session.rollback()
    assert count(Membership) == 0 and application.is_pending


def test_declining_needs_a_message_which_the_member_is_sent(application, manager, member):
    with pytest.raises(MembershipError) as refusal:
        decline_application(application, by=manager, message="  ")
    assert refusal.value.field == "message"
    decline_application(application, by=manager, message="We are full until spring.")
    db.session.commit()
    assert application.status == "declined" and application.decided_by_id == manager.id
    mail = db.session.scalars(sa.select(OutboxMessage)).one()
    assert mail.to_address == member.email and "We are full until spring." in mail.body_text
    with pytest.raises(MembershipError) as refusal:
        approve_application(application, by=manager, starts_on=application.created_at.date())
    assert refusal.value.status == 409


def test_one_application_at_a_time_and_none_from_a_member(application, member, make_plan, make_membership, make_user, today):
    with pytest.raises(MembershipError) as refusal:
        apply_for_plan(member, make_plan(), today=today)
    assert refusal.value.status == 409
    someone = make_user()
    make_membership(someone, make_plan())
    with pytest.raises(MembershipError) as refusal:
        apply_for_plan(someone, make_plan(), today=today)
    assert refusal.value.status == 409 and "change your plan" in refusal.value.message


def test_private_and_archived_plans_take_no_applications(member, make_plan, manager, today):
    from coworking.memberships.plans import archive_plan

    with pytest.raises(MembershipError) as refusal:
        apply_for_plan(member, make_plan(public=False), today=today)
    assert refusal.value.field == "plan"
    archived = make_plan()
    archive_plan(archived, by=manager)
    with pytest.raises(MembershipError) as refusal:
        apply_for_plan(member, archived, today=today)
    assert refusal.value.status == 409
    db.session.rollback()
    assert count(Application) == 0


def test_the_database_refuses_two_overlapping_memberships_of_a_member_in_a_hub(hub, member, make_plan, make_membership, today):
    plan = make_plan()
    first = make_membership(member, plan, today)
    first.ends_on = today + timedelta(days=30)
    db.session.commit()
    overlapping = dict(hub_id=hub.id, member_id=member.id, plan_id=plan.id, starts_on=today + timedelta(days=30))
    with pytest.raises(MembershipError) as refusal:
        insert_membership(Membership(**overlapping))
    assert refusal.value.status == 409
    db.session.rollback()
    with pytest.raises(IntegrityError):  # and without the service's savepoint, as the database says it
        db.session.execute(sa.insert(Membership).values(**overlapping, approved_at=first.approved_at,
                                                        created_at=first.created_at, cancel_reason=""))
    db.session.rollback()
    after = insert_membership(Membership(**{**overlapping, "starts_on": today + timedelta(days=31)}))
    assert after.id is not None
    with pytest.raises(IntegrityError):  # an open-ended one reaches to infinity
        db.session.execute(sa.update(Membership).where(Membership.id == first.id).values(ends_on=None))


def test_a_manager_enrols_a_member_on_a_private_plan_directly(member, manager, make_plan, today):
    from coworking.memberships.applications import enrol_member

    private = make_plan(name="Community", public=False)
    with pytest.raises(MembershipError) as refusal:
        enrol_member(member, private, by=member, starts_on=today, today=today)
    assert refusal.value.status == 403
    membership = enrol_member(member, private, by=manager, starts_on=today, today=today, notify=False)
    db.session.commit()
    application = db.session.scalars(sa.select(Application)).one()
    assert (membership.plan_id, application.status, application.decided_by_id) == (private.id, "approved", manager.id)
    assert count(OutboxMessage) == 0
