"""Hub rules: creating and editing hubs, their spaces, opening hours and closures."""
from __future__ import annotations

import re
from datetime import date, time

import sqlalchemy as sa
from flask import abort

from coworking.extensions import db
from coworking.hubs.models import Closure, Hub, OpeningHours, Space, SpaceKind
from coworking.money import is_currency
from coworking.timezones import is_timezone

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DEFAULT_HOURS = (time(8, 0), time(18, 0))


class HubError(ValueError):
    """A hub rule was broken; ``field`` names the form field to show it beside."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def get_hub_by_slug(slug: str) -> Hub | None:
    return db.session.scalar(sa.select(Hub).where(Hub.slug == slug))


def get_hub_or_404(slug: str) -> Hub:
    hub = get_hub_by_slug(slug)
    if hub is None:
        abort(404)
    return hub


def list_hubs() -> list[Hub]:
    return list(db.session.scalars(sa.select(Hub).order_by(Hub.name)))


def check_hub_fields(*, slug: str, timezone: str, currency: str, payment_terms_days: int, hub: Hub | None = None) -> None:
    if not SLUG_PATTERN.match(slug or ""):
        raise HubError("Use lower-case letters, digits and single hyphens, such as 'leeds-central'.", "slug")
    existing = get_hub_by_slug(slug)
    if existing is not None and existing is not hub:
        raise HubError("Another hub already uses this slug.", "slug")
    if not is_timezone(timezone or ""):
        raise HubError(f"'{timezone}' is not an IANA time zone, such as Europe/London.", "timezone")
    if not is_currency(currency or ""):
        raise HubError(f"'{currency}' is not an ISO 4217 currency code, such as GBP.", "currency")
    if payment_terms_days is None or payment_terms_days < 0:
        raise HubError("Payment terms are a number of days, 0 or more.", "payment_terms_days")


def create_hub(
    slug: str,
    name: str,
    *,
    timezone: str = "Europe/London",
    currency: str = "GBP",
    address: str = "",
    vat_number: str | None = None,
    invoice_prefix: str = "INV",
    payment_terms_days: int = 14,
) -> Hub:
    """A new hub, open 08:00–18:00 on weekdays and closed at weekends until edited."""
    check_hub_fields(slug=slug, timezone=timezone, currency=currency, payment_terms_days=payment_terms_days)
    hub = Hub(
        slug=slug,
        name=name.strip(),
        timezone=timezone,
        currency=currency,
        address=address,
        vat_number=vat_number or None,
        invoice_prefix=invoice_prefix,
        payment_terms_days=payment_terms_days,
    )
    hub.opening_hours = [
        OpeningHours(weekday=day, closed=False, opens_at=DEFAULT_HOURS[0], closes_at=DEFAULT_HOURS[1])
        if day < 5
        else OpeningHours(weekday=day, closed=True)
        for day in range(7)
    ]
    db.session.add(hub)
    db.session.flush()
    return hub


def update_hub(hub: Hub, **values) -> Hub:
    """Change a hub's details; the same checks as creation."""
    merged = {
        "slug": hub.slug,
        "timezone": hub.timezone,
        "currency": hub.currency,
        "payment_terms_days": hub.payment_terms_days,
    }
    merged.update({key: values[key] for key in merged if key in values})
    check_hub_fields(hub=hub, **merged)
    for key, value in values.items():
        setattr(hub, key, value)
    db.session.flush()
    return hub


def set_opening_hours(hub: Hub, weekday: int, opens_at: time | None, closes_at: time | None, *, closed: bool = False) -> OpeningHours:
    if not closed:
        if opens_at is None or closes_at is None:
            raise HubError("Give both opening and closing times, or mark the day closed.", f"day_{weekday}")
        if closes_at <= opens_at:
            raise HubError("Closing time must be after opening time.", f"day_{weekday}")
    hours = next((h for h in hub.opening_hours if h.weekday == weekday), None)
    if hours is None:
        hours = OpeningHours(weekday=weekday)
        hub.opening_hours.append(hours)
    hours.closed = closed
    hours.opens_at = None if closed else opens_at
    hours.closes_at = None if closed else closes_at
    db.session.flush()
    return hours


def add_closure(hub: Hub, starts_on: date, ends_on: date, reason: str) -> Closure:
    if ends_on < starts_on:
        raise HubError("The last day of a closure cannot be before its first day.", "ends_on")
    if not (reason or "").strip():
        raise HubError("Say why the hub is closed.", "reason")
    closure = Closure(starts_on=starts_on, ends_on=ends_on, reason=reason.strip())
    hub.closures.append(closure)
    db.session.flush()
    return closure


def check_space_fields(hub: Hub, *, kind: str, name: str, capacity: int, hourly_rate_minor: int, daily_rate_minor: int, space: Space | None = None) -> None:
    if kind not in {k.value for k in SpaceKind}:
        raise HubError("Choose desk, room or office.", "kind")
    if not (name or "").strip():
        raise HubError("Give the space a name.", "name")
    clash = db.session.scalar(
        sa.select(Space).where(Space.hub_id == hub.id, Space.name == name.strip())
    )
    if clash is not None and clash is not space:
        raise HubError("This hub already has a space with that name.", "name")
    if capacity is None or capacity < 1:
        raise HubError("Capacity is at least 1.", "capacity")
    if hourly_rate_minor is None or hourly_rate_minor < 0:
        raise HubError("A rate cannot be negative.", "hourly_rate")
    if daily_rate_minor is None or daily_rate_minor < 0:
        raise HubError("A rate cannot be negative.", "daily_rate")


def add_space(
    hub: Hub,
    kind: str,
    name: str,
    *,
    capacity: int = 1,
    hourly_rate_minor: int = 0,
    daily_rate_minor: int = 0,
    amenities: list[str] | None = None,
    active: bool = True,
) -> Space:
    check_space_fields(hub, kind=kind, name=name, capacity=capacity, hourly_rate_minor=hourly_rate_minor, daily_rate_minor=daily_rate_minor)
    space = Space(
        hub=hub,
        kind=kind,
        name=name.strip(),
        capacity=capacity,
        hourly_rate_minor=hourly_rate_minor,
        daily_rate_minor=daily_rate_minor,
        amenities=amenities or [],
        active=active,
    )
    db.session.add(space)
    db.session.flush()
    return space


def update_space(space: Space, **values) -> Space:
    merged = {
        "kind": space.kind,
        "name": space.name,
        "capacity": space.capacity,
        "hourly_rate_minor": space.hourly_rate_minor,
        "daily_rate_minor": space.daily_rate_minor,
    }
    merged.update({key: values[key] for key in merged if key in values})
    check_space_fields(space.hub, space=space, **merged)
    for key, value in values.items():
        setattr(space, key, value.strip() if key == "name" else value)
    db.session.flush()
    return space
