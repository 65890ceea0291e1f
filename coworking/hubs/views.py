"""Hub pages: the public list and hub page, the network admin's screens and the manager's screens.

Every view here is thin: load or 404, check permission or 403, validate the form, call one
service, commit once, flash and redirect. A submitted form that is shown again had errors, so it
is answered with 400.
"""
from __future__ import annotations

import hashlib
from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coworking.events import closure_bookings_asked, listed_answers
from coworking.forms import add_error, save_or_show
from coworking.hubs import roles as hub_roles
from coworking.hubs import services
from coworking.hubs.forms import (
    TIMEZONE_DATALIST_ID,
    ClosureForm,
    GrantRoleForm,
    HubDetailsForm,
    NewHubForm,
    OpeningHoursForm,
    SpaceForm,
    TeamForm,
)
from coworking.hubs.loaders import hub_or_404, managed_hub
from coworking.hubs.models import WEEKDAYS
from coworking.hubs.offers import offers_by_hub
from coworking.hubs.services import HubError
from coworking.permissions import require_admin
from coworking.timezones import all_timezones, local_today
from coworking.transactions import unit_of_work

bp = Blueprint("hubs", __name__)
NEW_HUB_DEFAULTS = {"timezone": "Europe/London", "currency": "GBP", "invoice_prefix": "INV", "payment_terms_days": 14}


def form_page(template: str, **context):
    """Render a page holding a form: 400 when it comes back after a POST (it had errors)."""
    return render_template(template, **context), 400 if request.method == "POST" else 200


def initial(values):
    """Stored values fill a form only when it is first shown; a POST is judged on what it sent,
    so a field left out of a submission is empty rather than silently kept."""
    return values if request.method == "GET" else None


def timezone_context() -> dict:
    return {"timezones": sorted(all_timezones()), "timezone_list_id": TIMEZONE_DATALIST_ID}


# --- public ---------------------------------------------------------------------------------

@bp.route("/")
def index():
    hubs = services.list_hubs()
    return render_template("hubs/index.html", hubs=hubs, offers=offers_by_hub(hubs))


@bp.route("/hubs/mine")
@login_required
def mine():
    return render_template("hubs/mine.html", hubs=hub_roles.hubs_with_roles(current_user))


@bp.route("/hubs/<slug>")
def show(slug: str):
    hub = hub_or_404(slug)
    return render_template(
        "hubs/show.html",
        hub=hub,
        week=[(name, hub.hours_on(weekday)) for weekday, name in enumerate(WEEKDAYS)],
        closures=services.upcoming_closures(hub, local_today(hub.timezone)),
        spaces=services.list_spaces(hub),
    )


# --- network admin --------------------------------------------------------------------------

@bp.route("/admin/hubs")
@require_admin
def admin_hubs():
    return render_template("hubs/admin_hubs.html", hubs=services.list_hubs())


@bp.route("/admin/hubs/new", methods=["GET", "POST"])
@require_admin
def create_hub():
    form = NewHubForm(data=initial(NEW_HUB_DEFAULTS))
    if form.validate_on_submit():
        hub = save_or_show(form, partial(services.create_hub, form.slug.data, **form.hub_values()))
        if hub is not None:
            flash(f"{hub.name} is created. Give someone the manager role next.", "success")
            return redirect(url_for("hubs.roles", slug=hub.slug))
    return form_page("hubs/new_hub.html", form=form, **timezone_context())


@bp.route("/admin/hubs/<slug>/roles", methods=["GET", "POST"])
@require_admin
def roles(slug: str):
    hub = hub_or_404(slug)
    form = GrantRoleForm()
    if form.validate_on_submit():
        hub_role = save_or_show(form, partial(hub_roles.grant_role_by_email, hub, form.email.data, form.role.data))
        if hub_role is not None:
            flash(f"{hub_role.user.name} is now {hub_role.role} of {hub.name}.", "success")
            return redirect(url_for("hubs.roles", slug=hub.slug))
    return form_page("hubs/roles.html", hub=hub, form=form, people=hub_roles.list_hub_roles(hub))


@bp.route("/admin/hubs/<slug>/roles/<int:user_id>/revoke", methods=["POST"])
@require_admin
def revoke_role(slug: str, user_id: int):
    hub = hub_or_404(slug)
    with unit_of_work():
        user = hub_roles.revoke_hub_role(hub, user_id)
    if user is None:
        abort(404)
    flash(f"{user.name} no longer has a role in {hub.name}.", "success")
    return redirect(url_for("hubs.roles", slug=hub.slug))


# --- hub manager ----------------------------------------------------------------------------

@bp.route("/hubs/<slug>/team", methods=["GET", "POST"])
@login_required
def team(slug: str):
    hub = managed_hub(slug)
    form = TeamForm().offer(hub_roles.roles_they_may_give(current_user, hub))
    if form.validate_on_submit():
        hub_role = save_or_show(form, partial(hub_roles.add_to_team, current_user, hub, form.email.data, form.role.data))
        if hub_role is not None:
            flash(f"{hub_role.user.name} is now {hub_role.role} at {hub.name}.", "success")
            return redirect(url_for("hubs.team", slug=hub.slug))
    people = hub_roles.list_hub_roles(hub)
    return form_page("hubs/team.html", hub=hub, form=form, people=people, may_remove=hub_roles.roles_they_may_give(current_user, hub))


