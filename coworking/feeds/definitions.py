"""What a feed is: the four kinds of feed, who each shows what to, and the window they cover.

- a member's own bookings (private link);
- every booking of one space, or of a whole hub, with members' names (private link of a
  manager or staff member, valid only while they still work at the hub);
- a public space feed (when its manager makes it public): "Booked", or the booker's first
  name when the manager chose so, never a full name, an email or a note;
- a hub's closures and blocked periods (public).

A feed shows bookings from 90 days ago to a year ahead: confirmed ones, and ones cancelled in
the last 30 days (``STATUS:CANCELLED``, so subscribed calendars remove them). Every time input is
the UTC date, so a feed's content, ETag and cached body change at most once a day on their own.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from coworking.accounts.models import User
from coworking.extensions import db
from coworking.feeds.models import FeedKind, FeedToken
from coworking.hubs.models import Hub, Space
from coworking.types import utcnow

PAST_DAYS = 90
FUTURE_DAYS = 365
CANCELLED_KEPT_DAYS = 30


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


def staff_space_feed(space: Space) -> Feed:
    return _space_feed(space, "space", Audience.STAFF)


def public_space_feed(space: Space | None) -> Feed | None:
    """The space's public feed, or None when its manager has not made it public."""
    if space is None or not space.active or not space.feed_public:
        return None
    return _space_feed(space, "public-space", Audience.PUBLIC)


def staff_hub_feed(hub: Hub) -> Feed:
    return _hub_feed(hub, "hub", "all bookings", "bookings", Audience.STAFF)


def closures_feed(hub: Hub) -> Feed:
    return _hub_feed(hub, "closures", "closures", "closures", Audience.PUBLIC, closures=True)


def _space_feed(space: Space, key_prefix: str, audience: Audience) -> Feed:
    """One space's bookings: the staff's feed and the public one differ in key and audience only."""
    title, filename = f"{space.name}, {space.hub.name}", f"{space.hub.slug}-space-{space.id}.ics"
    return Feed(f"{key_prefix}:{space.id}", title, filename, audience, space=space, hub=space.hub)


def _hub_feed(hub: Hub, key_prefix: str, subject: str, file_stem: str, audience: Audience, *, closures: bool = False) -> Feed:
    """A feed of the whole hub: "<hub>: <subject>", in "<slug>-<file_stem>.ics"."""
    title, filename = f"{hub.name}: {subject}", f"{hub.slug}-{file_stem}.ics"
    return Feed(f"{key_prefix}:{hub.id}", title, filename, audience, hub=hub, closures=closures)


def feed_for_token(token: FeedToken) -> Feed:
    if token.kind == FeedKind.SPACE.value:
        return staff_space_feed(token.space)
    if token.kind == FeedKind.HUB.value:
        return staff_hub_feed(token.hub)
    return member_feed(token.user)


def set_space_feed_visibility(space: Space, *, public: bool, shows_first_name: bool) -> None:
    """Make a space's feed public (or private again), showing "Booked" or the booker's first name."""
    space.feed_public = bool(public)
    space.feed_shows_first_name = bool(shows_first_name)
    db.session.flush()
