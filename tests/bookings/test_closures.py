"""Closing a hub on days with bookings (issue 12, item 3): the closure form first lists the
bookings it would cancel; confirmed, it cancels them and emails each member through the outbox
(the cancellation announced, so allowances and feeds follow). Removing a closure asks first."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from coworking.bookings.blocks import block_space
from coworking.bookings.models import Booking
from coworking.events import booking_cancelled
from coworking.extensions import db
from coworking.hubs.models import Closure
from coworking.hubs.services import add_closure
from coworking.mail import OutboxMessage
from tests.conftest import post_form
from tests.hubs.helpers import fresh_snapshot

CLOSURES = "/hubs/here/closures"
CONFIRMED = re.compile(r'name="confirmed" type="hidden" value="([0-9a-f]+)"')


@pytest.fixture
def manager(auth, people):
    assert auth.login(people.manager).status_code == 302
    fresh_snapshot()
    return people.manager


@pytest.fixture
def olga(make_user):
    return make_user(email="olga@example.org", name="Olga Other")


@pytest.fixture
def on_monday(room, desks, member, olga, people, monday, at, book, make_hub, make_space):
    """Two members' bookings on Monday, a block of the hub's own, and a booking at another hub."""
    mine = book(desks[0], at(monday, "08:00"), at(monday, "18:00"))
    theirs = book(room, at(monday, "10:00"), at(monday, "11:00"), who=olga)
    block_space(room, at(monday, "15:00"), at(monday, "16:00"), "Repairs", by=people.manager)
    elsewhere = make_space(make_hub("away", "Away Hub"), "desk", "Away Desk")
    other_hub = book(elsewhere, at(monday, "08:00"), at(monday, "18:00"))
    db.session.commit()
    return mine, theirs, other_hub


def closure_form(monday, **extra) -> dict:
    return {"starts_on": monday.isoformat(), "ends_on": monday.isoformat(), "reason": "Boiler repair", **extra}


def statuses() -> dict[str, str]:
    fresh_snapshot()
    return {f"{b.space.name} {b.member.name if b.member else 'block'}": b.status for b in db.session.scalars(sa.select(Booking))}


def closures() -> int:
    fresh_snapshot()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Closure))


def test_a_closure_over_bookings_first_lists_what_it_would_cancel_and_stores_nothing(client, manager, on_monday, monday):
    response = post_form(client, CLOSURES, closure_form(monday))

    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 409
    assert "2 bookings on those days would be cancelled" in page
    assert "Desk 1, " in page and "Mary Member (member@example.org)" in page
    assert "Meeting Room, " in page and "Olga Other (olga@example.org)" in page
    assert "Away Desk" not in page
    assert "Close and cancel 2 bookings" in page
    assert closures() == 0
    assert set(statuses().values()) == {"confirmed"}


def test_confirmed_the_closure_cancels_them_and_emails_each_member(client, manager, on_monday, monday):
    cancelled = []
    booking_cancelled.connect(record := lambda booking, **kwargs: cancelled.append(booking.id))
    shown = post_form(client, CLOSURES, closure_form(monday)).get_data(as_text=True)

    response = post_form(client, CLOSURES, closure_form(monday, confirmed=CONFIRMED.search(shown).group(1)))

    booking_cancelled.disconnect(record)
    assert response.status_code == 302
    assert "2 bookings on those days cancelled; each member is emailed" in client.get(CLOSURES).get_data(as_text=True)
    assert closures() == 1
    assert statuses() == {"Desk 1 Mary Member": "cancelled", "Meeting Room Olga Other": "cancelled",
                          "Meeting Room block": "confirmed", "Away Desk Mary Member": "confirmed"}
    assert sorted(cancelled) == sorted(b.id for b in on_monday[:2])
    mail = {m.to_address: m for m in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.subject.like("Booking cancelled%")))}
    assert set(mail) == {"member@example.org", "olga@example.org"}
    assert all("Here Hub is closed: Boiler repair" in m.body_text for m in mail.values())


def test_a_confirmation_for_other_bookings_than_there_are_now_asks_again(client, manager, on_monday, monday, at, book, desks):
    shown = post_form(client, CLOSURES, closure_form(monday)).get_data(as_text=True)
    book(desks[1], at(monday, "08:00"), at(monday, "18:00"), who=manager)  # booked meanwhile

    response = post_form(client, CLOSURES, closure_form(monday, confirmed=CONFIRMED.search(shown).group(1)))

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "3 bookings on those days would be cancelled" in page
    assert "changed since you looked" in page
    assert closures() == 0


def test_a_closure_over_no_bookings_is_added_at_once(client, manager, on_monday, monday):
    response = post_form(client, CLOSURES, closure_form(monday + timedelta(days=1)))
    assert response.status_code == 302
    assert closures() == 1


def test_removing_a_closure_asks_first_then_says_what_was_removed(client, manager, hub, monday):
    closure = add_closure(hub, monday, monday + timedelta(days=1), "Staff training")
    db.session.commit()
    path = f"/hubs/here/closures/{closure.id}/delete"

    asked = client.get(path).get_data(as_text=True)
    still_there = closures()
    removed = post_form(client, path)

    assert "Remove this closure?" in asked and "Staff training" in asked and f"{monday:%a %d %b %Y}" in asked
    assert still_there == 1
    assert removed.status_code == 302
    assert closures() == 0
    assert "The closure Staff training" in client.get(CLOSURES).get_data(as_text=True)
