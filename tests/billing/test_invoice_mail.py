"""The mail a billed party gets when their invoice is issued: the figures that matter in the
text, and the invoice attached as its PDF."""
from __future__ import annotations

import sqlalchemy as sa

from coworking.extensions import db
from coworking.mail import OutboxMessage, build_email
from tests.billing.document_fixtures import *  # noqa: F403  (fixtures: hub, make_document)
from tests.billing.document_fixtures import pay, pdf_text


def mail_to(address: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == address)
                                   .order_by(OutboxMessage.id)))


def test_the_issued_invoice_is_mailed_with_its_pdf(app, hub, people, make_document):
    invoice = make_document(hub, people.member)
    [message] = mail_to("member@example.org")
    assert message.subject == f"Invoice {invoice.number} from Riverside Hub"
    body = message.body_text
    for expected in ("Hello Mary Member,", f"Riverside Hub has issued invoice {invoice.number} for November 2026",
                     "dated 30 November 2026", "Total: £432.00 (of which VAT £72.00)",
                     "To pay: £432.00 by 14 December 2026", "\"Invoices\" page"):
        assert expected in body, expected
    email = build_email(message, "hub@example.org")  # as the outbox worker sends it
    [attachment] = list(email.iter_attachments())
    assert attachment.get_filename() == f"{invoice.number}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    text = pdf_text(attachment.get_content())
    assert invoice.number in text and "Mary Member" in text and "Total £432.00" in text


def test_credit_from_an_overpayment_is_shown_and_what_is_left_to_pay(app, hub, people, make_document):
    first = make_document(hub, people.member)
    pay(first, first.total_minor + 50_000)  # £500.00 of credit
    second = make_document(hub, people.member)
    body = mail_to("member@example.org")[-1].body_text
    assert second.number in body
    assert "Credit from an earlier payment used: £432.00" in body
    assert "Nothing to pay: your credit covers it." in body and "To pay" not in body
