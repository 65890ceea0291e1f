"""What a hub sells, as its managers see it: plans (list, create, edit, a price from a date,
archive) and passes (list with the sales, create, archive, sell one to a member). The hub's
staff see the lists; every change is for its managers."""
from __future__ import annotations

from functools import partial

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from coworking.forms import form_page, saved
from coworking.hubs.loaders import managed_hub, staff_hub
from coworking.memberships import plans as services
from coworking.memberships.errors import MembershipError
from coworking.memberships.forms.plans import (
    NewPlanForm,
    OrganisationForm,
    PassProductForm,
    PlanTermsForm,
    PriceForm,
    SellPassForm,
)
from coworking.memberships.history import member_by_email
from coworking.memberships.models import Organisation, PassProduct, Plan
from coworking.memberships.periods import Period
from coworking.memberships.queries import hub_pass_sales
from coworking.memberships.views import bp
from coworking.memberships.views.managing import can_manage, chosen_row, initial, me
from coworking.paging import page_number
from coworking.permissions import in_hub_or_404
from coworking.timezones import local_today
from coworking.transactions import unit_of_work

SALES_PER_PAGE = 50


# --- plans ----------------------------------------------------------------------------------

@bp.route("/hubs/<slug>/plans")
@login_required
def plans(slug: str):
    hub = staff_hub(slug)
    today = local_today(hub.timezone)
    return render_template("memberships/manage/plans.html", hub=hub, today=today, can_manage=can_manage(hub),
                           plans=services.list_plans(hub, include_private=True, include_archived=True))


@bp.route("/hubs/<slug>/plans/new", methods=["GET", "POST"])
@login_required
def new_plan(slug: str):
    hub = managed_hub(slug)
    form = NewPlanForm(currency=hub.currency, data=initial(NewPlanForm.data_for(None)))
    if form.validate_on_submit():
        plan = saved(form, partial(services.create_plan, hub, by=me(), **form.terms()))
        if plan is not None:
            flash(f"{plan.name} is created.", "success")
            return redirect(url_for("memberships.plans", slug=hub.slug))
    return form_page("memberships/manage/plan_form.html", form, hub=hub, plan=None)


