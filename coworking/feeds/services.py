"""Feed rules: feed tokens, which bookings each feed shows and to whom, and the body cache.

Four kinds of feed, each a ``Feed``:

- a member's own bookings (private link);
- every booking of one space, or of a whole hub, with members' names (private link of a
  manager or staff member, valid only while they still work at the hub);
- a public space feed (when its manager makes it public): "Booked", or the booker's first
  name when the manager chose so, never a full name, an email or a note;
- a hub's closures and blocked periods (public).

Private links are derived, not stored: ``raw = base64url(HMAC-SHA256(SECRET_KEY,
"feed:<id>:<nonce>"))``; the row keeps the nonce and the link's hash. The profile can show the link
again, a copy of the database alone cannot forge one, and changing SECRET_KEY ends them all.

A feed shows bookings from 90 days ago to a year ahead: confirmed ones, and ones cancelled in
the last 30 days (``STATUS:CANCELLED``, so subscribed calendars remove them). Every time input is
the UTC date, so a feed's content, ETag and cached body change at most once a day on their own.

Functions flush, never commit.
"""
from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload, selectinload

from coworking.accounts.models import User
from coworking.accounts.services import hash_secret
from coworking.bookings.models import MAX_BOOKING_SPAN, Booking, BookingPurpose, BookingStatus
from coworking.extensions import db
from coworking.feeds import ical
from coworking.feeds.models import FeedCache, FeedKind, FeedToken
from coworking.hubs.models import Closure, Hub, Space
from coworking.types import utcnow

log = logging.getLogger(__name__)

PAST_DAYS = 90
FUTURE_DAYS = 365
CANCELLED_KEPT_DAYS = 30
# Part of every ETag: bump it when the body's shape changes, so cached bodies are rebuilt.
FORMAT_VERSION = "1"
# A feed is polled every few minutes; note its use at most this often, not on every poll.
LAST_USE_RECORDED_EVERY = timedelta(hours=1)
# Longer than any link we make (43 characters): anything longer is not worth a query.
MAX_TOKEN_LENGTH = 64


class Audience(str, enum.Enum):
    MEMBER = "member"  # the member's own bookings, in full
    STAFF = "staff"  # the hub's bookings with members' names
    PUBLIC = "public"  # anyone: "Booked", or a first name when the manager chose so


# --- the window -----------------------------------------------------------------------------

@dataclass(frozen=True)
class FeedWindow:
    """The stretch of time a feed covers, fixed by the UTC date it is built on."""

    today: date

    @property
    def first_date(self) -> date:
        return self.today - timedelta(days=PAST_DAYS)

    @property
    def last_date(self) -> date:
        return self.today + timedelta(days=FUTURE_DAYS)

    @property
    def starts_at(self) -> datetime:
        return _midnight(self.first_date)

    @property
    def ends_at(self) -> datetime:
        return _midnight(self.last_date + timedelta(days=1))

    @property
    def cancelled_since(self) -> datetime:
        return _midnight(self.today - timedelta(days=CANCELLED_KEPT_DAYS))

    @property
    def began(self) -> datetime:
        """When this window took effect: the feed counts as changed then, whatever its rows."""
        return _midnight(self.today)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def feed_window(now: datetime | None = None) -> FeedWindow:
    return FeedWindow((now or utcnow()).astimezone(timezone.utc).date())


# --- feeds ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Feed:
    """What one feed shows, and to whom. ``key`` names its cached body; ``context`` is what its
    body depends on besides the booking rows (names, zone, choices), so it goes in the ETag."""

    key: str
    title: str
    filename: str
    audience: Audience
    member_id: int | None = None
    space: Space | None = None
    hub: Hub | None = None
    closures: bool = False
    context: str = ""

    @property
    def is_public(self) -> bool:
        return self.audience is Audience.PUBLIC


def _hub_context(hub: Hub) -> str:
    return "|".join((hub.slug, hub.name, hub.address or "", hub.timezone))


def _space_context(space: Space) -> str:
    return "|".join((_hub_context(space.hub), space.name, str(space.feed_public), str(space.feed_shows_first_name)))


def member_feed(user: User) -> Feed:
    return Feed(key=f"member:{user.id}", title="My bookings", filename="my-bookings.ics", audience=Audience.MEMBER, member_id=user.id)


def staff_space_feed(space: Space) -> Feed:
    return Feed(
        key=f"space:{space.id}",
        title=f"{space.name}, {space.hub.name}",
        filename=f"{space.hub.slug}-space-{space.id}.ics",
        audience=Audience.STAFF,
        space=space,
        hub=space.hub,
        context=_space_context(space),
    )


