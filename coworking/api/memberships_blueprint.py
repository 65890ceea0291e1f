"""The ``memberships_api`` blueprint, which three modules fill: ``plans.py`` (a hub's plans,
applying for one, and the applications its managers approve or decline), ``memberships.py``
(your memberships; a hub's memberships, one with its history, changing its plan, pausing,
cancelling, concessions) and ``allowances.py`` (your allowance statement, a manager's
adjustment, a period's billable items); and what the three share.

Views are thin: the schemas refuse malformed input (422 naming the field), then load or 404
(``coworking.api.loaders``), check or 403, and call one memberships service in one unit of work
(``one_write``: committed once, nothing stored on a refusal). Managers' routes answer 403 to
anyone but the hub's managers and network admins before reading the body; an id of another hub
is a 404, and so is another member's membership. The services' refusals keep their status: a
broken rule 422, a state that forbids it (approving twice, cancelling a cancelled membership) 409.
Lists are paged in SQL (``coworking.memberships.queries``): a page costs the same few
statements however many memberships the hub has.
"""
from __future__ import annotations

from flask import url_for

from coworking.api.blueprint import ApiBlueprint
from coworking.errors import ApiError
from coworking.hubs.models import Hub
from coworking.memberships.models import Membership
from coworking.money import normalise_currency

blp = ApiBlueprint(
    "memberships_api",
    __name__,
    description="Plans, applications, memberships, allowances and billable items. Money is integer minor "
    "units with its currency; dates are the hub's local dates; a period is a month, YYYY-MM.",
)

WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422)

# The API's names for the fields the memberships services call otherwise.
API_FIELDS = {
    "plan": "plan_id",
    "organisation": "organisation_id",
    "percent_bp": "percent",
    "fixed_price_minor": "fixed_price",
}


def minor_units_in(money: dict, hub: Hub, field: str) -> int:
    """``{"amount_minor": 1250, "currency": "GBP"}`` as minor units of the hub's currency, or 422."""
    if normalise_currency(money.get("currency", hub.currency)) != hub.currency:
        message = f"Amounts at this hub are in {hub.currency}."
        raise ApiError(422, message, {f"{field}.currency": message})
    return money["amount_minor"]


def membership_location(membership: Membership) -> dict:
    url = url_for("memberships_api.membership", slug=membership.hub.slug, membership_id=membership.id, _external=True)
    return {"Location": url}


LOCATION = {"Location": {"description": "The membership's URL", "schema": {"type": "string"}}}
