"""Hub rules: creating and editing hubs, their spaces, opening hours and closures."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from coworking import events
from coworking.accounts.models import User
from coworking.dates import OUT_OF_RANGE, is_sensible_day
from coworking.errors import DomainError
from coworking.events import closure_added
from coworking.extensions import db
from coworking.hubs.models import Closure, Hub, OpeningHours, Space, SpaceKind
from coworking.money import is_currency, normalise_currency
from coworking.text import single_line_problem
from coworking.timezones import is_timezone
from coworking.types import MAX_INTEGER

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Slugs that would be shadowed by a fixed URL under /hubs/ (e.g. /hubs/mine).
RESERVED_SLUGS = frozenset({"mine"})
DEFAULT_HOURS = (time(8, 0), time(18, 0))
MAX_PAYMENT_TERMS_DAYS = 365
MAX_CAPACITY = 1000
# The rate columns are 32-bit integers on PostgreSQL; refuse what would overflow them.
MAX_RATE_MINOR = MAX_INTEGER
MAX_REASON_LENGTH = 200


class HubError(DomainError):
    """A hub rule was broken; ``field`` names the form field to show it beside."""


class WeekHoursError(HubError):
    """Some days of a week's opening hours are wrong; ``problems`` maps weekday to message."""

    def __init__(self, problems: dict[int, str]):
        super().__init__("Some days' opening hours are not right.")
        self.problems = problems


@dataclass(frozen=True)
class DayHours:
    """One weekday's hours as entered (0 = Monday); times are ignored on a closed day."""

    weekday: int
    opens_at: time | None
    closes_at: time | None
    closed: bool = False


def get_hub_by_slug(slug: str, *, with_hours: bool = False) -> Hub | None:
    """The hub, or None; ``with_hours`` loads its opening hours in the same statement."""
    query = sa.select(Hub).where(Hub.slug == slug)
    if with_hours:
        query = query.options(joinedload(Hub.opening_hours))
    return db.session.scalars(query).unique().first()


def hubs_query(*, with_hours: bool = False) -> sa.Select:
    """Every hub by name; ``with_hours`` loads their opening hours too, in one more query."""
    query = sa.select(Hub).order_by(Hub.name, Hub.id)
    if with_hours:
        query = query.options(selectinload(Hub.opening_hours))
    return query


def list_hubs(*, with_hours: bool = False) -> list[Hub]:
    return list(db.session.scalars(hubs_query(with_hours=with_hours)))


def check_hub_fields(*, slug: str, timezone: str, currency: str, payment_terms_days: int, hub: Hub | None = None) -> None:
    if not SLUG_PATTERN.match(slug or ""):
        raise HubError("Use lower-case letters, digits and single hyphens, such as 'leeds-central'.", "slug")
    if slug in RESERVED_SLUGS:
        raise HubError(f"'{slug}' is reserved for a page of the site; choose another slug.", "slug")
    existing = get_hub_by_slug(slug)
    if existing is not None and existing is not hub:
        raise HubError("Another hub already uses this slug.", "slug")
    if not is_timezone(timezone or ""):
        raise HubError(f"'{timezone}' is not an IANA time zone, such as Europe/London.", "timezone")
    if not is_currency(currency or ""):
        raise HubError(f"'{currency}' is not an ISO 4217 currency code, such as GBP.", "currency")
    if payment_terms_days is None or payment_terms_days < 0:
        raise HubError("Payment terms are a number of days, 0 or more.", "payment_terms_days")
    if payment_terms_days > MAX_PAYMENT_TERMS_DAYS:
        raise HubError(f"Payment terms are at most {MAX_PAYMENT_TERMS_DAYS} days.", "payment_terms_days")


def check_name(name: str | None) -> None:
    """A hub's or space's name is one line (it heads calendars, mail subjects and CSV files)."""
    problem = single_line_problem(name or "")
    if problem:
        raise HubError(problem, "name")


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
    contact_email: str | None = None,
    contact_phone: str | None = None,
) -> Hub:
    """A new hub, open 08:00–18:00 on weekdays and closed at weekends until edited."""
    currency = normalise_currency(currency)
    check_name(name)
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
        contact_email=contact_email or None,
        contact_phone=contact_phone or None,
    )
    hub.opening_hours = [
        OpeningHours(weekday=day, closed=False, opens_at=DEFAULT_HOURS[0], closes_at=DEFAULT_HOURS[1])
        if day < 5
        else OpeningHours(weekday=day, closed=True)
        for day in range(7)
    ]
    db.session.add(hub)
    db.session.flush()
    events.hub_created.send(hub)
    return hub


def update_hub(hub: Hub, **values) -> Hub:
    """Change a hub's details; the same checks as creation, and nothing changes if one fails."""
    if "name" in values:
        check_name(values["name"])
    if "currency" in values:
        values["currency"] = normalise_currency(values["currency"])
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


def check_day_hours(weekday: int, opens_at: time | None, closes_at: time | None, *, closed: bool = False) -> None:
    """HubError unless the day is closed or opens before it closes."""
    if not 0 <= weekday <= 6:
        raise HubError("Weekdays run from 0 (Monday) to 6 (Sunday).", f"day_{weekday}")
    if closed:
        return
    if opens_at is None or closes_at is None:
        raise HubError("Give both opening and closing times, or mark the day closed.", f"day_{weekday}")
    if closes_at <= opens_at:
        raise HubError("Closing time must be after opening time.", f"day_{weekday}")


