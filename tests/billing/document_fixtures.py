"""Invoices for the tests of what members, the PDF and the API show: ``unsaved_invoice`` (no
database, for the pure PDF tests) and ``make_document`` (stored, issued as the issuing service
leaves one: a draft with lines, then numbered, dated and frozen in one UPDATE), plus
``pdf_text`` to read a PDF back the way a person's viewer would."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from coworking import models  # noqa: F401  (every model mapped, for invoices built without an app)
from coworking.billing.models import Invoice, InvoiceLine
from coworking.billing.totals import price_line, recompute_totals
from coworking.extensions import db
from coworking.hubs.models import Hub

HUB = {"name": "Riverside Hub", "slug": "riverside", "address": "12 Quay Street\nLeeds LS1 4AP",
       "vat_number": "GB123456789", "currency": "GBP", "invoice_prefix": "RIV", "timezone": "Europe/London"}
LINES = (("Hot desk membership, November 2026", 1, 30_000, 2000), ("Meeting room, 3 hours", 3, 2_000, 2000))


def pdf_text(data: bytes) -> str:
    """Every page's text, in reading order, as one string."""
    assert data.startswith(b"%PDF-")
    reader = PdfReader(BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_fonts(data: bytes) -> set[str]:
    """The base names of the fonts the PDF embeds."""
    reader = PdfReader(BytesIO(data))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def build_lines(hub_id: int | None, lines, *, charges_vat: bool) -> list[InvoiceLine]:
    built = []
    for position, (description, quantity, unit_price_minor, vat_rate_bp) in enumerate(lines):
        line = InvoiceLine(hub_id=hub_id, position=position, description=description, quantity=quantity,
                           unit_price_minor=unit_price_minor, vat_rate_bp=vat_rate_bp)
        price_line(line, charges_vat=charges_vat)
        built.append(line)
    return built


def unsaved_invoice(hub: Hub | None = None, lines=LINES, **columns) -> Invoice:
    """An issued invoice held in memory only (for pure rendering tests)."""
    hub = hub or Hub(**HUB)
    invoice = Invoice(hub=hub, kind="invoice", status="issued", period="2026-11", party_key="member:1",
                      billed_name="Mary Member", billed_address="3 Mill Lane\nLeeds LS2 9JT",
                      billed_email="mary@example.org", currency=hub.currency, number="RIV-2026-00042",
                      issued_on=date(2026, 11, 30), due_on=date(2026, 12, 14), credit_applied_minor=0)
    for name, value in columns.items():
        setattr(invoice, name, value)
    invoice.lines = build_lines(None, lines, charges_vat=bool(hub.vat_number))
    recompute_totals(invoice)
    return invoice


@pytest.fixture
def make_document():
    """make_document(hub, member, *, organisation=None, lines=LINES, issued=True, today=...) ->
    an invoice as a run leaves it (a draft with lines), issued by the issuing service unless
    ``issued=False``; ``credit(invoice, amounts=None)`` issues a credit note for it."""
    from coworking.billing.issuing import issue_invoice

    counter = iter(range(1, 10_000))

    def make(hub: Hub, member=None, *, organisation=None, lines=LINES, issued: bool = True,
             today: date = date(2026, 11, 30), period: str = "2026-11", billed_address: str = "") -> Invoice:
        sequence = next(counter)
        party = f"organisation:{organisation.id}" if organisation is not None else f"member:{member.id}"
        invoice = Invoice(
            hub_id=hub.id, kind="invoice", status="draft", period=period,
            member_id=member.id if organisation is None else None,
            organisation_id=organisation.id if organisation is not None else None, party_key=party,
            billed_name=organisation.name if organisation is not None else member.name,
            billed_email=organisation.billing_email if organisation is not None else member.email,
            billed_address=billed_address, currency=hub.currency,
        )
        invoice.lines = build_lines(hub.id, lines, charges_vat=bool(hub.vat_number))
        for position, line in enumerate(invoice.lines):
            line.source_key = f"test:{party}:{period}:{sequence}:{position}"
        recompute_totals(invoice)
        db.session.add(invoice)
        db.session.flush()
        if issued:
            invoice = issue_invoice(invoice, today=today)
        db.session.commit()
        return invoice

    return make


def credit(invoice: Invoice, amounts: dict[int, int] | None = None, *, today: date = date(2026, 12, 1)) -> Invoice:
    """A credit note for the invoice (whole, or net amounts per line id), committed."""
    from coworking.billing.credit_notes import credit_invoice

    note = credit_invoice(invoice, amounts=amounts, reason="Room closed for repairs", today=today)
    db.session.commit()
    return note


def pay(invoice: Invoice, amount_minor: int, *, received_on: date = date(2026, 12, 2)):
    """A bank transfer recorded against the invoice, committed."""
    from coworking.billing.payments import record_payment

    payment = record_payment(invoice.hub, amount_minor=amount_minor, method="bank_transfer", received_on=received_on,
                             reference=invoice.number or "", invoice=invoice, today=date(2026, 12, 31))
    db.session.commit()
    return payment


@pytest.fixture
def hub(make_hub):
    """Riverside Hub: VAT-registered, in London, numbering its invoices RIV-."""
    return make_hub("riverside", "Riverside Hub", address="12 Quay Street\nLeeds LS1 4AP", vat_number="GB123456789",
                    invoice_prefix="RIV", timezone="Europe/London", currency="GBP")
