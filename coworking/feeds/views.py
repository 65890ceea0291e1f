"""Calendar feeds (the .ics URLs calendar apps poll) and the pages that show their links.

Feed URLs answer with a fixed plain-text 404 for every link that does not work (wrong, revoked,
a manager's link after they left the hub, a space that is not public), so a probe learns nothing.
A conditional request is answered from one aggregate query (304) without building anything; a
changed feed is built once and its body cached until it changes again.
"""
from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coworking.errors import plain_not_found
from coworking.extensions import db, limiter
from coworking.feeds.cache import feed_body
from coworking.feeds.definitions import (
    Feed,
    closures_feed,
    feed_for_token,
    feed_window,
    set_space_feed_visibility,
)
from coworking.feeds.definitions import public_space_feed as public_feed_of  # the view has its name
from coworking.feeds.forms import ResetFeedsForm, SpaceFeedForm
from coworking.feeds.links import closures_link, private_link, public_space_link
from coworking.feeds.models import FeedKind, FeedToken
from coworking.feeds.revalidation import (
    PRIVATE_LINK_SCOPE,
    cache_control,
    client_copy_is_current,
    link_rate_key,
)
from coworking.feeds.tokens import (
    find_live_token,
    get_or_create_token,
    note_use,
    reset_tokens,
    staff_feed_tokens,
)
from coworking.feeds.versions import feed_version
from coworking.hubs.loaders import hub_or_404, staff_hub
from coworking.hubs.models import Hub, Space
from coworking.hubs.roles import hubs_with_roles
from coworking.hubs.services import get_hub_by_slug, get_space_in_hub
from coworking.permissions import check_manages
from coworking.transactions import commit_if_possible, unit_of_work
from coworking.types import MAX_INTEGER

bp = Blueprint("feeds", __name__)
log = logging.getLogger(__name__)

NOT_FOUND = "There is no calendar at this address.\n"
RESET_DONE = (
    "Your calendar links are reset: the old ones stopped working just now. "
    "Subscribe again with the new links below."
)


# --- serving feeds --------------------------------------------------------------------------

def feed_rate_limit() -> str:
    return current_app.config["FEED_RATE_LIMIT"]


def token_key() -> str:
    return link_rate_key(str(request.view_args.get("token", "")))


def space_key() -> str:
    return f"feed-space:{request.view_args.get('space_id')}"


def closures_key() -> str:
    return f"feed-closures:{request.view_args.get('slug')}"


def not_found() -> Response:
    """The one answer for every feed link that does not work: the same bytes, whatever the reason."""
    return Response(NOT_FOUND, status=404, mimetype="text/plain", headers={"Cache-Control": "no-store"})


# Whatever makes a feed link not work (unknown, revoked, or a route that does not exist under
# /feeds/), calendar apps get the same plain answer.
bp.record_once(lambda state: plain_not_found("/feeds/", not_found))


def serve(feed: Feed, token: FeedToken | None = None) -> Response:
    window = feed_window()
    version = feed_version(feed, window, current_app.config["BASE_URL"])
    if client_copy_is_current(request.if_none_match, request.if_modified_since, version):
        response = Response(status=304)
    else:
        response = Response(feed_body(feed, window, version), content_type="text/calendar; charset=utf-8")
        response.headers["Content-Disposition"] = f'inline; filename="{feed.filename}"'
    if token is not None:
        # Only now, after the build: on SQLite the first write takes the database's write lock.
        note_use(token)
    # The cached body and the link's last use are bookkeeping: the feed is served all the same.
    if not commit_if_possible():
        log.warning("Could not store a feed's cache or last use; serving it anyway")
    response.set_etag(version.etag)
    response.last_modified = version.last_modified
    response.headers["Cache-Control"] = cache_control(feed.is_public)
    return response


@bp.route("/feeds/<token>.ics")
@limiter.shared_limit(feed_rate_limit, scope=PRIVATE_LINK_SCOPE, key_func=token_key)
def private_feed(token: str):
    """Conditional requests that find nothing new were mostly answered already (revalidation)."""
    found = find_live_token(token)
    if found is None:
        return not_found()
    return serve(feed_for_token(found), found)


