"""The mail a billed party gets when their invoice is issued: the figures that matter in the
text, and the invoice attached as its PDF."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from coworking.extensions import db
from coworking.mail import OutboxMessage, build_email
from tests.billing.document_fixtures import *  # noqa: F403  (fixtures: hub, make_document)
from tests.billing.document_fixtures import credit, pay, pdf_text


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


# --- credit notes ---------------------------------------------------------------------------

def test_a_credit_note_is_mailed_with_its_pdf_naming_the_invoice_and_why(app, hub, people, make_document):
    invoice = make_document(hub, people.member)
    note = credit(invoice)
    [message] = mail_to("member@example.org")[1:]
    assert message.subject == f"Credit note {note.number} from Riverside Hub for invoice {invoice.number}"
    body = message.body_text
    for expected in ("Hello Mary Member,", f"Riverside Hub has issued credit note {note.number}, dated 1 December 2026, "
                     f"correcting invoice {invoice.number}.", "Reason: Room closed for repairs",
                     "Credited: £432.00 (of which VAT £72.00)", f"Invoice {invoice.number} is now void"):
        assert expected in body, expected
    assert "credit on your account" not in body
    [attachment] = list(build_email(message, "hub@example.org").iter_attachments())
    assert attachment.get_filename() == f"{note.number}.pdf"
    text = pdf_text(attachment.get_content())
    assert note.number in text and invoice.number in text and "Mary Member" in text


def test_a_part_credit_says_what_is_left_to_pay_and_a_paid_invoice_s_excess_becomes_credit(app, hub, people, make_document):
    unpaid = make_document(hub, people.member)
    first_line = min(unpaid.lines, key=lambda line: line.position)
    credit(unpaid, {first_line.id: 10_000})
    body = mail_to("member@example.org")[-1].body_text
    assert "Credited: £120.00 (of which VAT £20.00)" in body
    assert f"Left to pay on invoice {unpaid.number}: £312.00 by 14 December 2026." in body

    paid = make_document(hub, people.member)
    pay(paid, paid.total_minor)
    credit(paid, {min(paid.lines, key=lambda line: line.position).id: 10_000})
    body = mail_to("member@example.org")[-1].body_text
    assert f"Nothing is left to pay on invoice {paid.number}." in body
    assert "You had paid £120.00 more than the invoice now asks: it is credit on your account" in body


def test_no_credit_note_mail_without_an_address(app, hub, people, make_document):
    from coworking.billing.issuing import issue_invoice

    draft = make_document(hub, people.member, issued=False)
    draft.billed_email = ""  # a party without an address: nothing to mail, the documents still made
    invoice = issue_invoice(draft, today=date(2026, 11, 30))
    db.session.commit()
    note = credit(invoice)
    assert note.number and invoice.is_void
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
