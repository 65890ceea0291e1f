"""The hub rules called directly, as the API and the command line call them."""
from __future__ import annotations

from datetime import time

import pytest

from coworking.extensions import db
from coworking.hubs import roles, services
from coworking.hubs.forms import parse_amenities
from coworking.hubs.models import Hub, OpeningHours
from coworking.money import normalise_currency
from tests.hubs.helpers import stored_row, stored_rows


@pytest.mark.parametrize(
    ("text", "expected"),
    (
        ("", []),
        (None, []),
        ("monitor", ["monitor"]),
        ("monitor, standing desk", ["monitor", "standing desk"]),
        (" monitor ,, standing   desk ,", ["monitor", "standing desk"]),
        ("Monitor, monitor, MONITOR", ["Monitor"]),
    ),
)
def test_amenities_are_typed_as_comma_separated_text(text, expected):
    assert parse_amenities(text) == expected


@pytest.mark.parametrize(("typed", "stored"), (("gbp", "GBP"), (" eur ", "EUR"), ("JPY", "JPY")))
def test_currency_codes_are_upper_cased(typed, stored):
    assert normalise_currency(typed) == stored


def test_a_week_with_one_bad_day_changes_no_day(make_hub):
    hub = make_hub()
    before = stored_rows(OpeningHours, hub_id=hub.id)
    week = [services.DayHours(day, time(7, 0), time(20, 0)) for day in range(7)]
    week[3] = services.DayHours(3, time(20, 0), time(7, 0))
    with pytest.raises(services.WeekHoursError) as raised:
        services.set_week_hours(hub, week)
    assert raised.value.problems == {3: "Closing time must be after opening time."}
    db.session.commit()
    assert stored_rows(OpeningHours, hub_id=hub.id) == before


def test_a_failed_update_changes_nothing_on_the_hub(make_hub):
    hub = make_hub(name="Before")
    before = stored_row(Hub, hub.id)
    with pytest.raises(services.HubError) as raised:
        services.update_hub(hub, name="After", timezone="Mars/Olympus")
    assert raised.value.field == "timezone"
    assert hub.name == "Before"
    db.session.commit()
    assert stored_row(Hub, hub.id) == before


def test_two_hubs_cannot_share_a_slug(make_hub):
    make_hub("leeds")
    with pytest.raises(services.HubError, match="already uses this slug") as raised:
        services.create_hub("leeds", "Leeds Again")
    assert raised.value.field == "slug"


def test_list_spaces_leaves_out_inactive_spaces_unless_asked(make_hub, make_space):
    hub = make_hub()
    desk = make_space(hub, "desk", "Desk")
    shut = make_space(hub, "room", "Shut Room", active=False)
    assert services.list_spaces(hub) == [desk]
    assert services.list_spaces(hub, include_inactive=True) == [desk, shut]


def test_hubs_with_roles_lists_a_user_s_hubs_by_name(make_hub, make_manager, make_user):
    from coworking.hubs.roles import Role, grant_role

    york, alnwick = make_hub("york", "York"), make_hub("alnwick", "Alnwick")
    make_hub("zennor", "Zennor")
    manager = make_manager(york)
    grant_role(manager, alnwick, Role.STAFF)
    db.session.commit()
    assert [(hub.slug, role) for hub, role in roles.hubs_with_roles(manager)] == [("alnwick", "staff"), ("york", "manager")]
    assert roles.hubs_with_roles(make_user()) == []
