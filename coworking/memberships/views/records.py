"""A member's record at a hub, as its managers (and, read-only, its staff) see it: the
membership named in the URL with its plan changes, pauses, cancellation and concessions, the
member's other memberships at the hub, this month's allowance and the bookings that used it,
their passes, and the history (who, when, what, why) with the managers' notes. Each change a
manager makes has its own page: one form, one service call, back to the record."""
from __future__ import annotations

from datetime import date
from functools import partial

from flask import abort, flash, redirect, url_for
from flask_login import login_required

from coworking.forms import form_page, saved
from coworking.hubs.loaders import managed_hub, staff_hub
from coworking.hubs.models import Hub
from coworking.memberships.allowances import (
    adjust_allowance,
    allowance_statement,
    bookings_of_period,
    pass_balances,
)
from coworking.memberships.forms.records import (
    AdjustAllowanceForm,
    BillingForm,
    CancelForm,
    ChangePlanForm,
    ConcessionForm,
    EndConcessionForm,
    NoteForm,
    PauseForm,
)
from coworking.memberships.history import add_note, membership_history
from coworking.memberships.lifecycle import (
    add_concession,
    cancel_membership,
    cancellation_end_date,
    change_plan,
    end_concession,
    pause_membership,
    set_organisation,
    timeline_of,
)
from coworking.memberships.models import Membership, Organisation, Plan
from coworking.memberships.periods import Period
from coworking.memberships.plans import list_organisations, list_plans
from coworking.memberships.queries import MembershipFilters, hub_memberships
from coworking.memberships.roster import roster_line
from coworking.memberships.views import bp
from coworking.memberships.views.managing import can_manage, chosen_row, initial, me
from coworking.permissions import in_hub_or_404
from coworking.timezones import local_today

GET_POST = ["GET", "POST"]
OTHER_MEMBERSHIPS_SHOWN = 100


def _loaded(slug: str, membership_id: int, *, manage: bool = True) -> tuple[Hub, Membership]:
    hub = managed_hub(slug) if manage else staff_hub(slug)
    return hub, in_hub_or_404(Membership, hub, membership_id)


def _back_to_record(hub: Hub, membership: Membership, message: str):
    flash(message, "success")
    return redirect(url_for("memberships.record", slug=hub.slug, membership_id=membership.id))


def _action_page(hub: Hub, membership: Membership, form, title: str, **context):
    return form_page("memberships/manage/record_action.html", form, hub=hub, membership=membership, title=title,
                     today=local_today(hub.timezone), **context)


# --- the record -----------------------------------------------------------------------------

def _record_page(hub: Hub, membership: Membership, note_form: NoteForm):
    today = local_today(hub.timezone)
    period = Period.of(today)
    others = hub_memberships(hub, MembershipFilters(member_id=membership.member_id), today,
                             per_page=OTHER_MEMBERSHIPS_SHOWN).items
    return form_page(
        "memberships/manage/record.html", note_form, hub=hub, membership=membership, today=today, period=period,
        line=roster_line(membership, today), others=[m for m in others if m.id != membership.id],
        statement=allowance_statement(membership, period), bookings=bookings_of_period(membership, period),
        passes=pass_balances(membership.member, hub, today), history=membership_history(membership),
        can_manage=can_manage(hub),
    )


@bp.route("/hubs/<slug>/memberships/<int:membership_id>")
@login_required
def record(slug: str, membership_id: int):
    hub, membership = _loaded(slug, membership_id, manage=False)
    return _record_page(hub, membership, NoteForm())


@bp.route("/hubs/<slug>/memberships/<int:membership_id>/notes", methods=["POST"])
@login_required
def record_add_note(slug: str, membership_id: int):
    hub, membership = _loaded(slug, membership_id)
    form = NoteForm()
    if form.validate_on_submit():
        if saved(form, partial(add_note, membership, by=me(), text=form.text.data)) is not None:
            return _back_to_record(hub, membership, "The note is added to the history.")
    return _record_page(hub, membership, form)


# --- plan, pause, cancellation --------------------------------------------------------------

@bp.route("/hubs/<slug>/memberships/<int:membership_id>/plan", methods=GET_POST)
@login_required
def record_change_plan(slug: str, membership_id: int):
    hub, membership = _loaded(slug, membership_id)
    form = ChangePlanForm()
    form.plan.set_rows(list_plans(hub, include_private=True), blank="Choose a plan",
                       label=lambda plan: plan.name + ("" if plan.public else " (private)"))
    if form.validate_on_submit():
        plan = chosen_row(form, "plan", Plan, hub, "Choose one of the hub's plans.")
        if not form.errors:
            saved(form, partial(change_plan, membership, plan, by=me(), **form.change()))
            if not form.errors:  # change_plan returns None for a membership yet to start: it starts on the plan
                return _back_to_record(hub, membership, f"The plan change to {plan.name} is recorded.")
    return _action_page(hub, membership, form, "Change plan", line=roster_line(membership, local_today(hub.timezone)))


