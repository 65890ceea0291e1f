"""Billing's entries in the ledger, written in the same transaction as the billing change, so
an invoice and its entry commit or roll back together:

- an issued invoice: accounts receivable (its total) against income by kind and VAT payable; a
  concession funded by the community fund is a reinvestment in bursaries, not less income, and
  releases as much from the community fund;
- a credit note: the same with its (negative) lines, so it reverses what it credits;
- member credit used by an invoice: member credit against receivable;
- a payment: bank (or cash) against receivable for what settled invoices, member credit for
  the rest;
- a credit note's release of what an invoice was overpaid: receivable against member credit.

So the receivable account always equals what parties owe and member credit what they are owed.
The entries are written by billing's next flush (a batch of issued invoices writes all of theirs
together), or by the first query that needs them.
"""
from __future__ import annotations

from coworking.billing.models import Invoice, Payment, PaymentMethod
from coworking.ledger.posting import post_entry

INCOME_ROLE = {
    "membership": "income_membership",
    "concession": "income_membership",
    "booking": "income_booking",
    "pass": "income_pass",
}


def post_document(document: Invoice, *, by=None) -> None:
    """The entry of an issued invoice or credit note."""
    lines: list[tuple[str, int]] = [("receivable", document.total_minor), ("vat", -document.vat_minor)]
    for line in document.lines:
        if line.funded_by_community_fund:
            # The discount is the community fund's bursary, paid to the hub itself.
            lines += [("reinvest_bursaries", -line.amount_minor),
                      ("community_fund", -line.amount_minor), ("general_fund", line.amount_minor)]
        else:
            lines.append((INCOME_ROLE.get(line.income_kind, "income_other"), -line.amount_minor))
    kind = "Credit note" if document.is_credit_note else "Invoice"
    post_entry(document.hub, on=document.issued_on, memo=f"{kind} {document.number}, {document.billed_name}",
               lines=lines, source_kind=document.kind, source_id=document.id, by=by, flush=False)


def post_credit_used(invoice: Invoice, *, by=None) -> None:
    if invoice.credit_applied_minor:
        post_entry(invoice.hub, on=invoice.issued_on, memo=f"Credit used by invoice {invoice.number}",
                   lines=[("member_credit", invoice.credit_applied_minor), ("receivable", -invoice.credit_applied_minor)],
                   source_kind="credit_used", source_id=invoice.id, by=by, flush=False)


def post_payment(hub, payment: Payment, allocated_minor: int, *, by=None) -> None:
    money = "cash" if payment.method == PaymentMethod.CASH.value else "bank"
    reference = f" ({payment.reference})" if payment.reference else ""
    post_entry(hub, on=payment.received_on, memo=f"Payment received{reference}", lines=[
        (money, payment.amount_minor), ("receivable", -allocated_minor),
        ("member_credit", -(payment.amount_minor - allocated_minor)),
    ], source_kind="payment", source_id=payment.id, by=by, flush=False)


def post_credit_release(note: Invoice, released_minor: int, *, by=None) -> None:
    if released_minor:
        post_entry(note.hub, on=note.issued_on, memo=f"Overpayment released to credit by {note.number}",
                   lines=[("receivable", released_minor), ("member_credit", -released_minor)],
                   source_kind="credit_release", source_id=note.id, by=by, flush=False)
