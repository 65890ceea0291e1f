"""Walk-ins: once the hub has opened, a desk can still be booked for the rest of today (the full
day, the morning or the afternoon from now, rounded up to the hub's slot grid), on the page and
through the API alike, priced as docs/decisions.md says: a full day's price, or a half day's
when what is left is at most half the day."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa

from coworking.bookings.desks import desk_period
from coworking.bookings.errors import BookingRulesBroken
from coworking.bookings.models import Booking
from coworking.bookings.operations import book_space
from coworking.extensions import db
from coworking.hubs.services import set_opening_hours
from coworking.timezones import local_today, utc_to_local
from coworking.types import utcnow
from tests.conftest import bearer, post_form
from tests.hubs.helpers import fresh_snapshot

TODAY = date(2027, 3, 15)  # a Monday; London is on GMT, so local time is UTC


def local_clock(hhmm: str, day: date = TODAY) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=timezone.utc)


def hhmm_span(hub, starts_at: datetime, ends_at: datetime) -> tuple[str, str]:
    return tuple(f"{utc_to_local(moment, hub.timezone):%H:%M}" for moment in (starts_at, ends_at))


# --- the service ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("now", "period", "span", "price"),
    [
        ("08:25", "full", ("08:30", "18:00"), 1500),
        ("08:25", "morning", ("08:30", "13:00"), 750),
        ("07:10", "full", ("08:00", "18:00"), 1500),  # before opening: the whole day, as always
        ("14:05", "full", ("14:15", "18:00"), 750),  # at most half the day left: a half day's price
        ("14:05", "afternoon", ("14:15", "18:00"), 750),
        ("08:00", "full", ("08:00", "18:00"), 1500),
    ],
)
def test_a_desk_today_is_booked_from_now_to_the_end_of_the_period(hub, desks, member, now, period, span, price):
    starts_at, ends_at = desk_period(hub, desks[0], TODAY, period, now=local_clock(now))

    booking = book_space(desks[0], member, starts_at, ends_at, booked_by=member, now=local_clock(now))

    assert hhmm_span(hub, booking.starts_at, booking.ends_at) == span
    assert booking.price_minor == price


def test_the_hubs_notice_is_added_before_rounding(hub, desks, set_policy):
    set_policy(min_notice_minutes=30)
    assert hhmm_span(hub, *desk_period(hub, desks[0], TODAY, "full", now=local_clock("08:25"))) == ("09:00", "18:00")


def test_a_period_that_is_over_today_is_refused_beside_the_period(hub, desks):
    with pytest.raises(BookingRulesBroken) as caught:
        desk_period(hub, desks[0], TODAY, "morning", now=local_clock("14:05"))
    assert caught.value.field == "period"
    assert "ended at 13:00 today" in caught.value.message


def test_another_day_is_still_the_whole_period(hub, desks):
    tomorrow = TODAY + timedelta(days=1)
    assert hhmm_span(hub, *desk_period(hub, desks[0], tomorrow, "full", now=local_clock("08:25"))) == ("08:00", "18:00")


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (TODAY, "10:10", "18:00"),  # off the slot grid
        (TODAY, "10:00", "17:00"),  # not to the end of a period
        (TODAY + timedelta(days=1), "10:00", "18:00"),  # the rest of a day is for today only
    ],
)
def test_other_partial_days_are_still_refused(hub, desks, member, day, start, end):
    with pytest.raises(BookingRulesBroken) as caught:
        book_space(desks[0], member, local_clock(start, day), local_clock(end, day), booked_by=member, now=local_clock("08:25"))
    assert "Desks are booked for a full day or a half day" in caught.value.message


# --- the page and the API, on the real clock ------------------------------------------------

@pytest.fixture
def walk_in_hub(make_hub, make_space):
    """A hub whose local time is now between 11:00 and 12:00 (a fixed-offset zone chosen for
    the real clock), open 08:00–18:00 every day, with one desk."""
    offset = (11 - utcnow().hour + 12) % 24 - 12  # -12..11 hours; Etc/GMT names have the sign inverted
    zone = "Etc/GMT" + (f"{-offset:+d}" if offset else "")
    hub = make_hub("walk-in", "Walk-in Hub", timezone=zone)
    for weekday in range(7):
        set_opening_hours(hub, weekday, time(8, 0), time(18, 0))
    db.session.commit()
    make_space(hub, "desk", "Desk 1", daily_rate_minor=1500)
    return hub


def expected_start(hub) -> str:
    local = utc_to_local(utcnow(), hub.timezone)
    minutes = local.hour * 60 + local.minute + (1 if local.second or local.microsecond else 0)
    minutes = -(-minutes // 15) * 15
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def stored_desk_bookings() -> list[Booking]:
    fresh_snapshot()
    return list(db.session.scalars(sa.select(Booking).order_by(Booking.id)))


def test_the_desk_form_today_offers_the_rest_of_the_day_and_books_it(client, auth, member, walk_in_hub):
    assert auth.login(member).status_code == 302
    today = local_today(walk_in_hub.timezone).isoformat()

    form = client.get(f"/hubs/walk-in/book/desk?date={today}").get_data(as_text=True)
    response = post_form(client, "/hubs/walk-in/book/desk", {"day": today, "space": "any", "period": "full"})

    assert f"Full day ({expected_start(walk_in_hub)}–18:00)" in form
    assert response.status_code == 302, response.get_data(as_text=True)
    [booking] = stored_desk_bookings()
    assert hhmm_span(walk_in_hub, booking.starts_at, booking.ends_at) == (expected_start(walk_in_hub), "18:00")
    assert booking.price_minor == 1500


def test_the_api_books_the_rest_of_today_with_the_same_rule(client, member, make_token, walk_in_hub):
    today = local_today(walk_in_hub.timezone).isoformat()
    local = utc_to_local(utcnow(), walk_in_hub.timezone)
    offset = local.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}"
    body = {"hub": "walk-in", "kind": "desk", "starts_at": f"{today}T{expected_start(walk_in_hub)}:00{offset}",
            "ends_at": f"{today}T18:00:00{offset}"}

    response = client.post("/api/v1/bookings", json=body, headers=bearer(make_token(member)))

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["price"] == {"amount_minor": 1500, "currency": "GBP"}
