"""A hub's invoices for its managers (routes join the blueprint in views/__init__.py): the list
with its filters, one invoice (lines, VAT per rate, payments, credit notes, status), and what a
manager does to it: while a draft, add, edit or remove lines, delete it or issue it; once issued,
credit it (whole or per line) or record a payment. Nothing here edits or deletes an issued
invoice: its forms are not offered, and the services refuse (409) if one is posted anyway.
"""
from __future__ import annotations

from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from coworking.billing.credit_notes import credit_invoice
from coworking.billing.drafts import add_line, delete_draft, edit_line, remove_line
from coworking.billing.forms import (
    METHOD_LABELS,
    ActionForm,
    InvoiceFilterForm,
    LineForm,
    PaymentForm,
    credit_form_for,
)
from coworking.billing.issuing import issue_invoice
from coworking.billing.models import Invoice, InvoiceLine
from coworking.billing.payments import record_payment
from coworking.billing.queries import InvoiceFilters, credit_notes_of, hub_invoices, invoice_payments
from coworking.billing.totals import vat_by_rate
from coworking.billing.views import bp
from coworking.billing.views.common import PER_PAGE, can_manage, me
from coworking.forms import form_page, saved
from coworking.hubs.loaders import managed_hub, staff_hub
from coworking.hubs.models import Hub
from coworking.memberships.forms.fields import percent_text
from coworking.memberships.periods import PERIOD_PATTERN
from coworking.money import money_input_value
from coworking.permissions import in_hub_or_404
from coworking.timezones import local_today

# --- the list -------------------------------------------------------------------------------

@bp.route("/hubs/<slug>/billing/invoices")
@login_required
def invoices(slug: str):
    hub = staff_hub(slug)
    today = local_today(hub.timezone)
    form = InvoiceFilterForm(request.args)
    valid = form.validate()
    if valid and form.period.data and not PERIOD_PATTERN.fullmatch(form.period.data):
        form.period.errors = ["Write the month as YYYY-MM, such as 2026-11."]
        valid = False
    page = None
    if valid:
        filters = InvoiceFilters(form.status.data or "", form.period.data or "", form.party.data or "")
        page = hub_invoices(hub, filters, today, page=form.page.data or 1, per_page=PER_PAGE)
    query = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("billing/invoices.html", hub=hub, form=form, page=page, today=today, query=query,
                           can_manage=can_manage(hub)), 200 if valid else 400


# --- one invoice ----------------------------------------------------------------------------

def _invoice_page(hub: Hub, invoice: Invoice, *, status: int = 200, payment_form=None):
    return render_template(
        "billing/invoice.html", hub=hub, invoice=invoice, today=local_today(hub.timezone), can_manage=can_manage(hub),
        vat_summary=vat_by_rate(invoice.lines), payments=invoice_payments(invoice),
        credit_notes=credit_notes_of(invoice) if not invoice.is_credit_note else [], action=ActionForm(),
        methods=METHOD_LABELS,
    ), status


@bp.route("/hubs/<slug>/billing/invoices/<int:invoice_id>")
@login_required
def invoice(slug: str, invoice_id: int):
    hub = staff_hub(slug)
    return _invoice_page(hub, in_hub_or_404(Invoice, hub, invoice_id))


def _managed_invoice(slug: str, invoice_id: int) -> tuple[Hub, Invoice]:
    hub = managed_hub(slug)
    return hub, in_hub_or_404(Invoice, hub, invoice_id)


def _action(form: ActionForm, work, done: str):
    """A button's work as one unit; its refusal flashed (the invoice page shows it)."""
    if not form.validate_on_submit():
        flash("Your form expired; please try again.", "error")
        return None
    result = saved(form, work)
    if result is None:
        flash(" ".join(form.form_errors + [e for errors in form.errors.values() for e in errors]), "error")
    else:
        flash(done, "success")
    return result


@bp.route("/hubs/<slug>/billing/invoices/<int:invoice_id>/issue", methods=["POST"])
@login_required
def issue(slug: str, invoice_id: int):
    hub, invoice = _managed_invoice(slug, invoice_id)
    form = ActionForm()
    if _action(form, lambda: issue_invoice(invoice, by=me(), today=local_today(hub.timezone)) or invoice,
               "The invoice is issued; the member is emailed it.") is None:
        return _invoice_page(hub, invoice, status=getattr(form, "page_status", 400))
    return redirect(url_for("billing.invoice", slug=hub.slug, invoice_id=invoice.id))


@bp.route("/hubs/<slug>/billing/invoices/<int:invoice_id>/delete", methods=["POST"])
@login_required
def delete(slug: str, invoice_id: int):
    hub, invoice = _managed_invoice(slug, invoice_id)
    form = ActionForm()
    name = invoice.billed_name
    if _action(form, lambda: delete_draft(invoice, by=me()) or True, f"The draft for {name} is deleted.") is None:
        return _invoice_page(hub, invoice, status=getattr(form, "page_status", 400))
    return redirect(url_for("billing.invoices", slug=hub.slug, status="draft"))


# --- a draft's lines ------------------------------------------------------------------------

def _line_or_404(invoice: Invoice, line_id: int) -> InvoiceLine:
    line = next((line for line in invoice.lines if line.id == line_id), None)
    if line is None:
        abort(404)
    return line


