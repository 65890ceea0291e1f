"""A hub manager edits the hub's details, its opening hours and its closures."""
from __future__ import annotations

from datetime import time

import pytest

from coworking.hubs.models import Closure, Hub, OpeningHours
from tests.conftest import post_form
from tests.hubs.helpers import error_beside, stored_row, stored_rows

DETAILS = {
    "name": "Home Hub Renamed",
    "address": "2 Low Street",
    "timezone": "Europe/Dublin",
    "currency": "EUR",
    "vat_number": "IE1234567T",
    "invoice_prefix": "HOME",
    "payment_terms_days": "21",
}


@pytest.fixture
def as_manager(login_as):
    return login_as("manager")


# --- details --------------------------------------------------------------------------------

def test_the_edit_page_shows_the_hub_as_stored_with_time_zone_suggestions(client, cast, as_manager):
    page = client.get("/hubs/home/edit").get_data(as_text=True)
    assert 'value="Home Hub"' in page
    assert 'list="timezone-options"' in page
    assert '<option value="Europe/London">' in page


def test_a_manager_edits_the_hub_details(client, cast, as_manager):
    response = post_form(client, "/hubs/home/edit", DETAILS)
    assert response.status_code == 302
    hub = stored_row(Hub, cast.hub.id)
    assert hub["name"] == "Home Hub Renamed"
    assert hub["address"] == "2 Low Street"
    assert (hub["timezone"], hub["currency"]) == ("Europe/Dublin", "EUR")
    assert hub["vat_number"] == "IE1234567T"
    assert (hub["invoice_prefix"], hub["payment_terms_days"]) == ("HOME", 21)
    assert hub["slug"] == "home"


def test_a_lower_case_currency_is_accepted_as_upper_case(client, cast, as_manager):
    # Our choice: ISO 4217 codes are upper-case, so "gbp" can only mean GBP.
    post_form(client, "/hubs/home/edit", {**DETAILS, "currency": "gbp"})
    assert stored_row(Hub, cast.hub.id)["currency"] == "GBP"


def test_clearing_the_vat_number_stores_none(client, cast, as_manager):
    post_form(client, "/hubs/home/edit", {**DETAILS, "vat_number": "  "})
    assert stored_row(Hub, cast.hub.id)["vat_number"] is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    (
        ("timezone", "Mars/Olympus", "'Mars/Olympus' is not an IANA time zone, such as Europe/London."),
        ("timezone", "", "This field is required."),
        ("currency", "XYZ", "'XYZ' is not an ISO 4217 currency code, such as GBP."),
        ("currency", "POUNDS", "Field cannot be longer than 3 characters."),
        ("payment_terms_days", "-5", "Payment terms are a number of days, 0 or more."),
        ("payment_terms_days", "ten", "Not a valid integer value."),
        ("name", "   ", "This field is required."),
        ("name", "x" * 121, "Field cannot be longer than 120 characters."),
        ("vat_number", "x" * 33, "Field cannot be longer than 32 characters."),
        ("invoice_prefix", "", "This field is required."),
    ),
)
def test_bad_hub_details_are_refused_beside_the_field_and_nothing_changes(client, cast, as_manager, field, value, message):
    before = stored_row(Hub, cast.hub.id)
    response = post_form(client, "/hubs/home/edit", {**DETAILS, field: value})
    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), field) == message
    assert stored_row(Hub, cast.hub.id) == before


def test_a_refused_form_keeps_what_was_typed(client, cast, as_manager):
    response = post_form(client, "/hubs/home/edit", {**DETAILS, "timezone": "Mars/Olympus"})
    page = response.get_data(as_text=True)
    assert 'value="Mars/Olympus"' in page
    assert 'value="Home Hub Renamed"' in page


# --- opening hours --------------------------------------------------------------------------

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def week(**changes) -> dict:
    """Form data for a week open 09:00-17:00 on weekdays and closed at weekends, with changes."""
    data = {}
    for day in DAYS:
        if day in ("saturday", "sunday"):
            data[f"{day}-closed"] = "y"
        else:
            data[f"{day}-opens_at"], data[f"{day}-closes_at"] = "09:00", "17:00"
    data.update({key.replace("__", "-"): value for key, value in changes.items()})
    return {key: value for key, value in data.items() if value is not None}


