"""The browser tests' harness: the app on a real server, Chromium driven by Playwright, axe-core.

- **Server**: each pytest process (each xdist worker) serves its own app with werkzeug's
  threaded server on a free port of 127.0.0.1, on a temporary **SQLite** file migrated with the
  real Alembic migrations and filled by ``seed-demo``: what a newcomer gets from ``make run``
  (with four more desks at Leeds, so journeys never find the demo's random bookings in the way).
  The browser journeys check what people see, which does not depend on the database; the
  rules themselves are tested on both databases elsewhere. Rate limits are off (every visitor
  here is 127.0.0.1).
- **Browser**: Debian's Chromium (``/usr/bin/chromium``, or ``CHROMIUM``), launched once per
  process; every test gets fresh contexts, so no cookie leaks from one test to the next.
  Nothing here downloads a browser build. Without Chromium or axe-core the tests are skipped
  with the reason, unless ``REQUIRE_BROWSER=1`` (``.ci/run``) makes that a failure.
- **Widths**: the ``width`` fixture runs each journey at desktop (1280x900) and phone (390x844).
- **Audit**: ``Visit.check()`` injects axe-core (from ``node_modules``, installed by ``npm ci``)
  and fails on any violation of serious or critical impact, and on a page wider than the
  screen. Every page a journey's tab lands on must be checked before the test ends.
"""
from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import ROOT, base_config

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
DEMO_PASSWORD = "demo-password"


@dataclass(frozen=True)
class Width:
    name: str
    width: int
    height: int

    @property
    def is_phone(self) -> bool:
        return self.width < 600


DESKTOP = Width("desktop", 1280, 900)
PHONE = Width("phone", 390, 844)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveServer:
    app: object
    url: str

    def __call__(self, path: str) -> str:
        return self.url + path


def add_desks_for_journeys() -> None:
    """Four more desks at Leeds: the demo fills about half the desks on any day at random, and
    the journeys (twice each, at both widths) book desks on the next few days."""
    from coworking.hubs.services import add_space, get_hub_by_slug
    from coworking.transactions import unit_of_work

    with unit_of_work():
        hub = get_hub_by_slug("leeds-central")
        for number in range(5, 9):
            add_space(hub, "desk", f"Desk {number}", capacity=1, daily_rate_minor=1500)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    import logging

    from werkzeug.serving import make_server

    from coworking import create_app
    from tests.conftest import migrate_to_head

    database_url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'browser.sqlite'}"
    migrate_to_head(database_url)
    port = free_port()
    config = base_config(database_url) | {
        "TESTING": False,  # the pages as people get them (CSRF checked, errors as error pages)
        "RATELIMIT_ENABLED": False,
        "BASE_URL": f"http://127.0.0.1:{port}",
    }
    app = create_app(config)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        add_desks_for_journeys()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{port}")
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def browser():
    playwright_api.expect.set_options(timeout=5_000)
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"No Chromium at {CHROMIUM}: apt-get install -y chromium (or set CHROMIUM)"
    elif not AXE.exists():
        missing = f"No axe-core at {AXE}: run npm ci at the repository's root"
    if missing:
        # Like PostgreSQL's half of the suite: skipped with the reason, unless CI requires it.
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(missing + " and REQUIRE_BROWSER=1", pytrace=False)
        pytest.skip(missing)
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(params=[DESKTOP, PHONE], ids=lambda width: width.name)
def width(request) -> Width:
    return request.param


@dataclass
class Visit:
    """One person's tab: navigations are recorded, and each page must pass ``check()``."""

    page: object
    width: Width
    server: LiveServer
    seen: list = field(default_factory=list)
    checked: set = field(default_factory=set)

    def go(self, path: str):
        self.page.goto(self.server(path))
        return self.check()

    def check(self):
        """axe-core's serious and critical violations, and sideways scrolling, on this page."""
        page = self.page
        page.wait_for_load_state()
        self.checked.add(page.url)
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
        )
        assert result == [], f"axe-core on {page.url} at {self.width.name} width: {result}"
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll_width <= self.width.width, (
            f"{page.url} is {scroll_width}px wide on a {self.width.width}px screen: "
            + str(page.evaluate(WIDEST_ELEMENTS, self.width.width))
        )
        return page

    def unchecked(self) -> list[str]:
        return [url for url in self.seen if url not in self.checked]

    def log_in(self, email: str, password: str = DEMO_PASSWORD):
        self.page.goto(self.server("/login"))
        self.check()
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        return self.check()

    def screenshot(self, name: str) -> None:
        """Refresh docs/screenshots/<name>-<width>.png when SCREENSHOTS=1 (the README shows them)."""
        if os.environ.get("SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{self.width.name}.png"), full_page=False)


# The elements sticking out past the screen's right edge, to say what made a page too wide.
WIDEST_ELEMENTS = """(limit) => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > limit + 1)
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


@pytest.fixture
def visit(browser, live_server, width):
    """A fresh tab (its own cookies) at the test's width; ``visit.check()`` every page it shows."""
    visits = []

    def open_tab() -> Visit:
        context = browser.new_context(
            viewport={"width": width.width, "height": width.height},
            is_mobile=width.is_phone,
            has_touch=width.is_phone,
            locale="en-GB",
            bypass_csp=True,  # lets the test inject axe-core; the app's own CSP is tested elsewhere
        )
        context.set_default_timeout(5_000)
        page = context.new_page()
        tab = Visit(page, width, live_server)
        page.on("framenavigated", lambda frame: frame == page.main_frame and tab.seen.append(frame.url))
        visits.append((context, tab))
        return tab

    yield open_tab
    for context, tab in visits:
        missed = tab.unchecked()
        context.close()
        assert missed == [], f"pages shown but never checked with axe-core: {missed}"