def staff_hub_feed(hub: Hub) -> Feed:
    return Feed(
        key=f"hub:{hub.id}",
        title=f"{hub.name}: all bookings",
        filename=f"{hub.slug}-bookings.ics",
        audience=Audience.STAFF,
        hub=hub,
        context=_hub_context(hub),
    )


def public_space_feed(space: Space | None) -> Feed | None:
    """The space's public feed, or None when its manager has not made it public."""
    if space is None or not space.active or not space.feed_public:
        return None
    return Feed(
        key=f"public-space:{space.id}",
        title=f"{space.name}, {space.hub.name}",
        filename=f"{space.hub.slug}-space-{space.id}.ics",
        audience=Audience.PUBLIC,
        space=space,
        hub=space.hub,
        context=_space_context(space),
    )


def closures_feed(hub: Hub) -> Feed:
    return Feed(
        key=f"closures:{hub.id}",
        title=f"{hub.name}: closures",
        filename=f"{hub.slug}-closures.ics",
        audience=Audience.PUBLIC,
        hub=hub,
        closures=True,
        context=_hub_context(hub),
    )


def feed_for_token(token: FeedToken) -> Feed:
    if token.kind == FeedKind.SPACE.value:
        return staff_space_feed(token.space)
    if token.kind == FeedKind.HUB.value:
        return staff_hub_feed(token.hub)
    return member_feed(token.user)


# --- feed tokens ----------------------------------------------------------------------------

def raw_token(token: FeedToken) -> str:
    """The link's secret part: 256 bits derived from the app's key, the row's id and its nonce."""
    message = f"feed:{token.id}:{token.nonce}".encode()
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _target(kind: FeedKind, hub: Hub | None, space: Space | None) -> tuple[int | None, int | None]:
    if kind is FeedKind.SPACE:
        if space is None:
            raise ValueError("A space feed needs a space.")
        return None, space.id
    if kind is FeedKind.HUB:
        if hub is None:
            raise ValueError("A hub feed needs a hub.")
        return hub.id, None
    return None, None


def _matches(column, value):
    return column.is_(None) if value is None else column == value


def get_or_create_token(user: User, kind: FeedKind | str, hub: Hub | None = None, space: Space | None = None) -> FeedToken:
    """The user's live token for this feed, created the first time it is asked for."""
    kind = FeedKind(kind)
    hub_id, space_id = _target(kind, hub, space)
    token = db.session.scalar(
        sa.select(FeedToken)
        .where(
            FeedToken.user_id == user.id,
            FeedToken.kind == kind.value,
            _matches(FeedToken.hub_id, hub_id),
            _matches(FeedToken.space_id, space_id),
            FeedToken.revoked_at.is_(None),
        )
        .order_by(FeedToken.id)
        .limit(1)
    )
    if token is not None and _derives_from_current_key(token):
        return token
    if token is not None:
        token.revoked_at = utcnow()  # made under an old SECRET_KEY: its link no longer works
    # The hash needs the row's id, so the row goes in with a placeholder that can never match
    # a link (links are base64url, without ":"), then gets its real hash.
    token = FeedToken(
        user_id=user.id,
        kind=kind.value,
        hub_id=hub_id,
        space_id=space_id,
        nonce=secrets.token_urlsafe(32),
        token_hash=f"pending:{secrets.token_hex(16)}",
    )
    db.session.add(token)
    db.session.flush()
    token.token_hash = hash_secret(raw_token(token))
    db.session.flush()
    return token


def _derives_from_current_key(token: FeedToken, raw: str | None = None) -> bool:
    expected = raw_token(token)
    if raw is not None:
        return hmac.compare_digest(raw, expected)
    return hmac.compare_digest(token.token_hash, hash_secret(expected))