def stored_week(hub_id: int) -> dict[int, tuple]:
    return {row["weekday"]: (row["closed"], row["opens_at"], row["closes_at"]) for row in stored_rows(OpeningHours, hub_id=hub_id)}


def test_the_hours_page_shows_the_stored_hours(client, cast, as_manager):
    page = client.get("/hubs/home/hours").get_data(as_text=True)
    assert 'id="monday-opens_at" name="monday-opens_at" type="time" value="08:00"' in page
    assert 'id="sunday-closed" name="sunday-closed" type="checkbox" value="y"' in page
    assert "<legend>Sunday</legend>" in page


def test_a_manager_sets_the_whole_week_in_one_form(client, cast, as_manager):
    response = post_form(client, "/hubs/home/hours", week(saturday__closed=None, saturday__opens_at="10:00", saturday__closes_at="14:00", friday__closed="y"))
    assert response.status_code == 302
    hours = stored_week(cast.hub.id)
    assert hours[0] == (False, time(9, 0), time(17, 0))
    assert hours[4] == (True, None, None)
    assert hours[5] == (False, time(10, 0), time(14, 0))
    assert hours[6] == (True, None, None)
    page = client.get("/hubs/home").get_data(as_text=True)
    assert "<th scope=\"row\">Saturday</th>\n            <td>10:00–14:00</td>" in page
    assert "<th scope=\"row\">Friday</th>\n            <td>Closed</td>" in page


def test_times_of_a_closed_day_are_ignored(client, cast, as_manager):
    post_form(client, "/hubs/home/hours", week(monday__closed="y", monday__opens_at="18:00", monday__closes_at="08:00"))
    assert stored_week(cast.hub.id)[0] == (True, None, None)


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    (
        ({"wednesday__opens_at": "18:00", "wednesday__closes_at": "09:00"}, "wednesday-closes_at", "Closing time must be after opening time."),
        ({"wednesday__opens_at": "09:00", "wednesday__closes_at": "09:00"}, "wednesday-closes_at", "Closing time must be after opening time."),
        ({"wednesday__opens_at": "", "wednesday__closes_at": "17:00"}, "wednesday-opens_at", "Give both opening and closing times, or mark the day closed."),
        ({"wednesday__opens_at": "09:00", "wednesday__closes_at": ""}, "wednesday-closes_at", "Give both opening and closing times, or mark the day closed."),
        ({"wednesday__opens_at": "09:00", "wednesday__closes_at": None}, "wednesday-closes_at", "Give both opening and closing times, or mark the day closed."),
        ({"wednesday__opens_at": "25:00"}, "wednesday-opens_at", "Not a valid time value."),
    ),
)
def test_bad_hours_are_refused_beside_that_day_and_no_day_is_saved(client, cast, as_manager, changes, field_id, message):
    before = stored_week(cast.hub.id)
    # Monday changes too, validly: it must not be saved either, because Wednesday is wrong.
    response = post_form(client, "/hubs/home/hours", week(monday__opens_at="07:00", **changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert error_beside(page, field_id) == message
    assert error_beside(page, "monday-opens_at") is None
    assert stored_week(cast.hub.id) == before


def test_every_bad_day_is_shown_at_once(client, cast, as_manager):
    response = post_form(client, "/hubs/home/hours", week(monday__closes_at="08:00", friday__closes_at="08:00"))
    page = response.get_data(as_text=True)
    assert error_beside(page, "monday-closes_at") == "Closing time must be after opening time."
    assert error_beside(page, "friday-closes_at") == "Closing time must be after opening time."
    assert error_beside(page, "tuesday-closes_at") is None
    assert "Monday: Closing time must be after opening time." in page  # the summary at the top


# --- closures -------------------------------------------------------------------------------

def test_a_manager_adds_a_closure_and_sees_it_listed(client, cast, as_manager):
    response = post_form(client, "/hubs/home/closures", {"starts_on": "2030-12-24", "ends_on": "2030-12-26", "reason": "Christmas"})
    assert response.status_code == 302
    [closure] = stored_rows(Closure, hub_id=cast.hub.id)
    assert (str(closure["starts_on"]), str(closure["ends_on"]), closure["reason"]) == ("2030-12-24", "2030-12-26", "Christmas")
    page = client.get("/hubs/home/closures").get_data(as_text=True)
    assert "Christmas" in page and "Tue 24 Dec 2030" in page


def test_a_one_day_closure_is_allowed(client, cast, as_manager):
    response = post_form(client, "/hubs/home/closures", {"starts_on": "2030-05-06", "ends_on": "2030-05-06", "reason": "Bank holiday"})
    assert response.status_code == 302
    assert len(stored_rows(Closure)) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    (
        ({"ends_on": "2030-12-23"}, "ends_on", "The last day of a closure cannot be before its first day."),
        ({"starts_on": ""}, "starts_on", "Enter the first day."),
        ({"ends_on": "2030-02-30"}, "ends_on", "Not a valid date value."),
        ({"reason": "  "}, "reason", "Say why the hub is closed."),
        ({"reason": "x" * 201}, "reason", "Field cannot be longer than 200 characters."),
    ),
)
def test_a_bad_closure_is_refused_beside_the_field_and_not_stored(client, cast, as_manager, changes, field, message):
    response = post_form(client, "/hubs/home/closures", {"starts_on": "2030-12-24", "ends_on": "2030-12-26", "reason": "Christmas", **changes})
    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), field) == message
    assert stored_rows(Closure) == []


