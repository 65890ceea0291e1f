"""The hub managers' memberships pages (routes join the blueprint in views/__init__.py): the
applications waiting (approve with a start date, or decline with a message), the memberships
list with its filters, pages and CSV export, the concessions due for review, and enrolling a
member directly. Siblings: ``plans.py`` (plans, passes, organisations), ``records.py`` (a
member's record and what a manager does there), ``managing.py`` (what they share)."""
from __future__ import annotations

from functools import partial

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import login_required

from coworking.extensions import db
from coworking.forms import form_page, saved
from coworking.hubs.loaders import managed_hub, staff_hub
from coworking.hubs.models import Hub
from coworking.memberships.applications import approve_application, decline_application, enrol_member
from coworking.memberships.forms.manager import ApproveForm, DeclineForm, EnrolForm, MembershipFilterForm
from coworking.memberships.history import member_by_email
from coworking.memberships.lifecycle import concessions_due_for_review
from coworking.memberships.models import Application, ApplicationStatus, Organisation, Plan
from coworking.memberships.plans import list_organisations, list_plans
from coworking.memberships.queries import all_hub_memberships, hub_applications, hub_memberships
from coworking.memberships.roster import roster_csv, roster_line
from coworking.memberships.views import bp
from coworking.memberships.views.managing import can_manage, chosen_row, initial, me
from coworking.paging import page_number
from coworking.permissions import in_hub_or_404
from coworking.timezones import local_today

PER_PAGE = 50


@bp.app_template_global()
def pending_applications_count(hub: Hub) -> int:
    """For the managers' navigation: one COUNT on an indexed column."""
    return db.session.scalar(sa.select(sa.func.count(Application.id)).where(
        Application.hub_id == hub.id, Application.status == ApplicationStatus.PENDING.value)) or 0


# --- applications ---------------------------------------------------------------------------

@bp.route("/hubs/<slug>/applications")
@login_required
def applications(slug: str):
    hub = staff_hub(slug)
    return render_template("memberships/manage/applications.html", hub=hub, can_manage=can_manage(hub),
                           applications=hub_applications(hub, page=page_number(), per_page=PER_PAGE))


def _decision_forms(hub: Hub, application: Application) -> tuple[ApproveForm, DeclineForm]:
    approve = ApproveForm(data=initial({"starts_on": local_today(hub.timezone)}))
    approve.organisation.set_rows(list_organisations(hub), blank="The member")
    return approve, DeclineForm()


def _application_page(hub: Hub, application: Application, approve: ApproveForm, decline: DeclineForm, posted=None):
    status = 200 if posted is None else getattr(posted, "page_status", 400)
    return render_template("memberships/manage/application.html", hub=hub, application=application, approve=approve,
                           decline=decline, can_manage=can_manage(hub)), status


@bp.route("/hubs/<slug>/applications/<int:application_id>")
@login_required
def application(slug: str, application_id: int):
    hub = staff_hub(slug)
    application = in_hub_or_404(Application, hub, application_id)
    return _application_page(hub, application, *_decision_forms(hub, application))


@bp.route("/hubs/<slug>/applications/<int:application_id>/approve", methods=["POST"])
@login_required
def approve(slug: str, application_id: int):
    hub = managed_hub(slug)
    application = in_hub_or_404(Application, hub, application_id)
    form, decline = _decision_forms(hub, application)
    if form.validate_on_submit():
        organisation = chosen_row(form, "organisation", Organisation, hub, "Choose one of the hub's organisations.")
        if not form.errors:
            membership = saved(form, partial(approve_application, application, by=me(), starts_on=form.starts_on.data,
                                             organisation=organisation, message=form.message.data or ""))
            if membership is not None:
                flash(f"{application.member.name} is a member from {membership.starts_on:%d %B %Y}; they are emailed.",
                      "success")
                return redirect(url_for("memberships.record", slug=hub.slug, membership_id=membership.id))
    return _application_page(hub, application, form, decline, posted=form)


@bp.route("/hubs/<slug>/applications/<int:application_id>/decline", methods=["POST"])
@login_required
def decline(slug: str, application_id: int):
    hub = managed_hub(slug)
    application = in_hub_or_404(Application, hub, application_id)
    approve_form, form = _decision_forms(hub, application)
    if form.validate_on_submit():
        if saved(form, partial(decline_application, application, by=me(), message=form.message.data)) is not None:
            flash(f"{application.member.name}'s application is declined; they are emailed your message.", "success")
            return redirect(url_for("memberships.applications", slug=hub.slug))
    return _application_page(hub, application, approve_form, form, posted=form)


# --- the memberships list -------------------------------------------------------------------

def _filter_form(hub: Hub) -> MembershipFilterForm:
    form = MembershipFilterForm(request.args)
    form.set_choices(list_plans(hub, include_private=True, include_archived=True), list_organisations(hub))
    return form


@bp.route("/hubs/<slug>/memberships")
@login_required
def memberships(slug: str):
    hub = staff_hub(slug)
    today = local_today(hub.timezone)
    form = _filter_form(hub)
    valid = form.validate()
    page = hub_memberships(hub, form.filters(), today, page=form.page.data or 1, per_page=PER_PAGE) if valid else None
    query = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "memberships/manage/memberships.html", hub=hub, form=form, today=today, can_manage=can_manage(hub),
        page=page, lines=[roster_line(m, today) for m in page.items] if page else [], query=query,
        due_for_review=concessions_due_for_review(hub, today),
    ), 200 if valid else 400


@bp.route("/hubs/<slug>/memberships.csv")
@login_required
def export_csv(slug: str):
    hub = staff_hub(slug)
    form = _filter_form(hub)
    if not form.validate():
        abort(400, description="The filters are not valid: " + " ".join(e for errors in form.errors.values() for e in errors))
    today = local_today(hub.timezone)
    return Response(stream_with_context(_csv_chunks(hub, form, today)), headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{hub.slug}-memberships-{today.isoformat()}.csv"',
    })


def _csv_chunks(hub: Hub, form: MembershipFilterForm, today):
    """The export, streamed in batches; the result is closed however the stream ends (a
    client that goes away would otherwise leave PostgreSQL's server-side cursor open)."""
    result = all_hub_memberships(hub, form.filters(), today)
    try:
        yield from roster_csv(result, today, hub.currency)
    finally:
        result.close()


@bp.route("/hubs/<slug>/memberships/new", methods=["GET", "POST"])
@login_required
def enrol(slug: str):
    hub = managed_hub(slug)
    form = EnrolForm(data=initial({"starts_on": local_today(hub.timezone)}))
    form.plan.set_rows(list_plans(hub, include_private=True), blank="Choose a plan",
                       label=lambda plan: plan.name + ("" if plan.public else " (private)"))
    form.organisation.set_rows(list_organisations(hub), blank="The member")
    if form.validate_on_submit():
        plan = chosen_row(form, "plan", Plan, hub, "Choose one of the hub's plans.")
        organisation = chosen_row(form, "organisation", Organisation, hub, "Choose one of the hub's organisations.")
        if not form.errors:
            membership = saved(form, lambda: enrol_member(
                member_by_email(form.member_email.data), plan, by=me(), starts_on=form.starts_on.data,
                organisation=organisation, message=form.message.data or ""))
            if membership is not None:
                flash(f"{membership.member.name} is on {plan.name} from {membership.starts_on:%d %B %Y}; they are emailed.",
                      "success")
                return redirect(url_for("memberships.record", slug=hub.slug, membership_id=membership.id))
    return form_page("memberships/manage/enrol.html", form, hub=hub)
