"""Every route declares who may use it, and is checked for each kind of visitor.

The test walks ``app.url_map``: a route missing from ACCESS fails, so no future route can
forget its access rule. Each declared route is then requested as an anonymous visitor, a
member, a manager of another hub, staff and a manager of this hub, and a network admin (the
people fixture's).

Outcomes: ``ok`` (allowed: anything but 401/403/404 or a bounce to the login page), ``login``
(anonymous: redirected to log in, or 401 from the API), ``deny`` (403), ``hidden`` (404: the
thing is not yours and its existence is not revealed).
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from coworking.accounts.services import create_api_token
from coworking.bookings.operations import book_space
from coworking.bookings.recurrence import Recurrence
from coworking.bookings.series import book_series
from coworking.extensions import db, limiter
from coworking.hubs.services import add_closure
from coworking.timezones import combine_local
from tests.conftest import EVERYONE, Auth, People, empty_all_tables, post_form

ROLES = EVERYONE  # anonymous, member, other_manager, staff, manager, admin


def rule(anonymous="login", member="ok", other_manager="ok", staff="ok", manager="ok", admin="ok") -> dict:
    return dict(anonymous=anonymous, member=member, other_manager=other_manager, staff=staff, manager=manager, admin=admin)


PUBLIC = rule(anonymous="ok")
ANONYMOUS_ONLY = PUBLIC  # login, sign-up and reset pages are open to everyone
MEMBER = rule()
# Managers of this hub (and network admins): its staff are refused too.
MANAGER = rule(member="deny", other_manager="deny", staff="deny")
# The hub's team: its staff and managers (and network admins).
STAFF = rule(member="deny", other_manager="deny")
ADMIN = rule(member="deny", other_manager="deny", staff="deny", manager="deny")
# Something of the member's in this hub (their booking): the hub's team and network admins act on
# it too; anyone else neither sees it nor learns it exists.
OWNER = rule(other_manager="hidden")
# Personal to the member (their API tokens): not even a network admin touches them.
PERSONAL = rule(other_manager="hidden", staff="hidden", manager="hidden", admin="hidden")


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # with {hub}, {space}, {other_space}, {closure}, {token}, {user}, {reset} placeholders
    access: dict
    api: bool = False
    body: dict | None = None  # an API body good enough to get past validation to the access check


ACCESS: dict[tuple[str, str], Route] = {}


def declare(endpoint: str, method: str, path: str, access: dict, api: bool = False, body: dict | None = None) -> None:
    ACCESS[(endpoint, method)] = Route(method, path, access, api, body)


# accounts
declare("accounts.login", "GET", "/login", PUBLIC)
declare("accounts.login", "POST", "/login", PUBLIC)
declare("accounts.logout", "POST", "/logout", MEMBER)
declare("accounts.signup", "GET", "/signup", PUBLIC)
declare("accounts.signup", "POST", "/signup", PUBLIC)
declare("accounts.reset_request", "GET", "/reset", PUBLIC)
declare("accounts.reset_request", "POST", "/reset", PUBLIC)
declare("accounts.reset_password", "GET", "/reset/{reset}", PUBLIC)
declare("accounts.reset_password", "POST", "/reset/{reset}", PUBLIC)
declare("accounts.profile", "GET", "/profile", MEMBER)
declare("accounts.profile", "POST", "/profile", MEMBER)
declare("accounts.change_password", "GET", "/profile/password", MEMBER)
declare("accounts.change_password", "POST", "/profile/password", MEMBER)
declare("accounts.tokens", "GET", "/profile/tokens", MEMBER)
declare("accounts.create_token", "POST", "/profile/tokens", MEMBER)
# A token id of the member's: anyone else's revoke is a 404.
declare("accounts.revoke_token", "POST", "/profile/tokens/{token}/revoke", PERSONAL)

# hubs
declare("hubs.index", "GET", "/", PUBLIC)
declare("hubs.show", "GET", "/hubs/{hub}", PUBLIC)
declare("hubs.mine", "GET", "/hubs/mine", MEMBER)
declare("hubs.admin_hubs", "GET", "/admin/hubs", ADMIN)
declare("hubs.create_hub", "GET", "/admin/hubs/new", ADMIN)
declare("hubs.create_hub", "POST", "/admin/hubs/new", ADMIN)
declare("hubs.roles", "GET", "/admin/hubs/{hub}/roles", ADMIN)
declare("hubs.roles", "POST", "/admin/hubs/{hub}/roles", ADMIN)
declare("hubs.revoke_role", "POST", "/admin/hubs/{hub}/roles/{user}/revoke", ADMIN)
for endpoint, path in (
    ("hubs.edit", "/hubs/{hub}/edit"),
    ("hubs.hours", "/hubs/{hub}/hours"),
    ("hubs.closures", "/hubs/{hub}/closures"),
    ("hubs.new_space", "/hubs/{hub}/spaces/new"),
    ("hubs.edit_space", "/hubs/{hub}/spaces/{space}/edit"),
):
    declare(endpoint, "GET", path, MANAGER)
    declare(endpoint, "POST", path, MANAGER)
declare("hubs.spaces", "GET", "/hubs/{hub}/spaces", MANAGER)
declare("hubs.delete_closure", "GET", "/hubs/{hub}/closures/{closure}/delete", MANAGER)
declare("hubs.team", "GET", "/hubs/{hub}/team", MANAGER)
declare("hubs.team", "POST", "/hubs/{hub}/team", MANAGER)
declare("hubs.remove_from_team", "POST", "/hubs/{hub}/team/{user}/remove", MANAGER)
declare("hubs.delete_closure", "POST", "/hubs/{hub}/closures/{closure}/delete", MANAGER)

# bookings
declare("bookings.start", "GET", "/book", MEMBER)
declare("bookings.grid", "GET", "/hubs/{hub}/book", MEMBER)
for endpoint, path in (
    ("bookings.book_desk", "/hubs/{hub}/book/desk"),
    ("bookings.book_room", "/hubs/{hub}/book/room"),
    ("bookings.book_series", "/hubs/{hub}/book/series"),
):
    declare(endpoint, "GET", path, MEMBER)
    declare(endpoint, "POST", path, MEMBER)
declare("bookings.mine", "GET", "/bookings", MEMBER)
declare("bookings.show", "GET", "/bookings/{booking}", OWNER)
declare("bookings.ics", "GET", "/bookings/{booking}.ics", OWNER)
declare("bookings.cancel", "GET", "/bookings/{booking}/cancel", OWNER)
declare("bookings.cancel", "POST", "/bookings/{booking}/cancel", OWNER)
for endpoint, path in (
    ("bookings.manage_day", "/hubs/{hub}/bookings/day"),
    ("bookings.manage_week", "/hubs/{hub}/bookings/week"),
    ("bookings.manage_list", "/hubs/{hub}/bookings"),
    ("bookings.export_csv", "/hubs/{hub}/bookings.csv"),
):
    declare(endpoint, "GET", path, STAFF)
declare("bookings.new_block", "GET", "/hubs/{hub}/blocks/new", STAFF)
declare("bookings.new_block", "POST", "/hubs/{hub}/blocks/new", STAFF)
for endpoint, path in (
    ("bookings.rules", "/hubs/{hub}/booking-rules"),
    ("bookings.space_rules", "/hubs/{hub}/spaces/{space}/booking-rules"),
):
    declare(endpoint, "GET", path, MANAGER)
    declare(endpoint, "POST", path, MANAGER)

# memberships: the members' pages
declare("memberships.pricing", "GET", "/hubs/{hub}/pricing", PUBLIC)
declare("memberships.apply", "GET", "/hubs/{hub}/apply", MEMBER)
declare("memberships.apply", "POST", "/hubs/{hub}/apply", MEMBER)
declare("memberships.mine", "GET", "/memberships", MEMBER)
# One's own membership only: no one has membership 0, so everyone gets the 404 anyone gets for a
# membership not theirs (the member's own pages, and others' 404s, are in tests/memberships).
NO_ONES = rule(member="hidden", other_manager="hidden", staff="hidden", manager="hidden", admin="hidden")
for endpoint, path in (
    ("memberships.change_plan", "/memberships/0/plan"),
    ("memberships.pause", "/memberships/0/pause"),
    ("memberships.cancel", "/memberships/0/cancel"),
):
    declare(endpoint, "GET", path, NO_ONES)
    declare(endpoint, "POST", path, NO_ONES)

# calendar feeds
HIDDEN = rule(anonymous="hidden", member="hidden", other_manager="hidden", staff="hidden", manager="hidden", admin="hidden")
declare("feeds.private_feed", "GET", "/feeds/no-such-link.ics", HIDDEN)
declare("feeds.public_space_feed", "GET", "/feeds/spaces/{space}.ics", HIDDEN)  # the space is not public
declare("feeds.hub_closures_feed", "GET", "/feeds/hubs/{hub}/closures.ics", PUBLIC)
declare("feeds.mine", "GET", "/profile/calendar", MEMBER)
declare("feeds.reset", "POST", "/profile/calendar/reset", MEMBER)
declare("feeds.hub_feeds", "GET", "/hubs/{hub}/feeds", STAFF)
declare("feeds.hub_reset", "POST", "/hubs/{hub}/feeds/reset", STAFF)
declare("feeds.space_visibility", "POST", "/hubs/{hub}/feeds/spaces/{space}", MANAGER)
declare("feeds_api.my_feeds", "GET", "/api/v1/me/feeds", MEMBER, api=True)
declare("feeds_api.reset_feeds", "POST", "/api/v1/me/feeds/reset", MEMBER, api=True)

# API (bearer tokens; anonymous means no token)
API_PUBLIC = PUBLIC
declare("api-docs.openapi_json", "GET", "/api/v1/openapi.json", API_PUBLIC, api=True)
declare("api.me", "GET", "/api/v1/me", MEMBER, api=True)
declare("api.hubs", "GET", "/api/v1/hubs", MEMBER, api=True)
declare("api.hub", "GET", "/api/v1/hubs/{hub}", MEMBER, api=True)
declare("api.hub", "PATCH", "/api/v1/hubs/{hub}", MANAGER, api=True)
declare("api.hub_spaces", "GET", "/api/v1/hubs/{hub}/spaces", MEMBER, api=True)
declare("api.hub_spaces", "POST", "/api/v1/hubs/{hub}/spaces", MANAGER, api=True)
declare("api.hub_space", "GET", "/api/v1/hubs/{hub}/spaces/{space}", MEMBER, api=True)
declare("api.hub_space", "PATCH", "/api/v1/hubs/{hub}/spaces/{space}", MANAGER, api=True)

declare("bookings_api.availability", "GET", "/api/v1/hubs/{hub}/availability?date={day}", MEMBER, api=True)
declare("bookings_api.bookings", "GET", "/api/v1/bookings", MEMBER, api=True)
declare("bookings_api.bookings", "POST", "/api/v1/bookings", MEMBER, api=True)
declare("bookings_api.booking", "GET", "/api/v1/bookings/{booking}", OWNER, api=True)
declare("bookings_api.booking", "PATCH", "/api/v1/bookings/{booking}", OWNER, api=True, body={"space_id": "{space}"})
declare("bookings_api.booking", "DELETE", "/api/v1/bookings/{booking}", OWNER, api=True)
declare("bookings_api.booking_series", "POST", "/api/v1/booking-series", MEMBER, api=True)
declare("bookings_api.one_series", "GET", "/api/v1/booking-series/{series}", OWNER, api=True)
declare("bookings_api.one_series", "DELETE", "/api/v1/booking-series/{series}", OWNER, api=True)

# memberships: the hub managers' pages (staff read the lists and records; every change is a manager's)
for endpoint, path in (
    ("memberships.memberships", "/hubs/{hub}/memberships"),
    ("memberships.export_csv", "/hubs/{hub}/memberships.csv"),
    ("memberships.record", "/hubs/{hub}/memberships/{membership}"),
    ("memberships.applications", "/hubs/{hub}/applications"),
    ("memberships.application", "/hubs/{hub}/applications/{application}"),
    ("memberships.plans", "/hubs/{hub}/plans"),
    ("memberships.passes", "/hubs/{hub}/passes"),
    ("memberships.organisations", "/hubs/{hub}/organisations"),
):
    declare(endpoint, "GET", path, STAFF)
for endpoint, path in (
    ("memberships.enrol", "/hubs/{hub}/memberships/new"),
    ("memberships.new_plan", "/hubs/{hub}/plans/new"),
    ("memberships.edit_plan", "/hubs/{hub}/plans/{plan}/edit"),
    ("memberships.change_price", "/hubs/{hub}/plans/{plan}/price"),
    ("memberships.new_pass", "/hubs/{hub}/passes/new"),
    ("memberships.sell_pass", "/hubs/{hub}/passes/sell"),
    ("memberships.new_organisation", "/hubs/{hub}/organisations/new"),
    ("memberships.edit_organisation", "/hubs/{hub}/organisations/{organisation}/edit"),
    ("memberships.record_change_plan", "/hubs/{hub}/memberships/{membership}/plan"),
    ("memberships.record_pause", "/hubs/{hub}/memberships/{membership}/pause"),
    ("memberships.record_cancel", "/hubs/{hub}/memberships/{membership}/cancel"),
    ("memberships.record_add_concession", "/hubs/{hub}/memberships/{membership}/concessions/new"),
    ("memberships.record_end_concession", "/hubs/{hub}/memberships/{membership}/concessions/{concession}/end"),
    ("memberships.record_adjust_allowance", "/hubs/{hub}/memberships/{membership}/allowance"),
    ("memberships.record_billing", "/hubs/{hub}/memberships/{membership}/billing"),
):
    declare(endpoint, "GET", path, MANAGER)
    declare(endpoint, "POST", path, MANAGER)
for endpoint, path in (
    ("memberships.archive_plan", "/hubs/{hub}/plans/{plan}/archive"),
    ("memberships.archive_pass", "/hubs/{hub}/passes/{pass_product}/archive"),
    ("memberships.approve", "/hubs/{hub}/applications/{application}/approve"),
    ("memberships.decline", "/hubs/{hub}/applications/{application}/decline"),
    ("memberships.record_add_note", "/hubs/{hub}/memberships/{membership}/notes"),
):
    declare(endpoint, "POST", path, MANAGER)

# memberships API: anyone logged in reads plans, applies and reads their own; the rest is managers'
declare("memberships_api.plans", "GET", "/api/v1/hubs/{hub}/plans", MEMBER, api=True)
declare("memberships_api.my_memberships", "GET", "/api/v1/me/memberships", MEMBER, api=True)
declare("memberships_api.my_membership", "GET", "/api/v1/me/memberships/{membership}", PERSONAL, api=True)
declare("memberships_api.my_allowance", "GET", "/api/v1/me/allowance", MEMBER, api=True)
declare("memberships_api.applications", "POST", "/api/v1/hubs/{hub}/applications", MEMBER, api=True)
declare("memberships_api.applications", "GET", "/api/v1/hubs/{hub}/applications", MANAGER, api=True)
for endpoint, action in (("approve_application", "approve"), ("decline_application", "decline")):
    declare(f"memberships_api.{endpoint}", "POST", f"/api/v1/hubs/{{hub}}/applications/{{application}}/{action}",
            MANAGER, api=True)
declare("memberships_api.memberships", "GET", "/api/v1/hubs/{hub}/memberships", MANAGER, api=True)
declare("memberships_api.membership", "GET", "/api/v1/hubs/{hub}/memberships/{membership}", MANAGER, api=True)
for endpoint, action in (
    ("membership_change_plan", "change-plan"),
    ("membership_pause", "pause"),
    ("membership_cancel", "cancel"),
    ("membership_concessions", "concessions"),
    ("allowance_adjustments", "allowance-adjustments"),
):
    declare(f"memberships_api.{endpoint}", "POST", f"/api/v1/hubs/{{hub}}/memberships/{{membership}}/{action}",
            MANAGER, api=True)
declare("memberships_api.billable_items", "GET", "/api/v1/hubs/{hub}/billable-items", MANAGER, api=True)

# billing: the hub managers' pages (staff read the lists, invoices, statements and exports;
# every change is a manager's). {draft} is a draft, {invoice} an issued invoice.
for endpoint, path in (
    ("billing.overview", "/hubs/{hub}/billing"),
    ("billing.invoices", "/hubs/{hub}/billing/invoices"),
    ("billing.invoice", "/hubs/{hub}/billing/invoices/{invoice}"),
    ("billing.job", "/hubs/{hub}/billing/jobs/{job}"),
    ("billing.job_progress", "/hubs/{hub}/billing/jobs/{job}.json"),
    ("billing.overdue", "/hubs/{hub}/billing/overdue"),
    ("billing.exports", "/hubs/{hub}/billing/exports"),
    ("billing.export_csv", "/hubs/{hub}/billing/exports/invoices.csv?starts_on=2026-01-01&ends_on=2026-12-31"),
    ("billing.statements", "/hubs/{hub}/billing/statements"),
    ("billing.statement", "/hubs/{hub}/billing/statements/{statement}"),
):
    declare(endpoint, "GET", path, STAFF)
for endpoint, path in (
    ("billing.new_line", "/hubs/{hub}/billing/invoices/{draft}/lines/new"),
    ("billing.edit_invoice_line", "/hubs/{hub}/billing/invoices/{draft}/lines/{draft_line}/edit"),
    ("billing.credit", "/hubs/{hub}/billing/invoices/{invoice}/credit"),
    ("billing.new_payment", "/hubs/{hub}/billing/invoices/{invoice}/payments/new"),
    ("billing.settings", "/hubs/{hub}/billing/settings"),
):
    declare(endpoint, "GET", path, MANAGER)
    declare(endpoint, "POST", path, MANAGER)
for endpoint, path in (
    ("billing.start_run", "/hubs/{hub}/billing/runs"),
    ("billing.issue_all", "/hubs/{hub}/billing/periods/{period}/issue"),
    ("billing.issue", "/hubs/{hub}/billing/invoices/{draft}/issue"),
    ("billing.delete", "/hubs/{hub}/billing/invoices/{draft}/delete"),
    ("billing.remove_invoice_line", "/hubs/{hub}/billing/invoices/{draft}/lines/{draft_line}/remove"),
    ("billing.upload_statement", "/hubs/{hub}/billing/statements"),
    ("billing.confirm_statement", "/hubs/{hub}/billing/statements/{statement}/confirm"),
    ("billing.confirm_statement_line", "/hubs/{hub}/billing/statements/{statement}/lines/{statement_line}/confirm"),
    ("billing.ignore_statement_line", "/hubs/{hub}/billing/statements/{statement}/lines/{statement_line}/ignore"),
    ("billing.restore_statement_line", "/hubs/{hub}/billing/statements/{statement}/lines/{statement_line}/restore"),
):
    declare(endpoint, "POST", path, MANAGER)

# billing: a member's own invoices (pages and API). {invoice} is an issued invoice of the
# member at hub 'here': the member reads it, the hub's managers too through the API only.
declare("billing.my_invoices", "GET", "/invoices", MEMBER)
declare("billing.my_invoice", "GET", "/invoices/{invoice}", PERSONAL)
declare("billing.my_invoice_pdf", "GET", "/invoices/{invoice}.pdf", PERSONAL)
INVOICE_READERS = rule(other_manager="hidden", staff="hidden")
# Changing one: its managers; its member may read it but not change it.
INVOICE_WRITERS = rule(member="deny", other_manager="hidden", staff="hidden")
declare("billing_api.invoices", "GET", "/api/v1/invoices", MEMBER, api=True)
declare("billing_api.invoice", "GET", "/api/v1/invoices/{invoice}", INVOICE_READERS, api=True)
declare("billing_api.invoice_pdf", "GET", "/api/v1/invoices/{invoice}.pdf", INVOICE_READERS, api=True)
for endpoint, action in (("invoice_issue", "issue"), ("invoice_credit_notes", "credit-notes"),
                         ("invoice_payments", "payments")):
    declare(f"billing_api.{endpoint}", "POST", f"/api/v1/invoices/{{invoice}}/{action}", INVOICE_WRITERS, api=True)
declare("billing_api.invoice_runs", "POST", "/api/v1/hubs/{hub}/invoice-runs", MANAGER, api=True)
declare("billing_api.invoice_runs_issue", "POST", "/api/v1/hubs/{hub}/invoice-runs/issue", MANAGER, api=True)
declare("billing_api.invoice_job", "GET", "/api/v1/hubs/{hub}/jobs/{job}", MANAGER, api=True)

IGNORED_METHODS = {"HEAD", "OPTIONS"}


# ledger: a hub's books are its managers' alone; the transparency page is public once opted in
declare("ledger.impact", "GET", "/hubs/{hub}/impact", PUBLIC)
declare("ledger.impact_csv", "GET", "/hubs/{hub}/impact.csv", PUBLIC)
for endpoint, path in (
    ("ledger.overview", "/hubs/{hub}/ledger"),
    ("ledger.surplus_csv", "/hubs/{hub}/ledger/surplus.csv"),
    ("ledger.entries", "/hubs/{hub}/ledger/entries"),
    ("ledger.receipt", "/hubs/{hub}/ledger/entries/{entry}/receipt"),
    ("ledger.report", "/hubs/{hub}/ledger/reports/trial-balance"),
    ("ledger.report_csv", "/hubs/{hub}/ledger/reports/funds.csv"),
):
    declare(endpoint, "GET", path, MANAGER)
for endpoint, path in (
    ("ledger.entry", "/hubs/{hub}/ledger/entries/{entry}"),
    ("ledger.record", "/hubs/{hub}/ledger/record"),
    ("ledger.new_entry", "/hubs/{hub}/ledger/entries/new"),
    ("ledger.accounts", "/hubs/{hub}/ledger/accounts"),
    ("ledger.close", "/hubs/{hub}/ledger/close"),
    ("ledger.settings", "/hubs/{hub}/ledger/settings"),
    ("ledger.set_aside", "/hubs/{hub}/ledger/set-aside"),
    ("ledger.reinvest", "/hubs/{hub}/ledger/reinvest"),
):
    declare(endpoint, "GET", path, MANAGER)
    declare(endpoint, "POST", path, MANAGER)
declare("ledger_api.accounts", "GET", "/api/v1/hubs/{hub}/ledger/accounts", MANAGER, api=True)
declare("ledger_api.entries", "GET", "/api/v1/hubs/{hub}/ledger/entries", MANAGER, api=True)
# Public (no token needed) once the hub publishes its figures, as hub 'here' does in the world.
declare("ledger_api.impact", "GET", "/api/v1/hubs/{hub}/impact", PUBLIC, api=True)


def routes_in_app(app) -> set[tuple[str, str]]:
    found = set()
    for url_rule in app.url_map.iter_rules():
        if url_rule.endpoint == "static":
            continue
        for method in url_rule.methods - IGNORED_METHODS:
            found.add((url_rule.endpoint, method))
    return found


def test_every_route_declares_its_access_rule(app):
    missing = sorted(routes_in_app(app) - set(ACCESS))
    assert missing == [], f"Declare these routes in tests/core/test_access.py: {missing}"


def test_no_declaration_is_stale(app):
    stale = sorted(set(ACCESS) - routes_in_app(app))
    assert stale == [], f"Declared but no longer routes: {stale}"


@pytest.fixture
def new_world(request, make_user, make_hub, make_manager, make_space):
    """Builds the world afresh each time it is called, on emptied tables."""
    def build() -> dict:
        hub = make_hub(slug="here")
        people = People(request, make_user, make_hub, make_manager)
        people.hub = hub  # instead of the ``hub`` fixture's, which the first build would pin
        return build_world(hub, people, make_hub, make_space)

    return build


def build_world(hub, people, make_hub, make_space) -> dict:
    """Hub 'here' with a space, a closure, a booking and a series of the member's; hub 'there'
    with a space; everyone of the people fixture, with API tokens."""
    from datetime import date, time, timedelta

    there = make_hub(slug="there")
    next_monday = date.today() + timedelta(days=7 - date.today().weekday() + 7)
    space = make_space(hub, "room", "Room A")
    other_space = make_space(there, "room", "Room B")
    closure = add_closure(hub, date.today() + timedelta(days=30), date.today() + timedelta(days=31), "Works")
    everyone = {who: person for who, person in people.everyone().items() if person is not None}
    member = people.member
    member_token, _ = create_api_token(member, "member's token")
    booking = book_space(
        space,
        member,
        combine_local(next_monday, time(10, 0), hub.timezone),
        combine_local(next_monday, time(11, 0), hub.timezone),
        booked_by=member,
    )
    series, _ = book_series(
        space, member, Recurrence("weekly", next_monday, weekdays=(1,), count=2),
        time(14, 0), time(15, 0), booked_by=member,
    )
    tokens = {who: create_api_token(user, "access test")[1] for who, user in everyone.items()}
    memberships = memberships_world(hub, people)
    ledger = ledger_world(hub)
    billing = billing_world(hub, people)
    db.session.commit()
    return {
        "people": everyone,
        "tokens": tokens,
        "values": {
            "hub": hub.slug,
            "space": space.id,
            "other_space": other_space.id,
            "closure": closure.id,
            "token": member_token.id,
            "booking": booking.id,
            "series": series.id,
            "day": next_monday.isoformat(),
            "user": people.staff.id,
            "reset": "no-such-reset-token",
            **memberships,
            **ledger,
            **billing,
        },
    }


def ledger_world(hub) -> dict:
    """An expense with its receipt in hub 'here', whose transparency page is public."""
    from datetime import date

    from coworking.ledger.impact import settings_for
    from coworking.ledger.manual import ReceiptFile, attach_receipt
    from coworking.ledger.posting import post_entry

    entry = post_entry(hub, on=date.today(), memo="Boiler repair", lines=[("expense_other", 42000), ("bank", -42000)])
    attach_receipt(entry, ReceiptFile("receipt.pdf", b"%PDF-1.4 a receipt"))
    settings_for(hub).impact_public = True
    return {"entry": entry.id}


def memberships_world(hub, people) -> dict:
    """The member on a plan of hub 'here' with a concession, someone else's application waiting,
    a pass on sale and an organisation: the ids the memberships routes name."""
    from coworking.accounts.services import create_user
    from coworking.memberships.applications import apply_for_plan, enrol_member
    from coworking.memberships.lifecycle import add_concession
    from coworking.memberships.plans import create_pass_product, create_plan, save_organisation
    from coworking.timezones import local_today

    manager, today = people.manager, local_today(hub.timezone)
    plan = create_plan(hub, by=manager, name="Hot desk", monthly_price_minor=12_000, pauses_allowed=True, max_pause_months=1)
    membership = enrol_member(people.member, plan, by=manager, starts_on=today, notify=False)
    applicant = create_user("applicant@example.org", "Ann Applicant", "correct-horse-battery")
    return {
        "plan": plan.id,
        "membership": membership.id,
        "concession": add_concession(membership, by=manager, reason="Bursary", percent_bp=5000).id,
        "application": apply_for_plan(applicant, plan, today=today).id,
        "pass_product": create_pass_product(hub, by=manager, name="Day pass", desk_days=1, valid_days=1, price_minor=1500).id,
        "organisation": save_organisation(hub, by=manager, name="Bakery Co-op", billing_email="coop@example.org").id,
    }


def billing_world(hub, people) -> dict:
    """A draft and an issued invoice of the member at hub 'here', a run's job, and a bank
    statement with one line: the ids the billing routes name."""
    from coworking.billing.jobs import start_run
    from coworking.billing.models import StatementImport, StatementLine
    from coworking.memberships.periods import current_period
    from tests.billing.documents import issue, make_draft

    period = current_period(hub.timezone).key
    draft = make_draft(hub, people.member, period=period, commit=False)
    invoice = issue(make_draft(hub, people.member, period="2026-01"))
    job = start_run(hub, period, by=people.manager)
    statement = StatementImport(hub_id=hub.id, filename="nov.csv", file_hash="0" * 64)
    line = StatementLine(statement_import=statement, hub_id=hub.id, booked_on=invoice.issued_on, amount_minor=100,
                         reference=invoice.number, fingerprint="1" * 64)
    db.session.add_all([statement, line])
    db.session.flush()
    return {"draft": draft.id, "draft_line": draft.lines[0].id, "invoice": invoice.id, "job": job.id,
            "period": period, "statement": statement.id, "statement_line": line.id}


def outcome(response, api: bool) -> str:
    status = response.status_code
    location = response.headers.get("Location", "")
    # Flask-Login sends anonymous visitors to /login?next=...; a plain /login redirect is logout's success.
    if status == 401 or (status in (301, 302, 303) and "/login?next=" in location):
        return "login"
    if status == 403:
        return "deny"
    if status == 404:
        return "hidden"
    return "ok"


def filled_body(route: Route, world) -> dict:
    body = {}
    for key, value in (route.body or {}).items():
        if isinstance(value, str) and value.startswith("{"):
            value = world["values"][value.strip("{}")]
        body[key] = value
    return body


def request_as(client, role: str, route: Route, world, path: str):
    headers = {}
    if route.api:
        if role != "anonymous":
            headers["Authorization"] = f"Bearer {world['tokens'][role]}"
        if route.method in ("POST", "PATCH", "PUT", "DELETE"):
            return client.open(path, method=route.method, json=filled_body(route, world), headers=headers)
        return client.open(path, method=route.method, headers=headers)
    if role != "anonymous":
        response = Auth(client).login(world["people"][role])
        assert response.status_code == 302, f"could not log in as {role}"
    if route.method == "GET":
        return client.get(path)
    return post_form(client, path, {})


def check_visitors(app, new_world, routes: list[tuple[str, str]]) -> list[str]:
    """Each kind of visitor in turn on each route, each with a client of their own, on the same
    world while nothing changes it: after a write that was allowed, the next visitor gets a
    fresh world. Returns what was not as declared."""
    world, wrong = new_world(), []
    for endpoint, method in routes:
        route = ACCESS[(endpoint, method)]
        for role in ROLES:
            limiter.reset()  # so many logins in a row are not an attack
            path = route.path.format(**world["values"])
            response = request_as(app.test_client(), role, route, world, path)
            expected, got = route.access[role], outcome(response, route.api)
            response.close()  # a streamed answer (CSV) holds its request context until closed
            if endpoint == "accounts.reset_password" and got == "hidden":
                got = "ok"  # an unknown reset token is a clear "expired or used" answer, whoever asks
            if got != expected:
                wrong.append(f"{method} {path} as {role}: expected {expected}, got {got} ({response.status_code})")
            if may_have_changed(response, route) and ((endpoint, method), role) != (routes[-1], ROLES[-1]):
                db.session.remove()
                empty_all_tables()
                world = new_world()
    return wrong


def may_have_changed(response, route: Route) -> bool:
    """Whether an allowed write may have changed the world: an API write that succeeded, or a
    form that redirected (Post/Redirect/Get); a form shown again with its errors changed nothing."""
    if route.method == "GET":
        return False
    if route.api:
        return 200 <= response.status_code < 300
    return 300 <= response.status_code < 400


def area(endpoint: str) -> str:
    return endpoint.split(".")[0]


READS = sorted(key for key in ACCESS if key[1] == "GET")
WRITES = sorted(key for key in ACCESS if key[1] != "GET")


@pytest.mark.parametrize("blueprint", sorted({area(endpoint) for endpoint, _ in READS}))
def test_access_rule_holds_for_each_read(app, new_world, blueprint):
    """Reads change nothing, so one world serves every GET route of a blueprint."""
    wrong = check_visitors(app, new_world, [key for key in READS if area(key[0]) == blueprint])
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("endpoint,method", WRITES)
def test_access_rule_holds_for_each_write(app, new_world, endpoint, method):
    wrong = check_visitors(app, new_world, [(endpoint, method)])
    assert not wrong, "\n".join(wrong)