@bp.route("/hubs/<slug>/memberships/<int:membership_id>/pause", methods=GET_POST)
@login_required
def record_pause(slug: str, membership_id: int):
    hub, membership = _loaded(slug, membership_id)
    today = local_today(hub.timezone)
    next_month = Period.of(today).plus(1)
    form = PauseForm(data=initial({"first_period": next_month.first_day, "months": 1}))
    if form.validate_on_submit():
        first = Period.of(form.first_period.data)
        work = partial(pause_membership, membership, by=me(), first_period=first, months=form.months.data,
                       today=today, reason=form.reason.data or "")
        if saved(form, work) is not None:
            return _back_to_record(hub, membership, f"The membership is paused from {first.label()}.")
    plan = timeline_of(membership).plan_on(max(next_month.first_day, membership.starts_on))
    return _action_page(hub, membership, form, "Pause", plan=plan)


@bp.route("/hubs/<slug>/memberships/<int:membership_id>/cancel", methods=GET_POST)
@login_required
def record_cancel(slug: str, membership_id: int):
    hub, membership = _loaded(slug, membership_id)
    today = local_today(hub.timezone)
    form = CancelForm()
    if form.validate_on_submit():
        work = partial(cancel_membership, membership, by=me(), today=today, reason=form.reason.data or "",
                       ends_on=form.ends_on.data)
        if saved(form, work) is not None:
            return _back_to_record(hub, membership, f"The membership is cancelled: it ends on {membership.ends_on:%d %B %Y}.")
    ends_on = None if membership.is_cancelled or membership.has_ended(today) else cancellation_end_date(membership, today)
    return form_page("memberships/manage/cancel.html", form, hub=hub, membership=membership, today=today,
                     ends_on=ends_on, plan=timeline_of(membership).plan_on(max(today, membership.starts_on)))


# --- concessions ----------------------------------------------------------------------------

@bp.route("/hubs/<slug>/memberships/<int:membership_id>/concessions/new", methods=GET_POST)
@login_required
def record_add_concession(slug: str, membership_id: int):
    hub, membership = _loaded(slug, membership_id)
    form = ConcessionForm(currency=hub.currency)
    if form.validate_on_submit():
        if saved(form, partial(add_concession, membership, by=me(), **form.concession())) is not None:
            return _back_to_record(hub, membership, "The concession is added.")
    return _action_page(hub, membership, form, "Add a concession")


@bp.route("/hubs/<slug>/memberships/<int:membership_id>/concessions/<int:concession_id>/end", methods=GET_POST)
@login_required
def record_end_concession(slug: str, membership_id: int, concession_id: int):
    hub, membership = _loaded(slug, membership_id)
    concession = next((c for c in membership.concessions if c.id == concession_id), None)
    if concession is None:
        abort(404)
    form = EndConcessionForm(data=initial({"ends_on": _last_day_of_this_month(hub)}))
    if form.validate_on_submit():
        work = partial(end_concession, concession, by=me(), ends_on=form.ends_on.data, reason=form.reason.data or "")
        if saved(form, work) is not None:
            return _back_to_record(hub, membership, f"The concession ends on {form.ends_on.data:%d %B %Y}.")
    return _action_page(hub, membership, form, "End the concession", concession=concession)


def _last_day_of_this_month(hub: Hub) -> date:
    return Period.of(local_today(hub.timezone)).last_day


# --- allowance and billing ------------------------------------------------------------------

@bp.route("/hubs/<slug>/memberships/<int:membership_id>/allowance", methods=GET_POST)
@login_required
def record_adjust_allowance(slug: str, membership_id: int):
    hub, membership = _loaded(slug, membership_id)
    today = local_today(hub.timezone)
    form = AdjustAllowanceForm(data=initial({"period": today.replace(day=1)}))
    if form.validate_on_submit():
        period = Period.of(form.period.data)
        work = partial(adjust_allowance, membership, by=me(), period=period, resource=form.resource.data,
                       quantity=form.quantity.data, reason=form.reason.data, today=today)
        if saved(form, work) is not None:
            return _back_to_record(hub, membership, f"The allowance of {period.label()} is adjusted.")
    return _action_page(hub, membership, form, "Adjust the allowance")


@bp.route("/hubs/<slug>/memberships/<int:membership_id>/billing", methods=GET_POST)
@login_required
def record_billing(slug: str, membership_id: int):
    hub, membership = _loaded(slug, membership_id)
    form = BillingForm(data=initial({"organisation": str(membership.organisation_id or "")}))
    form.organisation.set_rows(list_organisations(hub), blank="The member")
    if form.validate_on_submit():
        organisation = chosen_row(form, "organisation", Organisation, hub, "Choose one of the hub's organisations.")
        if not form.errors:
            work = partial(set_organisation, membership, organisation, by=me(), reason=form.reason.data or "")
            if saved(form, work) is not None:
                billed = organisation.name if organisation else membership.member.name
                return _back_to_record(hub, membership, f"The membership is billed to {billed}.")
    return _action_page(hub, membership, form, "Who is billed")
