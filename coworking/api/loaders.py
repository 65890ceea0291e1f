"""The API's loaders, answering JSON: what a URL names (or 404), what a body names (or 422, since
the mistake is in the request), who may change a hub (or 403), and bookings read again after the
commit. A booking, series or membership the caller may not see is a 404, never a 403, so ids
reveal nothing.
The pages have their own loaders (``coworking.hubs.loaders``), answering with error pages."""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import selectinload

from coworking.accounts.models import User
from coworking.api.auth import current_api_user
from coworking.billing.document_queries import member_key
from coworking.billing.models import Invoice
from coworking.bookings.models import Booking, BookingSeries
from coworking.errors import ApiError
from coworking.extensions import db
from coworking.hubs.models import Hub, Space
from coworking.hubs.services import get_hub_by_slug, get_space_in_hub
from coworking.memberships.models import Application, Membership, Organisation, Plan
from coworking.types import MAX_INTEGER

NO_SUCH_HUB = "There is no hub with this slug."
NO_SUCH_SPACE = "There is no space with this id."
NO_SUCH_BOOKING = "There is no booking with this id."
NO_SUCH_SERIES = "There is no booking series with this id."
NO_SUCH_PLAN = "This hub has no plan with this id."
NO_SUCH_MEMBERSHIP = "There is no membership with this id."
NO_SUCH_APPLICATION = "This hub has no application with this id."
NO_SUCH_ORGANISATION = "This hub has no organisation with this id."
NO_SUCH_INVOICE = "There is no invoice with this id."


# --- hubs and spaces ------------------------------------------------------------------------

def load_hub(slug: str, *, with_hours: bool = False) -> Hub:
    """The hub the URL names (``with_hours``: with its opening hours, in the same statement), or 404."""
    hub = get_hub_by_slug(slug, with_hours=with_hours)
    if hub is None:
        raise ApiError(404, NO_SUCH_HUB)
    # The session holds loaded objects weakly: kept for the request, the hub is still there when
    # its spaces and bookings are serialised after the view returns, not loaded once more.
    g.setdefault("loaded_hubs", []).append(hub)
    return hub


def load_space(hub: Hub, space_id: int, *, include_inactive: bool) -> Space:
    """The hub's space the URL names, or 404 (an inactive one too only when ``include_inactive``)."""
    space = get_space_in_hub(hub, space_id)
    if space is None or not (space.active or include_inactive):
        raise ApiError(404, "This hub has no such space.")
    return space


def hub_named(slug: str) -> Hub:
    """The hub the body names (``hub``), or 422."""
    hub = get_hub_by_slug(slug)
    if hub is None:
        raise ApiError(422, NO_SUCH_HUB, {"hub": NO_SUCH_HUB})
    return hub


def space_named(space_id: int, field: str = "space_id") -> Space:
    """The space the body names (in ``field``), of any hub, or 422. An inactive space is hidden
    from those who do not work at its hub (its page is a 404 to them): for them it does not
    exist, and its name is not told."""
    space = db.session.get(Space, space_id)
    if space is None or not (space.active or current_api_user().works_at(space.hub)):
        raise ApiError(422, NO_SUCH_SPACE, {field: NO_SUCH_SPACE})
    return space


def require_manager(hub: Hub, message: str = "Only a manager of this hub or a network admin may change it.") -> None:
    if not current_api_user().manages(hub):
        raise ApiError(403, message)


def managers_only(view):
    """Load the hub and refuse anyone who does not manage it, before the body is read."""

    @wraps(view)
    def wrapped(*args, slug: str, **kwargs):
        hub = load_hub(slug)
        require_manager(hub)
        return view(*args, hub=hub, **kwargs)

    return wrapped


# --- plans, memberships and applications ---------------------------------------------------

def _stored(model, row_id: int):
    return db.session.get(model, row_id) if 0 < row_id <= MAX_INTEGER else None


