"""Billing's mail: the "invoice issued" message, queued in the outbox in the issuing
transaction, with the invoice's PDF attached when the PDF module is there."""
from __future__ import annotations

from flask import current_app, render_template
from jinja2 import TemplateNotFound

from coworking.billing.models import Invoice
from coworking.mail import queue_mail
from coworking.money import format_money

TEMPLATE = "mail/billing/invoice_issued.txt"


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


def _pdf_attachment(invoice: Invoice) -> list[tuple[str, str, bytes]]:
    # billing.pdf is written beside this module (another branch of the work): until it is
    # there, the mail goes without its attachment.
    try:
        from coworking.billing.pdf import invoice_pdf
    except ImportError:
        return []
    return [(f"{invoice.number}.pdf", "application/pdf", invoice_pdf(invoice))]


def queue_invoice_issued(invoice: Invoice) -> None:
    """Mail the billed party their issued invoice (nothing when they have no address)."""
    if not invoice.billed_email:
        return
    subject = f"Invoice {invoice.number} from {invoice.hub.name}"
    queue_mail(invoice.billed_email, subject, _body(invoice), _pdf_attachment(invoice))
