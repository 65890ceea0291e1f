"""/api/v1/invoices and the hub's invoice runs: reading invoices and credit notes (yours, or a
hub's for its managers, filtered and paged in SQL), one with its lines, payments and credit
notes, its PDF; and the managers' writes: a run and "issue all" (background jobs), issuing one
draft, a credit note, a payment.

Routes of the ``billing_api`` blueprint (``coworking.api.billing_blueprint`` says how they answer).
"""
from __future__ import annotations

from flask import make_response, url_for
from flask.views import MethodView

from coworking import jobs
from coworking.api.auth import current_api_user
from coworking.api.billing_blueprint import API_FIELDS, WRITE_ERRORS, blp, minor_units_of
from coworking.api.blueprint import one_write
from coworking.api.invoice_schemas import (
    CreditRequestSchema,
    InvoiceDetailSchema,
    InvoicePageSchema,
    InvoiceQuerySchema,
    JobSchema,
    PaymentRequestSchema,
    PaymentSchema,
    RunRequestSchema,
)
from coworking.api.loaders import (
    invoice_managers_only,
    load_hub,
    managed_invoice,
    managers_only,
    require_manager,
    visible_invoice,
)
from coworking.billing.credit_notes import credit_invoice
from coworking.billing.document_queries import DocumentFilters, DocumentState, hub_documents, member_documents
from coworking.billing.issuing import issue_invoice
from coworking.billing.jobs import start_issue, start_run
from coworking.billing.models import DocumentKind, Invoice
from coworking.billing.payments import record_payment
from coworking.billing.pdf import invoice_pdf, pdf_filename
from coworking.errors import ApiError
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.timezones import local_today
from coworking.types import utcnow

PDF_SCHEMA = {"type": "string", "format": "binary"}


def _filters(values: dict) -> DocumentFilters:
    state, kind, period = values.get("status"), values.get("kind"), values.get("period")
    return DocumentFilters(state=DocumentState(state) if state else None, kind=DocumentKind(kind) if kind else None,
                           period=period.key if period is not None else None)


@blp.route("/invoices", endpoint="invoices")
class Invoices(MethodView):
    @blp.arguments(InvoiceQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, InvoicePageSchema)
    @blp.documents_errors(401, 403, 404, 422)
    def get(self, page: int, per_page: int, hub: str | None = None, **values):
        """Your issued invoices and credit notes, newest first; with `hub`, all of that hub's (its managers)"""
        filters = _filters(values)
        if hub is None:
            return member_documents(current_api_user(), filters, utcnow().date(), page=page, per_page=per_page)
        chosen = load_hub(hub)
        require_manager(chosen, "Only a manager of this hub or a network admin may list its invoices.")
        return hub_documents(chosen, filters, local_today(chosen.timezone), page=page, per_page=per_page)


@blp.route("/invoices/<int:invoice_id>", endpoint="invoice")
class OneInvoice(MethodView):
    @blp.response(200, InvoiceDetailSchema)
    @blp.documents_errors(401, 404)
    def get(self, invoice_id: int):
        """One invoice or credit note with its lines, VAT per rate, payments and credit notes (yours, or your hub's)"""
        return visible_invoice(current_api_user(), invoice_id)


@blp.route("/invoices/<int:invoice_id>.pdf", endpoint="invoice_pdf")
class InvoicePdf(MethodView):
    @blp.alt_response(200, schema=PDF_SCHEMA, content_type="application/pdf", description="The PDF file", success=True)
    @blp.documents_errors(401, 404)
    def get(self, invoice_id: int):
        """The invoice or credit note as a PDF (yours, or your hub's)"""
        invoice = visible_invoice(current_api_user(), invoice_id)
        response = make_response(invoice_pdf(invoice))
        response.headers["Content-Type"] = "application/pdf"
        response.headers["Content-Disposition"] = f'attachment; filename="{pdf_filename(invoice)}"'
        response.headers["Cache-Control"] = "private, no-store"
        return response


# --- runs: in the background ----------------------------------------------------------------

def _job_answer(hub: Hub, job: jobs.Job):
    location = url_for("billing_api.invoice_job", slug=hub.slug, job_id=job.id, _external=True)
    return job, 202, {"Location": location}


