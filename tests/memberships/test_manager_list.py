"""The hub's memberships list: filters (plan in force, state, concession, organisation), pages,
the CSV export of the filtered list, the concessions due for review, and who may see them."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from coworking.extensions import db
from coworking.memberships.lifecycle import add_concession, cancel_membership, change_plan, pause_membership
from coworking.memberships.periods import Period
from coworking.memberships.plans import save_organisation
from coworking.memberships.views import manager as manager_views
from tests.conftest import post_form
from tests.memberships.manage_fixtures import error_beside, member_since, text


@pytest.fixture
def roster(hub, manager, make_user, hot_desk, resident, today):
    """Ann (Hot desk, billed to the bakery), Ben (Resident, 50% bursary due for review), Cal (Hot
    desk from next month), Dee (Hot desk, ended), Eve (Hot desk, paused this month), Gus (moved
    from Hot desk to Resident last month)."""
    this = Period.of(today)
    people = {name: make_user(email=f"{name.lower()}@example.org", name=f"{name} Example")
              for name in ("Ann", "Ben", "Cal", "Dee", "Eve", "Gus")}
    bakery = save_organisation(hub, by=manager, name="Bakery Co-op", billing_email="accounts@bakery.example")
    member_since(people["Ann"], hot_desk, this.plus(-1).first_day, manager, organisation=bakery)
    ben = member_since(people["Ben"], resident, this.plus(-1).first_day, manager)
    add_concession(ben, by=manager, reason="Bursary", percent_bp=5000, review_on=today - timedelta(days=1),
                   funded_by_community_fund=True, starts_on=ben.starts_on, today=ben.starts_on)
    member_since(people["Cal"], hot_desk, this.plus(1).first_day, manager)
    dee = member_since(people["Dee"], hot_desk, this.plus(-3).first_day, manager)
    cancel_membership(dee, by=manager, today=this.plus(-2).last_day, ends_on=this.plus(-2).last_day)
    eve = member_since(people["Eve"], hot_desk, this.plus(-2).first_day, manager)
    pause_membership(eve, by=manager, first_period=this, months=1, today=this.plus(-1).first_day)
    gus = member_since(people["Gus"], hot_desk, this.plus(-2).first_day, manager)
    change_plan(gus, resident, by=manager, today=this.plus(-1).first_day, at_once=True)
    db.session.commit()
    return {"bakery": bakery, **people}


def names_listed(page: str) -> list[str]:
    """The members in the list's table (not those named elsewhere on the page)."""
    table = page[page.index("<tbody>"):page.index("</tbody>")] if "<tbody>" in page else ""
    return sorted(name for name in ("Ann", "Ben", "Cal", "Dee", "Eve", "Gus") if f"{name} Example</a>" in table)


def test_the_list_shows_each_membership_with_its_plan_state_and_monthly_price(client, login, manager, roster):
    login(manager)
    page = text(client.get("/hubs/here/memberships"))
    assert names_listed(page) == ["Ann", "Ben", "Cal", "Dee", "Eve", "Gus"]
    assert "6 memberships" in page
    for label in ("Active", "Upcoming", "Ended", "Paused", "Bakery Co-op", "50%", "£125.00", "full £250.00"):
        assert label in page


@pytest.mark.parametrize("query,expected", [
    ("plan={resident}", ["Ben", "Gus"]),  # Gus moved to Resident: listed under the plan in force
    ("plan={hot_desk}", ["Ann", "Cal", "Dee", "Eve"]),
    ("state=active", ["Ann", "Ben", "Gus"]),
    ("state=paused", ["Eve"]),
    ("state=upcoming", ["Cal"]),
    ("state=ended", ["Dee"]),
    ("concession=yes", ["Ben"]),
    ("concession=no", ["Ann", "Cal", "Dee", "Eve", "Gus"]),
    ("organisation={bakery}", ["Ann"]),
    ("state=active&concession=no&plan={hot_desk}", ["Ann"]),
])
def test_the_filters(client, login, manager, roster, hot_desk, resident, query, expected):
    login(manager)
    query = query.format(resident=resident.id, hot_desk=hot_desk.id, bakery=roster["bakery"].id)
    response = client.get(f"/hubs/here/memberships?{query}")
    assert response.status_code == 200
    assert names_listed(text(response)) == expected


