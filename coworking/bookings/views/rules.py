"""The booking-rules pages of a hub's managers: the hub's rules, and one space's rules where they
differ from the hub's (the rules themselves are in ``coworking.bookings.policy``)."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import login_required

from coworking.bookings.errors import PolicyInvalid
from coworking.bookings.forms import PolicyForm, SpacePolicyForm
from coworking.bookings.policy import (
    DEFAULT_POLICY,
    Policy,
    hub_policy,
    policy_row_for,
    policy_rows,
    save_policy,
)
from coworking.bookings.views.common import form_status, page
from coworking.forms import add_error
from coworking.hubs import services as hub_services
from coworking.hubs.loaders import managed_hub, space_or_404
from coworking.hubs.models import Hub, Space
from coworking.transactions import unit_of_work


def rules_page(hub: Hub, form: PolicyForm, row_for, inherited: Policy, space: Space | None):
    if form.validate_on_submit():
        try:
            with unit_of_work():
                save_policy(row_for(), form.values(), inherited)
        except PolicyInvalid as invalid:
            for name, message in invalid.problems.items():
                add_error(form, name, message)
        else:
            flash("The booking rules are saved.", "success")
            if space is None:
                return redirect(url_for("bookings.rules", slug=hub.slug))
            return redirect(url_for("bookings.space_rules", slug=hub.slug, space_id=space.id))
    rows = policy_rows(hub)
    return page(
        "bookings/rules.html",
        form_status(form),
        hub=hub,
        form=form,
        space=space,
        inherited=inherited,
        spaces=hub_services.list_spaces(hub, include_inactive=True) if space is None else [],
        overridden={space_id for space_id, row in rows.items() if space_id is not None and any(
            getattr(row, name) is not None for name in form.values()
        )},
    )


@login_required
def hub_rules(slug: str):
    hub = managed_hub(slug)
    form = PolicyForm(obj=policy_rows(hub).get(None))
    return rules_page(hub, form, lambda: policy_row_for(hub), DEFAULT_POLICY, None)


@login_required
def space_rules(slug: str, space_id: int):
    hub = managed_hub(slug)
    space = space_or_404(hub, space_id)
    form = SpacePolicyForm(obj=policy_rows(hub).get(space.id))
    return rules_page(hub, form, lambda: policy_row_for(hub, space), hub_policy(hub), space)