def set_opening_hours(hub: Hub, weekday: int, opens_at: time | None, closes_at: time | None, *, closed: bool = False) -> OpeningHours:
    """Set one weekday's hours (or mark it closed)."""
    check_day_hours(weekday, opens_at, closes_at, closed=closed)
    hours = next((h for h in hub.opening_hours if h.weekday == weekday), None)
    if hours is None:
        hours = OpeningHours(weekday=weekday)
        hub.opening_hours.append(hours)
    hours.closed = closed
    hours.opens_at = None if closed else opens_at
    hours.closes_at = None if closed else closes_at
    db.session.flush()
    return hours


def set_week_hours(hub: Hub, week: list[DayHours]) -> list[OpeningHours]:
    """Set several weekdays' hours at once: every day is checked first, so one bad day changes nothing."""
    problems = {}
    for day in week:
        try:
            check_day_hours(day.weekday, day.opens_at, day.closes_at, closed=day.closed)
        except HubError as error:
            problems[day.weekday] = error.message
    if problems:
        raise WeekHoursError(problems)
    return [set_opening_hours(hub, day.weekday, day.opens_at, day.closes_at, closed=day.closed) for day in week]


def add_closure(hub: Hub, starts_on: date, ends_on: date, reason: str, *, by: User | None = None) -> Closure:
    """Close the hub from ``starts_on`` to ``ends_on``, both days included.

    ``closure_added`` lets bookings cancel the bookings on those days (when ``by``, the manager,
    is given) and email their members; ask ``closure_bookings_asked`` first to show which.
    """
    for day, field in ((starts_on, "starts_on"), (ends_on, "ends_on")):
        if not is_sensible_day(day):
            raise HubError(OUT_OF_RANGE, field)
    if ends_on < starts_on:
        raise HubError("The last day of a closure cannot be before its first day.", "ends_on")
    if not (reason or "").strip():
        raise HubError("Say why the hub is closed.", "reason")
    if len(reason.strip()) > MAX_REASON_LENGTH:
        raise HubError(f"Keep the reason under {MAX_REASON_LENGTH} characters.", "reason")
    closure = Closure(starts_on=starts_on, ends_on=ends_on, reason=reason.strip())
    hub.closures.append(closure)
    db.session.flush()
    closure_added.send(closure, by=by)
    return closure


def upcoming_closures(hub: Hub, today: date) -> list[Closure]:
    """Closures that have not ended yet (``today`` is the hub's local date)."""
    return [closure for closure in hub.closures if closure.ends_on >= today]


def get_closure_in_hub(hub: Hub, closure_id: int) -> Closure | None:
    """The closure if it belongs to this hub; None for another hub's closure or an unknown id."""
    closure = db.session.get(Closure, closure_id)
    return closure if closure is not None and closure.hub_id == hub.id else None


def delete_closure(closure: Closure) -> None:
    """Remove a closure (a mistake or a cancelled holiday): the hub opens as usual on those days."""
    closure.hub.closures.remove(closure)
    db.session.flush()


def check_space_fields(hub: Hub, *, kind: str, name: str, capacity: int, hourly_rate_minor: int, daily_rate_minor: int, space: Space | None = None) -> None:
    if kind not in {k.value for k in SpaceKind}:
        raise HubError("Choose desk, room or office.", "kind")
    if not (name or "").strip():
        raise HubError("Give the space a name.", "name")
    check_name(name)
    clash = db.session.scalar(
        sa.select(Space).where(Space.hub_id == hub.id, Space.name == name.strip())
    )
    if clash is not None and clash is not space:
        raise HubError("This hub already has a space with that name.", "name")
    if capacity is None or capacity < 1:
        raise HubError("Capacity is at least 1.", "capacity")
    if capacity > MAX_CAPACITY:
        raise HubError(f"Capacity is at most {MAX_CAPACITY}.", "capacity")
    check_rate(hourly_rate_minor, "hourly_rate")
    check_rate(daily_rate_minor, "daily_rate")


def check_rate(amount_minor: int | None, field: str) -> None:
    if amount_minor is None or amount_minor < 0:
        raise HubError("A rate cannot be negative.", field)
    if amount_minor > MAX_RATE_MINOR:
        raise HubError("That rate is too large.", field)


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
    """A new space in the hub; its name must be unique within the hub."""
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
    """Change a space; the same checks as adding one, and nothing changes if one fails."""
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


def spaces_query(hub: Hub, *, include_inactive: bool = False) -> sa.Select:
    """The hub's spaces by kind and name; inactive ones only when asked (managers see them)."""
    query = sa.select(Space).where(Space.hub_id == hub.id).order_by(Space.kind, Space.name, Space.id)
    if not include_inactive:
        query = query.where(Space.active.is_(True))
    return query


def list_spaces(hub: Hub, *, include_inactive: bool = False) -> list[Space]:
    return list(db.session.scalars(spaces_query(hub, include_inactive=include_inactive)))


def get_space_in_hub(hub: Hub, space_id: int) -> Space | None:
    """The space if it belongs to this hub; None for another hub's space or an unknown id."""
    space = db.session.get(Space, space_id)
    return space if space is not None and space.hub_id == hub.id else None
