"""The invoice PDF, read back with pypdf: what a member or their accountant reads on it.

Pure tests (no database) render an invoice held in memory; the last ones render stored ones."""
from __future__ import annotations

import time
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from coworking.billing.documents import document_view, rate_label
from coworking.billing.models import BillingSettings
from coworking.billing.pdf import invoice_pdf, pdf_filename, render_invoice_pdf
from coworking.extensions import db
from coworking.hubs.models import Hub
from tests.billing.document_fixtures import *  # noqa: F403  (fixtures: make_document)
from tests.billing.document_fixtures import HUB, credit, pdf_fonts, pdf_text, unsaved_invoice

BANK = "Riverside Hub CIC\nSort code 12-34-56, account 12345678"


def rendered(invoice, bank_details: str = BANK) -> str:
    return pdf_text(render_invoice_pdf(document_view(invoice, bank_details=bank_details)))


def test_an_invoice_shows_everything_the_law_and_the_member_need():
    text = rendered(unsaved_invoice())
    for expected in (
        "Riverside Hub", "12 Quay Street", "Leeds LS1 4AP", "VAT number: GB123456789",
        "Billed to", "Mary Member", "3 Mill Lane", "Leeds LS2 9JT",
        "Invoice", "RIV-2026-00042", "Issued on 30 November 2026", "Due on 14 December 2026",
        "Period November 2026",
        "Hot desk membership, November 2026", "Meeting room, 3 hours", "£20.00", "£60.00",
        "Subtotal £360.00", "VAT at 20% on £360.00 £72.00", "Total £432.00",
        "How to pay", "Sort code 12-34-56, account 12345678",
        "Please quote RIV-2026-00042 as the payment reference.",
    ):
        assert expected in text, expected


@pytest.mark.parametrize("name", ["Łódź Spółdzielnia", "Zoë Brontë-Ñúñez", "王芳", "Σοφία Пётр 김민준 さくら"])
def test_any_name_renders(name):
    data = render_invoice_pdf(document_view(unsaved_invoice(billed_name=name, billed_address=f"{name}\n1 Street")))
    assert name in pdf_text(data)


@pytest.mark.parametrize("name", ["Sam 😀", "😀", "王芳 😀"])
def test_a_character_no_font_has_prints_as_a_box_and_the_rest_of_the_name_renders(name):
    data = render_invoice_pdf(document_view(unsaved_invoice(billed_name=name)))
    text = pdf_text(data)
    assert name.replace("😀", "").strip() in text and "RIV-2026-00042" in text


def test_the_cjk_font_is_embedded_only_when_a_name_needs_it():
    latin = render_invoice_pdf(document_view(unsaved_invoice(billed_name="Zoë Łódź")))
    chinese = render_invoice_pdf(document_view(unsaved_invoice(billed_name="王芳")))
    assert not any("Droid" in font for font in pdf_fonts(latin))
    assert any("Droid" in font for font in pdf_fonts(chinese))


def test_vat_is_summed_per_rate_and_rounded_half_up_per_line():
    lines = (("Desk", 1, 1_005, 2000), ("Books", 1, 1_000, 0), ("Heating", 1, 999, 500))
    text = rendered(unsaved_invoice(lines=lines))
    # 20% of £10.05 = £2.01; 5% of £9.99 = 49.95p -> 50p (half up).
    assert "VAT at 20% on £10.05 £2.01" in text
    assert "VAT at 5% on £9.99 £0.50" in text
    assert "VAT at 0% on £10.00 £0.00" in text
    assert "Total £32.55" in text


def test_a_hub_without_a_vat_number_shows_no_vat():
    hub = Hub(**{**HUB, "vat_number": None})
    text = rendered(unsaved_invoice(hub=hub))
    assert "VAT" not in text
    assert "Total £360.00" in text


def test_credit_used_and_the_amount_due_follow_the_total():
    text = rendered(unsaved_invoice(credit_applied_minor=2_500))
    assert "Total £432.00" in text
    assert "Credit used -£25.00" in text
    assert "Amount due £407.00" in text