def find_live_token(raw: str) -> FeedToken | None:
    """The token a link names, if it still works: not revoked, its user active, and for a
    space or hub feed, its user still manager or staff of that hub. None otherwise."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    token = db.session.scalar(
        sa.select(FeedToken)
        .where(FeedToken.token_hash == hash_secret(raw))
        .options(joinedload(FeedToken.user), joinedload(FeedToken.space), joinedload(FeedToken.hub))
    )
    if token is None or token.is_revoked or not token.user.active:
        return None
    if not _derives_from_current_key(token, raw):
        return None  # SECRET_KEY changed since the link was made: every old link ends
    if token.kind == FeedKind.SPACE.value and not token.user.works_at(token.space.hub):
        return None
    if token.kind == FeedKind.HUB.value and not token.user.works_at(token.hub):
        return None
    return token


def note_use(token: FeedToken, now: datetime | None = None) -> None:
    """Record when a link was last used, at most once an hour: feeds are polled all day."""
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USE_RECORDED_EVERY:
        token.last_used_at = now


def reset_tokens(user: User, now: datetime | None = None) -> int:
    """Revoke every live feed link of the user at once; new ones are made when next asked for."""
    result = db.session.execute(
        sa.update(FeedToken)
        .where(FeedToken.user_id == user.id, FeedToken.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    return result.rowcount


def staff_hubs(user: User) -> list[Hub]:
    """The hubs where the user holds a role (a network admin's other hubs are not listed)."""
    return sorted((role.hub for role in user.roles), key=lambda hub: hub.name)


@dataclass(frozen=True)
class StaffFeedTokens:
    hub: Hub
    hub_token: FeedToken
    spaces: list[tuple[Space, FeedToken]]


def staff_feed_tokens(user: User, hub: Hub) -> StaffFeedTokens:
    """The user's links for a hub they work at: the whole hub's, and one per space."""
    return StaffFeedTokens(
        hub=hub,
        hub_token=get_or_create_token(user, FeedKind.HUB, hub=hub),
        spaces=[(space, get_or_create_token(user, FeedKind.SPACE, space=space)) for space in hub.spaces],
    )


def set_space_feed_visibility(space: Space, *, public: bool, shows_first_name: bool) -> None:
    """Make a space's feed public (or private again), showing "Booked" or the booker's first name."""
    space.feed_public = bool(public)
    space.feed_shows_first_name = bool(shows_first_name)
    db.session.flush()


# --- which bookings a feed shows ------------------------------------------------------------

def _booking_scope(feed: Feed) -> list:
    if feed.member_id is not None:
        scope = [Booking.member_id == feed.member_id]
    elif feed.space is not None:
        scope = [Booking.space_id == feed.space.id]
    else:
        scope = [Booking.space_id.in_(sa.select(Space.id).where(Space.hub_id == feed.hub.id))]
    if feed.closures:
        scope.append(Booking.purpose == BookingPurpose.BLOCK.value)
    return scope


def _in_window(window: FeedWindow) -> list:
    return [
        Booking.starts_at < window.ends_at,
        # No row spans more than MAX_BOOKING_SPAN: this bound lets the (…, starts_at) indexes work.
        Booking.starts_at > window.starts_at - MAX_BOOKING_SPAN,
        Booking.ends_at > window.starts_at,
        sa.or_(
            Booking.status == BookingStatus.CONFIRMED.value,
            Booking.cancelled_at >= window.cancelled_since,
        ),
    ]


def _closures_in_window(feed: Feed, window: FeedWindow) -> list:
    return [Closure.hub_id == feed.hub.id, Closure.ends_on >= window.first_date, Closure.starts_on <= window.last_date]


# --- versions: ETag and Last-Modified from one aggregate query ------------------------------

@dataclass(frozen=True)
class FeedVersion:
    etag: str
    last_modified: datetime


def feed_version(feed: Feed, window: FeedWindow, base_url: str) -> FeedVersion:
    """The feed's ETag and Last-Modified, from one aggregate query (the calendar is not built).

    The ETag covers the count and newest change of the feed's rows in the window, the window's
    date and what else the body shows, so a new, changed, cancelled or deleted booking changes
    it, and so does one leaving the window. Last-Modified is the newest change, or the moment
    the window last moved, whichever is later.
    """
    count, newest = db.session.execute(
        sa.select(sa.func.count(Booking.id), sa.func.max(Booking.updated_at)).where(*_booking_scope(feed), *_in_window(window))
    ).one()
    parts = [FORMAT_VERSION, feed.key, window.today.isoformat(), base_url, feed.context, str(count), newest.isoformat() if newest else ""]
    if feed.closures:
        # Closures have no change time (they are added and deleted) and a hub has a handful:
        # their content itself goes in the ETag.
        parts += [repr(row) for row in db.session.execute(
            sa.select(Closure.id, Closure.starts_on, Closure.ends_on, Closure.reason)
            .where(*_closures_in_window(feed, window))
            .order_by(Closure.id)
        )]
    etag = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    last_modified = max(newest or window.began, window.began).replace(microsecond=0)
    return FeedVersion(etag=etag, last_modified=last_modified)


# --- building -------------------------------------------------------------------------------

def feed_bookings(feed: Feed, window: FeedWindow) -> list[Booking]:
    query = (
        sa.select(Booking)
        .where(*_booking_scope(feed), *_in_window(window))
        .options(joinedload(Booking.space).joinedload(Space.hub))
        .order_by(Booking.starts_at, Booking.id)
    )
    if feed.audience is not Audience.MEMBER:
        query = query.options(selectinload(Booking.member))
    return list(db.session.scalars(query))


def _hub_page(hub: Hub, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/hubs/{hub.slug}"


def _member_event(booking: Booking, feed: Feed, base_url: str) -> ical.FeedEvent:
    return ical.booking_feed_event(booking, description=f"Manage this booking: {ical.booking_link(booking, base_url)}")


def _staff_event(booking: Booking, feed: Feed, base_url: str) -> ical.FeedEvent:
    if booking.is_block:
        summary = f"Blocked: {booking.note}" if booking.note else "Blocked"
    else:
        summary = booking.member.name if booking.member is not None else "Booked"
    if feed.space is None:  # the whole hub's feed: say which space
        summary = f"{summary} ({booking.space.name})"
    link = ical.booking_link(booking, base_url)
    return ical.booking_feed_event(booking, summary=summary, description=f"Manage this booking: {link}")


def _public_event(booking: Booking, feed: Feed, base_url: str) -> ical.FeedEvent:
    # Nothing about the person beyond, at most, the first name the manager chose to show.
    if booking.is_block:
        summary = "Unavailable" if feed.space is not None else f"Unavailable: {booking.space.name}"
    elif feed.space is not None and feed.space.feed_shows_first_name and booking.member is not None:
        summary = booking.member.first_name
    else:
        summary = "Booked"
    return ical.booking_feed_event(booking, summary=summary, description=f"{booking.hub.name}: {_hub_page(booking.hub, base_url)}")


EVENT_BUILDERS = {Audience.MEMBER: _member_event, Audience.STAFF: _staff_event, Audience.PUBLIC: _public_event}


def _closure_event(closure: Closure, hub: Hub, base_url: str) -> ical.FeedEvent:
    return ical.FeedEvent(
        uid=ical.closure_uid(closure),
        starts=closure.starts_on,
        ends=closure.ends_on + timedelta(days=1),
        summary=f"Closed: {closure.reason}",
        location=", ".join(part for part in (hub.name, ical.one_line(hub.address)) if part),
        description=f"{hub.name} is closed. {_hub_page(hub, base_url)}",
        zone=hub.timezone,
    )


def feed_events(feed: Feed, window: FeedWindow, base_url: str) -> list[ical.FeedEvent]:
    build = EVENT_BUILDERS[feed.audience]
    events = [build(booking, feed, base_url) for booking in feed_bookings(feed, window)]
    if feed.closures:
        closures = db.session.scalars(
            sa.select(Closure).where(*_closures_in_window(feed, window)).order_by(Closure.starts_on, Closure.id)
        )
        events = [_closure_event(closure, feed.hub, base_url) for closure in closures] + events
    return events


def build_feed(feed: Feed, window: FeedWindow, base_url: str) -> bytes:
    """The feed's calendar, built from the database now (no cache)."""
    return ical.feed_calendar(
        feed.title,
        feed_events(feed, window, base_url),
        first_date=window.first_date,
        last_date=window.last_date,
        zone_name=feed.hub.timezone if feed.hub is not None else None,
        stamp=window.began,
    )


# --- the cache of built bodies --------------------------------------------------------------

def cached_body(feed: Feed, version: FeedVersion) -> bytes | None:
    return db.session.scalar(
        sa.select(FeedCache.body).where(FeedCache.feed_key == feed.key, FeedCache.etag == version.etag)
    )


def store_body(feed: Feed, version: FeedVersion, body: bytes) -> None:
    """Keep the body for this version: an upsert, so two requests building at once both succeed."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(FeedCache).values(
        feed_key=feed.key, etag=version.etag, last_modified=version.last_modified, body=body, built_at=utcnow()
    )
    statement = statement.on_conflict_do_update(
        index_elements=[FeedCache.feed_key],
        set_={name: statement.excluded[name] for name in ("etag", "last_modified", "body", "built_at")},
    )
    db.session.execute(statement)


def feed_body(feed: Feed, window: FeedWindow, version: FeedVersion, base_url: str) -> bytes:
    """The feed's body for this version: from the cache, or built once and stored."""
    body = cached_body(feed, version)
    if body is None:
        body = build_feed(feed, window, base_url)
        try:
            with db.session.begin_nested():
                store_body(feed, version, body)
        except OperationalError:
            # The database is too busy to take the write (SQLite's lock): serve the body
            # anyway; the next request stores it.
            log.warning("Could not cache the body of feed %s", feed.key, exc_info=True)
    return body
