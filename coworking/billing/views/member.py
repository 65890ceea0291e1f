"""A member's own invoices and credit notes (routes join the blueprint of views/__init__.py): the
list with their balance at each hub, one document's page (with the payments and credit notes
beside it), and its PDF.

Only documents billed to the member themselves, and only issued ones: a draft, someone else's
document or one billed to an organisation is a 404 whoever asks, so ids reveal nothing (hub
managers read every document from their own pages). See docs/decisions.md for why an
organisation's invoices are not shown to its members.
"""
from __future__ import annotations

from flask import abort, make_response, render_template, request
from flask_login import current_user, login_required

from coworking.billing.document_queries import (
    credit_notes_of,
    documents_of_hubs,
    member_documents,
    member_key,
    own_document,
    payments_towards,
)
from coworking.billing.documents import document_view, rate_label
from coworking.billing.payments import party_balance
from coworking.billing.pdf import bank_details_of, invoice_pdf, pdf_filename
from coworking.billing.views import bp
from coworking.timezones import local_today

PER_PAGE = 25


def own_or_404(invoice_id: int):
    invoice = own_document(current_user, invoice_id)
    if invoice is None:
        abort(404)
    return invoice


@bp.route("/invoices")
@login_required
def my_invoices():
    page = max(1, request.args.get("page", 1, type=int))
    documents = member_documents(current_user, page=page, per_page=PER_PAGE)
    balances = [(hub, party_balance(hub, member_key(current_user))) for hub in documents_of_hubs(current_user)]
    return render_template("billing/my_invoices.html", documents=documents, balances=balances,
                           today_of=lambda hub: local_today(hub.timezone))


@bp.route("/invoices/<int:invoice_id>")
@login_required
def my_invoice(invoice_id: int):
    invoice = own_or_404(invoice_id)
    view = document_view(invoice, bank_details=bank_details_of(invoice.hub_id))
    return render_template(
        "billing/my_invoice.html", invoice=invoice, view=view, rate_label=rate_label,
        status=invoice.display_status(local_today(invoice.hub.timezone)),
        payments=payments_towards(invoice), credit_notes=credit_notes_of(invoice),
    )


@bp.route("/invoices/<int:invoice_id>.pdf")
@login_required
def my_invoice_pdf(invoice_id: int):
    invoice = own_or_404(invoice_id)
    response = make_response(invoice_pdf(invoice))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{pdf_filename(invoice)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
