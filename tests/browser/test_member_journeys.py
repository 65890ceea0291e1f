"""Members' journeys in Chromium, at desktop and phone width, each ending on what the person sees.

The demo data of ``seed-demo`` is the stage (Leeds Central Co-work, its desks and rooms); each
journey signs up a person of its own, so journeys never see each other's bookings.
"""
from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from coworking.timezones import local_today

pytestmark = pytest.mark.browser

HUB = "Leeds Central Co-work"
SLUG = "leeds-central"


def next_open_day(after: date) -> date:
    """The first weekday after ``after``: the demo hubs open Monday to Friday."""
    day = after + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def sign_up(tab, name: str = "Nina Newcomer") -> str:
    """On the sign-up page: fill it in as a new person; returns their email."""
    email = f"nina.{uuid.uuid4().hex[:10]}@example.org"
    page = tab.page
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill("a-long-enough-password")
    page.get_by_label(re.compile("Confirm|Repeat|again", re.I)).fill("a-long-enough-password")
    page.get_by_role("button", name="Sign up").click()
    tab.check()
    return email


def signed_up(visit):
    """A new member, logged in, on the home page."""
    tab = visit()
    tab.go("/signup")
    sign_up(tab)
    return tab


def go_to_day(tab, day: date):
    """On a day view: choose another date with the date picker, as a person would."""
    page = tab.page
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_role("button", name="Show this day").click()
    return tab.check()


def minutes(hhmm: str) -> int:
    hours, mins = hhmm.strip().split(":")
    return int(hours) * 60 + int(mins)


def today_at_hub(live_server) -> date:
    return local_today("Europe/London")