@blp.route("/hubs/<slug>/invoice-runs", endpoint="invoice_runs")
class InvoiceRuns(MethodView):
    @managers_only
    @blp.arguments(RunRequestSchema)
    @blp.response(202, JobSchema, headers={"Location": {"description": "The job's URL", "schema": {"type": "string"}}})
    @blp.documents_errors(*WRITE_ERRORS)
    def post(self, values: dict, hub: Hub):
        """Start the hub's run for a month that has begun: one draft per billed party, a line per new billable item (managers)

        The run is done in the background (`flask jobs run` or `jobs work`); follow the job.
        Running a period again adds only what is new. A run of that period already queued or
        running is answered instead of a second one.
        """
        with one_write(API_FIELDS):
            job = start_run(hub, values["period"], by=current_api_user())
        return _job_answer(hub, job)


@blp.route("/hubs/<slug>/invoice-runs/issue", endpoint="invoice_runs_issue")
class IssueRun(MethodView):
    @managers_only
    @blp.arguments(RunRequestSchema)
    @blp.response(202, JobSchema, headers={"Location": {"description": "The job's URL", "schema": {"type": "string"}}})
    @blp.documents_errors(*WRITE_ERRORS)
    def post(self, values: dict, hub: Hub):
        """Issue every draft of the month's run, in the background (managers)"""
        with one_write(API_FIELDS):
            job = start_issue(hub, values["period"], by=current_api_user())
        return _job_answer(hub, job)


@blp.route("/hubs/<slug>/jobs/<int:job_id>", endpoint="invoice_job")
class InvoiceJob(MethodView):
    @managers_only
    @blp.response(200, JobSchema)
    @blp.documents_errors(401, 403, 404)
    def get(self, hub: Hub, job_id: int):
        """A run's or an issue's progress and outcome (managers)"""
        job = db.session.get(jobs.Job, job_id)
        if job is None or job.hub_id != hub.id:
            raise ApiError(404, "This hub has no job with this id.")
        return job


# --- one invoice ----------------------------------------------------------------------------

@blp.route("/invoices/<int:invoice_id>/issue", endpoint="invoice_issue")
class IssueInvoice(MethodView):
    @blp.response(200, InvoiceDetailSchema)
    @blp.documents_errors(*WRITE_ERRORS)
    def post(self, invoice_id: int):
        """Issue a draft: the next number of the hub's series, today's date, the due date from its payment terms (managers)

        The invoice is frozen from then on and mailed to the billed party with its PDF. 409
        when it is issued already, 422 when it has no line.
        """
        with one_write(API_FIELDS):
            invoice = managed_invoice(current_api_user(), invoice_id)
            issued = issue_invoice(invoice, by=current_api_user())
        return issued


@blp.route("/invoices/<int:invoice_id>/credit-notes", endpoint="invoice_credit_notes")
class CreditNotes(MethodView):
    @invoice_managers_only
    @blp.arguments(CreditRequestSchema)
    @blp.response(201, InvoiceDetailSchema)
    @blp.documents_errors(*WRITE_ERRORS)
    def post(self, values: dict, invoice: Invoice):
        """Credit an issued invoice, whole (no `lines`) or by net amounts per line; answers the credit note (managers)

        The credit note has its own number series. More than what remains of a line, or of the
        invoice, is a 422 naming it; a draft is a 409 (edit it instead).
        """
        with one_write(API_FIELDS):
            amounts = None
            if values.get("lines") is not None:
                amounts = {}
                for index, line in enumerate(values["lines"]):
                    amounts[line["line_id"]] = amounts.get(line["line_id"], 0) + minor_units_of(
                        line["amount"], invoice.currency, f"lines.{index}.amount")
            note = credit_invoice(invoice, amounts=amounts, reason=values["reason"], by=current_api_user())
        return note


@blp.route("/invoices/<int:invoice_id>/payments", endpoint="invoice_payments")
class Payments(MethodView):
    @invoice_managers_only
    @blp.arguments(PaymentRequestSchema)
    @blp.response(201, PaymentSchema)
    @blp.documents_errors(*WRITE_ERRORS)
    def post(self, values: dict, invoice: Invoice):
        """Record a payment towards an issued invoice (managers)

        It settles this invoice first, then the party's oldest open invoices; anything over
        becomes their credit, used by their next invoice. Zero, negative, absurdly large
        amounts and dates in the future are a 422 naming the field.
        """
        with one_write(API_FIELDS):
            payment = record_payment(
                invoice.hub, amount_minor=minor_units_of(values["amount"], invoice.currency, "amount"),
                method=values["method"], received_on=values["received_on"], reference=values["reference"],
                by=current_api_user(), invoice=invoice,
            )
        return payment
