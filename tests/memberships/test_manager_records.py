"""A member's record as a hub manager sees it, and the changes made from it: a plan change, a
pause, cancelling (the end date shown first), concessions, the allowance, who is billed and a
note. Bad input comes back beside its field with a 4xx, and nothing is changed."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from coworking.bookings.operations import book_space
from coworking.extensions import db
from coworking.memberships.lifecycle import add_concession, cancel_membership, cancellation_end_date
from coworking.memberships.models import (
    AllowanceEntry,
    Concession,
    Membership,
    MembershipEvent,
    MembershipPause,
    MembershipPlanChange,
)
from coworking.memberships.periods import Period
from coworking.memberships.plans import create_pass_product, save_organisation, sell_pass
from tests.conftest import post_form
from tests.memberships.manage_fixtures import count, error_beside, fresh_snapshot, member_since, text


@pytest.fixture
def membership(member, manager, hot_desk, today):
    """Mary on Hot desk (10 desk days, 4 room hours, pauses up to 2 months) since last month."""
    membership = member_since(member, hot_desk, Period.of(today).plus(-1).first_day, manager)
    db.session.commit()
    return membership


@pytest.fixture
def record_url(membership):
    return f"/hubs/here/memberships/{membership.id}"


def stored(membership) -> Membership:
    fresh_snapshot()
    return db.session.get(Membership, membership.id)


def events(membership) -> list[tuple[str, str]]:
    fresh_snapshot()
    return [(e.kind, e.description) for e in db.session.scalars(
        sa.select(MembershipEvent).where(MembershipEvent.membership_id == membership.id).order_by(MembershipEvent.id))]


# --- the record -----------------------------------------------------------------------------

def book_desk(space, member, manager, at, day):
    """A day's desk booking made by the manager (rules overridden); its event settles it."""
    return book_space(space, member, at(day, "09:00"), at(day, "17:00"), booked_by=manager, override_rules=True,
                      notify=False, now=at(day, "09:00") - timedelta(days=1))


def test_the_record_shows_the_membership_its_allowance_with_the_bookings_passes_and_history(
        client, login, manager, member, hub, membership, record_url, desks, at, today):
    booking = book_desk(desks[0], member, manager, at, today)
    product = create_pass_product(hub, by=manager, name="Ten desk days", desk_days=10, valid_days=90, price_minor=12_000)
    sell_pass(product, member, hub=hub, sold_by=manager, today=today)
    db.session.commit()
    login(manager)
    page = text(client.get(record_url))
    assert "Mary Member at Here Hub" in page and "member@example.org" in page
    assert "Hot desk: £120.00 a month before VAT" in page and "Active" in page and "Open-ended" in page
    assert "1 desk day used of 10 desk days; 9 desk days left" in page
    assert f'href="/bookings/{booking.id}"' in page and "Desk 1" in page
    assert "0 min of room time used of 4 h of room time" in page
    assert "Ten desk days: 10 desk days left of 10" in page
    assert "Mo Manager" in page and "Application approved: Hot desk" in page
    for link in ("Change plan", "Pause", "Cancel", "Add a concession", "Adjust the allowance", "Who is billed"):
        assert f">{link}</a>" in page


def test_the_record_lists_the_members_other_memberships_at_the_hub(client, login, manager, member, hot_desk, membership, today):
    this = Period.of(today)
    cancel_membership(membership, by=manager, today=today, ends_on=this.last_day)
    later = member_since(member, hot_desk, this.plus(1).first_day, manager)
    db.session.commit()
    login(manager)
    page = text(client.get(f"/hubs/here/memberships/{later.id}"))
    assert "Other memberships at Here Hub" in page and f"/hubs/here/memberships/{membership.id}" in page


# --- plan, pause, cancellation --------------------------------------------------------------

def test_a_plan_change_from_next_month_and_one_at_once(client, login, manager, membership, record_url, resident, make_plan, today):
    login(manager)
    response = post_form(client, f"{record_url}/plan", {"plan": resident.id, "when": "next_period", "reason": "Growing"})
    assert response.status_code == 302 and response.headers["Location"].endswith(record_url)
    changes = db.session.scalars(sa.select(MembershipPlanChange)).all()
    assert [(c.plan_id, c.effective_on) for c in changes] == [(resident.id, Period.of(today).plus(1).first_day)]
    assert "Resident (scheduled)" in text(client.get(record_url))
    studio = make_plan(name="Studio")
    assert post_form(client, f"{record_url}/plan", {"plan": studio.id, "when": "at_once"}).status_code == 302
    fresh_snapshot()
    assert (today, studio.id) in {(c.effective_on, c.plan_id) for c in db.session.scalars(sa.select(MembershipPlanChange))}