@bp.route("/hubs/<slug>/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@login_required
def edit_plan(slug: str, plan_id: int):
    hub = managed_hub(slug)
    plan = in_hub_or_404(Plan, hub, plan_id)
    form = PlanTermsForm(currency=hub.currency, data=initial(PlanTermsForm.data_for(plan)))
    if form.validate_on_submit():
        if saved(form, partial(services.update_plan, plan, by=me(), **form.terms())) is not None:
            flash(f"{plan.name} is saved.", "success")
            return redirect(url_for("memberships.plans", slug=hub.slug))
    return form_page("memberships/manage/plan_form.html", form, hub=hub, plan=plan)


@bp.route("/hubs/<slug>/plans/<int:plan_id>/price", methods=["GET", "POST"])
@login_required
def change_price(slug: str, plan_id: int):
    hub = managed_hub(slug)
    plan = in_hub_or_404(Plan, hub, plan_id)
    today = local_today(hub.timezone)
    form = PriceForm(currency=hub.currency, data=initial({"effective_from": Period.of(today).plus(1).first_day}))
    if form.validate_on_submit():
        work = partial(services.change_plan_price, plan, form.price.minor, form.effective_from.data, by=me(), today=today)
        if saved(form, work) is not None:
            flash(f"{plan.name} costs the new price from {form.effective_from.data:%d %B %Y}.", "success")
            return redirect(url_for("memberships.plans", slug=hub.slug))
    return form_page("memberships/manage/price.html", form, hub=hub, plan=plan, today=today)


@bp.route("/hubs/<slug>/plans/<int:plan_id>/archive", methods=["POST"])
@login_required
def archive_plan(slug: str, plan_id: int):
    hub = managed_hub(slug)
    plan = in_hub_or_404(Plan, hub, plan_id)
    return _archived(partial(services.archive_plan, plan, by=me()), f"{plan.name} is archived: members on it keep it.",
                     url_for("memberships.plans", slug=hub.slug))


def _archived(work, message: str, back: str):
    """Archive in one unit of work; a refusal (archived already) is flashed, as the list shows it."""
    try:
        with unit_of_work():
            work()
    except MembershipError as refusal:
        flash(refusal.message, "error")
    else:
        flash(message, "success")
    return redirect(back)


# --- passes ---------------------------------------------------------------------------------

@bp.route("/hubs/<slug>/passes")
@login_required
def passes(slug: str):
    hub = staff_hub(slug)
    return render_template("memberships/manage/passes.html", hub=hub, can_manage=can_manage(hub),
                           products=services.list_pass_products(hub, include_archived=True),
                           sales=hub_pass_sales(hub, page=page_number(), per_page=SALES_PER_PAGE))


@bp.route("/hubs/<slug>/passes/new", methods=["GET", "POST"])
@login_required
def new_pass(slug: str):
    hub = managed_hub(slug)
    form = PassProductForm(currency=hub.currency, data=initial(PassProductForm.defaults(hub.currency)))
    if form.validate_on_submit():
        product = saved(form, partial(services.create_pass_product, hub, by=me(), **form.product_values()))
        if product is not None:
            flash(f"{product.name} is on sale.", "success")
            return redirect(url_for("memberships.passes", slug=hub.slug))
    return form_page("memberships/manage/pass_form.html", form, hub=hub)


@bp.route("/hubs/<slug>/passes/<int:product_id>/archive", methods=["POST"])
@login_required
def archive_pass(slug: str, product_id: int):
    hub = managed_hub(slug)
    product = in_hub_or_404(PassProduct, hub, product_id)
    return _archived(partial(services.archive_pass_product, product, by=me(), hub=hub),
                     f"{product.name} is no longer sold; passes sold keep their days.",
                     url_for("memberships.passes", slug=hub.slug))


@bp.route("/hubs/<slug>/passes/sell", methods=["GET", "POST"])
@login_required
def sell_pass(slug: str):
    hub = managed_hub(slug)
    form = SellPassForm(data=initial({"product": request.args.get("product")}))
    form.product.set_rows(services.list_pass_products(hub), blank="Choose a pass")
    form.organisation.set_rows(services.list_organisations(hub), blank="The member")
    if form.validate_on_submit():
        product = chosen_row(form, "product", PassProduct, hub, "Choose one of the passes this hub sells.")
        organisation = chosen_row(form, "organisation", Organisation, hub, "Choose one of the hub's organisations.")
        if not form.errors:
            purchase = saved(form, lambda: services.sell_pass(
                product, member_by_email(form.member_email.data), hub=hub, sold_by=me(), valid_from=form.valid_from.data,
                organisation=organisation))
            if purchase is not None:
                flash(f"{purchase.product.name} sold to {purchase.member.name}, valid until "
                      f"{purchase.valid_until:%d %B %Y}.", "success")
                return redirect(url_for("memberships.passes", slug=hub.slug))
    return form_page("memberships/manage/sell_pass.html", form, hub=hub)


# --- organisations --------------------------------------------------------------------------

@bp.route("/hubs/<slug>/organisations")
@login_required
def organisations(slug: str):
    hub = staff_hub(slug)
    return render_template("memberships/manage/organisations.html", hub=hub, can_manage=can_manage(hub),
                           organisations=services.list_organisations(hub))


@bp.route("/hubs/<slug>/organisations/new", methods=["GET", "POST"])
@login_required
def new_organisation(slug: str):
    hub = managed_hub(slug)
    return _organisation_page(hub, None)


@bp.route("/hubs/<slug>/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def edit_organisation(slug: str, organisation_id: int):
    hub = managed_hub(slug)
    return _organisation_page(hub, in_hub_or_404(Organisation, hub, organisation_id))


def _organisation_page(hub, organisation: Organisation | None):
    form = OrganisationForm(obj=initial(organisation))
    if form.validate_on_submit():
        saved_organisation = saved(form, partial(
            services.save_organisation, hub, by=me(), name=form.name.data, billing_email=form.billing_email.data,
            address=form.address.data or "", organisation=organisation))
        if saved_organisation is not None:
            flash(f"{saved_organisation.name} is saved.", "success")
            return redirect(url_for("memberships.organisations", slug=hub.slug))
    return form_page("memberships/manage/organisation_form.html", form, hub=hub, organisation=organisation)
