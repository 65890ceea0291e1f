"""The members' memberships pages (routes join the blueprint in views/__init__.py): a hub's
public pricing page, applying for a plan, "my membership", and changing plan, pausing and
cancelling one's own membership (the end date shown before confirming).

A membership in the URL that is not the current user's is a 404, whoever asks: managers act on
memberships from their own pages. Refusals come back beside their field with the refusal's
status (409 for cancelling twice...), a form that does not parse with 400.
"""
from __future__ import annotations

from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coworking.extensions import db
from coworking.forms import add_error, form_page, saved
from coworking.hubs.loaders import hub_or_404
from coworking.hubs.models import Hub
from coworking.memberships import applications, lifecycle
from coworking.memberships.forms.member import ApplyForm, CancelForm, ChangePlanForm, PauseForm
from coworking.memberships.models import Membership, Plan
from coworking.memberships.offers import public_passes, public_plans
from coworking.memberships.overview import member_overview, pending_applications_of, summarise
from coworking.memberships.periods import Period, parse_period
from coworking.memberships.views import bp
from coworking.timezones import local_today

# --- shared ---------------------------------------------------------------------------------

def me():
    return current_user._get_current_object()


def own_membership(membership_id: int) -> Membership:
    """The current user's membership with this id, or 404 (never 403: ids reveal nothing)."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.member_id != current_user.id:
        abort(404)
    return membership


def hub_plan(hub: Hub, plan_id: int | None) -> Plan | None:
    plan = db.session.get(Plan, plan_id) if plan_id is not None else None
    return plan if plan is not None and plan.hub_id == hub.id else None


def login_link(target: str) -> str:
    """The login page, bringing the visitor back to ``target`` (a path on this site) after."""
    return url_for("accounts.login", next=target)


# --- the public pricing page, and applying --------------------------------------------------

@bp.route("/hubs/<slug>/pricing")
def pricing(slug: str):
    hub = hub_or_404(slug)
    today = local_today(hub.timezone)
    membership = pending = None
    if current_user.is_authenticated:
        membership = applications.current_or_coming_membership(current_user.id, hub.id, today)
        pending = next((a for a in pending_applications_of(me()) if a.hub_id == hub.id), None)

    def apply_link(plan: Plan) -> str:
        target = url_for("memberships.apply", slug=hub.slug, plan=plan.id)
        return target if current_user.is_authenticated else login_link(target)

    return render_template("memberships/pricing.html", hub=hub, plans=public_plans(hub, today),
                           passes=public_passes(hub), membership=membership, pending=pending, apply_link=apply_link)


@bp.route("/hubs/<slug>/apply", methods=["GET", "POST"])
@login_required
def apply(slug: str):
    hub = hub_or_404(slug)
    offers = public_plans(hub, local_today(hub.timezone))
    form = ApplyForm(data={"plan": request.args.get("plan", type=int)} if request.method == "GET" else None)
    form.plan.set_plans(offers)
    if form.validate_on_submit():
        plan = hub_plan(hub, form.plan.data)
        if plan is None:
            add_error(form, "plan", f"Choose one of the plans {hub.name} offers.")
        else:
            application = saved(form, partial(applications.apply_for_plan, me(), plan,
                                           message=form.message.data or ""))
            if application is not None:
                flash(f"Your application for {plan.name} is sent. {hub.name}'s managers will email you.", "success")
                return redirect(url_for("memberships.mine"))
    return form_page("memberships/apply.html", form, hub=hub, offers=offers)


# --- my membership --------------------------------------------------------------------------

@bp.route("/memberships")
@login_required
def mine():
    return render_template("memberships/mine.html", overview=member_overview(me()))


# --- changing plan, pausing, cancelling -----------------------------------------------------

@bp.route("/memberships/<int:membership_id>/plan", methods=["GET", "POST"])
@login_required
def change_plan(membership_id: int):
    membership = own_membership(membership_id)
    hub, today = membership.hub, local_today(membership.hub.timezone)
    summary = summarise(membership, today)
    offers = [offer for offer in public_plans(hub, today) if offer.plan.id != summary.plan.id]
    form = ChangePlanForm()
    form.plan.set_plans(offers)
    form.set_when(Period.of(today).plus(1).first_day, hub.members_may_change_plan_at_once)
    if form.validate_on_submit():
        plan = hub_plan(hub, form.plan.data)
        if plan is None:
            add_error(form, "plan", f"Choose one of the plans {hub.name} offers.")
        else:
            work = partial(lifecycle.change_plan, membership, plan, by=me(), at_once=form.wants_at_once(),
                           reason=form.reason.data or "")
            done = saved(form, lambda: work() or membership)
            if done is not None:
                flash(f"Your plan changes to {plan.name}.", "success")
                return redirect(url_for("memberships.mine"))
    return form_page("memberships/change_plan.html", form, summary=summary, hub=hub, offers=offers)


@bp.route("/memberships/<int:membership_id>/pause", methods=["GET", "POST"])
@login_required
def pause(membership_id: int):
    membership = own_membership(membership_id)
    today = local_today(membership.hub.timezone)
    summary = summarise(membership, today)
    form = PauseForm()
    form.set_months_from(Period.of(today))
    if form.validate_on_submit():
        def work():
            first_period = parse_period(form.first_period.data, "first_period")
            return lifecycle.pause_membership(membership, by=me(), first_period=first_period, months=form.months.data,
                                              reason=form.reason.data or "")

        paused = saved(form, work)
        if paused is not None:
            flash(f"Your membership is paused from {paused.starts_on:%d %B %Y} to {paused.ends_on:%d %B %Y}.", "success")
            return redirect(url_for("memberships.mine"))
    return form_page("memberships/pause.html", form, summary=summary, hub=membership.hub)


@bp.route("/memberships/<int:membership_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(membership_id: int):
    membership = own_membership(membership_id)
    today = local_today(membership.hub.timezone)
    ends_on = lifecycle.cancellation_end_date(membership, today)
    form = CancelForm(data={"ends_on": ends_on.isoformat()} if request.method == "GET" else None)
    if form.validate_on_submit():
        if not membership.is_cancelled and form.ends_on.data != ends_on.isoformat():
            form.ends_on.data = ends_on.isoformat()
            add_error(form, None, f"Your membership would now end on {ends_on:%d %B %Y}. Confirm again if that suits you.")
            form.page_status = 409
        else:
            work = partial(lifecycle.cancel_membership, membership, by=me(), reason=form.reason.data or "")
            cancelled = saved(form, work)
            if cancelled is not None:
                flash(f"Your membership is cancelled: it ends on {cancelled.ends_on:%d %B %Y}.", "success")
                return redirect(url_for("memberships.mine"))
    return form_page("memberships/cancel.html", form, membership=membership, hub=membership.hub,
                plan=lifecycle.timeline_of(membership).plan_on(max(today, membership.starts_on)), ends_on=ends_on)