def test_a_manager_removes_a_closure(client, cast, as_manager):
    post_form(client, "/hubs/home/closures", {"starts_on": "2030-12-24", "ends_on": "2030-12-26", "reason": "Christmas"})
    [closure] = stored_rows(Closure)
    response = post_form(client, f"/hubs/home/closures/{closure['id']}/delete")
    assert response.status_code == 302
    assert stored_rows(Closure) == []
    page = client.get("/hubs/home/closures").get_data(as_text=True)
    assert "The closure Christmas (Tue 24 Dec 2030 to Thu 26 Dec 2030) is removed" in page
    assert "No closures yet." in page


def test_removing_a_closure_needs_the_csrf_token(client, cast, as_manager):
    post_form(client, "/hubs/home/closures", {"starts_on": "2030-12-24", "ends_on": "2030-12-26", "reason": "Christmas"})
    [closure] = stored_rows(Closure)
    response = client.post(f"/hubs/home/closures/{closure['id']}/delete")
    assert response.status_code == 400
    assert len(stored_rows(Closure)) == 1


def test_a_manager_gives_the_hub_contact_details_shown_on_its_page(client, login_as, cast):
    login_as("manager")
    client.get("/hubs/home/edit")
    edit_page = client.get("/hubs/home/edit").get_data(as_text=True)
    assert 'name="contact_email"' in edit_page and 'name="contact_phone"' in edit_page
    values = {"name": "Home Hub", "timezone": "Europe/London", "currency": "GBP", "invoice_prefix": "INV",
              "payment_terms_days": "14", "contact_email": "hello@home.example.org", "contact_phone": "+44 113 496 0000"}
    assert post_form(client, "/hubs/home/edit", values).status_code == 302
    page = client.get("/hubs/home").get_data(as_text=True)
    assert 'href="mailto:hello@home.example.org"' in page and "+44 113 496 0000" in page


@pytest.mark.parametrize(("field", "value"), (("contact_email", "not an email"), ("contact_phone", "call me maybe")))
def test_contact_details_that_are_not_an_email_or_phone_are_refused_beside_the_field(client, login_as, cast, field, value):
    login_as("manager")
    values = {"name": "Home Hub", "timezone": "Europe/London", "currency": "GBP", "invoice_prefix": "INV",
              "payment_terms_days": "14", field: value}
    response = post_form(client, "/hubs/home/edit", values)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
