"""My bookings on any screen: cards with upcoming first, past ones ten a page, and the hub's
contact details where a booking is too late to cancel online."""
from __future__ import annotations

from datetime import timedelta

import pytest

from coworking.bookings.models import Booking
from coworking.bookings.policy import policy_row_for
from coworking.extensions import db
from coworking.timezones import local_today
from tests.hubs.helpers import fresh_snapshot


@pytest.fixture
def logged_in(auth, member):
    assert auth.login(member).status_code == 302
    fresh_snapshot()
    return member


def past_booking(room, member, at, days_ago: int) -> Booking:
    day = local_today(room.hub.timezone) - timedelta(days=days_ago)
    booking = Booking(
        space_id=room.id, member_id=member.id, booked_by_id=member.id,
        starts_at=at(day, "09:00"), ends_at=at(day, "10:00"),
        status="confirmed", price_minor=2000, currency="GBP",
    )
    db.session.add(booking)
    return booking


def test_past_bookings_come_ten_a_page_latest_first_after_the_upcoming_ones(client, logged_in, room, monday, at, book):
    book(room, at(monday, "09:00"), at(monday, "10:00"))
    for days_ago in range(1, 24):
        past_booking(room, logged_in, at, days_ago)
    db.session.commit()
    today = local_today(room.hub.timezone)

    first = client.get("/bookings").get_data(as_text=True)
    upcoming, past = first.split('id="past-heading"')
    assert monday.strftime("%a %d %b %Y") in upcoming
    assert past.count('class="booking-card"') == 10
    assert past.index((today - timedelta(days=1)).strftime("%a %d %b %Y")) < past.index((today - timedelta(days=2)).strftime("%a %d %b %Y"))
    assert "Page 1 of 3" in past and "past=2" in past

    last = client.get("/bookings?past=3").get_data(as_text=True).split('id="past-heading"')[1]
    assert last.count('class="booking-card"') == 3
    assert (today - timedelta(days=23)).strftime("%a %d %b %Y") in last
    assert "Page 3 of 3" in last and "past=4" not in last


@pytest.mark.parametrize("asked", ("0", "-4", "99", "lots"))
def test_a_page_out_of_range_shows_the_nearest_page(client, logged_in, room, at, asked):
    past_booking(room, logged_in, at, 3)
    db.session.commit()
    response = client.get(f"/bookings?past={asked}")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('class="booking-card"') == 1


def test_too_late_to_cancel_online_gives_the_hubs_contact_details(client, logged_in, hub, room, monday, at, book):
    book(room, at(monday, "09:00"), at(monday, "10:00"))
    hub.contact_email, hub.contact_phone = "hello@here.example.org", "0113 496 0000"
    policy_row_for(hub).cancellation_cutoff_minutes = 30 * 24 * 60
    db.session.commit()
    page = client.get("/bookings").get_data(as_text=True)
    assert "Too late to cancel online. Contact Here Hub at" in page
    assert 'href="mailto:hello@here.example.org"' in page and 'href="tel:01134960000"' in page
