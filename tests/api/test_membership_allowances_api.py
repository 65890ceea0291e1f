"""Allowances and billable items through the API: a member reads their allowance in a period
(grants, use per booking, balance) and no one else's; the hub's managers adjust one with a
reason and read everything the hub bills for a period. Bad periods are a 422 naming the field.
"""
from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from coworking.bookings.operations import book_space, cancel_booking
from coworking.extensions import db
from coworking.memberships.lifecycle import add_concession
from coworking.memberships.periods import Period
from coworking.timezones import combine_local, local_today, utc_to_local
from tests.api.conftest import assert_json_error, statements_to_get, stored_memberships_state
from tests.conftest import bearer

ZONE = "Europe/London"
ALLOWANCE = "/api/v1/me/allowance"
BILLABLE = "/api/v1/hubs/leeds-central/billable-items"


@pytest.fixture
def today():
    return local_today(ZONE)


@pytest.fixture
def coming(today) -> Period:
    """A month still to come: its allowance is open and nothing in it has expired."""
    return Period.of(today).plus(2)


@pytest.fixture
def membership(mary, make_plan, make_membership):
    return make_membership(mary, make_plan(name="Hot desk", desk_days_per_month=10, room_hours_per_month=None))


@pytest.fixture
def desk(hub, make_space):
    return make_space(hub, "desk", "Desk 1", daily_rate_minor=1500)


@pytest.fixture
def book(people, mary):
    def make(space, day: date, start: str = "09:00", end: str = "17:00"):
        starts_at = combine_local(day, time.fromisoformat(start), ZONE)
        ends_at = combine_local(day, time.fromisoformat(end), ZONE)
        booking = book_space(space, mary, starts_at, ends_at, booked_by=people.admin, override_rules=True, notify=False,
                             now=starts_at - timedelta(days=1))
        db.session.commit()
        return booking

    return make


def weekday_in(period: Period, skip: int = 0) -> date:
    return [day for day in period.dates() if day.weekday() < 5][skip]


def local(day: date, hhmm: str) -> str:
    """A hub-local wall-clock time as the API writes it: ISO 8601 with the local offset."""
    return utc_to_local(combine_local(day, time.fromisoformat(hhmm), ZONE), ZONE).isoformat()


def adjustments_url(membership) -> str:
    return f"/api/v1/hubs/leeds-central/memberships/{membership.id}/allowance-adjustments"


# --- reading your allowance -----------------------------------------------------------------

def test_a_member_reads_grants_use_per_booking_and_balance(client, membership, desk, book, as_mary, coming):
    first = book(desk, weekday_in(coming))
    second = book(desk, weekday_in(coming, 1), "09:00", "12:00")

    body = client.get(f"{ALLOWANCE}?period={coming.key}", headers=as_mary).get_json()

    [entry] = body["memberships"]
    assert (entry["membership_id"], entry["hub"], entry["period"]) == (membership.id, "leeds-central", coming.key)
    assert entry["plan"]["name"] == "Hot desk"
    desk_days, room_minutes = entry["allowances"]
    assert desk_days == {
        "resource": "desk_days", "unit": "days", "unlimited": False, "granted": 10, "adjusted": 0, "used": 2,
        "expired": 0, "balance": 8, "consumption": [
            {"booking_id": first.id, "units": 1, "space": "Desk 1", "starts_at": local(weekday_in(coming), "09:00")},
            {"booking_id": second.id, "units": 1, "space": "Desk 1", "starts_at": local(weekday_in(coming, 1), "09:00")},
        ],
    }
    assert (room_minutes["resource"], room_minutes["unlimited"], room_minutes["balance"]) == ("room_minutes", True, None)


def test_a_cancelled_booking_gives_its_allowance_back(client, membership, desk, book, people, as_mary, coming):
    booking = book(desk, weekday_in(coming))
    cancel_booking(booking, by=people.admin, reason="Test", notify=False, now=booking.starts_at - timedelta(days=1))
    db.session.commit()

    [entry] = client.get(f"{ALLOWANCE}?period={coming.key}", headers=as_mary).get_json()["memberships"]

    assert (entry["allowances"][0]["used"], entry["allowances"][0]["balance"], entry["allowances"][0]["consumption"]) == (0, 10, [])