def test_a_plan_change_to_the_plan_it_is_on_or_to_a_past_date_is_refused(client, login, manager, membership, record_url, hot_desk, resident, today):
    login(manager)
    response = post_form(client, f"{record_url}/plan", {"plan": hot_desk.id, "when": "at_once"})
    assert response.status_code == 409 and "on Hot desk then already" in error_beside(text(response), "plan")
    response = post_form(client, f"{record_url}/plan", {"plan": resident.id, "when": "on_date",
                                                         "effective_on": (today - timedelta(days=1)).isoformat()})
    assert response.status_code == 422 and "today or a later date" in error_beside(text(response), "effective_on")
    assert count(MembershipPlanChange) == 0 and [kind for kind, _ in events(membership)] == ["approved"]


def test_a_pause_longer_than_the_plan_allows_is_refused_and_a_shorter_one_recorded(client, login, manager, membership, record_url, today):
    login(manager)
    next_month = Period.of(today).plus(1)
    page = text(client.get(f"{record_url}/pause"))
    assert "up to 2 in a row" in page
    response = post_form(client, f"{record_url}/pause", {"first_period": next_month.key, "months": "3"})
    assert response.status_code == 422 and "at most 2 months" in error_beside(text(response), "months")
    assert count(MembershipPause) == 0
    response = post_form(client, f"{record_url}/pause", {"first_period": next_month.key, "months": "1000000000"})
    assert response.status_code == 422 and "at most 2 months" in error_beside(text(response), "months")
    response = post_form(client, f"{record_url}/pause", {"first_period": "2026-13", "months": "1"})
    assert response.status_code == 400 and error_beside(text(response), "first_period")
    response = post_form(client, f"{record_url}/pause", {"first_period": next_month.key, "months": "2", "reason": "Travelling"})
    assert response.status_code == 302
    pause = db.session.scalar(sa.select(MembershipPause))
    assert (pause.starts_on, pause.ends_on) == (next_month.first_day, next_month.plus(1).last_day)


def test_cancelling_shows_the_end_date_first_and_cancelling_twice_is_refused(client, login, manager, membership, record_url, today):
    login(manager)
    ends_on = cancellation_end_date(membership, today)
    page = text(client.get(f"{record_url}/cancel"))
    assert f"the membership ends on <strong>{ends_on:%A %d %B %Y}</strong>" in page and "notice of 30 days" in page
    response = post_form(client, f"{record_url}/cancel", {"reason": "Moving away"})
    assert response.status_code == 302
    assert (stored(membership).ends_on, stored(membership).cancel_reason) == (ends_on, "Moving away")
    before = events(membership)
    response = post_form(client, f"{record_url}/cancel", {"ends_on": today.isoformat()})
    assert response.status_code == 409 and "cancelled already" in text(response)
    assert stored(membership).ends_on == ends_on and events(membership) == before


def test_an_end_date_further_back_than_allowed_is_shown_beside_it(client, login, manager, membership, record_url, today):
    login(manager)
    response = post_form(client, f"{record_url}/cancel", {"ends_on": (today - timedelta(days=60)).isoformat()})
    assert response.status_code == 422 and "too far back" in error_beside(text(response), "ends_on")
    assert stored(membership).ends_on is None and not stored(membership).is_cancelled


# --- concessions ----------------------------------------------------------------------------

@pytest.mark.parametrize("form,field,message", [
    ({"kind": "percent", "percent": "150"}, "percent", "between 0 and 100%"),
    ({"kind": "percent", "percent": "-5"}, "percent", "between 0 and 100%"),
    ({"kind": "fixed", "fixed_price": "-10"}, "fixed_price", "cannot be negative"),
    ({"kind": "percent", "percent": "12.345"}, "percent", "at most two decimals"),
])
def test_a_bad_concession_is_shown_beside_its_field_and_nothing_is_stored(client, login, manager, membership, record_url, form, field, message):
    login(manager)
    response = post_form(client, f"{record_url}/concessions/new", {"reason": "Bursary", **form})
    assert response.status_code in (400, 422) and message in error_beside(text(response), field)
    assert count(Concession) == 0


def test_a_funded_concession_with_a_fixed_price_and_ending_it(client, login, manager, membership, record_url, today):
    login(manager)
    review_on = today + timedelta(days=90)
    response = post_form(client, f"{record_url}/concessions/new", {
        "kind": "fixed", "fixed_price": "40.00", "reason": "Unemployed", "review_on": review_on.isoformat(),
        "funded_by_community_fund": "y"})
    assert response.status_code == 302
    concession = db.session.scalar(sa.select(Concession))
    assert (concession.fixed_price_minor, concession.percent_bp, concession.funded_by_community_fund, concession.review_on) == (
        4000, None, True, review_on)
    page = text(client.get(record_url))
    assert "Fixed price £40.00 a month" in page and "funded by the community fund" in page and "£40.00 with the concession" in page
    last_day = Period.of(today).last_day
    response = post_form(client, f"{record_url}/concessions/{concession.id}/end", {"ends_on": last_day.isoformat(), "reason": "Found work"})
    assert response.status_code == 302
    fresh_snapshot()
    assert db.session.get(Concession, concession.id).ends_on == last_day


