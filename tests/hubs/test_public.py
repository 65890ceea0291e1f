"""The pages anyone can see: the list of hubs and a hub's page."""
from __future__ import annotations

from datetime import date, time, timedelta

from coworking.extensions import db
from coworking.hubs.services import add_closure, set_opening_hours


def test_the_home_page_lists_every_hub_with_a_link_to_its_page(client, make_hub):
    make_hub("leeds", "Leeds Central")
    make_hub("bristol", "Bristol Harbour")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/hubs/leeds"' in page and "Leeds Central" in page
    assert 'href="/hubs/bristol"' in page and "Bristol Harbour" in page


def test_a_hub_page_shows_its_address_and_hours_with_closed_days_saying_closed(client, make_hub):
    hub = make_hub("leeds", "Leeds Central", address="12 Mill Street, Leeds")
    set_opening_hours(hub, 2, time(9, 30), time(17, 0))
    db.session.commit()
    page = client.get("/hubs/leeds").get_data(as_text=True)
    assert "12 Mill Street, Leeds" in page
    assert "<th scope=\"row\">Monday</th>\n            <td>08:00–18:00</td>" in page
    assert "<th scope=\"row\">Wednesday</th>\n            <td>09:30–17:00</td>" in page
    assert "<th scope=\"row\">Saturday</th>\n            <td>Closed</td>" in page
    assert "<th scope=\"row\">Sunday</th>\n            <td>Closed</td>" in page


def test_a_hub_page_shows_upcoming_closures_but_not_past_ones(client, make_hub):
    hub = make_hub("leeds", "Leeds Central")
    today = date.today()
    add_closure(hub, today + timedelta(days=30), today + timedelta(days=31), "Summer works")
    add_closure(hub, today - timedelta(days=30), today - timedelta(days=29), "Old holiday")
    db.session.commit()
    page = client.get("/hubs/leeds").get_data(as_text=True)
    assert "Summer works" in page
    assert "Old holiday" not in page


def test_a_hub_page_lists_active_spaces_with_kind_capacity_and_rates_as_money(client, make_hub, make_space):
    hub = make_hub("leeds", "Leeds Central")
    make_space(hub, "room", "Aire Room", capacity=8, hourly_rate_minor=1250, daily_rate_minor=9000)
    make_space(hub, "desk", "Hidden Desk", active=False)
    page = client.get("/hubs/leeds").get_data(as_text=True)
    assert "Aire Room" in page
    assert "<td>Room</td>" in page
    assert "<td>8</td>" in page
    assert "£12.50" in page and "£90.00" in page
    assert "Hidden Desk" not in page


def test_rates_are_shown_in_the_hub_currency(client, make_hub, make_space):
    hub = make_hub("tokyo", "Tokyo Shibuya", timezone="Asia/Tokyo", currency="JPY")
    make_space(hub, "room", "Sakura Room", hourly_rate_minor=1500, daily_rate_minor=9000)
    page = client.get("/hubs/tokyo").get_data(as_text=True)
    assert "¥1,500" in page and "¥9,000" in page


def test_an_unknown_hub_is_a_not_found_page(client):
    response = client.get("/hubs/atlantis")
    assert response.status_code == 404
    assert "Not Found" in response.get_data(as_text=True)


def test_a_manager_sees_a_link_to_manage_their_hub_and_a_member_does_not(client, auth, make_hub, make_manager, make_user):
    hub = make_hub("leeds", "Leeds Central")
    member, manager = make_user(), make_manager(hub)
    auth.login(member)
    assert "/hubs/leeds/edit" not in client.get("/hubs/leeds").get_data(as_text=True)
    auth.logout()
    auth.login(manager)
    assert "/hubs/leeds/edit" in client.get("/hubs/leeds").get_data(as_text=True)


def test_my_hubs_lists_the_hubs_where_i_have_a_role_with_their_management_pages(client, auth, make_hub, make_manager):
    from coworking.hubs.roles import Role, grant_role

    leeds = make_hub("leeds", "Leeds Central")
    bristol = make_hub("bristol", "Bristol Harbour")
    make_hub("york", "York Minster")
    manager = make_manager(leeds)
    grant_role(manager, bristol, Role.STAFF)
    db.session.commit()
    auth.login(manager)
    page = client.get("/hubs/mine").get_data(as_text=True)
    assert "Leeds Central" in page and "/hubs/leeds/edit" in page and "/hubs/leeds/spaces" in page
    # Staff see the hub but no management links they could not use.
    assert "Bristol Harbour" in page and "/hubs/bristol/edit" not in page
    assert "York Minster" not in page
    assert 'href="/hubs/mine"' in page  # "My hubs" in the navigation


def test_my_hubs_is_empty_for_a_plain_member(client, auth, make_hub, make_user):
    make_hub("leeds", "Leeds Central")
    auth.login(make_user())
    page = client.get("/hubs/mine").get_data(as_text=True)
    assert "You have no role in any hub" in page
    assert "Leeds Central" not in page
    assert 'href="/hubs/mine"' not in page  # no "My hubs" in the navigation


def test_my_hubs_lists_every_hub_for_a_network_admin(client, auth, make_hub, make_user):
    make_hub("leeds", "Leeds Central")
    make_hub("bristol", "Bristol Harbour")
    auth.login(make_user(is_admin=True))
    page = client.get("/hubs/mine").get_data(as_text=True)
    assert "/hubs/leeds/edit" in page and "/hubs/bristol/edit" in page
    assert "network admin" in page