@bp.route("/hubs/<slug>/team/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_from_team(slug: str, user_id: int):
    hub = managed_hub(slug)
    try:
        with unit_of_work():
            user = hub_roles.remove_from_team(current_user, hub, user_id)
    except HubError as error:
        abort(error.status, error.message)
    if user is None:
        abort(404)
    flash(f"{user.name} is no longer on the team at {hub.name}; they keep their account and bookings.", "success")
    return redirect(url_for("hubs.team", slug=hub.slug))


@bp.route("/hubs/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    hub = managed_hub(slug)
    form = HubDetailsForm(obj=initial(hub))
    if form.validate_on_submit():
        if save_or_show(form, partial(services.update_hub, hub, **form.hub_values())) is not None:
            flash("The hub's details are saved.", "success")
            return redirect(url_for("hubs.edit", slug=hub.slug))
    return form_page("hubs/edit.html", hub=hub, form=form, **timezone_context())


@bp.route("/hubs/<slug>/hours", methods=["GET", "POST"])
@login_required
def hours(slug: str):
    hub = managed_hub(slug)
    form = OpeningHoursForm(data=initial(OpeningHoursForm.data_for(hub)))
    if form.validate_on_submit():
        if save_or_show(form, partial(services.set_week_hours, hub, form.week()), refused=lambda error: form.show_day_errors(error.problems)) is not None:
            flash("Opening hours are saved.", "success")
            return redirect(url_for("hubs.hours", slug=hub.slug))
    return form_page("hubs/hours.html", hub=hub, form=form)


@bp.route("/hubs/<slug>/closures", methods=["GET", "POST"])
@login_required
def closures(slug: str):
    hub = managed_hub(slug)
    form = ClosureForm()
    in_the_way: list[str] = []
    if form.validate_on_submit():
        in_the_way = bookings_in_the_way(hub, form.starts_on.data, form.ends_on.data)
        if in_the_way and form.confirmed.data != fingerprint(in_the_way):
            if form.confirmed.data:
                add_error(form, None, "The bookings on those days have changed since you looked: check them again.")
            form.confirmed.data = fingerprint(in_the_way)
            return render_template("hubs/closures.html", hub=hub, form=form, today=local_today(hub.timezone), in_the_way=in_the_way), 409
        work = partial(services.add_closure, hub, form.starts_on.data, form.ends_on.data, form.reason.data, by=current_user._get_current_object())
        if save_or_show(form, work) is not None:
            cancelled = f" {len(in_the_way)} booking{'s' if len(in_the_way) != 1 else ''} on those days cancelled; each member is emailed." if in_the_way else ""
            flash("The closure is added." + cancelled, "success")
            return redirect(url_for("hubs.closures", slug=hub.slug))
    return form_page("hubs/closures.html", hub=hub, form=form, today=local_today(hub.timezone), in_the_way=[])


def bookings_in_the_way(hub, starts_on, ends_on) -> list[str]:
    """The bookings a closure over those days would cancel, in words (bookings answers)."""
    if ends_on < starts_on:
        return []  # add_closure says why
    return listed_answers(closure_bookings_asked, hub, starts_on=starts_on, ends_on=ends_on)


def fingerprint(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32]


@bp.route("/hubs/<slug>/closures/<int:closure_id>/delete", methods=["GET", "POST"])
@login_required
def delete_closure(slug: str, closure_id: int):
    """Asks first (GET), then removes the closure (POST)."""
    hub = managed_hub(slug)
    closure = services.get_closure_in_hub(hub, closure_id)
    if closure is None:
        abort(404)
    if request.method == "GET":
        return render_template("hubs/delete_closure.html", hub=hub, closure=closure)
    described = f"{closure.reason} ({closure.starts_on:%a %d %b %Y} to {closure.ends_on:%a %d %b %Y})"
    with unit_of_work():
        services.delete_closure(closure)
    flash(f"The closure {described} is removed; members can book those days again.", "success")
    return redirect(url_for("hubs.closures", slug=hub.slug))


@bp.route("/hubs/<slug>/spaces")
@login_required
def spaces(slug: str):
    hub = managed_hub(slug)
    return render_template("hubs/spaces.html", hub=hub, spaces=services.list_spaces(hub, include_inactive=True))


@bp.route("/hubs/<slug>/spaces/new", methods=["GET", "POST"])
@login_required
def new_space(slug: str):
    hub = managed_hub(slug)
    form = SpaceForm(currency=hub.currency, data=initial(SpaceForm.data_for(None, hub.currency)))
    if form.validate_on_submit():
        space = save_or_show(form, partial(services.add_space, hub, **form.space_values()))
        if space is not None:
            flash(f"{space.name} is added.", "success")
            return redirect(url_for("hubs.spaces", slug=hub.slug))
    return form_page("hubs/space_form.html", hub=hub, form=form, space=None)


@bp.route("/hubs/<slug>/spaces/<int:space_id>/edit", methods=["GET", "POST"])
@login_required
def edit_space(slug: str, space_id: int):
    hub = managed_hub(slug)
    space = services.get_space_in_hub(hub, space_id)
    if space is None:
        abort(404)
    form = SpaceForm(currency=hub.currency, data=initial(SpaceForm.data_for(space, hub.currency)))
    if form.validate_on_submit():
        if save_or_show(form, partial(services.update_space, space, **form.space_values())) is not None:
            flash(f"{space.name} is saved.", "success")
            return redirect(url_for("hubs.spaces", slug=hub.slug))
    return form_page("hubs/space_form.html", hub=hub, form=form, space=space)