def _line_values(form: LineForm) -> dict:
    return {"description": form.description.data, "quantity": form.quantity.data,
            "unit_price_minor": form.unit_price.minor, "vat_rate_bp": form.vat_rate.basis_points}


def _line_page(hub: Hub, invoice: Invoice, form: LineForm, line: InvoiceLine | None = None):
    return form_page("billing/line_form.html", form, hub=hub, invoice=invoice, line=line)


@bp.route("/hubs/<slug>/billing/invoices/<int:invoice_id>/lines/new", methods=["GET", "POST"])
@login_required
def new_line(slug: str, invoice_id: int):
    hub, invoice = _managed_invoice(slug, invoice_id)
    if not invoice.is_draft:
        abort(409, description="An issued invoice never changes: correct it with a credit note.")
    form = LineForm(currency=invoice.currency, data={"vat_rate": "20" if hub.vat_number else "0"}
                    if request.method == "GET" else None)
    if form.validate_on_submit():
        if saved(form, lambda: add_line(invoice, by=me(), **_line_values(form))) is not None:
            flash("Line added.", "success")
            return redirect(url_for("billing.invoice", slug=hub.slug, invoice_id=invoice.id))
    return _line_page(hub, invoice, form)


@bp.route("/hubs/<slug>/billing/invoices/<int:invoice_id>/lines/<int:line_id>/edit", methods=["GET", "POST"])
@login_required
def edit_invoice_line(slug: str, invoice_id: int, line_id: int):
    hub, invoice = _managed_invoice(slug, invoice_id)
    line = _line_or_404(invoice, line_id)
    if not invoice.is_draft:
        abort(409, description="An issued invoice never changes: correct it with a credit note.")
    stored = {"description": line.description, "quantity": line.quantity,
              "unit_price": money_input_value(line.unit_price_minor, invoice.currency),
              "vat_rate": percent_text(line.vat_rate_bp)}
    form = LineForm(currency=invoice.currency, data=stored if request.method == "GET" else None)
    if form.validate_on_submit():
        if saved(form, lambda: edit_line(line, by=me(), **_line_values(form))) is not None:
            flash("Line saved.", "success")
            return redirect(url_for("billing.invoice", slug=hub.slug, invoice_id=invoice.id))
    return _line_page(hub, invoice, form, line)


@bp.route("/hubs/<slug>/billing/invoices/<int:invoice_id>/lines/<int:line_id>/remove", methods=["POST"])
@login_required
def remove_invoice_line(slug: str, invoice_id: int, line_id: int):
    hub, invoice = _managed_invoice(slug, invoice_id)
    line = _line_or_404(invoice, line_id)
    form = ActionForm()
    done = "Line removed" + ("; later runs leave this item out." if line.source_key else ".")
    if _action(form, lambda: remove_line(line, by=me()) or True, done) is None:
        return _invoice_page(hub, invoice, status=getattr(form, "page_status", 400))
    return redirect(url_for("billing.invoice", slug=hub.slug, invoice_id=invoice.id))


# --- credit notes and payments --------------------------------------------------------------

def _refuse_unless_issued(invoice: Invoice, what: str) -> None:
    if invoice.is_draft or invoice.is_credit_note:
        abort(409, description=f"Only an issued invoice can be {what}.")


@bp.route("/hubs/<slug>/billing/invoices/<int:invoice_id>/credit", methods=["GET", "POST"])
@login_required
def credit(slug: str, invoice_id: int):
    hub, invoice = _managed_invoice(slug, invoice_id)
    _refuse_unless_issued(invoice, "credited")
    form = credit_form_for(invoice)
    if form.validate_on_submit():
        amounts = None
        if form.scope.data == "lines":
            amounts = {line_id: field.minor for line_id, field in form.line_fields() if field.minor}
            if not amounts:
                form.scope.errors = ["Enter the amount to credit beside at least one line."]
        if not form.errors:
            note = saved(form, partial(credit_invoice, invoice, amounts=amounts, reason=form.reason.data, by=me(),
                                       today=local_today(hub.timezone)))
            if note is not None:
                flash(f"Credit note {note.number} issued.", "success")
                return redirect(url_for("billing.invoice", slug=hub.slug, invoice_id=invoice.id))
    return form_page("billing/credit.html", form, hub=hub, invoice=invoice,
                     lines={line.id: line for line in invoice.lines})


@bp.route("/hubs/<slug>/billing/invoices/<int:invoice_id>/payments/new", methods=["GET", "POST"])
@login_required
def new_payment(slug: str, invoice_id: int):
    hub, invoice = _managed_invoice(slug, invoice_id)
    _refuse_unless_issued(invoice, "paid")
    today = local_today(hub.timezone)
    initial = {"amount": money_input_value(invoice.outstanding_minor, invoice.currency), "received_on": today}
    form = PaymentForm(currency=invoice.currency, data=initial if request.method == "GET" else None)
    if form.validate_on_submit():
        payment = saved(form, partial(record_payment, hub, invoice=invoice, amount_minor=form.amount.minor,
                                      method=form.method.data, received_on=form.received_on.data,
                                      reference=form.reference.data or "", by=me()))
        if payment is not None:
            flash("Payment recorded.", "success")
            return redirect(url_for("billing.invoice", slug=hub.slug, invoice_id=invoice.id))
    return form_page("billing/payment.html", form, hub=hub, invoice=invoice)
