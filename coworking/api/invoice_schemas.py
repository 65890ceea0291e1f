"""marshmallow schemas for invoices, credit notes, payments and invoice runs (the conventions of
schemas.py and membership_schemas.py: money as ``{"amount_minor", "currency"}``, dates ISO and
local to the hub, periods ``YYYY-MM``, unknown fields refused).

An invoice's ``status`` is worked out when it is read: ``draft``, ``issued`` (nothing paid
yet, not due), ``part_paid``, ``paid``, ``overdue`` or ``void`` (credited in full); a credit
note is ``issued`` (its ``kind`` says what it is). A line's ``vat_rate`` is in basis points
(2000 is 20%), as ``vat_rate_bp`` is elsewhere in the API.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from coworking.api.booking_schemas import CalendarDate, record_id
from coworking.api.membership_schemas import Derived, PeriodField, money
from coworking.api.schemas import MoneySchema, PageQuerySchema, PageSchema, TrimmedString
from coworking.billing.document_queries import DocumentState, credit_notes_of, payments_towards
from coworking.billing.models import DocumentKind, Invoice, PaymentMethod
from coworking.billing.totals import vat_by_rate
from coworking.timezones import local_today

STATUSES = ("draft", "issued", "part_paid", "paid", "overdue", "void")


def api_status(invoice: Invoice) -> str:
    """The document's state today in its hub's zone, as the API names it."""
    if invoice.is_credit_note:
        return "draft" if invoice.is_draft else "issued"
    return invoice.display_status(local_today(invoice.hub.timezone)).replace(" ", "_")


def money_of(attribute: str, description: str = "") -> Derived:
    """A money field read from ``<attribute>`` with the document's (or line's) currency."""
    return Derived(MoneySchema, lambda row: money(getattr(row, attribute), currency_of(row)),
                   metadata={"description": description} if description else {})


def currency_of(row) -> str:
    return row.currency if isinstance(row, Invoice) else row.invoice.currency


# --- reading --------------------------------------------------------------------------------

class BilledToSchema(Schema):
    party = fields.Str(metadata={"description": '"member:12" or "organisation:3"', "example": "member:12"})
    kind = fields.Str(metadata={"enum": ["member", "organisation"]})
    id = fields.Int()
    name = fields.Str()
    email = fields.Str()
    address = fields.Str()


def billed_to(invoice: Invoice) -> dict:
    kind, _, raw_id = invoice.party_key.partition(":")
    return {"party": invoice.party_key, "kind": kind, "id": int(raw_id), "name": invoice.billed_name,
            "email": invoice.billed_email, "address": invoice.billed_address}


class InvoiceSchema(Schema):
    id = fields.Int()
    hub = fields.Function(lambda invoice: invoice.hub.slug, metadata={"type": "string", "description": "The hub's slug"})
    kind = fields.Str(metadata={"enum": [kind.value for kind in DocumentKind]})
    number = fields.Str(allow_none=True, metadata={"description": "null while a draft", "example": "RIV-2026-00042"})
    status = fields.Function(api_status, metadata={"type": "string", "enum": list(STATUSES)})
    period = fields.Str(allow_none=True, metadata={"description": "The run's month; null for a credit note"})
    issued_on = fields.Date(allow_none=True)
    due_on = fields.Date(allow_none=True)
    currency = fields.Str(metadata={"description": "ISO 4217"})
    billed_to = Derived(BilledToSchema, billed_to)
    subtotal = money_of("subtotal_minor", "Before VAT: the sum of the lines")
    vat = money_of("vat_minor", "The sum of the lines' VAT (each rounded half up)")
    total = money_of("total_minor", "Subtotal plus VAT; negative on a credit note")
    credit_applied = money_of("credit_applied_minor", "Earlier overpayments used when it was issued")
    credited = money_of("credited_minor", "Credit notes against it")
    paid = money_of("paid_minor", "Payments allocated to it, the credit used included")
    outstanding = money_of("outstanding_minor", "Still to pay")
    corrects_id = fields.Int(allow_none=True, metadata={"description": "A credit note: the invoice it corrects"})


class InvoicePageSchema(PageSchema):
    items = fields.List(fields.Nested(InvoiceSchema), required=True)


class LineSchema(Schema):
    id = fields.Int()
    position = fields.Int()
    description = fields.Str()
    quantity = fields.Int()
    unit_price = money_of("unit_price_minor", "Before VAT")
    vat_rate = fields.Int(attribute="vat_rate_bp", metadata={"description": "Basis points: 2000 is 20%"})
    amount = money_of("amount_minor", "Quantity times unit price, before VAT")
    vat = money_of("vat_minor", "Rounded half up to the minor unit")
    source_key = fields.Str(allow_none=True, metadata={"description": "What it bills, e.g. membership:41:2026-11"})
    corrects_line_id = fields.Int(allow_none=True, metadata={"description": "A credit note's line: the line it credits"})


class VatSummarySchema(Schema):
    vat_rate = fields.Int(metadata={"description": "Basis points"})
    net = fields.Nested(MoneySchema)
    vat = fields.Nested(MoneySchema)


def vat_summary(invoice: Invoice) -> list[dict]:
    return [{"vat_rate": rate, "net": money(net, invoice.currency), "vat": money(vat, invoice.currency)}
            for rate, net, vat in vat_by_rate(list(invoice.lines))]


class AllocationSchema(Schema):
    payment_id = fields.Int()
    received_on = fields.Date()
    method = fields.Str(metadata={"enum": [method.value for method in PaymentMethod]})
    reference = fields.Str()
    amount = fields.Nested(MoneySchema, metadata={"description": "The part of the payment that went to this invoice"})


def allocations(invoice: Invoice) -> list[dict]:
    return [{"payment_id": payment.id, "received_on": payment.received_on, "method": payment.method,
             "reference": payment.reference, "amount": money(part, invoice.currency)}
            for payment, part in payments_towards(invoice)]


class CreditNoteSummarySchema(Schema):
    id = fields.Int()
    number = fields.Str()
    issued_on = fields.Date()
    total = fields.Nested(MoneySchema)


def credit_notes(invoice: Invoice) -> list[dict]:
    return [{"id": note.id, "number": note.number, "issued_on": note.issued_on,
             "total": money(note.total_minor, note.currency)} for note in credit_notes_of(invoice)]


class InvoiceDetailSchema(InvoiceSchema):
    lines = fields.List(fields.Nested(LineSchema))
    vat_summary = fields.Function(vat_summary, metadata={"type": "array", "items": {"type": "object"},
                                                         "description": "Net and VAT per rate"})
    payments = fields.Function(allocations, metadata={"type": "array", "items": {"type": "object"}})
    credit_notes = fields.Function(credit_notes, metadata={"type": "array", "items": {"type": "object"}})


class InvoiceQuerySchema(PageQuerySchema):
    hub = fields.Str(metadata={"description": "A hub's slug: all its documents (its managers only). "
                                              "Without it: your own issued invoices and credit notes"})
    status = fields.Str(validate=validate.OneOf([state.value for state in DocumentState]),
                        metadata={"description": "draft, issued (any issued), open (something owed), overdue, paid, void"})
    kind = fields.Str(validate=validate.OneOf([kind.value for kind in DocumentKind]))
    period = PeriodField()


# --- writing --------------------------------------------------------------------------------

class RunRequestSchema(Schema):
    period = PeriodField(required=True, metadata={"description": "A month that has begun, YYYY-MM"})


class JobSchema(Schema):
    id = fields.Int()
    kind = fields.Str(metadata={"enum": ["invoice-run", "invoice-issue"]})
    status = fields.Str(metadata={"enum": ["queued", "running", "done", "failed"]})
    period = fields.Function(lambda job: job.payload.get("period"), metadata={"type": "string"})
    progress_done = fields.Int()
    progress_total = fields.Int()
    message = fields.Str(metadata={"description": "What it did, or why it failed"})
    created_at = fields.AwareDateTime()
    finished_at = fields.AwareDateTime(allow_none=True)


class CreditLineSchema(Schema):
    line_id = record_id(required=True)
    amount = fields.Nested(MoneySchema, required=True, metadata={"description": "Net amount to credit, before VAT"})


class CreditRequestSchema(Schema):
    reason = TrimmedString(required=True, validate=validate.Length(min=1, max=300))
    lines = fields.List(fields.Nested(CreditLineSchema), validate=validate.Length(min=1, max=500),
                        metadata={"description": "Leave out to credit the whole invoice"})


class PaymentRequestSchema(Schema):
    amount = fields.Nested(MoneySchema, required=True)
    method = fields.Str(required=True, validate=validate.OneOf([method.value for method in PaymentMethod]))
    received_on = CalendarDate(required=True)
    reference = TrimmedString(load_default="", validate=validate.Length(max=200))


class PaymentSchema(Schema):
    id = fields.Int()
    party = fields.Str(attribute="party_key")
    amount = Derived(MoneySchema, lambda payment: money(payment.amount_minor, payment.currency))
    method = fields.Str()
    received_on = fields.Date()
    reference = fields.Str()
    allocations = fields.Function(
        lambda payment: [{"invoice_id": a.invoice_id, "number": a.invoice.number,
                          "amount": money(a.amount_minor, payment.currency)} for a in payment.allocations],
        metadata={"type": "array", "items": {"type": "object"}, "description": "Invoices it settled"},
    )
    credit = Derived(MoneySchema, lambda payment: money(
        payment.amount_minor - sum(a.amount_minor for a in payment.allocations), payment.currency),
        metadata={"description": "What was left over: the party's credit, used by their next invoice"})
