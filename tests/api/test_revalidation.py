"""Polled reads (a hub's availability, one booking, a list of bookings) carry an ETag and
``Cache-Control: private, no-cache``; the same ETag back in If-None-Match gets a 304 with no body,
and anything that would change the body gives a new ETag."""
from __future__ import annotations

from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from coworking.accounts.models import ApiToken
from coworking.accounts.services import revoke_api_token, update_profile
from coworking.bookings.operations import book_space, cancel_booking
from coworking.extensions import db
from coworking.hubs.roles import Role, grant_role, revoke_role
from coworking.hubs.services import add_closure, add_space, set_opening_hours, update_hub, update_space
from coworking.types import utcnow
from tests.api.test_bookings_api import instant, next_monday
from tests.conftest import bearer, counted_statements

AVAILABILITY = "/api/v1/hubs/leeds-central/availability"


@pytest.fixture
def monday():
    return next_monday()


@pytest.fixture
def room(hub, make_space):
    return make_space(hub, "room", "Meeting Room", capacity=6)


@pytest.fixture
def member(make_user):
    return make_user(email="mary@example.org", name="Mary Member")


@pytest.fixture
def token(member, make_token):
    return make_token(member)


@pytest.fixture
def book(monday):
    def make(space, user, start="09:00", end="10:00", day=None):
        booking = book_space(space, user, instant(day or monday, start), instant(day or monday, end), booked_by=user)
        db.session.commit()
        return booking

    return make


def availability_url(monday, query: str = "") -> str:
    return f"{AVAILABILITY}?date={monday.isoformat()}{query}"


def etag_of(client, url: str, token: str) -> str:
    response = client.get(url, headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["ETag"]
    return response.headers["ETag"]


def revalidate(client, url: str, token: str, etag: str):
    return client.get(url, headers={**bearer(token), "If-None-Match": etag})


# --- the 304 --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", (AVAILABILITY + "?date={monday}", "/api/v1/bookings/{booking}", "/api/v1/bookings",
                                  "/api/v1/bookings?from={monday}&to={monday}", "/api/v1/hubs/leeds-central/spaces"))
def test_a_current_copy_gets_a_304_with_its_etag_and_no_body(client, room, member, token, book, monday, path):
    booking = book(room, member)
    url = path.format(monday=monday.isoformat(), booking=booking.id)
    etag = etag_of(client, url, token)

    response = revalidate(client, url, token, etag)

    assert response.status_code == 304
    assert response.get_data() == b""
    assert response.headers["ETag"] == etag
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_304_of_a_settled_token_is_answered_from_one_statement_before_flask(client, room, member, token, book, monday):
    book(room, member)
    url = availability_url(monday)
    etag = etag_of(client, url, token)  # this request wrote the token's last use

    with counted_statements() as statements:
        response = revalidate(client, url, token, etag)

    assert response.status_code == 304
    assert statements == []  # none through the ORM: the layer's one read runs on a bare cursor


def test_a_poll_whose_token_use_is_due_goes_through_flask_and_records_it(client, room, member, token, monday):
    url = availability_url(monday)
    etag = etag_of(client, url, token)
    db.session.execute(sa.update(ApiToken).values(last_used_at=utcnow() - timedelta(hours=2)))
    db.session.commit()

    response = revalidate(client, url, token, etag)

    assert response.status_code == 304
    db.session.rollback()
    assert utcnow() - db.session.scalar(sa.select(ApiToken.last_used_at)) < timedelta(minutes=1)


def test_a_revoked_token_gets_401_not_304(client, member, token, monday, room):
    url = availability_url(monday)
    etag = etag_of(client, url, token)
    token_id = db.session.scalar(sa.select(ApiToken.id))
    revoke_api_token(member, token_id)
    db.session.commit()

    assert revalidate(client, url, token, etag).status_code == 401
    assert revalidate(client, url, token, "*").status_code == 401


def test_a_booking_no_longer_visible_gets_404_not_304(client, hub, room, member, make_user, make_token, book):
    staff = make_user(email="stan@example.org", name="Stan Staff")
    grant_role(staff, hub, Role.STAFF)
    db.session.commit()
    staff_token = make_token(staff)
    url = f"/api/v1/bookings/{book(room, member).id}"
    etag = etag_of(client, url, staff_token)
    revoke_role(staff, hub)
    db.session.commit()

    assert revalidate(client, url, staff_token, etag).status_code == 404
    assert revalidate(client, url, staff_token, "*").status_code == 404


def test_someone_elses_etag_is_not_yours(client, room, member, token, make_user, make_token, book, monday):
    book(room, member)
    url = availability_url(monday)
    other_token = make_token(make_user(email="olga@example.org", name="Olga Other"))

    assert etag_of(client, url, token) != etag_of(client, url, other_token)
    assert revalidate(client, url, other_token, etag_of(client, url, token)).status_code == 200


def test_a_hub_list_for_someone_who_does_not_work_there_is_403_whatever_the_etag(client, hub, token):
    assert revalidate(client, "/api/v1/bookings?hub=leeds-central", token, "*").status_code == 403


# --- what changes the ETag ------------------------------------------------------------------

def _book_for_someone_else(ctx):
    other = ctx["make_user"](email="olga@example.org", name="Olga Other")
    ctx["book"](ctx["room"], other, "14:00", "15:00")


def _cancel(ctx):
    cancel_booking(ctx["booking"], by=ctx["member"])


def _move(ctx):
    ctx["booking"].ends_at = ctx["booking"].ends_at + timedelta(minutes=30)


