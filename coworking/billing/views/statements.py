"""Bank statements for a hub's managers (routes join the blueprint in views/__init__.py): upload
the bank's CSV, see which lines were matched to an invoice and which were not, then confirm a
suggestion (a payment is recorded), match a line by hand (type the invoice's number), confirm
every suggestion at once, or ignore a line that is not a member's payment. Staff see the
statements read-only. The rules are in ``billing/statements.py``.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_required

from coworking.billing.forms import ActionForm, MatchForm, StatementForm
from coworking.billing.models import StatementImport, StatementLine
from coworking.billing.settings import example_date, settings_for
from coworking.billing.statement_csv import MAX_BYTES, MAX_ROWS
from coworking.billing.statements import (
    confirm_line,
    confirm_suggested,
    hub_imports,
    ignore_line,
    import_statement,
    invoice_by_number,
    restore_line,
    statement_lines,
)
from coworking.billing.views import bp
from coworking.billing.views.common import can_manage, me
from coworking.forms import saved
from coworking.hubs.loaders import managed_hub, staff_hub
from coworking.hubs.models import Hub
from coworking.permissions import in_hub_or_404
from coworking.timezones import local_today


def _statements_page(hub: Hub, form: StatementForm, status: int = 200):
    settings = settings_for(hub)
    return render_template("billing/statements.html", hub=hub, form=form, imports=hub_imports(hub),
                           can_manage=can_manage(hub), settings=settings,
                           date_example=example_date(settings.statement_date_format),
                           max_kb=MAX_BYTES // 1000, max_rows=MAX_ROWS), status


@bp.route("/hubs/<slug>/billing/statements")
@login_required
def statements(slug: str):
    return _statements_page(staff_hub(slug), StatementForm())


@bp.route("/hubs/<slug>/billing/statements", methods=["POST"])
@login_required
def upload_statement(slug: str):
    hub = managed_hub(slug)
    # A body over MAX_CONTENT_LENGTH (1 MiB) is refused before this runs, with the 413 page
    # saying so; statement_csv's own cap sits below it.
    form = StatementForm()
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read(MAX_BYTES + 1)
        result = saved(form, lambda: import_statement(hub, raw, filename=upload.filename or "", by=me(),
                                                     today=local_today(hub.timezone)))
        if result is not None:
            return _after_import(hub, result)
        refusal = getattr(form, "refusal", None)
        form.problems = getattr(refusal, "problems", [])
    return _statements_page(hub, form, getattr(form, "page_status", 400))


def _after_import(hub: Hub, result):
    known = f" {result.known_lines} line(s) were imported before and are left as they were." if result.known_lines else ""
    out = f" {result.payments_out} payment(s) out were left aside." if result.payments_out else ""
    if result.statement_import is None:
        flash(f"Nothing new: every payment in this file was imported before.{out}", "info")
        return redirect(url_for("billing.statements", slug=hub.slug))
    flash(f"{result.new_lines} payment(s) in read; {result.suggested} matched to an invoice.{known}{out}", "success")
    return redirect(url_for("billing.statement", slug=hub.slug, import_id=result.statement_import.id))


@bp.route("/hubs/<slug>/billing/statements/<int:import_id>")
@login_required
def statement(slug: str, import_id: int):
    hub = staff_hub(slug)
    return _statement_page(hub, in_hub_or_404(StatementImport, hub, import_id))


def _statement_page(hub: Hub, statement_import: StatementImport, *, failed: StatementLine | None = None,
                    failed_form: MatchForm | None = None, status: int = 200):
    lines = statement_lines(statement_import)
    forms = {}
    for line in lines:
        if failed is not None and line.id == failed.id:
            forms[line.id] = failed_form
        else:
            number = line.suggested_invoice.number if line.suggested_invoice else ""
            forms[line.id] = MatchForm(formdata=None, data={"invoice_number": number}, prefix=f"line{line.id}")
    return render_template("billing/statement.html", hub=hub, statement=statement_import, lines=lines, forms=forms,
                           action=ActionForm(), can_manage=can_manage(hub)), status


def _line_or_404(hub: Hub, import_id: int, line_id: int) -> StatementLine:
    line = in_hub_or_404(StatementLine, hub, line_id)
    if line.import_id != import_id:
        abort(404)
    return line


@bp.route("/hubs/<slug>/billing/statements/<int:import_id>/lines/<int:line_id>/confirm", methods=["POST"])
@login_required
def confirm_statement_line(slug: str, import_id: int, line_id: int):
    hub = managed_hub(slug)
    line = _line_or_404(hub, import_id, line_id)
    form = MatchForm(prefix=f"line{line.id}")
    if form.validate_on_submit():
        typed = form.invoice_number.data
        suggested = line.suggested_invoice.number if line.suggested_invoice else None

        def work():
            chosen = invoice_by_number(hub, typed) if typed and typed != suggested else None
            return confirm_line(line, by=me(), invoice=chosen)

        if saved(form, work) is not None:
            flash(f"Payment of line {line.reference or line.id} recorded.", "success")
            return redirect(url_for("billing.statement", slug=hub.slug, import_id=import_id) + f"#line-{line.id}")
    return _statement_page(hub, line.statement_import, failed=line, failed_form=form,
                           status=getattr(form, "page_status", 400))


def _line_action(slug: str, import_id: int, line_id: int, work, done: str):
    hub = managed_hub(slug)
    line = _line_or_404(hub, import_id, line_id)
    form = ActionForm()
    if form.validate_on_submit() and saved(form, lambda: work(line) or True) is not None:
        flash(done, "success")
    else:
        flash(" ".join(form.form_errors) or "Your form expired; please try again.", "error")
    return redirect(url_for("billing.statement", slug=hub.slug, import_id=import_id) + f"#line-{line.id}")


@bp.route("/hubs/<slug>/billing/statements/<int:import_id>/lines/<int:line_id>/ignore", methods=["POST"])
@login_required
def ignore_statement_line(slug: str, import_id: int, line_id: int):
    return _line_action(slug, import_id, line_id, ignore_line, "Line ignored.")


@bp.route("/hubs/<slug>/billing/statements/<int:import_id>/lines/<int:line_id>/restore", methods=["POST"])
@login_required
def restore_statement_line(slug: str, import_id: int, line_id: int):
    return _line_action(slug, import_id, line_id, restore_line, "Line brought back.")


@bp.route("/hubs/<slug>/billing/statements/<int:import_id>/confirm", methods=["POST"])
@login_required
def confirm_statement(slug: str, import_id: int):
    hub = managed_hub(slug)
    statement_import = in_hub_or_404(StatementImport, hub, import_id)
    form = ActionForm()
    if form.validate_on_submit():
        count = saved(form, lambda: confirm_suggested(statement_import, by=me()))
        if count is not None:
            flash(f"{count} payment(s) recorded.", "success")
        else:
            flash(" ".join(form.form_errors + [e for errors in form.errors.values() for e in errors]), "error")
    return redirect(url_for("billing.statement", slug=hub.slug, import_id=import_id))
