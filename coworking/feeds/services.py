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
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from coworking import ical
from coworking.accounts.models import User
from coworking.accounts.services import hash_secret
from coworking.bookings.models import MAX_BOOKING_SPAN, Booking, BookingPurpose, BookingStatus
from coworking.extensions import db
from coworking.feeds.models import FeedCache, FeedKind, FeedStamp, FeedToken
from coworking.hubs.models import Closure, Hub, Space
from coworking.types import utcnow

log = logging.getLogger(__name__)

PAST_DAYS = 90
FUTURE_DAYS = 365
CANCELLED_KEPT_DAYS = 30
# Part of every ETag: bump it when the body's shape changes, so cached bodies are rebuilt.
FORMAT_VERSION = "2"
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
    """What one feed shows, and to whom. ``key`` names its cached body and goes in its ETag."""

    key: str
    title: str
    filename: str
    audience: Audience
    member_id: int | None = None
    space: Space | None = None
    hub: Hub | None = None
    closures: bool = False

    @property
    def is_public(self) -> bool:
        return self.audience is Audience.PUBLIC

    @property
    def scope(self) -> tuple[str, int]:
        """The feed stamp that changes whenever this feed's rows do (see FeedStamp)."""
        if self.member_id is not None:
            return FeedKind.MEMBER.value, self.member_id
        if self.space is not None:
            return FeedKind.SPACE.value, self.space.id
        return FeedKind.HUB.value, self.hub.id


def member_feed(user: User) -> Feed:
    return Feed(key=f"member:{user.id}", title="My bookings", filename="my-bookings.ics", audience=Audience.MEMBER, member_id=user.id)


def _space_feed(space: Space, key_prefix: str, audience: Audience) -> Feed:
    """One space's bookings: the staff's feed and the public one differ in key and audience only."""
    return Feed(
        key=f"{key_prefix}:{space.id}",
        title=f"{space.name}, {space.hub.name}",
        filename=f"{space.hub.slug}-space-{space.id}.ics",
        audience=audience,
        space=space,
        hub=space.hub,
    )


def staff_space_feed(space: Space) -> Feed:
    return _space_feed(space, "space", Audience.STAFF)


def staff_hub_feed(hub: Hub) -> Feed:
    return Feed(
        key=f"hub:{hub.id}",
        title=f"{hub.name}: all bookings",
        filename=f"{hub.slug}-bookings.ics",
        audience=Audience.STAFF,
        hub=hub,
    )


def public_space_feed(space: Space | None) -> Feed | None:
    """The space's public feed, or None when its manager has not made it public."""
    if space is None or not space.active or not space.feed_public:
        return None
    return _space_feed(space, "public-space", Audience.PUBLIC)


