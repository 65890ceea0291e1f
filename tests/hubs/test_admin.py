"""The network admin's screens: the list of hubs, creating a hub, and giving people roles."""
from __future__ import annotations

import pytest

from coworking.hubs.models import Hub, OpeningHours
from coworking.hubs.roles import HubRole
from tests.conftest import post_form
from tests.hubs.helpers import error_beside, stored_rows

NEW_HUB = {
    "slug": "york-minster",
    "name": "York Minster Hub",
    "timezone": "Europe/London",
    "currency": "GBP",
    "address": "1 Deangate, York",
    "vat_number": "GB999999973",
    "invoice_prefix": "YRK",
    "payment_terms_days": "30",
}


@pytest.fixture
def as_admin(login_as):
    return login_as("admin")


def test_the_admin_hub_list_links_to_each_hub_s_management_pages(client, cast, as_admin):
    page = client.get("/admin/hubs").get_data(as_text=True)
    for slug in ("home", "away"):
        for path in ("edit", "hours", "closures", "spaces"):
            assert f'href="/hubs/{slug}/{path}"' in page
        assert f'href="/admin/hubs/{slug}/roles"' in page
    assert 'href="/admin/hubs/new"' in page


def test_an_admin_creates_a_hub_with_all_its_details(client, cast, as_admin):
    response = post_form(client, "/admin/hubs/new", NEW_HUB)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/hubs/york-minster/roles")
    [hub] = stored_rows(Hub, slug="york-minster")
    assert hub["name"] == "York Minster Hub"
    assert (hub["timezone"], hub["currency"]) == ("Europe/London", "GBP")
    assert hub["address"] == "1 Deangate, York"
    assert hub["vat_number"] == "GB999999973"
    assert (hub["invoice_prefix"], hub["payment_terms_days"]) == ("YRK", 30)
    hours = stored_rows(OpeningHours, hub_id=hub["id"])
    assert [row["closed"] for row in hours] == [False] * 5 + [True] * 2


def test_a_lower_case_currency_is_stored_upper_case(client, cast, as_admin):
    post_form(client, "/admin/hubs/new", {**NEW_HUB, "currency": "eur"})
    [hub] = stored_rows(Hub, slug="york-minster")
    assert hub["currency"] == "EUR"


def test_a_hub_without_a_vat_number_stores_none(client, cast, as_admin):
    post_form(client, "/admin/hubs/new", {**NEW_HUB, "vat_number": ""})
    [hub] = stored_rows(Hub, slug="york-minster")
    assert hub["vat_number"] is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    (
        ("slug", "home", "Another hub already uses this slug."),
        ("slug", "York Minster", "Use lower-case letters, digits and single hyphens"),
        ("slug", "mine", "reserved"),
        ("slug", "", "This field is required."),
        ("timezone", "Mars/Olympus", "'Mars/Olympus' is not an IANA time zone"),
        ("currency", "XYZ", "'XYZ' is not an ISO 4217 currency code"),
        ("payment_terms_days", "-1", "Payment terms are a number of days, 0 or more."),
        ("payment_terms_days", "abc", "Not a valid integer value."),
        ("payment_terms_days", "99999999999", "Payment terms are at most 365 days."),
        ("name", "", "This field is required."),
        ("invoice_prefix", "INV 2026!", "Use letters, digits and hyphens only."),
    ),
)
def test_a_hub_with_bad_details_is_refused_beside_the_field_and_not_created(client, cast, as_admin, field, value, message):
    before = stored_rows(Hub)
    response = post_form(client, "/admin/hubs/new", {**NEW_HUB, field: value})
    assert response.status_code == 400
    assert message in (error_beside(response.get_data(as_text=True), field) or "")
    assert stored_rows(Hub) == before


# --- roles ----------------------------------------------------------------------------------

def test_the_roles_page_lists_the_people_with_a_role_in_the_hub(client, cast, as_admin):
    page = client.get("/admin/hubs/home/roles").get_data(as_text=True)
    assert "Mona Manager" in page and "manager@example.org" in page
    assert "Stan Staff" in page
    assert "Otto Other" not in page  # a manager of the other hub
    assert "Mary Member" not in page


@pytest.mark.parametrize("role", ("manager", "staff"))
def test_an_admin_gives_a_member_a_role_by_email_in_any_case(client, cast, as_admin, role):
    response = post_form(client, "/admin/hubs/home/roles", {"email": "MEMBER@Example.org", "role": role})
    assert response.status_code == 302
    [hub_role] = stored_rows(HubRole, user_id=cast.member.id)
    assert (hub_role["hub_id"], hub_role["role"]) == (cast.hub.id, role)
    assert "Mary Member" in client.get("/admin/hubs/home/roles").get_data(as_text=True)


def test_giving_a_role_to_someone_with_one_already_replaces_it(client, cast, as_admin):
    post_form(client, "/admin/hubs/home/roles", {"email": "staff@example.org", "role": "manager"})
    assert [row["role"] for row in stored_rows(HubRole, user_id=cast.staff.id)] == ["manager"]


def test_a_new_manager_can_then_manage_the_hub(client, auth, cast, as_admin):
    post_form(client, "/admin/hubs/home/roles", {"email": "member@example.org", "role": "manager"})
    auth.logout()
    auth.login("member@example.org")
    assert client.get("/hubs/home/edit").status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    (
        ("email", "nobody@example.org", "No account uses this email."),
        ("email", "", "Enter their email."),
        ("role", "owner", "Not a valid choice."),
    ),
)
def test_a_role_for_an_unknown_email_or_role_is_refused_beside_the_field(client, cast, as_admin, field, value, message):
    before = stored_rows(HubRole)
    response = post_form(client, "/admin/hubs/home/roles", {"email": "member@example.org", "role": "manager", field: value})
    assert response.status_code == 400
    assert message in (error_beside(response.get_data(as_text=True), field) or "")
    assert stored_rows(HubRole) == before


def test_an_admin_takes_a_role_away(client, cast, as_admin):
    response = post_form(client, f"/admin/hubs/home/roles/{cast.manager.id}/revoke")
    assert response.status_code == 302
    assert stored_rows(HubRole, user_id=cast.manager.id) == []
    assert len(stored_rows(HubRole, user_id=cast.other_manager.id)) == 1
