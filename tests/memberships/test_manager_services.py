"""The small services the managers' pages added: a note on a member's record, finding an
account by email, and the plan filter matching the plan in force (not the plan started on)."""
from __future__ import annotations

import pytest

from coworking.extensions import db
from coworking.memberships.errors import MembershipError
from coworking.memberships.history import MAX_NOTE_LENGTH, add_note, member_by_email, membership_history
from coworking.memberships.lifecycle import cancel_membership, change_plan
from coworking.memberships.periods import Period
from coworking.memberships.queries import MembershipFilters, hub_memberships
from tests.memberships.manage_fixtures import member_since


@pytest.fixture
def membership(member, hot_desk, make_membership):
    return make_membership(member, hot_desk)


def test_a_note_is_a_line_of_the_history_written_by_a_manager(membership, manager):
    add_note(membership, by=manager, text="  Asked about a locker.  ")
    db.session.commit()
    latest = membership_history(membership)[0]
    assert (latest.kind, latest.description, latest.by.name) == ("note", "Asked about a locker.", "Mo Manager")


@pytest.mark.parametrize("text,status", [("   ", 422), ("x" * (MAX_NOTE_LENGTH + 1), 422)])
def test_an_empty_or_overlong_note_is_refused(membership, manager, text, status):
    with pytest.raises(MembershipError) as refusal:
        add_note(membership, by=manager, text=text)
    assert (refusal.value.field, refusal.value.status) == ("text", status)


def test_only_the_hubs_managers_write_notes(membership, member, staff):
    for who in (member, staff):
        with pytest.raises(MembershipError) as refusal:
            add_note(membership, by=who, text="Hello")
        assert refusal.value.status == 403


def test_an_account_is_found_by_its_email_in_any_case(member):
    assert member_by_email("  MEMBER@example.org ") == member
    with pytest.raises(MembershipError) as refusal:
        member_by_email("nobody@example.org", "email")
    assert (refusal.value.field, refusal.value.status) == ("email", 422)


def test_the_plan_filter_matches_the_plan_in_force_on_each_memberships_day(hub, manager, make_user, hot_desk, resident, today):
    this = Period.of(today)
    moved = member_since(make_user(email="moved@example.org"), hot_desk, this.plus(-2).first_day, manager)
    change_plan(moved, resident, by=manager, today=this.plus(-1).first_day, at_once=True)
    moving = member_since(make_user(email="moving@example.org"), hot_desk, this.plus(-2).first_day, manager)
    change_plan(moving, resident, by=manager, today=today)  # from next month
    ended = member_since(make_user(email="ended@example.org"), hot_desk, this.plus(-3).first_day, manager)
    change_plan(ended, resident, by=manager, today=this.plus(-3).first_day.replace(day=10), at_once=True)
    cancel_membership(ended, by=manager, today=this.plus(-2).last_day, ends_on=this.plus(-2).last_day)
    db.session.commit()

    def on(plan) -> set[str]:
        page = hub_memberships(hub, MembershipFilters(plan_id=plan.id), today)
        return {m.member.email for m in page.items}

    assert on(resident) == {"moved@example.org", "ended@example.org"}
    assert on(hot_desk) == {"moving@example.org"}
