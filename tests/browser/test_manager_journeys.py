"""Managers' journeys in Chromium, at desktop and phone width: running the team and the hub from
the hub's one navigation, each ending on what the people concerned see."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.test_member_journeys import HUB, SLUG, next_open_day, sign_up, today_at_hub

pytestmark = pytest.mark.browser

MANAGER = "manager.leeds@example.org"


def test_a_manager_adds_a_new_member_of_staff_who_then_sees_the_hubs_tools(visit):
    newcomer = visit()
    newcomer.go("/signup")
    email = sign_up(newcomer, name="Sid Newstaff")

    manager = visit()
    page = manager.log_in(MANAGER)
    page.get_by_role("link", name="My hubs").click()
    manager.check()
    hub_nav = page.get_by_role("navigation", name=f"Run {HUB}")
    for tool in ("Day", "Week", "All bookings", "Block a space", "Booking rules", "Details",
                 "Opening hours", "Closures", "Spaces", "Calendar feeds", "Memberships", "Team"):
        expect(hub_nav.get_by_role("link", name=tool, exact=True)).to_be_visible()
    manager.screenshot("manager-hub")
    hub_nav.get_by_role("link", name="Team", exact=True).click()
    manager.check()
    page.get_by_label("Email of their account").fill(email)
    page.get_by_role("button", name="Add to the team").click()
    manager.check()
    expect(page.locator(".flash-success")).to_contain_text(f"Sid Newstaff is now staff at {HUB}.")
    expect(page.locator(".team-list")).to_contain_text("Sid Newstaff")

    # What the new member of staff sees: the hub's tools for staff, and no manager's tools.
    staff_page = newcomer.go("/hubs/mine")
    staff_nav = staff_page.get_by_role("navigation", name=f"Run {HUB}")
    expect(staff_nav.get_by_role("link", name="Day", exact=True)).to_be_visible()
    expect(staff_nav.get_by_role("link", name="Details", exact=True)).to_have_count(0)
    staff_nav.get_by_role("link", name="Week", exact=True).click()
    newcomer.check()
    expect(staff_page.get_by_role("heading", level=1)).to_contain_text(HUB)


def test_a_manager_cannot_appoint_a_manager_but_removes_staff(visit):
    newcomer = visit()
    newcomer.go("/signup")
    email = sign_up(newcomer, name="Tess Temp")
    manager = visit()
    page = manager.log_in(MANAGER)
    manager.go(f"/hubs/{SLUG}/team")
    expect(page.get_by_label("Role")).to_have_count(0)  # staff is the only role a manager gives
    page.get_by_label("Email of their account").fill(email)
    page.get_by_role("button", name="Add to the team").click()
    manager.check()
    page.get_by_role("button", name=re.compile("Remove from the team.*Tess Temp")).click()
    manager.check()
    expect(page.locator(".flash-success")).to_contain_text("Tess Temp is no longer on the team")
    expect(page.locator(".team-list")).not_to_contain_text("Tess Temp")


def test_a_manager_closes_a_day_with_bookings_and_the_members_are_emailed(visit, live_server):
    from coworking.extensions import db
    from coworking.mail import OutboxMessage

    member = visit()
    member.go("/signup")
    email = sign_up(member, name="Clara Closed")
    day = next_open_day(today_at_hub(live_server) + timedelta(days=9))
    if member.width.is_phone:  # each width its own day: both may run against one server
        day = next_open_day(day)
    member.go(f"/hubs/{SLUG}/book/desk?date={day.isoformat()}")
    member.page.get_by_role("button", name="Book desk").click()
    member.check()
    expect(member.page.get_by_text("Confirmed")).to_be_visible()

    manager = visit()
    page = manager.log_in(MANAGER)
    manager.go(f"/hubs/{SLUG}/closures")
    page.get_by_label(re.compile("^(First|Start|From)", re.I)).fill(day.isoformat())
    page.get_by_label(re.compile("^(Last|End|To|Until)", re.I)).fill(day.isoformat())
    page.get_by_label("Reason").fill("Boiler repair")
    page.get_by_role("button", name=re.compile("closure", re.I)).click()
    manager.check()
    # The closure first shows the bookings it would cancel, then cancels them when confirmed.
    expect(page.get_by_role("main")).to_contain_text("Clara Closed")
    page.get_by_role("button", name=re.compile("cancel|confirm|close", re.I)).first.click()
    manager.check()
    expect(page.locator(".flash-success")).to_contain_text(re.compile("cancel", re.I))

    with live_server.app.app_context():
        sent_to = db.session.scalars(sa.select(OutboxMessage.to_address)).all()
    assert email in sent_to
    member.go("/bookings")
    expect(member.page.get_by_role("main")).to_contain_text("Cancelled")


def test_every_page_of_the_hub_navigation_opens_and_passes_the_audit(visit):
    manager = visit()
    page = manager.log_in(MANAGER)
    manager.go(f"/hubs/{SLUG}")
    names = page.get_by_role("navigation", name=f"Run {HUB}").get_by_role("link").all_inner_texts()
    assert len(names) >= 17, names
    for name in names:
        page.get_by_role("navigation", name=f"Run {HUB}").get_by_role("link", name=name, exact=True).click()
        manager.check()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        current = page.get_by_role("navigation", name=f"Run {HUB}").locator("a[aria-current=page]")
        if name != "Public page":
            expect(current).to_have_text(name)
