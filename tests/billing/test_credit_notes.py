"""Credit notes correct an issued invoice, whole or per line, in their own series; never more
than what remains; a fully credited invoice is void; money paid beyond what it still bills
becomes the party's credit."""
from __future__ import annotations

from datetime import date

import pytest

from coworking.billing.credit_notes import credit_invoice, remaining_by_line
from coworking.billing.errors import BillingError
from coworking.billing.payments import party_balance, record_payment
from coworking.extensions import db
from coworking.transactions import unit_of_work
from tests.billing.documents import TODAY, issue, make_draft


@pytest.fixture
def hub(make_hub):
    return make_hub("riverside", "Riverside Hub", invoice_prefix="RIV", vat_number="GB123456789")


@pytest.fixture
def invoice(hub, people):
    # 2 x 50.00 at 20% and 1 x 30.00 at 0%: 130.00 net, 20.00 VAT, 150.00 in all.
    return issue(make_draft(hub, people.member, lines=[(2, 5000, 2000), (1, 3000, 0)]))


def credit(invoice, **kwargs):
    kwargs.setdefault("reason", "Billed twice")
    with unit_of_work():
        return credit_invoice(invoice, today=TODAY, **kwargs)


def test_a_whole_credit_note_mirrors_the_invoice_and_voids_it(invoice):
    note = credit(invoice)

    assert note.number == "RIV-CN-2026-00001" and note.kind == "credit_note" and note.status == "issued"
    assert note.corrects_id == invoice.id and note.reason == "Billed twice"
    assert [(line.amount_minor, line.vat_minor) for line in note.lines] == [(-10000, -2000), (-3000, 0)]
    assert [line.corrects_line_id for line in note.lines] == [line.id for line in invoice.lines]
    assert note.total_minor == -15000
    assert invoice.credited_minor == 15000 and invoice.is_void
    assert invoice.display_status(TODAY) == "void"


def test_credit_notes_have_their_own_series_and_chain(invoice, hub, people):
    first = credit(invoice, amounts={invoice.lines[1].id: 1000})
    second = credit(invoice, amounts={invoice.lines[1].id: 1000})

    assert (first.number, second.number) == ("RIV-CN-2026-00001", "RIV-CN-2026-00002")
    assert first.previous_hash is None and second.previous_hash == first.content_hash
    assert issue(make_draft(hub, people.member, period="2026-10")).number == "RIV-2026-00002"


def test_a_line_credited_in_parts_never_credits_more_vat_than_it_bore(hub, people):
    # 0.06 net at 20%: VAT 0.012, rounded to 0.01. Two credits of 0.03 would each round 0.006 up.
    invoice = issue(make_draft(hub, people.member, lines=[(1, 6, 2000)]))
    line_id = invoice.lines[0].id

    first = credit(invoice, amounts={line_id: 3})
    second = credit(invoice, amounts={line_id: 3})

    assert first.vat_minor + second.vat_minor == -invoice.vat_minor
    assert invoice.credited_minor == invoice.total_minor and invoice.is_void


@pytest.mark.parametrize("amount", [10001, -1])
def test_more_than_what_remains_on_a_line_is_refused_naming_it(invoice, amount):
    line_id = invoice.lines[0].id

    with pytest.raises(BillingError) as refused:
        credit(invoice, amounts={line_id: amount})

    assert refused.value.status == 422 and refused.value.field == f"amounts.{line_id}"
    db.session.expire_all()
    assert invoice.credited_minor == 0


def test_what_earlier_credit_notes_took_is_no_longer_creditable(invoice):
    line_id = invoice.lines[0].id
    credit(invoice, amounts={line_id: 6000})

    with pytest.raises(BillingError) as refused:
        credit(invoice, amounts={line_id: 4001})
    assert refused.value.field == f"amounts.{line_id}"

    credit(invoice, amounts={line_id: 4000})
    assert remaining_by_line(invoice)[line_id].net == 0


def test_a_fully_credited_invoice_cannot_be_credited_again(invoice):
    credit(invoice)

    with pytest.raises(BillingError) as refused:
        credit(invoice)
    assert refused.value.status == 409


@pytest.mark.parametrize("amounts, field", [
    ({999999: 100}, "amounts.999999"),
    ({}, "amounts"),
])
def test_unknown_lines_and_nothing_to_credit_are_refused(invoice, amounts, field):
    with pytest.raises(BillingError) as refused:
        credit(invoice, amounts=amounts)
    assert refused.value.field == field


def test_a_reason_is_required(invoice):
    with pytest.raises(BillingError) as refused:
        credit(invoice, reason="  ")
    assert refused.value.field == "reason"


def test_a_draft_is_not_credited(hub, people):
    draft = make_draft(hub, people.member)
    with pytest.raises(BillingError) as refused:
        credit(draft)
    assert refused.value.status == 409


def test_what_was_paid_beyond_what_remains_becomes_credit(invoice, hub, people):
    with unit_of_work():
        record_payment(hub, invoice=invoice, amount_minor=15000, method="bank_transfer",
                       received_on=TODAY, today=TODAY)

    credit(invoice, amounts={invoice.lines[1].id: 3000})  # 30.00 of a paid 150.00

    assert invoice.paid_minor == 12000 and invoice.outstanding_minor == 0
    balance = party_balance(hub, invoice.party_key)
    assert (balance.owed, balance.credit) == (0, 3000)
    # The credit is used by the next invoice.
    following = issue(make_draft(hub, people.member, period="2026-12"), today=date(2026, 12, 31))
    assert following.credit_applied_minor == 3000 and following.outstanding_minor == 12000 - 3000