@pytest.mark.parametrize("query,field", [("state=lapsed", "state"), ("plan=99999", "plan"), ("organisation=x", "organisation")])
def test_a_filter_that_does_not_parse_is_a_400_beside_it(client, login, manager, roster, query, field):
    login(manager)
    response = client.get(f"/hubs/here/memberships?{query}")
    assert response.status_code == 400 and error_beside(text(response), field) == "Not a valid choice."
    assert client.get(f"/hubs/here/memberships.csv?{query}").status_code == 400


def test_a_page_number_below_one_is_a_400(client, login, manager, roster):
    login(manager)
    response = client.get("/hubs/here/memberships?page=0")
    assert response.status_code == 400 and "Pages start at 1." in text(response)


def test_the_list_is_paged(client, login, manager, roster, monkeypatch):
    monkeypatch.setattr(manager_views, "PER_PAGE", 4)
    login(manager)
    first = text(client.get("/hubs/here/memberships?state=&concession="))
    second = text(client.get("/hubs/here/memberships?page=2"))
    assert len(names_listed(first)) == 4 and len(names_listed(second)) == 2
    assert set(names_listed(first)) | set(names_listed(second)) == {"Ann", "Ben", "Cal", "Dee", "Eve", "Gus"}
    assert "Page 1 of 2" in first and "page=2" in first and "Page 2 of 2" in second


def test_the_csv_export_holds_the_filtered_list(client, login, manager, roster, resident, today):
    login(manager)
    response = client.get(f"/hubs/here/memberships.csv?plan={resident.id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f'filename="here-memberships-{today.isoformat()}.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(text(response))))
    assert rows[0] == ["member name", "email", "plan", "state", "starts", "ends", "organisation", "concession",
                       "monthly price (GBP)"]
    by_name = {row[0]: row for row in rows[1:]}
    assert sorted(by_name) == ["Ben Example", "Gus Example"]
    ben = roster["Ben"]
    assert by_name["Ben Example"] == [
        "Ben Example", ben.email, "Resident", "active", Period.of(today).plus(-1).first_day.isoformat(), "", "", "50%", "125.00"]
    assert by_name["Gus Example"][2:4] == ["Resident", "active"] and by_name["Gus Example"][-1] == "250.00"


def test_the_csv_export_of_everyone_and_cells_that_could_run_as_formulas(client, login, manager, roster, today):
    roster["Ann"].name = "=HYPERLINK(1)"
    db.session.commit()
    login(manager)
    rows = list(csv.reader(io.StringIO(text(client.get("/hubs/here/memberships.csv")))))
    assert len(rows) == 7
    ann = next(row for row in rows if row[1] == "ann@example.org")
    assert ann[0] == "'=HYPERLINK(1)" and ann[6] == "Bakery Co-op" and ann[-1] == "120.00"
    dee = next(row for row in rows if row[1] == "dee@example.org")
    assert dee[3:6] == ["ended", Period.of(today).plus(-3).first_day.isoformat(), Period.of(today).plus(-2).last_day.isoformat()]


def test_concessions_due_for_review_are_listed_on_the_memberships_page(client, login, manager, roster):
    login(manager)
    page = text(client.get("/hubs/here/memberships"))
    section = page[page.index("Concessions due for review"):page.index("</section>")]
    assert "Ben Example" in section and "50% concession (Bursary)" in section and "funded by the community fund" in section


def test_staff_see_the_list_and_export_others_do_not(client, auth, login, staff, outsider, member, roster):
    login(staff)
    page = text(client.get("/hubs/here/memberships"))
    assert "Ben Example" in page and "Enrol a member" not in page
    assert client.get("/hubs/here/memberships.csv").status_code == 200
    assert 'href="/hubs/here/memberships"' in text(client.get("/hubs/here/bookings"))  # the team's booking pages link here
    for who in (outsider, member):
        auth.logout()
        login(who)
        assert client.get("/hubs/here/memberships").status_code == 403
        assert client.get("/hubs/here/memberships.csv").status_code == 403
    assert post_form(client, "/hubs/here/memberships/new", {}).status_code == 403