def test_the_period_defaults_to_the_current_month_of_each_hub(client, membership, as_mary, today):
    [entry] = client.get(ALLOWANCE, headers=as_mary).get_json()["memberships"]
    assert entry["period"] == Period.of(today).key


def test_memberships_not_running_in_the_period_are_left_out(client, membership, as_mary, today):
    earlier = Period.of(today).plus(-3)
    assert client.get(f"{ALLOWANCE}?period={earlier.key}", headers=as_mary).get_json() == {"memberships": []}


def test_someone_elses_membership_is_a_404(client, membership, make_user, make_token, as_manager):
    someone_else = bearer(make_token(make_user(email="olga@example.org")))
    for headers in (someone_else, as_manager):
        response = client.get(f"{ALLOWANCE}?membership_id={membership.id}", headers=headers)
        assert assert_json_error(response, 404, "not_found")["message"] == "There is no membership with this id."


def test_someone_elses_allowance_is_never_listed(client, membership, make_user, make_token):
    response = client.get(ALLOWANCE, headers=bearer(make_token(make_user(email="olga@example.org"))))
    assert response.get_json() == {"memberships": []}


@pytest.mark.parametrize("period", ("2026-13", "26-1", "2026-1", "2026-00", "november", ""))
@pytest.mark.parametrize("path", (ALLOWANCE, BILLABLE))
def test_a_bad_period_is_a_422_naming_it(client, membership, as_mary, as_manager, path, period):
    headers = as_mary if path == ALLOWANCE else as_manager
    error = assert_json_error(client.get(f"{path}?period={period}", headers=headers), 422, "validation_error")
    assert error["fields"] == {"period": f"'{period}' is not a month: write it as YYYY-MM, such as 2026-11."}


def test_reading_your_allowance_costs_a_few_statements_per_membership(client, membership, desk, book, as_mary, coming):
    for skip in range(3):
        book(desk, weekday_in(coming, skip))
    few = len(statements_to_get(client, f"{ALLOWANCE}?period={coming.key}", as_mary))
    for skip in range(3, 9):
        book(desk, weekday_in(coming, skip))
    assert len(statements_to_get(client, f"{ALLOWANCE}?period={coming.key}", as_mary)) == few


# --- adjusting one --------------------------------------------------------------------------

def test_a_manager_adds_to_a_months_allowance_with_a_reason(client, membership, desk, book, as_manager, as_mary, coming):
    book(desk, weekday_in(coming))

    response = client.post(adjustments_url(membership), json={
        "period": coming.key, "resource": "desk_days", "quantity": 3, "reason": "Helped at the open day"},
        headers=as_manager)

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["membership_id"], body["period"], body["resource"], body["quantity"]) == (membership.id, coming.key, "desk_days", 3)
    assert (body["reason"], body["balance"]) == ("Helped at the open day", 12)
    [entry] = client.get(f"{ALLOWANCE}?period={coming.key}", headers=as_mary).get_json()["memberships"]
    assert (entry["allowances"][0]["adjusted"], entry["allowances"][0]["balance"]) == (3, 12)


