"""The demo keeps its own hub's rules: after ``seed-demo`` every demo member is under each demo
hub's limit of upcoming bookings and can book a desk on the next day the hub opens."""
from __future__ import annotations

from datetime import timedelta

from coworking.accounts.services import find_user_by_email
from coworking.bookings.desks import desk_period
from coworking.bookings.opening import day_opening
from coworking.bookings.operations import book_any_desk
from coworking.bookings.policy import hub_policy
from coworking.bookings.queries import active_booking_count
from coworking.extensions import db
from coworking.hubs.services import list_hubs
from coworking.timezones import local_today
from coworking.types import utcnow

DEMO_MEMBERS = ("alice@example.org", "bob@example.org", "carol@example.org")


def next_open_day(hub):
    day = local_today(hub.timezone) + timedelta(days=1)
    while day_opening(hub, day).is_closed:
        day += timedelta(days=1)
    return day


def test_every_demo_member_is_under_every_demo_hubs_limit_and_can_book_the_next_open_day(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    members = [find_user_by_email(email) for email in DEMO_MEMBERS]
    hubs = list_hubs()
    assert len(hubs) == 2

    for hub in hubs:
        limit = hub_policy(hub).max_active_bookings
        for member in members:
            assert active_booking_count(member, hub, utcnow()) < limit, (hub.slug, member.email)
        day = next_open_day(hub)
        for member in members:
            booking = book_any_desk(hub, member, *desk_period(hub, None, day, "full"), booked_by=member)
            db.session.commit()
            assert booking.member_id == member.id
