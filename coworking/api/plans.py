"""/api/v1/hubs/<slug>/plans and .../applications: the plans a hub offers, applying for one,
and the applications its managers list, approve (a membership results) or decline.

Routes of the ``memberships_api`` blueprint (``coworking.api.memberships_blueprint``, which says
how they answer). The member is emailed either way, through the outbox in the same transaction.
"""
from __future__ import annotations

from flask.views import MethodView

from coworking.api.auth import current_api_user
from coworking.api.blueprint import one_write
from coworking.api.loaders import (
    hub_application,
    hub_organisation_named,
    hub_plan_named,
    load_hub,
    managers_only,
    require_manager,
)
from coworking.api.membership_schemas import (
    ApplicationListQuerySchema,
    ApplicationPageSchema,
    ApplicationSchema,
    ApplySchema,
    ApproveSchema,
    DeclineSchema,
    MembershipDetailSchema,
    PlanPageSchema,
    PlanQuerySchema,
)
from coworking.api.memberships_blueprint import API_FIELDS, LOCATION, WRITE_ERRORS, blp, membership_location
from coworking.hubs.models import Hub
from coworking.memberships.applications import apply_for_plan, approve_application, decline_application
from coworking.memberships.models import ApplicationStatus
from coworking.memberships.queries import hub_applications, hub_plans


@blp.route("/hubs/<slug>/plans", endpoint="plans")
class Plans(MethodView):
    @blp.arguments(PlanQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, PlanPageSchema)
    @blp.documents_errors(401, 403, 404)
    def get(self, slug: str, page: int, per_page: int, include_private: bool, include_archived: bool):
        """The hub's plans, by name: those on offer to anyone, or also private and archived ones for its managers"""
        hub = load_hub(slug)
        if include_private or include_archived:
            require_manager(hub, "Only a manager of this hub or a network admin may list its private or archived plans.")
        return hub_plans(hub, include_private=include_private, include_archived=include_archived, page=page,
                         per_page=per_page)


@blp.route("/hubs/<slug>/applications", endpoint="applications")
class Applications(MethodView):
    @managers_only
    @blp.arguments(ApplicationListQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, ApplicationPageSchema)
    @blp.documents_errors(401, 403, 404)
    def get(self, hub: Hub, page: int, per_page: int, status: str):
        """The hub's applications, oldest first: those waiting, unless `status` says otherwise (managers)"""
        wanted = None if status == "all" else ApplicationStatus(status)
        return hub_applications(hub, status=wanted, page=page, per_page=per_page)

    @blp.arguments(ApplySchema)
    @blp.response(201, ApplicationSchema)
    @blp.documents_errors(*WRITE_ERRORS)
    def post(self, values: dict, slug: str):
        """Apply for one of the hub's plans

        The hub's managers approve (choosing the start date) or decline; you are emailed either
        way. Refused (409) while you have an application waiting or a membership here, or for a
        plan no longer offered; a private plan is offered by the managers only (422).
        """
        hub = load_hub(slug)
        with one_write(API_FIELDS):
            plan = hub_plan_named(hub, values["plan_id"])
            application = apply_for_plan(current_api_user(), plan, message=values["message"])
        return application


@blp.route("/hubs/<slug>/applications/<int:application_id>/approve", endpoint="approve_application")
class ApproveApplication(MethodView):
    @managers_only
    @blp.arguments(ApproveSchema)
    @blp.response(201, MembershipDetailSchema, headers=LOCATION)
    @blp.documents_errors(*WRITE_ERRORS)
    def post(self, values: dict, hub: Hub, application_id: int):
        """Approve an application: the membership starts on `starts_on` (managers)

        A start further back than the hub allows is a 422 naming `starts_on`; an application
        decided already, or a membership overlapping the new one, a 409. The member is emailed.
        """
        with one_write(API_FIELDS):
            application = hub_application(hub, application_id)
            organisation = hub_organisation_named(hub, values.get("organisation_id"))
            membership = approve_application(application, by=current_api_user(), starts_on=values["starts_on"],
                                             organisation=organisation, message=values["message"])
        return membership, membership_location(membership)


@blp.route("/hubs/<slug>/applications/<int:application_id>/decline", endpoint="decline_application")
class DeclineApplication(MethodView):
    @managers_only
    @blp.arguments(DeclineSchema)
    @blp.response(200, ApplicationSchema)
    @blp.documents_errors(*WRITE_ERRORS)
    def post(self, values: dict, hub: Hub, application_id: int):
        """Decline an application with a `message` the member is sent (managers); 409 once decided"""
        with one_write(API_FIELDS):
            application = hub_application(hub, application_id)
            decline_application(application, by=current_api_user(), message=values["message"])
        return application
