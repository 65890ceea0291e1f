"""Billing's mail, queued in the outbox in the transaction that issues the document: "invoice
issued" and "credit note issued", each with the document's PDF attached. The PDF is made when
the message is sent (``mail.deferred_attachment``): an issued document is frozen, so the file is
the same, and a run issuing thousands of invoices neither renders nor stores thousands of PDFs
inside its transactions."""
from __future__ import annotations

from flask import render_template

from coworking.billing.models import Invoice
from coworking.billing.pdf import invoice_pdf, pdf_filename
from coworking.extensions import db
from coworking.mail import deferred_attachment, queue_mail, register_attachment_renderer

INVOICE_PDF = "billing.invoice-pdf"


def _pdf_attachment(document: Invoice) -> list[dict]:
    return [deferred_attachment(pdf_filename(document), "application/pdf", INVOICE_PDF, invoice_id=document.id)]


def render_invoice_pdf(invoice_id: int) -> bytes:
    """The PDF of an issued invoice or credit note, made when its mail is sent."""
    return invoice_pdf(db.session.get(Invoice, invoice_id))


def install() -> None:
    register_attachment_renderer(INVOICE_PDF, render_invoice_pdf)


def queue_invoice_issued(invoice: Invoice, *, flush: bool = True) -> None:
    """Mail the billed party their issued invoice (nothing when they have no address);
    ``flush=False`` leaves the message to the caller's next flush (a run's batch)."""
    if not invoice.billed_email:
        return
    subject = f"Invoice {invoice.number} from {invoice.hub.name}"
    body = render_template("mail/billing/invoice_issued.txt", invoice=invoice, hub=invoice.hub)
    queue_mail(invoice.billed_email, subject, body, _pdf_attachment(invoice), flush=flush)


def queue_credit_note_issued(note: Invoice, invoice: Invoice, *, released_minor: int = 0) -> None:
    """Mail the billed party the credit note correcting their invoice: what it credits, why,
    what is left to pay on the invoice, and any payment that became credit on their account
    (``released_minor``). Nothing when they have no address."""
    if not note.billed_email:
        return
    subject = f"Credit note {note.number} from {note.hub.name} for invoice {invoice.number}"
    body = render_template("mail/billing/credit_note_issued.txt", note=note, invoice=invoice, hub=note.hub,
                           released_minor=released_minor)
    queue_mail(note.billed_email, subject, body, _pdf_attachment(note))