@bp.route("/feeds/spaces/<int:space_id>.ics")
@limiter.limit(feed_rate_limit, key_func=space_key)
def public_space_feed(space_id: int):
    space = db.session.get(Space, space_id) if space_id <= MAX_INTEGER else None
    feed = public_feed_of(space)
    if feed is None:
        return not_found()
    return serve(feed)


@bp.route("/feeds/hubs/<slug>/closures.ics")
@limiter.limit(feed_rate_limit, key_func=closures_key)
def hub_closures_feed(slug: str):
    hub = get_hub_by_slug(slug)
    if hub is None:
        return not_found()
    return serve(closures_feed(hub))


# --- pages ----------------------------------------------------------------------------------

def secret_page(html: str, status: int = 200) -> Response:
    """A page showing live feed links: never kept by a browser or proxy cache."""
    response = current_app.make_response((html, status))
    response.headers["Cache-Control"] = "no-store"
    return response


def me():
    return current_user._get_current_object()


# --- the member's page ----------------------------------------------------------------------

@bp.route("/profile/calendar")
@login_required
def mine():
    # A GET that makes the link the first time only: no write lock while it reads (two first
    # visits at once make two links; both work, and the oldest is shown from then on).
    with unit_of_work(write=False):
        member_link = private_link(get_or_create_token(me(), FeedKind.MEMBER))
    return secret_page(
        render_template(
            "feeds/mine.html",
            member_link=member_link,
            staff_hubs=[hub for hub, _ in hubs_with_roles(me(), every_hub_for_admins=False)],
            reset_form=ResetFeedsForm(),
        )
    )


@bp.route("/profile/calendar/reset", methods=["POST"])
@login_required
def reset():
    with unit_of_work():
        reset_tokens(me())
    flash(RESET_DONE, "success")
    return redirect(url_for("feeds.mine"))


# --- a hub's feeds, for its managers and staff ----------------------------------------------

def space_form(space: Space, **kwargs) -> SpaceFeedForm:
    return SpaceFeedForm(prefix=f"space-{space.id}", **kwargs)


@bp.route("/hubs/<slug>/feeds")
@login_required
def hub_feeds(slug: str):
    hub = staff_hub(slug)
    # Committed after rendering: a commit expires every loaded space, and the page would reload
    # each one. No write lock while it reads, as on the member's page.
    with unit_of_work(write=False):
        html = render_hub_feeds(hub)
    return secret_page(html)


def render_hub_feeds(hub: Hub) -> str:
    tokens = staff_feed_tokens(me(), hub)
    manages = me().manages(hub)
    rows = [
        {
            "space": space,
            "link": private_link(token),
            "public_link": public_space_link(space),
            "form": space_form(space, obj=space) if manages else None,
        }
        for space, token in tokens.spaces
    ]
    return render_template(
        "feeds/hub.html",
        hub=hub,
        hub_link=private_link(tokens.hub_token),
        closures_link=closures_link(hub),
        rows=rows,
        manages=manages,
        reset_form=ResetFeedsForm(),
    )


@bp.route("/hubs/<slug>/feeds/reset", methods=["POST"])
@login_required
def hub_reset(slug: str):
    hub = staff_hub(slug)
    with unit_of_work():
        reset_tokens(me())
    flash(RESET_DONE, "success")
    return redirect(url_for("feeds.hub_feeds", slug=hub.slug))


@bp.route("/hubs/<slug>/feeds/spaces/<int:space_id>", methods=["POST"])
@login_required
def space_visibility(slug: str, space_id: int):
    hub = hub_or_404(slug)
    check_manages(current_user, hub)
    space = get_space_in_hub(hub, space_id) if space_id <= MAX_INTEGER else None
    if space is None:
        abort(404)
    form = space_form(space)
    form.validate_on_submit()  # two checkboxes: nothing can be invalid (CSRF is checked app-wide)
    with unit_of_work():
        set_space_feed_visibility(space, public=form.feed_public.data, shows_first_name=form.feed_shows_first_name.data)
    if space.feed_public:
        shown = "the booker's first name" if space.feed_shows_first_name else "“Booked”"
        flash(f"The feed of {space.name} is public: it shows {shown} and nothing else.", "success")
    else:
        flash(f"The feed of {space.name} is private: its public link no longer works.", "success")
    return redirect(url_for("feeds.hub_feeds", slug=hub.slug) + f"#space-{space.id}")
