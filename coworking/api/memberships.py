"""/api/v1/me/memberships and /api/v1/hubs/<slug>/memberships: your memberships at every hub
(and one of them with its history);
a hub's memberships (filtered), one with its history, and what its managers change on one:
its plan, a pause, its cancellation, a concession.

Routes of the ``memberships_api`` blueprint (``coworking.api.memberships_blueprint``, which says
how they answer). Each change answers the membership as it now is, history included.
"""
from __future__ import annotations

from flask.views import MethodView

from coworking.api.auth import current_api_user
from coworking.api.blueprint import one_write
from coworking.api.loaders import hub_membership, hub_plan_named, managers_only, own_membership
from coworking.api.membership_schemas import (
    CancelRequestSchema,
    ConcessionRequestSchema,
    ConcessionSchema,
    MembershipDetailSchema,
    MembershipListQuerySchema,
    MembershipPageSchema,
    PauseRequestSchema,
    PlanChangeRequestSchema,
    basis_points,
)
from coworking.api.memberships_blueprint import API_FIELDS, WRITE_ERRORS, blp, minor_units_in
from coworking.api.schemas import PageQuerySchema
from coworking.hubs.models import Hub
from coworking.memberships.lifecycle import add_concession, cancel_membership, change_plan, pause_membership
from coworking.memberships.queries import (
    MembershipFilters,
    MembershipState,
    hub_memberships,
    member_memberships_page,
)
from coworking.timezones import local_today


@blp.route("/me/memberships", endpoint="my_memberships")
class MyMemberships(MethodView):
    @blp.arguments(PageQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, MembershipPageSchema)
    @blp.documents_errors(401)
    def get(self, page: int, per_page: int):
        """Your memberships at every hub, newest first: current, coming and past ones"""
        return member_memberships_page(current_api_user(), page=page, per_page=per_page)


@blp.route("/me/memberships/<int:membership_id>", endpoint="my_membership")
class MyMembership(MethodView):
    @blp.response(200, MembershipDetailSchema)
    @blp.documents_errors(401, 404)
    def get(self, membership_id: int):
        """One of your memberships, with its history (anyone else's is a 404)"""
        return own_membership(current_api_user(), membership_id)


@blp.route("/hubs/<slug>/memberships", endpoint="memberships")
class HubMemberships(MethodView):
    @managers_only
    @blp.arguments(MembershipListQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, MembershipPageSchema)
    @blp.documents_errors(401, 403, 404)
    def get(self, hub: Hub, page: int, per_page: int, **filters):
        """The hub's memberships, newest start first, filtered by plan, state, concession or organisation (managers)"""
        state = filters.get("state")
        chosen = MembershipFilters(
            plan_id=filters.get("plan_id"),
            state=MembershipState(state) if state else None,
            with_concession=filters.get("concession"),
            organisation_id=filters.get("organisation_id"),
        )
        return hub_memberships(hub, chosen, local_today(hub.timezone), page=page, per_page=per_page)


@blp.route("/hubs/<slug>/memberships/<int:membership_id>", endpoint="membership")
class OneMembership(MethodView):
    @managers_only
    @blp.response(200, MembershipDetailSchema)
    @blp.documents_errors(401, 403, 404)
    def get(self, hub: Hub, membership_id: int):
        """One of the hub's memberships, with its history (managers)"""
        return hub_membership(hub, membership_id)


@blp.route("/hubs/<slug>/memberships/<int:membership_id>/change-plan", endpoint="membership_change_plan")
class ChangePlan(MethodView):
    @managers_only
    @blp.arguments(PlanChangeRequestSchema)
    @blp.response(200, MembershipDetailSchema)
    @blp.documents_errors(*WRITE_ERRORS)
    def post(self, values: dict, hub: Hub, membership_id: int):
        """Move a membership to another plan: from next month, or `at_once` (today, prorated) (managers)

        A change already scheduled from the same date or later is replaced. 409 when the
        membership is on that plan then already, or has ended.
        """
        with one_write(API_FIELDS):
            membership = hub_membership(hub, membership_id)
            plan = hub_plan_named(hub, values["plan_id"])
            change_plan(membership, plan, by=current_api_user(), at_once=values["at_once"],
                        effective_on=values.get("effective_on"), reason=values["reason"])
        return membership


@blp.route("/hubs/<slug>/memberships/<int:membership_id>/pause", endpoint="membership_pause")
class Pause(MethodView):
    @managers_only
    @blp.arguments(PauseRequestSchema)
    @blp.response(200, MembershipDetailSchema)
    @blp.documents_errors(*WRITE_ERRORS)
    def post(self, values: dict, hub: Hub, membership_id: int):
        """Pause a membership for whole months from `first_period`, a month still to come (managers)

        No fee and no allowance while paused. Only where its plan allows pauses, and for at most
        the plan's months (counting pauses directly before or after): else a 422 naming `months`.
        """
        with one_write(API_FIELDS):
            membership = hub_membership(hub, membership_id)
            pause_membership(membership, by=current_api_user(), first_period=values["first_period"],
                             months=values["months"], reason=values["reason"])
        return membership


@blp.route("/hubs/<slug>/memberships/<int:membership_id>/cancel", endpoint="membership_cancel")
class Cancel(MethodView):
    @managers_only
    @blp.arguments(CancelRequestSchema)
    @blp.response(200, MembershipDetailSchema)
    @blp.documents_errors(*WRITE_ERRORS)
    def post(self, values: dict, hub: Hub, membership_id: int):
        """Cancel a membership; the answer's `ends_on` is its last day (managers)

        The plan's notice runs from today and the membership ends with the month in which it runs
        out (`ends_if_cancelled_today` shows that date beforehand), unless `ends_on` says another
        day. Cancelling a cancelled membership is a 409.
        """
        with one_write(API_FIELDS):
            membership = hub_membership(hub, membership_id)
            cancel_membership(membership, by=current_api_user(), reason=values["reason"], ends_on=values.get("ends_on"))
        return membership


@blp.route("/hubs/<slug>/memberships/<int:membership_id>/concessions", endpoint="membership_concessions")
class Concessions(MethodView):
    @managers_only
    @blp.arguments(ConcessionRequestSchema)
    @blp.response(201, ConcessionSchema)
    @blp.documents_errors(*WRITE_ERRORS)
    def post(self, values: dict, hub: Hub, membership_id: int):
        """Grant a concession: `percent` off the fee, or a `fixed_price` a month, before VAT (managers)

        Its `reason` (bursary, unemployed, student...) is required; `review_on` puts it on the
        list of concessions due for review. Billed as its own line, so the full price stays
        visible. 409 when the membership has a concession at that time already.
        """
        fixed_price = values.get("fixed_price")
        with one_write(API_FIELDS):
            membership = hub_membership(hub, membership_id)
            concession = add_concession(
                membership, by=current_api_user(), reason=values["reason"],
                percent_bp=basis_points(values.get("percent")),
                fixed_price_minor=minor_units_in(fixed_price, hub, "fixed_price") if fixed_price else None,
                review_on=values.get("review_on"), funded_by_community_fund=values["funded_by_community_fund"],
                starts_on=values.get("starts_on"), ends_on=values.get("ends_on"),
            )
        return concession