def test_a_credit_note_names_the_invoice_it_corrects_and_asks_for_nothing():
    invoice = unsaved_invoice()
    credit = unsaved_invoice(kind="credit_note", number="RIV-CN-2026-00003", corrects=invoice, period=None,
                             lines=(("Meeting room, 3 hours (credited)", 3, -2_000, 2000),))
    text = rendered(credit)
    assert "Credit note" in text and "RIV-CN-2026-00003" in text
    assert "Corrects RIV-2026-00042" in text
    assert "-£60.00" in text and "Total -£72.00" in text
    assert "How to pay" not in text and "Due on" not in text


def test_a_draft_says_it_is_not_issued_yet():
    text = rendered(unsaved_invoice(status="draft", number=None, issued_on=None, due_on=None))
    assert "Draft invoice" in text
    assert "not issued yet" in text
    assert "Please quote" not in text


def test_a_long_invoice_runs_over_pages_with_every_line():
    lines = tuple((f"Booking {n}: Meeting room, Monday morning" + (", with the projector and coffee for twelve people"
                                                                     if n % 10 == 0 else ""), 1, 1_500, 2000)
                  for n in range(80))
    data = render_invoice_pdf(document_view(unsaved_invoice(lines=lines)))
    text = pdf_text(data)
    assert all(f"Booking {n}:" in text for n in range(80))
    pages = len(PdfReader(BytesIO(data)).pages)
    assert pages >= 2 and all(f"page {n}/{pages}" in text for n in range(1, pages + 1))
    assert text.count("Description Qty Unit price VAT Amount") == pages  # the header again on each page
    assert "Total £1,440.00" in text


def test_rates_are_written_as_people_write_them():
    assert [rate_label(rate) for rate in (2000, 550, 0, 1250, 5)] == ["20%", "5.5%", "0%", "12.5%", "0.05%"]


def test_rendering_one_invoice_is_quick():
    view = document_view(unsaved_invoice(), bank_details=BANK)
    render_invoice_pdf(view)  # the font's coverage is read once per process
    timings = []
    for _ in range(5):
        started = time.process_time()
        render_invoice_pdf(view)
        timings.append(time.process_time() - started)
    # The budget is 100 ms (bench/invoice_pdf.py measures it); this process's CPU time, since
    # the test machine is shared and its clock waits for a CPU; and some slack.
    assert min(timings) < 0.2


# --- stored invoices ------------------------------------------------------------------------

def test_a_stored_invoice_prints_its_hubs_payment_details(app, make_hub, make_user, make_document):
    hub = make_hub("riverside", "Riverside Hub", address="12 Quay Street", vat_number="GB123456789",
                   invoice_prefix="RIV")
    db.session.add(BillingSettings(hub_id=hub.id, bank_details="IBAN GB33BUKB20201555555555"))
    db.session.commit()
    invoice = make_document(hub, make_user(name="Zoë Łódź"), billed_address="ul. Piotrkowska 1\nŁódź")
    data = invoice_pdf(invoice)
    text = pdf_text(data)
    assert "Zoë Łódź" in text and "ul. Piotrkowska 1" in text and "IBAN GB33BUKB20201555555555" in text
    assert invoice.number == "RIV-2026-00001" and "Number RIV-2026-00001" in text
    assert pdf_filename(invoice) == "RIV-2026-00001.pdf"


def test_a_hub_without_billing_settings_still_prints(app, make_hub, make_user, make_document):
    hub = make_hub(vat_number=None)
    invoice = make_document(hub, make_user(), today=date(2026, 11, 2))
    text = pdf_text(invoice_pdf(invoice))
    assert "Issued on 2 November 2026" in text
    assert "Please quote" in text


def test_a_stored_credit_note_prints_what_it_corrects(app, make_hub, make_user, make_document):
    hub = make_hub("riverside", "Riverside Hub", vat_number="GB123456789", invoice_prefix="RIV")
    invoice = make_document(hub, make_user(name="Mary Member"))
    note = credit(invoice)
    text = pdf_text(invoice_pdf(note))
    assert "Credit note" in text and f"Corrects {invoice.number}" in text
    assert note.number.startswith("RIV-CN-") and note.number in text
    assert "Total -£432.00" in text
