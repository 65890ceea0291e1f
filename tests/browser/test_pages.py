"""Things people saw in Chromium, checked there: the focus ring, long space names, the error
summary's links, phone layouts, page titles. Every page is audited like the journeys' pages."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_member_journeys import SLUG, signed_up

LONG_NAMED_HUB = "bristol-harbour"  # not Leeds, whose pages the README's screenshots show

pytestmark = pytest.mark.browser

LONG_NAME = ("The Community Room Generously Donated by the Friends of the Old Mill Library and Reading Society "
             "of Leeds, North Wing, First Floor")[:120]


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(a, b) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rgb(css: str) -> tuple[int, int, int]:
    return tuple(int(n) for n in re.findall(r"\d+", css)[:3])


def test_the_focus_ring_stands_out_3_to_1_in_the_page_and_in_the_header(visit):
    tab = visit()
    page = tab.go("/")
    for link, background in ((page.get_by_role("main").get_by_role("link").first, "rgb(255, 255, 255)"),
                             (page.get_by_role("banner").get_by_role("link").first, "rgb(27, 31, 35)")):
        page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
        link.focus()
        ring = link.evaluate("e => getComputedStyle(e).outlineColor")
        assert link.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
        assert contrast(rgb(ring), rgb(background)) >= 3, (ring, background)


def test_the_error_summary_links_to_the_field_it_names(visit):
    tab = visit()
    page = tab.go("/signup")
    page.get_by_role("button", name="Sign up").click()
    tab.check()
    summary = page.locator(".error-summary")
    links = summary.get_by_role("link")
    assert links.count() >= 1
    for index in range(links.count()):
        target = links.nth(index).get_attribute("href")
        assert re.fullmatch(r"#[\w-]+", target), target
        expect(page.locator(target)).to_have_count(1)


def test_a_120_character_space_name_wraps_and_leaves_the_timeline_visible(visit, live_server):
    from coworking.extensions import db
    from coworking.hubs.services import add_space, get_hub_by_slug, list_spaces
    from coworking.transactions import unit_of_work

    with live_server.app.app_context():
        hub = get_hub_by_slug(LONG_NAMED_HUB)
        if not any(space.name == LONG_NAME for space in list_spaces(hub)):
            with unit_of_work():
                add_space(hub, "room", LONG_NAME, capacity=12, hourly_rate_minor=1500)
        db.session.remove()
    tab = signed_up(visit)
    page = tab.go(f"/hubs/{LONG_NAMED_HUB}/book?kind=room")
    # The full name is in the list of free times; the timeline's row heading stays narrow.
    expect(page.locator(".free-list")).to_contain_text(LONG_NAME)
    heading = page.locator("table.availability th[scope=row]", has_text=LONG_NAME[:20])
    box = heading.bounding_box()
    assert box["width"] <= 180, box
    table = page.locator(".table-wrap").bounding_box()
    assert table["width"] - box["width"] >= 150, "the timeline keeps room for its slots"


def test_on_a_phone_the_free_times_come_before_the_timeline(browser, live_server):
    from tests.browser.conftest import PHONE, Visit

    context = browser.new_context(viewport={"width": PHONE.width, "height": PHONE.height}, is_mobile=True, bypass_csp=True)
    try:
        tab = Visit(context.new_page(), PHONE, live_server)
        tab.log_in("carol@example.org")
        page = tab.go(f"/hubs/{SLUG}/book")
        free = page.get_by_role("heading", name="Free times").bounding_box()
        timeline = page.get_by_role("heading", name="Timeline").bounding_box()
        assert free["y"] < timeline["y"]
        # The first free time is on the first screen: no scrolling past a grid to find it.
        # (Late in the day nothing may be left free today: then there is no first free time.)
        free_times = page.locator(".free-list a")
        first_free = free_times.first.bounding_box() if free_times.count() else None
        assert first_free is None or first_free["y"] < PHONE.height * 1.5
    finally:
        context.close()
