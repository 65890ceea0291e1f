"""/api/v1: who you are, hubs and their spaces.

Views are thin: load or 404, check or 403, call one hub service, commit once. Anyone with a valid
token reads hubs and active spaces; managers of a hub (and network admins) also see its inactive
spaces and may change the hub and its spaces.
"""
from __future__ import annotations

from flask import url_for
from flask.views import MethodView

from coworking.api.auth import current_api_user
from coworking.api.blueprint import ApiBlueprint, one_write
from coworking.api.loaders import load_hub, load_space, managers_only, require_manager
from coworking.api.revalidation import NOT_MODIFIED_DOC, VALIDATORS_DOC
from coworking.api.schemas import (
    HubChangesSchema,
    HubPageSchema,
    HubSchema,
    PageQuerySchema,
    SpaceChangesSchema,
    SpaceCreateSchema,
    SpacePageSchema,
    SpaceQuerySchema,
    SpaceSchema,
    UserSchema,
)
from coworking.errors import ApiError
from coworking.hubs.models import Hub
from coworking.hubs.services import add_space, hubs_query, spaces_query, update_hub, update_space
from coworking.money import normalise_currency
from coworking.paging import page_of_query

blp = ApiBlueprint("api", __name__, description="Who you are, hubs and their spaces")

WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415)


# --- writing --------------------------------------------------------------------------------

def save(service, *args, **kwargs):
    """Call a hub service in the request's one write transaction and return its result."""
    with one_write():
        return service(*args, **kwargs)


def rates_in_minor_units(values: dict, hub: Hub) -> dict:
    """``{"hourly_rate": {"amount_minor": 1200}}`` becomes ``{"hourly_rate_minor": 1200}``."""
    values = dict(values)
    for name in ("hourly_rate", "daily_rate"):
        if name in values:
            money = values.pop(name)
            if normalise_currency(money.get("currency", hub.currency)) != hub.currency:
                message = f"Rates at this hub are in {hub.currency}."
                raise ApiError(422, message, {f"{name}.currency": message})
            values[f"{name}_minor"] = money["amount_minor"]
    return values


# --- routes ---------------------------------------------------------------------------------

@blp.route("/me", endpoint="me")
class Me(MethodView):
    @blp.response(200, UserSchema)
    @blp.documents_errors(401)
    def get(self):
        """The user the token belongs to"""
        return current_api_user()


@blp.route("/hubs", endpoint="hubs")
class Hubs(MethodView):
    @blp.arguments(PageQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, HubPageSchema)
    @blp.documents_errors(401)
    def get(self, page: int, per_page: int):
        """Every hub in the network, by name"""
        return page_of_query(hubs_query(with_hours=True), page, per_page)


@blp.route("/hubs/<slug>", endpoint="hub")
class HubResource(MethodView):
    @blp.response(200, HubSchema)
    @blp.documents_errors(401, 404)
    def get(self, slug: str):
        """One hub, with its opening hours"""
        return load_hub(slug)

    @managers_only
    @blp.arguments(HubChangesSchema)
    @blp.response(200, HubSchema)
    @blp.documents_errors(*WRITE_ERRORS)
    def patch(self, changes: dict, hub: Hub):
        """Change a hub's details (managers of the hub and network admins)

        Send only the fields that change.
        """
        return save(update_hub, hub, **changes)


@blp.route("/hubs/<slug>/spaces", endpoint="hub_spaces")
class HubSpaces(MethodView):
    @blp.arguments(SpaceQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, SpacePageSchema, headers=VALIDATORS_DOC)
    @blp.alt_response(304, description=NOT_MODIFIED_DOC, headers=VALIDATORS_DOC)
    @blp.documents_errors(401, 403, 404)
    def get(self, slug: str, page: int, per_page: int, include_inactive: bool):
        """A hub's spaces, by kind and name: active ones, or all of them for its managers"""
        hub = load_hub(slug)
        if include_inactive:
            require_manager(hub, "Only a manager of this hub or a network admin may list its inactive spaces.")
        return page_of_query(spaces_query(hub, include_inactive=include_inactive), page, per_page)

    @managers_only
    @blp.arguments(SpaceCreateSchema)
    @blp.response(201, SpaceSchema, headers={"Location": {"description": "The new space's URL", "schema": {"type": "string"}}})
    @blp.documents_errors(*WRITE_ERRORS)
    def post(self, values: dict, hub: Hub):
        """Add a space to a hub (managers of the hub and network admins)"""
        space = save(add_space, hub, **rates_in_minor_units(values, hub))
        return space, {"Location": url_for("api.hub_space", slug=hub.slug, space_id=space.id, _external=True)}


@blp.route("/hubs/<slug>/spaces/<int:space_id>", endpoint="hub_space")
class HubSpace(MethodView):
    @blp.response(200, SpaceSchema)
    @blp.documents_errors(401, 404)
    def get(self, slug: str, space_id: int):
        """One space (an inactive one only for managers of its hub)"""
        hub = load_hub(slug)
        return load_space(hub, space_id, include_inactive=current_api_user().manages(hub))

    @managers_only
    @blp.arguments(SpaceChangesSchema)
    @blp.response(200, SpaceSchema)
    @blp.documents_errors(*WRITE_ERRORS)
    def patch(self, changes: dict, hub: Hub, space_id: int):
        """Change a space (managers of the hub and network admins)

        Send only the fields that change; ``"active": false`` takes a space out of use.
        """
        space = load_space(hub, space_id, include_inactive=True)
        return save(update_space, space, **rates_in_minor_units(changes, hub))
