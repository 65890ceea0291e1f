"""A member's invoices pages: their own issued invoices and credit notes, never anyone else's,
never a draft; their balance at each hub; each document's page and PDF."""
from __future__ import annotations

import pytest

from coworking.extensions import db
from coworking.memberships.plans import save_organisation
from tests.billing.document_fixtures import *  # noqa: F403  (fixtures: hub, make_document)
from tests.billing.document_fixtures import credit, pay, pdf_text


@pytest.fixture
def mary(people):
    return people.member


@pytest.fixture
def someone_else(make_user):
    return make_user(email="sam@example.org", name="Sam Someone")


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_a_member_sees_their_invoices_and_credit_notes_and_nothing_else(client, auth, hub, mary, someone_else,
                                                                     make_document):
    mine = make_document(hub, mary)
    note = credit(make_document(hub, mary))
    theirs = make_document(hub, someone_else)
    draft = make_document(hub, mary, issued=False, period="2026-12")
    auth.login(mary)
    text = page_of(client, "/invoices")
    assert mine.number in text and note.number in text and "(credit note)" in text
    assert theirs.number not in text
    assert f"/invoices/{draft.id}" not in text


def test_the_balance_says_what_is_owed_and_what_credit_waits(client, auth, hub, mary, make_document):
    first = make_document(hub, mary)  # £432.00
    pay(first, 50_000)  # £68.00 too much: credit
    auth.login(mary)
    assert "Riverside Hub</strong>:" in page_of(client, "/invoices")
    assert "you have £68.00 of credit" in page_of(client, "/invoices")
    make_document(hub, mary)  # uses the credit: £432.00 - £68.00 owed
    text = page_of(client, "/invoices")
    assert "you owe £364.00" in text
    assert "credit, used" not in text


def test_an_invoice_page_shows_its_lines_payments_and_credit_notes(client, auth, hub, mary, make_document):
    invoice = make_document(hub, mary, billed_address="3 Mill Lane\nLeeds")
    pay(invoice, 10_000)
    room_line = invoice.lines[1]
    note = credit(invoice, {room_line.id: 2_000})
    auth.login(mary)
    text = page_of(client, f"/invoices/{invoice.id}")
    for expected in (f"Invoice {invoice.number}", "Riverside Hub", "VAT number GB123456789", "3 Mill Lane, Leeds",
                     "Hot desk membership, November 2026", "Meeting room, 3 hours", "VAT at 20% on £360.00",
                     "£432.00", "02 December 2026: £100.00 by bank transfer", note.number,
                     "Please quote", "part paid"):
        assert expected in text, expected
    note_page = page_of(client, f"/invoices/{note.id}")
    assert f"Credit note {note.number}" in note_page
    assert f'href="/invoices/{invoice.id}"' in note_page and "-£24.00" in note_page


def test_a_fully_credited_invoice_shows_as_void_and_asks_for_nothing(client, auth, hub, mary, make_document):
    invoice = make_document(hub, mary)
    credit(invoice)
    auth.login(mary)
    text = page_of(client, f"/invoices/{invoice.id}")
    assert "<dd>void</dd>" in text
    assert "How to pay" not in text


def test_the_pdf_downloads_as_the_numbered_file(client, auth, hub, mary, make_document):
    invoice = make_document(hub, mary)
    auth.login(mary)
    response = client.get(f"/invoices/{invoice.id}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f'filename="{invoice.number}.pdf"' in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    assert invoice.number in pdf_text(response.data) and "Mary Member" in pdf_text(response.data)


@pytest.mark.parametrize("suffix", ["", ".pdf"])
def test_another_members_invoice_is_not_found(client, auth, hub, mary, someone_else, make_document, suffix):
    theirs = make_document(hub, someone_else)
    auth.login(mary)
    assert client.get(f"/invoices/{theirs.id}{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["", ".pdf"])
def test_a_draft_is_not_shown_to_its_member(client, auth, hub, mary, make_document, suffix):
    draft = make_document(hub, mary, issued=False)
    auth.login(mary)
    assert client.get(f"/invoices/{draft.id}{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["", ".pdf"])
def test_the_hubs_manager_reads_invoices_on_their_own_pages_not_here(client, auth, hub, mary, people,
                                                                      make_document, suffix):
    invoice = make_document(hub, mary)
    auth.login(people.manager)
    assert client.get(f"/invoices/{invoice.id}{suffix}").status_code == 404


def test_an_organisations_invoice_is_not_on_its_members_pages(client, auth, hub, mary, people, make_document):
    organisation = save_organisation(hub, by=people.manager, name="Bakery Co-op", billing_email="coop@example.org")
    db.session.commit()
    invoice = make_document(hub, organisation=organisation)
    auth.login(mary)
    assert invoice.number not in page_of(client, "/invoices")
    assert client.get(f"/invoices/{invoice.id}").status_code == 404


def test_visitors_are_asked_to_log_in(client, hub, mary, make_document):
    invoice = make_document(hub, mary)
    for url in ("/invoices", f"/invoices/{invoice.id}", f"/invoices/{invoice.id}.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_a_long_history_is_paged(client, auth, hub, mary, make_document):
    invoices = [make_document(hub, mary, lines=(("Desk day", 1, 1_500, 2000),)) for _ in range(27)]
    auth.login(mary)
    first = page_of(client, "/invoices")
    assert "Page 1 of 2" in first and invoices[-1].number in first and invoices[0].number not in first
    second = page_of(client, "/invoices?page=2")
    assert invoices[0].number in second and invoices[-1].number not in second


def test_my_membership_and_the_menu_lead_to_the_invoices(client, auth, mary):
    auth.login(mary)
    assert 'href="/invoices"' in page_of(client, "/memberships")