def _close_that_day(ctx):
    add_closure(ctx["hub"], ctx["monday"], ctx["monday"], "Boiler repairs")


def _close_later(ctx):
    add_closure(ctx["hub"], ctx["monday"] + timedelta(days=30), ctx["monday"] + timedelta(days=30), "Holiday")


def _change_hours(ctx):
    set_opening_hours(ctx["hub"], ctx["monday"].weekday(), time(9), time(17))


def _add_space(ctx):
    add_space(ctx["hub"], "desk", "New Desk", daily_rate_minor=1000)


def _rename_space(ctx):
    update_space(ctx["room"], name="Board Room")


def _deactivate_space(ctx):
    update_space(ctx["room"], active=False)


def _rename_hub(ctx):
    update_hub(ctx["hub"], name="Leeds Central Co-work")


def _move_hub_zone(ctx):
    update_hub(ctx["hub"], timezone="Europe/Dublin")


def _rename_member(ctx):
    update_profile(ctx["member"], "Mary Q. Member", ctx["member"].email)


def _make_member_staff(ctx):
    grant_role(ctx["member"], ctx["hub"], Role.STAFF)


AVAILABILITY_CHANGES = (
    _book_for_someone_else, _cancel, _move, _close_that_day, _close_later, _change_hours, _add_space, _rename_space,
    _deactivate_space, _rename_hub, _move_hub_zone, _rename_member, _make_member_staff,
)


@pytest.fixture
def ctx(hub, room, member, book, monday, make_user):
    return {"hub": hub, "room": room, "member": member, "monday": monday, "book": book, "make_user": make_user,
            "booking": book(room, member)}


@pytest.mark.parametrize("change", AVAILABILITY_CHANGES, ids=lambda change: change.__name__.strip("_"))
def test_availability_gets_a_new_etag_when_its_body_may_change(client, ctx, token, change):
    url = availability_url(ctx["monday"])
    before = etag_of(client, url, token)

    change(ctx)
    db.session.commit()

    assert revalidate(client, url, token, before).status_code == 200
    assert etag_of(client, url, token) != before


@pytest.mark.parametrize("query", ("&kind=room", "&kind=desk"))
def test_another_day_or_kind_has_another_etag(client, ctx, token, query):
    url = availability_url(ctx["monday"])
    etags = {etag_of(client, url, token), etag_of(client, url + query, token),
             etag_of(client, availability_url(ctx["monday"] + timedelta(days=1)), token)}
    assert len(etags) == 3


@pytest.mark.parametrize("change", (_cancel, _move, _rename_space, _rename_hub, _rename_member, _move_hub_zone),
                         ids=lambda change: change.__name__.strip("_"))
@pytest.mark.parametrize("path", ("/api/v1/bookings/{booking}", "/api/v1/bookings", "/api/v1/bookings?from={monday}"))
def test_a_booking_and_my_bookings_get_a_new_etag_when_the_booking_changes(client, ctx, token, change, path):
    url = path.format(booking=ctx["booking"].id, monday=ctx["monday"].isoformat())
    before = etag_of(client, url, token)

    change(ctx)
    db.session.commit()

    assert revalidate(client, url, token, before).status_code == 200
    assert etag_of(client, url, token) != before


def test_my_bookings_get_a_new_etag_when_i_book(client, ctx, token):
    before = etag_of(client, "/api/v1/bookings", token)
    ctx["book"](ctx["room"], ctx["member"], "15:00", "16:00")
    assert etag_of(client, "/api/v1/bookings", token) != before


def test_a_hubs_list_gets_a_new_etag_when_anyone_books_there(client, ctx, make_token):
    manager = ctx["make_user"](email="mona@example.org", name="Mona Manager")
    grant_role(manager, ctx["hub"], Role.MANAGER)
    db.session.commit()
    manager_token = make_token(manager)
    url = "/api/v1/bookings?hub=leeds-central"
    before = etag_of(client, url, manager_token)

    _book_for_someone_else(ctx)

    assert revalidate(client, url, manager_token, before).status_code == 200


@pytest.mark.parametrize("change", (_add_space, _rename_space, _deactivate_space, _rename_hub),
                         ids=lambda change: change.__name__.strip("_"))
def test_a_hubs_spaces_get_a_new_etag_when_they_change(client, ctx, token, change):
    url = "/api/v1/hubs/leeds-central/spaces"
    before = etag_of(client, url, token)

    change(ctx)
    db.session.commit()

    assert revalidate(client, url, token, before).status_code == 200
    assert etag_of(client, url, token) != before


def test_inactive_spaces_are_refused_to_a_member_whatever_the_etag(client, ctx, token):
    assert revalidate(client, "/api/v1/hubs/leeds-central/spaces?include_inactive=true", token, "*").status_code == 403


# --- the kept answer ------------------------------------------------------------------------

def test_a_repeated_poll_gets_the_same_bytes_until_something_changes(client, ctx, token):
    url = availability_url(ctx["monday"])
    first = client.get(url, headers=bearer(token))
    with counted_statements() as statements:
        again = client.get(url, headers=bearer(token))
    assert (again.get_data(), again.headers["ETag"]) == (first.get_data(), first.headers["ETag"])
    assert statements == []  # kept by this process under its ETag

    _rename_space(ctx)
    db.session.commit()
    changed = client.get(url, headers=bearer(token)).get_json()

    assert [item["space"]["name"] for item in changed["items"]] == ["Board Room"]
