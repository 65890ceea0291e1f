"""Issuing: the next number of the hub's series, the dates from the payment terms, the content
frozen and hashed, the billed party mailed; an issued or empty draft is refused."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from coworking.billing.errors import BillingError
from coworking.billing.issuing import issue_drafts, issue_invoice
from coworking.billing.models import Invoice
from coworking.extensions import db
from coworking.mail import OutboxMessage
from coworking.transactions import unit_of_work
from tests.billing.documents import TODAY, issue, make_draft


@pytest.fixture
def hub(make_hub):
    return make_hub("riverside", "Riverside Hub", invoice_prefix="RIV", vat_number="GB123456789",
                    payment_terms_days=14)


def test_issuing_gives_the_next_number_the_dates_and_a_hash(hub, people):
    first = issue(make_draft(hub, people.member))
    second = issue(make_draft(hub, people.member, period="2026-10"))

    assert (first.number, second.number) == ("RIV-2026-00001", "RIV-2026-00002")
    assert first.status == "issued" and first.issued_on == TODAY and first.due_on == date(2026, 12, 14)
    assert len(first.content_hash) == 64 and first.previous_hash is None
    assert second.previous_hash == first.content_hash


def test_the_year_of_the_number_is_the_issue_dates_and_numbers_restart_each_year(hub, people):
    last_of_2026 = issue(make_draft(hub, people.member), today=date(2026, 12, 31))
    first_of_2027 = issue(make_draft(hub, people.member, period="2026-12"), today=date(2027, 1, 1))

    assert last_of_2026.number == "RIV-2026-00001"
    assert first_of_2027.number == "RIV-2027-00001"
    assert first_of_2027.previous_hash == last_of_2026.content_hash  # the chain runs on


def test_totals_are_sums_of_lines_with_vat_per_line_half_up(hub, people):
    # 3 x 0.15 at 20%: 0.45 net, VAT 0.09; 1 x 0.13 at 5%: VAT 0.0065, rounded half up to 0.01
    invoice = issue(make_draft(hub, people.member, lines=[(3, 15, 2000), (1, 13, 500), (1, 2500, 0)]))

    assert [line.vat_minor for line in invoice.lines] == [9, 1, 0]
    assert invoice.subtotal_minor == 45 + 13 + 2500
    assert invoice.vat_minor == 10
    assert invoice.total_minor == 2558 + 10


def test_a_hub_without_a_vat_number_charges_no_vat(make_hub, people):
    hub = make_hub("no-vat", vat_number=None)
    invoice = issue(make_draft(hub, people.member, lines=[(1, 10000, 2000)]))

    assert invoice.vat_minor == 0 and invoice.total_minor == 10000
    assert invoice.lines[0].vat_rate_bp == 0


def test_issuing_mails_the_billed_party(hub, people):
    invoice = issue(make_draft(hub, people.member))

    message = db.session.scalars(sa.select(OutboxMessage)).one()
    assert message.to_address == people.member.email
    assert invoice.number in message.subject and "£120.00" in message.body_text


def test_issuing_an_issued_invoice_is_refused_with_409_and_changes_nothing(hub, people):
    invoice = issue(make_draft(hub, people.member))

    with pytest.raises(BillingError) as refused:
        issue(invoice, today=date(2026, 12, 1))

    assert refused.value.status == 409
    db.session.expire_all()
    assert invoice.number == "RIV-2026-00001" and invoice.issued_on == TODAY


def test_an_empty_draft_is_refused_with_422_and_takes_no_number(hub, people):
    empty = make_draft(hub, people.member, lines=[])

    with pytest.raises(BillingError) as refused:
        issue(empty)

    assert refused.value.status == 422 and refused.value.field == "lines"
    assert issue(make_draft(hub, people.member, period="2026-10")).number == "RIV-2026-00001"


def test_issue_drafts_issues_every_draft_of_the_run_and_leaves_empty_ones(hub, people, make_user):
    members = [make_user(name=f"Member {i}") for i in range(5)]
    for member in members:
        make_draft(hub, member)
    make_draft(hub, people.member, lines=[])
    other_period = make_draft(hub, people.member, period="2026-10")
    seen = []

    count = issue_drafts(hub, "2026-11", today=TODAY, progress=seen.append)

    assert count == 5 and sum(seen) == 6
    numbers = db.session.scalars(sa.select(Invoice.number).where(Invoice.number.is_not(None))).all()
    assert sorted(numbers) == [f"RIV-2026-{n:05d}" for n in range(1, 6)]
    db.session.expire_all()
    assert other_period.is_draft
    assert issue_drafts(hub, "2026-11", today=TODAY) == 0  # again: nothing new


def test_issue_invoice_refuses_a_draft_that_vanished(hub, people):
    draft = make_draft(hub, people.member)
    with unit_of_work():
        db.session.delete(draft)
    with pytest.raises(BillingError) as refused, unit_of_work():
        issue_invoice(draft, today=TODAY)
    assert refused.value.status == 404


def test_the_issued_mail_carries_the_invoices_pdf_made_when_it_is_sent(hub, people, monkeypatch):
    from coworking.billing import notifications
    from coworking.mail import build_email

    rendered = []

    def invoice_pdf(invoice):
        rendered.append(invoice.number)
        return b"%PDF-1.4 " + invoice.number.encode()

    monkeypatch.setattr(notifications, "invoice_pdf", invoice_pdf)
    invoice = issue(make_draft(hub, people.member))
    message = db.session.scalars(sa.select(OutboxMessage)).one()
    assert rendered == [] and "data" not in message.attachments[0]  # nothing stored, nothing made yet

    [attachment] = build_email(message, "hub@example.org").iter_attachments()

    assert attachment.get_filename() == f"{invoice.number}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == b"%PDF-1.4 RIV-2026-00001"


def test_issuing_a_run_uses_each_partys_credit(hub, people, make_user):
    from coworking.billing.payments import party_balance, record_payment

    other = make_user(name="Other Member")
    with unit_of_work():
        record_payment(hub, party_key=f"member:{people.member.id}", amount_minor=5000, method="cash",
                       received_on=TODAY, today=TODAY)
    mine, theirs = make_draft(hub, people.member), make_draft(hub, other)

    issue_drafts(hub, "2026-11", today=TODAY)

    db.session.expire_all()
    assert (mine.credit_applied_minor, mine.outstanding_minor) == (5000, 12000 - 5000)
    assert (theirs.credit_applied_minor, theirs.outstanding_minor) == (0, 12000)
    assert party_balance(hub, mine.party_key).credit == 0