@pytest.mark.parametrize("body, field", (
    ({"resource": "desk_days", "quantity": 1, "reason": "x"}, "period"),
    ({"period": "2026-13", "resource": "desk_days", "quantity": 1, "reason": "x"}, "period"),
    ({"period": "COMING", "resource": "parking", "quantity": 1, "reason": "x"}, "resource"),
    ({"period": "COMING", "resource": "desk_days", "quantity": 0, "reason": "x"}, "quantity"),
    ({"period": "COMING", "resource": "desk_days", "quantity": "2", "reason": "x"}, "quantity"),
    ({"period": "COMING", "resource": "desk_days", "quantity": -11, "reason": "x"}, "quantity"),
    ({"period": "COMING", "resource": "desk_days", "quantity": 1}, "reason"),
    ({"period": "COMING", "resource": "desk_days", "quantity": 1, "reason": " "}, "reason"),
    ({"period": "COMING", "resource": "room_minutes", "quantity": 60, "reason": "x"}, "resource"),
    ({"period": "EARLIER", "resource": "desk_days", "quantity": 1, "reason": "x"}, "period"),
))
def test_a_bad_adjustment_is_refused_naming_the_field(client, membership, as_manager, coming, body, field):
    periods = {"COMING": coming.key, "EARLIER": coming.plus(-6).key}
    body = {key: periods.get(value, value) for key, value in body.items()}
    before = stored_memberships_state()

    response = client.post(adjustments_url(membership), json=body, headers=as_manager)

    assert field in assert_json_error(response, 422, "validation_error")["fields"]
    assert stored_memberships_state() == before


def test_an_adjustment_of_another_hubs_membership_is_a_404(client, people, mary, make_plan, make_membership, as_manager, coming):
    away = make_membership(mary, make_plan(at=people.away, name="Away plan"))
    response = client.post(adjustments_url(away), json={
        "period": coming.key, "resource": "desk_days", "quantity": 1, "reason": "x"}, headers=as_manager)
    assert_json_error(response, 404, "not_found")


# --- billable items -------------------------------------------------------------------------

def test_managers_read_what_the_hub_bills_for_a_period(client, membership, people, desk, book, make_user,
                                                       as_manager, coming):
    add_concession(membership, by=people.admin, percent_bp=5000, reason="bursary", funded_by_community_fund=True)
    db.session.commit()
    book(desk, weekday_in(coming))

    body = client.get(f"{BILLABLE}?period={coming.key}", headers=as_manager).get_json()

    assert (body["hub"], body["period"], body["total"]) == ("leeds-central", coming.key, 2)
    fee, concession = body["items"]
    assert fee["source_key"] == f"membership:{membership.id}:{coming.key}"
    assert fee["billed_party"] == {"kind": "member", "id": membership.member_id, "name": "Mary Member",
                                   "email": "mary@example.org"}
    assert (fee["quantity"], fee["unit_amount"], fee["amount"], fee["vat_rate_bp"]) == (
        1, {"amount_minor": 30_000, "currency": "GBP"}, {"amount_minor": 30_000, "currency": "GBP"}, 2000)
    assert concession["source_key"] == f"concession:{membership.id}:{coming.key}"
    assert concession["amount"] == {"amount_minor": -15_000, "currency": "GBP"}
    assert concession["funded_by_community_fund"] is True


def test_pay_as_you_go_bookings_are_billable_items(client, desk, people, make_user, as_manager, coming):
    walk_in = make_user(email="walk@example.org", name="Walk In")
    day = weekday_in(coming)
    booking = book_space(desk, walk_in, combine_local(day, time(9), ZONE), combine_local(day, time(17), ZONE),
                         booked_by=people.admin, override_rules=True, notify=False,
                         now=combine_local(day, time(9), ZONE) - timedelta(days=1))
    db.session.commit()

    [item] = client.get(f"{BILLABLE}?period={coming.key}", headers=as_manager).get_json()["items"]

    assert item["source_key"] == f"booking:{booking.id}"
    assert item["amount"] == {"amount_minor": booking.price_minor, "currency": "GBP"}
    assert item["description"].startswith("Pay as you go")


def test_the_billable_period_defaults_to_the_current_month(client, membership, as_manager, today):
    assert client.get(BILLABLE, headers=as_manager).get_json()["period"] == Period.of(today).key


@pytest.mark.parametrize("who", ("member", "staff", "manager of another hub"))
def test_only_the_hubs_managers_read_its_billable_items(client, token_of, who):
    assert_json_error(client.get(BILLABLE, headers=bearer(token_of(who))), 403, "forbidden")
