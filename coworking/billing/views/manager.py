"""A hub's billing for its managers (routes join the blueprint in views/__init__.py): the overview
of each period's run (drafts and issued invoices), starting a run or issuing a run's drafts in
the background (a job; its page shows the progress, polling a JSON endpoint), the overdue list,
the accountant's exports and the billing settings. Siblings: ``invoices.py`` (the invoices, one
invoice and what is done to it), ``statements.py`` (bank statements), ``common.py``.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import login_required

from coworking.billing import jobs as billing_jobs
from coworking.billing.exports import EXPORTS, check_range
from coworking.billing.forms import ActionForm, ExportForm, RunForm, SettingsForm
from coworking.billing.models import ReminderSent
from coworking.billing.queries import BILLING_JOBS, overdue_invoices, period_summaries, recent_jobs
from coworking.billing.settings import save_settings, settings_for
from coworking.billing.views import bp
from coworking.billing.views.common import PER_PAGE, can_manage, me
from coworking.errors import DomainError
from coworking.extensions import db
from coworking.forms import add_error, form_page, saved
from coworking.hubs.loaders import managed_hub, staff_hub
from coworking.hubs.models import Hub
from coworking.jobs import Job
from coworking.memberships.errors import MembershipError
from coworking.memberships.periods import Period, current_period, parse_period
from coworking.paging import page_number
from coworking.permissions import in_hub_or_404
from coworking.timezones import local_today

# --- the overview: periods, runs and their jobs ---------------------------------------------

def _overview(hub: Hub, run_form: RunForm | None = None, status: int = 200):
    run_form = run_form or RunForm(data={"period": current_period(hub.timezone).key})
    return render_template(
        "billing/overview.html", hub=hub, can_manage=can_manage(hub), run_form=run_form, action=ActionForm(),
        periods=period_summaries(hub), jobs=recent_jobs(hub), settings=settings_for(hub),
        today=local_today(hub.timezone),
    ), status


@bp.route("/hubs/<slug>/billing")
@login_required
def overview(slug: str):
    return _overview(staff_hub(slug))


@bp.route("/hubs/<slug>/billing/runs", methods=["POST"])
@login_required
def start_run(slug: str):
    hub = managed_hub(slug)
    form = RunForm()
    if form.validate_on_submit():
        job = saved(form, lambda: billing_jobs.start_run(hub, form.period.data, by=me(), today=local_today(hub.timezone)))
        if job is not None:
            flash(f"The run for {form.period.data} is under way.", "success")
            return redirect(url_for("billing.job", slug=hub.slug, job_id=job.id))
    return _overview(hub, form, getattr(form, "page_status", 400))


@bp.route("/hubs/<slug>/billing/periods/<period>/issue", methods=["POST"])
@login_required
def issue_all(slug: str, period: str):
    hub = managed_hub(slug)
    try:
        chosen = parse_period(period)
    except MembershipError:
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        job = saved(form, lambda: billing_jobs.start_issue(hub, chosen, by=me(), today=local_today(hub.timezone)))
        if job is not None:
            flash(f"Issuing the drafts of {chosen.label()}.", "success")
            return redirect(url_for("billing.job", slug=hub.slug, job_id=job.id))
        flash(" ".join(form.form_errors) or "Nothing was started.", "error")
    return redirect(url_for("billing.overview", slug=hub.slug))


def _job_or_404(hub: Hub, job_id: int) -> Job:
    job = in_hub_or_404(Job, hub, job_id)
    if job.kind not in BILLING_JOBS:
        abort(404)
    return job


def job_state(job: Job) -> dict:
    finished = job.status in ("done", "failed")
    return {"id": job.id, "kind": job.kind, "status": job.status, "done": job.progress_done,
            "total": job.progress_total, "message": job.message, "finished": finished,
            "period": (job.payload or {}).get("period")}


@bp.route("/hubs/<slug>/billing/jobs/<int:job_id>")
@login_required
def job(slug: str, job_id: int):
    hub = staff_hub(slug)
    job = _job_or_404(hub, job_id)
    return render_template("billing/job.html", hub=hub, job=job, state=job_state(job))


@bp.route("/hubs/<slug>/billing/jobs/<int:job_id>.json")
@login_required
def job_progress(slug: str, job_id: int):
    hub = staff_hub(slug)
    response = jsonify(job_state(_job_or_404(hub, job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


# --- overdue --------------------------------------------------------------------------------

@bp.route("/hubs/<slug>/billing/overdue")
@login_required
def overdue(slug: str):
    hub = staff_hub(slug)
    today = local_today(hub.timezone)
    page = overdue_invoices(hub, today, page=page_number(), per_page=PER_PAGE)
    sent: dict[int, list[int]] = {}
    if page.items:
        for invoice_id, step in db.session.execute(
                sa.select(ReminderSent.invoice_id, ReminderSent.step_days)
                .where(ReminderSent.invoice_id.in_([invoice.id for invoice in page.items]))
                .order_by(ReminderSent.step_days)):
            sent.setdefault(invoice_id, []).append(step)
    return render_template("billing/overdue.html", hub=hub, page=page, today=today, reminders=sent,
                           settings=settings_for(hub))


# --- exports --------------------------------------------------------------------------------

def _export_form(hub: Hub) -> ExportForm:
    if request.args:
        return ExportForm(request.args)
    today = local_today(hub.timezone)
    first = Period.of(today).plus(-1).first_day
    return ExportForm(data={"starts_on": first, "ends_on": Period.of(first).last_day})


def _checked_range(form: ExportForm):
    if not form.validate():
        return None
    try:
        return check_range(form.starts_on.data, form.ends_on.data)
    except DomainError as error:
        add_error(form, error.field, error.message)
        return None


@bp.route("/hubs/<slug>/billing/exports")
@login_required
def exports(slug: str):
    hub = staff_hub(slug)
    form = _export_form(hub)
    valid = _checked_range(form) is not None
    return render_template("billing/exports.html", hub=hub, form=form, valid=valid,
                           query=_range_query(form)), 200 if valid else 400


def _range_query(form: ExportForm) -> dict[str, str]:
    return {name: form[name].data.isoformat() for name in ("starts_on", "ends_on") if form[name].data}


@bp.route("/hubs/<slug>/billing/exports/<what>.csv")
@login_required
def export_csv(slug: str, what: str):
    hub = staff_hub(slug)
    if what not in EXPORTS:
        abort(404)
    form = ExportForm(request.args)
    chosen = _checked_range(form)
    if chosen is None:
        return render_template("billing/exports.html", hub=hub, form=form, valid=False,
                               query=_range_query(form)), 400
    starts_on, ends_on = chosen
    chunks = EXPORTS[what](hub, starts_on, ends_on, local_today(hub.timezone)) if what == "invoices" \
        else EXPORTS[what](hub, starts_on, ends_on)
    return Response(stream_with_context(chunks), headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{hub.slug}-{what}-{starts_on}-to-{ends_on}.csv"',
    })


# --- settings -------------------------------------------------------------------------------

SETTINGS_FIELDS = ("statement_date_column", "statement_amount_column", "statement_reference_column",
                   "statement_date_format", "reminder_days", "run_day", "issue_automatically", "bank_details")


@bp.route("/hubs/<slug>/billing/settings", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    hub = managed_hub(slug)
    stored = settings_for(hub)
    form = SettingsForm(data={name: getattr(stored, name) for name in SETTINGS_FIELDS}
                        if request.method == "GET" else None)
    if form.validate_on_submit():
        values = {name: form[name].data for name in SETTINGS_FIELDS}
        values["reminder_days"] = values["reminder_days"] or ""
        if saved(form, lambda: save_settings(hub, **values)) is not None:
            flash("Billing settings saved.", "success")
            return redirect(url_for("billing.settings", slug=hub.slug))
    return form_page("billing/settings.html", form, hub=hub)