def closures_feed(hub: Hub) -> Feed:
    return Feed(
        key=f"closures:{hub.id}",
        title=f"{hub.name}: closures",
        filename=f"{hub.slug}-closures.ics",
        audience=Audience.PUBLIC,
        hub=hub,
        closures=True,
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
    return derive_link_secret(current_app.config["SECRET_KEY"], token.id, token.nonce)


def derive_link_secret(secret_key: str, token_id: int, nonce: str) -> str:
    message = f"feed:{token_id}:{nonce}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
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


@dataclass(frozen=True)
class StaffFeedTokens:
    hub: Hub
    hub_token: FeedToken
    spaces: list[tuple[Space, FeedToken]]


def staff_feed_tokens(user: User, hub: Hub) -> StaffFeedTokens:
    """The user's links for a hub they work at: the whole hub's, and one per space.

    The space links come from one query; only the links not made yet are made one by one.
    """
    spaces = list(hub.spaces)
    live = db.session.scalars(
        sa.select(FeedToken)
        .where(
            FeedToken.user_id == user.id,
            FeedToken.kind == FeedKind.SPACE.value,
            FeedToken.space_id.in_([space.id for space in spaces]),
            FeedToken.revoked_at.is_(None),
        )
        .order_by(FeedToken.id.desc())  # the oldest last, so it wins below, as in get_or_create_token
    )
    by_space = {token.space_id: token for token in live}
    return StaffFeedTokens(
        hub=hub,
        hub_token=get_or_create_token(user, FeedKind.HUB, hub=hub),
        spaces=[(space, _usable(by_space.get(space.id)) or get_or_create_token(user, FeedKind.SPACE, space=space)) for space in spaces],
    )


def _usable(token: FeedToken | None) -> FeedToken | None:
    return token if token is not None and _derives_from_current_key(token) else None


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


# --- versions: ETag and Last-Modified from the feed's stamps ---------------------------------

CATALOGUE = ("catalogue", 0)


@dataclass(frozen=True)
class Stamp:
    """A FeedStamp's value; a scope nothing has happened in yet has version 0."""

    version: int = 0
    changed_at: datetime | None = None


@dataclass(frozen=True)
class FeedVersion:
    etag: str
    last_modified: datetime


def version_from_stamps(feed_key: str, window: FeedWindow, base_url: str, scope: Stamp, catalogue: Stamp) -> FeedVersion:
    """The feed's ETag and Last-Modified from its stamps (the calendar is not built).

    Any change to the feed's rows bumps its scope's stamp, and any change to the names and
    settings feeds show bumps the catalogue's; the window's date covers rows leaving the window.
    Change times are in the ETag too, so stamps started afresh (a restored database) never repeat
    an old ETag. Last-Modified is the newest change, or the moment the window last moved,
    whichever is later. The conditional-request fast path (``revalidation``) calls this as well.
    """
    parts = [FORMAT_VERSION, feed_key, window.today.isoformat(), base_url]
    for stamp in (scope, catalogue):
        parts += [str(stamp.version), stamp.changed_at.isoformat() if stamp.changed_at else ""]
    etag = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    changes = [stamp.changed_at for stamp in (scope, catalogue) if stamp.changed_at is not None]
    last_modified = max([window.began, *changes]).replace(microsecond=0)
    return FeedVersion(etag=etag, last_modified=last_modified)


def feed_version(feed: Feed, window: FeedWindow, base_url: str) -> FeedVersion:
    """The feed's ETag and Last-Modified, from one read of two stamps."""
    wanted = (feed.scope, CATALOGUE)
    rows = db.session.execute(
        sa.select(FeedStamp.kind, FeedStamp.target_id, FeedStamp.version, FeedStamp.changed_at).where(
            sa.or_(*(sa.and_(FeedStamp.kind == kind, FeedStamp.target_id == target) for kind, target in wanted))
        )
    )
    stamps = {(kind, target): Stamp(version, changed_at) for kind, target, version, changed_at in rows}
    return version_from_stamps(feed.key, window, base_url, stamps.get(feed.scope, Stamp()), stamps.get(CATALOGUE, Stamp()))


# --- building -------------------------------------------------------------------------------

class FeedBooking(NamedTuple):
    """The part of a booking a feed shows, read as a row: a feed has thousands, and building an
    ORM object for each cost more than writing its event. Its space (with the hub) and member
    are objects loaded once per feed and shared by the rows."""

    id: int
    starts_at: datetime
    ends_at: datetime
    status: str
    purpose: str
    note: str
    sequence: int
    updated_at: datetime
    space: Space
    member: User | None

    # Booking's own answers, so a row and a booking cannot disagree.
    is_confirmed = Booking.is_confirmed
    is_block = Booking.is_block
    hub = Booking.hub


# FeedBooking's own fields in order, then the ids of its space and member.
_FEED_BOOKING_COLUMNS = (
    Booking.id, Booking.starts_at, Booking.ends_at, Booking.status, Booking.purpose, Booking.note,
    Booking.sequence, Booking.updated_at, Booking.space_id, Booking.member_id,
)


def feed_bookings(feed: Feed, window: FeedWindow) -> list[FeedBooking]:
    """The feed's bookings in time order, in three queries however many there are: the rows,
    then the distinct spaces (with hubs) and members they name."""
    rows = db.session.execute(
        sa.select(*_FEED_BOOKING_COLUMNS)
        .where(*_booking_scope(feed), *_in_window(window))
        .order_by(Booking.starts_at, Booking.id)
    ).all()
    spaces = _spaces_by_id({row.space_id for row in rows})
    members = _users_by_id({row.member_id for row in rows if row.member_id is not None})
    return [FeedBooking(*row[:-2], space=spaces[row.space_id], member=members.get(row.member_id)) for row in rows]


def _spaces_by_id(ids: set[int]) -> dict[int, Space]:
    if not ids:
        return {}
    spaces = db.session.scalars(sa.select(Space).where(Space.id.in_(ids)).options(joinedload(Space.hub)))
    return {space.id: space for space in spaces}


def _users_by_id(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}


def _hub_page(hub: Hub, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/hubs/{hub.slug}"


def _member_event(booking: FeedBooking, feed: Feed, base_url: str) -> ical.FeedEvent:
    return ical.booking_feed_event(booking, description=f"Manage this booking: {ical.booking_link(booking, base_url)}")


def _staff_event(booking: FeedBooking, feed: Feed, base_url: str) -> ical.FeedEvent:
    if booking.is_block:
        summary = f"Blocked: {booking.note}" if booking.note else "Blocked"
    else:
        summary = booking.member.name if booking.member is not None else "Booked"
    if feed.space is None:  # the whole hub's feed: say which space
        summary = f"{summary} ({booking.space.name})"
    link = ical.booking_link(booking, base_url)
    return ical.booking_feed_event(booking, summary=summary, description=f"Manage this booking: {link}")


def _public_event(booking: FeedBooking, feed: Feed, base_url: str) -> ical.FeedEvent:
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
