"""/api/v1/me/feeds: your calendar subscription links, and resetting them.

Each link comes as ``{"url": "https://…/feeds/<token>.ics", "webcal": "webcal://…"}``. Space and
hub links (with members' names) are listed for the hubs where you hold a role; they stop working
when you lose it. Resetting revokes every link you have at once and answers with new ones.
"""
from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields

from coworking.api.auth import current_api_user
from coworking.api.blueprint import ApiBlueprint
from coworking.feeds.links import closures_link, private_link, public_space_link
from coworking.feeds.models import FeedKind
from coworking.feeds.tokens import get_or_create_token, reset_tokens, staff_feed_tokens
from coworking.hubs.roles import hubs_with_roles
from coworking.transactions import unit_of_work

blp = ApiBlueprint(
    "feeds_api",
    __name__,
    description="Your calendar subscription (iCalendar feed) links. Anyone holding a link can read "
    "its feed without a token, so treat links as secrets; reset them if one leaks.",
)


class LinkSchema(Schema):
    url = fields.Url(required=True, metadata={"description": "Paste into Google Calendar (“From URL”) or Outlook"})
    webcal = fields.Str(required=True, metadata={"description": "The same feed as webcal://, which Apple Calendar opens"})


class SpaceFeedSchema(Schema):
    hub = fields.Str(required=True, metadata={"description": "The hub's slug"})
    space_id = fields.Int(required=True)
    name = fields.Str(required=True)
    link = fields.Nested(LinkSchema, required=True, metadata={"description": "Private: every booking with the member's name"})
    public = fields.Nested(
        LinkSchema, allow_none=True, required=True,
        metadata={"description": "The public feed (\"Booked\" or first names only), or null while the space's feed is private"},
    )


class HubFeedSchema(Schema):
    hub = fields.Str(required=True, metadata={"description": "The hub's slug"})
    name = fields.Str(required=True)
    link = fields.Nested(LinkSchema, required=True, metadata={"description": "Private: every booking of the hub"})
    closures = fields.Nested(LinkSchema, required=True, metadata={"description": "Public: the hub's closures and blocked periods"})


class FeedsSchema(Schema):
    member = fields.Nested(LinkSchema, required=True, metadata={"description": "Your own bookings, 90 days back to a year ahead"})
    spaces = fields.List(fields.Nested(SpaceFeedSchema), required=True)
    hubs = fields.List(fields.Nested(HubFeedSchema), required=True)


def feeds_body(user) -> dict:
    """The user's links, creating any that do not exist yet."""
    body = {"member": private_link(get_or_create_token(user, FeedKind.MEMBER)), "spaces": [], "hubs": []}
    for hub, _ in hubs_with_roles(user, every_hub_for_admins=False):
        tokens = staff_feed_tokens(user, hub)
        body["hubs"].append({"hub": hub.slug, "name": hub.name, "link": private_link(tokens.hub_token), "closures": closures_link(hub)})
        body["spaces"].extend(
            {"hub": hub.slug, "space_id": space.id, "name": space.name, "link": private_link(token), "public": public_space_link(space)}
            for space, token in tokens.spaces
        )
    return body


@blp.route("/me/feeds", endpoint="my_feeds")
class MyFeeds(MethodView):
    @blp.response(200, FeedsSchema)
    @blp.documents_errors(401)
    def get(self):
        """Your calendar feed links (made the first time you ask)"""
        with unit_of_work():
            return feeds_body(current_api_user())


@blp.route("/me/feeds/reset", endpoint="reset_feeds")
class ResetFeeds(MethodView):
    @blp.response(200, FeedsSchema)
    @blp.documents_errors(401, 415)
    def post(self):
        """Reset your calendar feed links: every old one stops working at once

        No body is needed (an empty JSON object, `{}`, is accepted too). The answer holds your
        new links.
        """
        user = current_api_user()
        with unit_of_work():
            reset_tokens(user)
            return feeds_body(user)
