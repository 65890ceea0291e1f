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
    """make_document(hub, party_user=None, organisation=None, lines=LINES, issued=True,
    number=None, **columns) -> a stored invoice; ``kind="credit_note"`` and ``corrects=`` for a
    credit note (lines negative)."""
    counter = iter(range(1, 10_000))

    def make(hub: Hub, member=None, *, organisation=None, lines=LINES, issued: bool = True,
             number: str | None = None, **columns) -> Invoice:
        sequence = next(counter)
        party = f"organisation:{organisation.id}" if organisation is not None else f"member:{member.id}"
        invoice = Invoice(
            hub_id=hub.id, kind=columns.pop("kind", "invoice"), status="draft", period=columns.pop("period", "2026-11"),
            member_id=member.id if member is not None and organisation is None else None,
            organisation_id=organisation.id if organisation is not None else None, party_key=party,
            billed_name=organisation.name if organisation is not None else member.name,
            billed_address=columns.pop("billed_address", ""), currency=hub.currency,
            billed_email=organisation.billing_email if organisation is not None else member.email,
        )
        corrects = columns.pop("corrects", None)
        if corrects is not None:
            invoice.corrects_id = corrects.id
            invoice.period = None
        db.session.add(invoice)
        db.session.flush()
        invoice.lines = build_lines(hub.id, lines, charges_vat=bool(hub.vat_number))
        recompute_totals(invoice)
        db.session.flush()
        if issued:
            prefix = f"{hub.invoice_prefix}-CN" if invoice.kind == "credit_note" else hub.invoice_prefix
            invoice.status = "issued"
            invoice.number = number or f"{prefix}-2026-{sequence:05d}"
            invoice.sequence_year, invoice.sequence_number = 2026, sequence
            invoice.issued_on = columns.pop("issued_on", date(2026, 11, 30))
            invoice.due_on = columns.pop("due_on", date(2026, 12, 14))
            invoice.content_hash = f"{sequence:064x}"
        for name, value in columns.items():
            setattr(invoice, name, value)
        db.session.commit()
        return invoice

    return make