def hub_plan_named(hub: Hub, plan_id: int, field: str = "plan_id") -> Plan:
    """The hub's plan the body names (in ``field``), or 422."""
    plan = _stored(Plan, plan_id)
    if plan is None or plan.hub_id != hub.id:
        raise ApiError(422, NO_SUCH_PLAN, {field: NO_SUCH_PLAN})
    return plan


def hub_organisation_named(hub: Hub, organisation_id: int | None, field: str = "organisation_id") -> Organisation | None:
    """The hub's organisation the body names (in ``field``), None when it names none, or 422."""
    if organisation_id is None:
        return None
    organisation = _stored(Organisation, organisation_id)
    if organisation is None or organisation.hub_id != hub.id:
        raise ApiError(422, NO_SUCH_ORGANISATION, {field: NO_SUCH_ORGANISATION})
    return organisation


def hub_membership(hub: Hub, membership_id: int) -> Membership:
    """The hub's membership the URL names, or 404 (one of another hub too)."""
    membership = _stored(Membership, membership_id)
    if membership is None or membership.hub_id != hub.id:
        raise ApiError(404, NO_SUCH_MEMBERSHIP)
    return membership


def own_membership(user: User, membership_id: int) -> Membership:
    """The caller's own membership, or 404 (someone else's too: ids reveal nothing)."""
    membership = _stored(Membership, membership_id)
    if membership is None or membership.member_id != user.id:
        raise ApiError(404, NO_SUCH_MEMBERSHIP)
    return membership


def hub_application(hub: Hub, application_id: int) -> Application:
    """The hub's application the URL names, or 404."""
    application = _stored(Application, application_id)
    if application is None or application.hub_id != hub.id:
        raise ApiError(404, NO_SUCH_APPLICATION)
    return application


# --- invoices and credit notes -------------------------------------------------------------

def visible_invoice(user: User, invoice_id: int) -> Invoice:
    """An invoice or credit note the caller may read: their own once issued, or any of a hub
    they manage (drafts included); else 404."""
    invoice = _stored(Invoice, invoice_id)
    if invoice is None:
        raise ApiError(404, NO_SUCH_INVOICE)
    if user.manages(invoice.hub):
        return invoice
    if invoice.is_draft or invoice.party_key != member_key(user):
        raise ApiError(404, NO_SUCH_INVOICE)
    return invoice


def managed_invoice(user: User, invoice_id: int) -> Invoice:
    """An invoice of a hub the caller manages: 404 when they may not see it, 403 when they may
    only read it (their own)."""
    invoice = visible_invoice(user, invoice_id)
    require_manager(invoice.hub, "Only a manager of this hub or a network admin may do this.")
    return invoice


def invoice_managers_only(view):
    """Load the invoice the URL names and refuse anyone who does not manage its hub (404 or
    403 as ``managed_invoice``), before the body is read."""

    @wraps(view)
    def wrapped(*args, invoice_id: int, **kwargs):
        return view(*args, invoice=managed_invoice(current_api_user(), invoice_id), **kwargs)

    return wrapped


# --- bookings and series --------------------------------------------------------------------

def visible_booking(booking_id: int, user: User) -> Booking:
    """The booking if the user may see it (``Booking.can_view``), else 404."""
    booking = db.session.get(Booking, booking_id) if booking_id <= MAX_INTEGER else None
    if booking is None or not booking.can_view(user):
        raise ApiError(404, NO_SUCH_BOOKING)
    return booking


def visible_series(series_id: int, user: User) -> BookingSeries:
    """The series if the user may see it (``BookingSeries.can_view``), else 404."""
    series = db.session.get(BookingSeries, series_id) if series_id <= MAX_INTEGER else None
    if series is None or not series.can_view(user):
        raise ApiError(404, NO_SUCH_SERIES)
    return series


def reloaded(bookings: list[Booking]) -> list[Booking]:
    """The bookings refreshed after the commit in one query (with their members), not one each."""
    if not bookings:
        return []
    ids = [booking.id for booking in bookings]
    query = sa.select(Booking).where(Booking.id.in_(ids)).options(selectinload(Booking.member))
    by_id = {booking.id: booking for booking in db.session.scalars(query)}
    return [by_id[booking_id] for booking_id in ids]
