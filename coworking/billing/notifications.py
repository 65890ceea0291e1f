"""Billing's mail: the "invoice issued" message, queued in the outbox in the issuing
transaction, with the invoice's PDF attached when the PDF module is there. The PDF is made
when the message is sent (``mail.deferred_attachment``): an issued invoice is frozen, so the
file is the same, and a run issuing thousands of invoices neither renders nor stores thousands
of PDFs inside its transactions."""
from __future__ import annotations

from flask import current_app, render_template
from jinja2 import TemplateNotFound

from coworking.billing.models import Invoice
from coworking.extensions import db
from coworking.mail import deferred_attachment, queue_mail, register_attachment_renderer
from coworking.money import format_money

TEMPLATE = "mail/billing/invoice_issued.txt"
INVOICE_PDF = "billing.invoice-pdf"


def _plain_body(invoice: Invoice) -> str:
    hub = invoice.hub
    lines = [
        f"Hello {invoice.billed_name},",
        "",
        f"{hub.name} has issued invoice {invoice.number} on {invoice.issued_on:%d %B %Y}.",
        f"Total: {format_money(invoice.total_minor, invoice.currency)}",
    ]
    if invoice.credit_applied_minor:
        lines.append(f"Credit used: {format_money(invoice.credit_applied_minor, invoice.currency)}")
    lines += [
        f"To pay: {format_money(invoice.outstanding_minor, invoice.currency)} by {invoice.due_on:%d %B %Y}.",
        "",
        "The invoice is attached as a PDF.",
        "",
        hub.name,
    ]
    return "\n".join(lines) + "\n"


def _body(invoice: Invoice) -> str:
    try:
        current_app.jinja_env.get_template(TEMPLATE)
    except TemplateNotFound:
        return _plain_body(invoice)
    return render_template(TEMPLATE, invoice=invoice, hub=invoice.hub)


def _pdf_attachment(invoice: Invoice) -> list[dict]:
    # billing.pdf is written beside this module (another branch of the work): until it is
    # there, the mail goes without its attachment.
    try:
        from coworking.billing.pdf import invoice_pdf  # noqa: F401
    except ImportError:
        return []
    return [deferred_attachment(f"{invoice.number}.pdf", "application/pdf", INVOICE_PDF, invoice_id=invoice.id)]


def render_invoice_pdf(invoice_id: int) -> bytes:
    """The PDF of an issued invoice, made when its mail is sent."""
    from coworking.billing.pdf import invoice_pdf

    return invoice_pdf(db.session.get(Invoice, invoice_id))


def install() -> None:
    register_attachment_renderer(INVOICE_PDF, render_invoice_pdf)


def queue_invoice_issued(invoice: Invoice) -> None:
    """Mail the billed party their issued invoice (nothing when they have no address)."""
    if not invoice.billed_email:
        return
    subject = f"Invoice {invoice.number} from {invoice.hub.name}"
    queue_mail(invoice.billed_email, subject, _body(invoice), _pdf_attachment(invoice))