def test_another_memberships_concession_is_not_found_here(client, login, manager, make_user, hot_desk, membership, record_url, today, make_membership):
    other = make_membership(make_user(email="other@example.org"), hot_desk)
    concession = add_concession(other, by=manager, reason="Student", percent_bp=2000)
    db.session.commit()
    login(manager)
    assert client.get(f"{record_url}/concessions/{concession.id}/end").status_code == 404


# --- allowance, billing, notes --------------------------------------------------------------

def test_adjusting_the_allowance_needs_a_reason_and_cannot_take_back_what_is_not_there(client, login, manager, membership, record_url, today):
    login(manager)
    month = Period.of(today).key
    response = post_form(client, f"{record_url}/allowance", {"period": month, "resource": "desk_days", "quantity": "2"})
    assert response.status_code == 400 and error_beside(text(response), "reason") == "Say why."
    response = post_form(client, f"{record_url}/allowance", {"period": month, "resource": "desk_days", "quantity": "-50", "reason": "Oops"})
    assert response.status_code == 422 and "left to take back" in error_beside(text(response), "quantity")
    response = post_form(client, f"{record_url}/allowance", {"period": month, "resource": "desk_days",
                                                              "quantity": "99999999999", "reason": "Typo"})
    assert response.status_code == 422 and "whole number of units" in error_beside(text(response), "quantity")
    assert count(AllowanceEntry, AllowanceEntry.kind == "ADJUSTMENT") == 0
    response = post_form(client, f"{record_url}/allowance", {"period": month, "resource": "desk_days", "quantity": "2",
                                                              "reason": "Wifi was down for two days"})
    assert response.status_code == 302
    page = text(client.get(record_url))
    assert "0 desk days used of 12 desk days (including 2 desk days adjusted)" in page and "Wifi was down for two days" in page


def test_choosing_the_organisation_billed(client, login, manager, outsider, hub, membership, record_url):
    bakery = save_organisation(hub, by=manager, name="Bakery Co-op", billing_email="accounts@bakery.example")
    away = outsider.roles[0].hub
    elsewhere = save_organisation(away, by=outsider, name="Elsewhere Ltd", billing_email="accounts@elsewhere.example")
    db.session.commit()
    login(manager)
    response = post_form(client, f"{record_url}/billing", {"organisation": elsewhere.id})
    assert response.status_code == 400 and "hub's organisations" in error_beside(text(response), "organisation")
    assert stored(membership).organisation_id is None
    response = post_form(client, f"{record_url}/billing", {"organisation": bakery.id, "reason": "Their employer pays"})
    assert response.status_code == 302 and stored(membership).organisation_id == bakery.id
    assert "Bakery Co-op (accounts@bakery.example)" in text(client.get(record_url))


def test_a_note_is_kept_in_the_history(client, login, manager, membership, record_url):
    login(manager)
    response = post_form(client, f"{record_url}/notes", {"text": "  "})
    assert response.status_code == 400 and error_beside(text(response), "text") == "Write the note."
    response = post_form(client, f"{record_url}/notes", {"text": "Asked about a locker."})
    assert response.status_code == 302
    assert events(membership)[-1] == ("note", "Asked about a locker.")
    assert "Mo Manager noted:" in text(client.get(record_url))


# --- who may -----------------------------------------------------------------------------

def test_staff_read_the_record_but_change_nothing(client, login, staff, membership, record_url):
    login(staff)
    page = text(client.get(record_url))
    assert "Mary Member at Here Hub" in page and ">Change plan</a>" not in page and "Add note" not in page
    assert client.get(f"{record_url}/cancel").status_code == 403
    assert post_form(client, f"{record_url}/notes", {"text": "Hello"}).status_code == 403
    assert count(MembershipEvent, MembershipEvent.kind == "note") == 0


def test_the_record_is_refused_to_others_and_not_found_under_another_hub(client, login, member, outsider, membership, record_url):
    login(member)
    assert client.get(record_url).status_code == 403
    client.get("/logout")
    login(outsider)
    assert client.get(record_url).status_code == 403
    assert client.get(f"/hubs/away/memberships/{membership.id}").status_code == 404
    assert post_form(client, f"/hubs/away/memberships/{membership.id}/cancel", {}).status_code == 404
    assert stored(membership).ends_on is None