def minutes_left_today(live_server) -> int:
    """Minutes from now until the demo hub closes today (0 when it does not open today)."""
    from coworking.hubs.services import get_hub_by_slug
    from coworking.timezones import combine_local
    from coworking.types import utcnow

    today = today_at_hub(live_server)
    with live_server.app.app_context():
        hub = get_hub_by_slug(SLUG)
        hours = hub.hours_on(today.weekday())
        if hours is None or hub.closure_on(today) is not None:
            return 0
        closes = combine_local(today, hours.closes_at, hub.timezone)
    return max(0, int((closes - utcnow()).total_seconds() // 60))


def test_a_newcomer_signs_up_from_the_home_page_and_books_a_desk_for_tomorrow(visit, live_server):
    tab = visit()
    page = tab.go("/")
    expect(page.get_by_role("heading", name="How to book")).to_be_visible()
    tab.screenshot("home")

    page.get_by_role("link", name=f"Book at {HUB}").click()
    tab.check()
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_role("main").get_by_role("link", name="Sign up").click()
    tab.check()
    sign_up(tab)
    # Back where they were going: the hub's availability, not the home page.
    expect(page).to_have_url(re.compile(rf"/hubs/{SLUG}/book"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Book at {HUB}")

    day = next_open_day(today_at_hub(live_server))
    go_to_day(tab, day)
    expect(page.get_by_role("heading", name="Free times")).to_be_visible()
    tab.screenshot("free-times")
    page.get_by_role("link", name="Book a desk").click()
    tab.check()
    expect(page.get_by_label("Date")).to_have_value(day.isoformat())
    page.get_by_role("button", name="Book desk").click()
    tab.check()

    expect(page.get_by_role("heading", level=1)).to_contain_text(day.strftime("%a %d %b %Y"))
    expect(page).to_have_title(re.compile(rf"^Booking: Desk \d, {day.strftime('%a %d %b %Y')}"))
    expect(page.get_by_text("Confirmed")).to_be_visible()
    expect(page.locator(".flash-success")).to_contain_text("Booked: Desk")
    page.get_by_role("link", name="My bookings").first.click()
    tab.check()
    upcoming = page.locator("section", has=page.get_by_role("heading", name="Upcoming"))
    expect(upcoming.locator(".booking-card")).to_have_count(1)
    expect(upcoming).to_contain_text(day.strftime("%a %d %b %Y"))
    tab.screenshot("my-bookings")


def test_a_member_books_a_room_from_a_free_time(visit, live_server):
    tab = signed_up(visit)
    page = tab.page
    day = next_open_day(today_at_hub(live_server) + timedelta(days=1))
    if tab.width.is_phone:  # each width its own day: both may run against one server
        day = next_open_day(day)
    tab.go(f"/hubs/{SLUG}/book?date={day.isoformat()}&kind=room")
    # The Phone Booth's first free hour, as the list of free times says, then its "Free" cell.
    free_times = page.locator(".free-list li", has_text="Phone Booth").get_by_role("link").all_inner_texts()
    start = next(span.split("–")[0] for span in free_times if minutes(span.split("–")[1]) - minutes(span.split("–")[0]) >= 60)
    row = page.locator("table.availability tr", has=page.locator("th", has_text="Phone Booth"))
    cell = row.locator("td.slot-free a", has_text=f"{start}–").first
    cell.scroll_into_view_if_needed()
    cell.click()
    tab.check()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Book a room")
    expect(page.get_by_label("Room").locator("option:checked")).to_have_text(re.compile("Phone Booth"))
    # The form starts at the cell chosen; an hour is a length every hub allows.
    expect(page.get_by_label("Start")).to_have_value(start)
    end = f"{minutes(start) // 60 + 1:02d}:{minutes(start) % 60:02d}"
    page.get_by_label("End").select_option(end)
    page.get_by_role("button", name="Book room").click()
    tab.check()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phone Booth")
    expect(page.get_by_text("Confirmed")).to_be_visible()
    expect(page.locator(".details")).to_contain_text(f"{start}–{end}")


def test_a_member_subscribes_to_their_calendar_and_the_link_answers_a_calendar(visit, live_server):
    tab = signed_up(visit)
    page = tab.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    tab.go("/profile")
    page.get_by_role("link", name="Get your calendar link").click()
    tab.check()
    page.get_by_role("button", name=re.compile("^Copy")).first.click()
    expect(page.locator("#copy-status")).to_have_text("Copied the link to your clipboard.")
    link = page.evaluate("() => navigator.clipboard.readText()")
    assert link.startswith(live_server.url) and link.endswith(".ics"), link
    answer = page.request.get(link)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    body = answer.text()
    assert body.startswith("BEGIN:VCALENDAR") and "END:VCALENDAR" in body
    from icalendar import Calendar

    assert Calendar.from_ical(body).name == "VCALENDAR"


def test_a_member_cancels_a_booking_after_confirming(visit, live_server):
    tab = signed_up(visit)
    page = tab.page
    day = next_open_day(today_at_hub(live_server) + timedelta(days=2))
    tab.go(f"/hubs/{SLUG}/book/desk?date={day.isoformat()}")
    page.get_by_role("button", name="Book desk").click()
    tab.check()
    desk = re.search(r"Booking: (Desk \d)", page.get_by_role("heading", level=1).inner_text()).group(1)

    tab.go("/bookings")
    # A button or a link, whichever way the card asks.
    page.locator(".booking-card").locator("a, button").filter(has_text=re.compile(r"^\s*Cancel")).first.click()
    tab.check()
    # First a question naming the booking, then the answer.
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("cancel", re.I))
    expect(page.get_by_role("main")).to_contain_text(desk)
    page.get_by_role("button", name=re.compile("Yes|Cancel booking|Confirm", re.I)).first.click()
    tab.check()
    expect(page.locator(".flash-success")).to_contain_text(desk)
    tab.go("/bookings")
    expect(page.get_by_role("heading", name="Upcoming").locator("xpath=..")).to_contain_text("No upcoming bookings.")


def test_a_walk_in_books_the_rest_of_today(visit, live_server):
    tab = signed_up(visit)
    page = tab.page
    today = today_at_hub(live_server)
    # The rest of today starts at the next slot and lasts at least the hub's shortest booking.
    if minutes_left_today(live_server) < 120:
        pytest.skip("the demo hub is closed, or closes within two hours: no walk-in to make today")
    tab.go(f"/hubs/{SLUG}/book/desk?date={today.isoformat()}")
    page.get_by_role("button", name="Book desk").click()
    tab.check()
    expect(page.get_by_text("Confirmed")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(today.strftime("%a %d %b %Y"))


def test_a_weekly_series_lists_the_dates_it_skipped(visit, live_server):
    from coworking.errors import DomainError
    from coworking.extensions import db
    from coworking.hubs.services import add_closure, get_hub_by_slug
    from coworking.transactions import unit_of_work

    tab = signed_up(visit)
    page = tab.page
    first = next_open_day(today_at_hub(live_server) + timedelta(days=3))
    if tab.width.is_phone:  # each width its own weekday: both may run against one server
        first = next_open_day(first)
    skipped = first + timedelta(days=14)
    with live_server.app.app_context():
        try:
            with unit_of_work():
                add_closure(get_hub_by_slug(SLUG), skipped, skipped, "Training day")
        except DomainError:
            pass  # already closed by an earlier run on this server
        db.session.remove()

    tab.go(f"/hubs/{SLUG}/book/series")
    page.get_by_label("Space").select_option(label="Aire Room")
    page.get_by_label("First date").fill(first.isoformat())
    page.get_by_role("spinbutton", name="Number of times").fill("4")
    page.get_by_role("button", name="Preview").click()
    tab.check()
    preview = page.locator("section", has=page.get_by_role("heading", name=re.compile("^Preview")))
    # Weekly on the first date's weekday, whatever day the form opened on.
    for week in range(4):
        expect(preview).to_contain_text((first + timedelta(weeks=week)).strftime("%a %d %b %Y"))
    page.get_by_role("button", name=re.compile(r"^Book (all|the)")).click()
    tab.check()
    expect(page.locator(".flash-success")).to_contain_text("of Aire Room")
    expect(page.locator(".flash").filter(has_text="could not be booked")).to_contain_text(
        f"{skipped:%a} {skipped.day} {skipped:%b %Y}")


def test_submitting_a_desk_booking_twice_books_once(visit, live_server):
    tab = signed_up(visit)
    page = tab.page
    day = next_open_day(today_at_hub(live_server) + timedelta(days=4))
    tab.go(f"/hubs/{SLUG}/book/desk?date={day.isoformat()}")
    page.get_by_role("button", name="Book desk").click()
    tab.check()
    page.go_back()
    tab.check()
    page.get_by_role("button", name="Book desk").click()
    tab.check()
    tab.go("/bookings")
    upcoming = page.locator("section", has=page.get_by_role("heading", name="Upcoming"))
    expect(upcoming.locator(".booking-card")).to_have_count(1)


def test_every_page_of_the_members_menu_opens_and_passes_the_audit(visit):
    tab = visit()
    page = tab.log_in("alice@example.org")
    names = page.get_by_role("navigation", name="Main").get_by_role("link").all_inner_texts()
    assert "API tokens" not in names  # under the profile now
    for name in names:
        page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()
        tab.check()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    for path in ("/profile/tokens", "/profile/calendar", f"/hubs/{SLUG}", f"/hubs/{SLUG}/pricing"):
        tab.go(path)
