"""A draft reviewed from its page (lines added, edited, removed; the draft deleted) and an issued
invoice corrected by a credit note, whole or per line, with bad input refused beside the field
and nothing changed."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from coworking.billing.models import Invoice, LineExclusion
from coworking.extensions import db
from tests.billing.documents import make_draft
from tests.billing.manage.conftest import login
from tests.conftest import post_form
from tests.memberships.pages import count, text_of


@pytest.fixture
def manager(client, people):
    return login(client, people.manager)


def fresh(invoice_id: int) -> Invoice:
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(Invoice, invoice_id)


LINE = {"description": "Locker, November", "quantity": "2", "unit_price": "7.50", "vat_rate": "20"}


def test_lines_are_added_edited_and_removed_with_totals_following(client, hub, people, manager):
    draft = make_draft(hub, people.member)  # 100.00 + 20.00 VAT
    assert post_form(client, f"/hubs/here/billing/invoices/{draft.id}/lines/new", LINE).status_code == 302
    invoice = fresh(draft.id)
    assert (invoice.subtotal_minor, invoice.vat_minor, invoice.total_minor) == (11500, 2300, 13800)
    added = invoice.lines[-1]
    edit = f"/hubs/here/billing/invoices/{draft.id}/lines/{added.id}/edit"
    assert 'value="7.50"' in client.get(edit).get_data(as_text=True)
    assert post_form(client, edit, {**LINE, "quantity": "1"}).status_code == 302
    assert fresh(draft.id).total_minor == 12000 + 900
    billed = fresh(draft.id).lines[0]
    billed_id, billed_key = billed.id, billed.source_key
    assert post_form(client, f"/hubs/here/billing/invoices/{draft.id}/lines/{billed_id}/remove").status_code == 302
    invoice = fresh(draft.id)
    assert [line.description for line in invoice.lines] == ["Locker, November"] and invoice.total_minor == 900
    # The billed item removed stays out of later runs.
    assert db.session.scalar(sa.select(LineExclusion.source_key)) == billed_key


@pytest.mark.parametrize("change,field,message", [
    ({"description": ""}, "description", "Describe what is billed"),
    ({"quantity": "0"}, "quantity", "From 1 to 10,000"),
    ({"quantity": "many"}, "quantity", "Not a valid integer"),
    ({"unit_price": "12.345"}, "unit_price", "at most 2 decimal places"),
    ({"unit_price": "99999999999"}, "unit_price", "at most 10,000,000.00"),
    ({"vat_rate": "120"}, "vat_rate", "between 0 and 100%"),
    ({"vat_rate": "twenty"}, "vat_rate", "Enter a percentage"),
])
def test_a_bad_line_is_refused_beside_its_field(client, hub, people, manager, change, field, message):
    draft = make_draft(hub, people.member)
    response = post_form(client, f"/hubs/here/billing/invoices/{draft.id}/lines/new", {**LINE, **change})
    assert response.status_code in (400, 422)
    assert re.search(rf'id="{field}-error">[^<]*{message}', response.get_data(as_text=True)), text_of(response)
    assert len(fresh(draft.id).lines) == 1


def test_a_draft_is_deleted_from_its_page(client, hub, people, manager):
    draft = make_draft(hub, people.member)
    response = post_form(client, f"/hubs/here/billing/invoices/{draft.id}/delete")
    assert response.status_code == 302 and count(Invoice) == 0


def test_another_hubs_invoice_is_not_found(client, hub, people, manager, make_hub):
    there = make_hub("there")
    theirs = make_draft(there, people.member)
    assert client.get(f"/hubs/here/billing/invoices/{theirs.id}").status_code == 404
    assert post_form(client, f"/hubs/here/billing/invoices/{theirs.id}/delete").status_code == 404
    assert count(Invoice) == 1


def test_a_whole_credit_note_voids_the_invoice(client, hub, people, manager, issued):
    invoice = issued(people.member)
    response = post_form(client, f"/hubs/here/billing/invoices/{invoice.id}/credit",
                         {"scope": "whole", "reason": "Billed twice"})
    assert response.status_code == 302
    page = text_of(client.get(f"/hubs/here/billing/invoices/{invoice.id}"))
    assert "Void" in page and "Credit notes" in page and "RIV-CN-" in page
    note = db.session.scalar(sa.select(Invoice).where(Invoice.kind == "credit_note"))
    note_page = text_of(client.get(f"/hubs/here/billing/invoices/{note.id}"))
    assert "Credit note RIV-CN-" in note_page and "Billed twice" in note_page and "£-120.00" in note_page.replace("-£", "£-")


def test_part_of_a_line_is_credited(client, hub, people, manager, issued):
    invoice = issued(people.member, lines=((1, 10000, 2000), (1, 5000, 2000)))
    first = invoice.lines[0]
    response = post_form(client, f"/hubs/here/billing/invoices/{invoice.id}/credit",
                         {"scope": "lines", f"line_{first.id}": "40.00", "reason": "Closed a week"})
    assert response.status_code == 302
    stored = fresh(invoice.id)
    assert stored.credited_minor == 4800 and stored.outstanding_minor == 18000 - 4800


@pytest.mark.parametrize("form,field,message", [
    ({"scope": "lines"}, "scope", "beside at least one line"),
    ({"scope": "whole", "reason": ""}, "reason", "Say why"),
    ({"scope": "lines", "line": "150.00"}, "line", "remains"),
    ({"scope": "lines", "line": "abc"}, "line", "Enter an amount"),
])
def test_a_bad_credit_note_is_refused_beside_its_field(client, hub, people, manager, issued, form, field, message):
    invoice = issued(people.member)
    line_field = f"line_{invoice.lines[0].id}"
    data = {"reason": "Correction", **{(line_field if key == "line" else key): value for key, value in form.items()}}
    response = post_form(client, f"/hubs/here/billing/invoices/{invoice.id}/credit", data)
    assert response.status_code in (400, 422)
    field_id = line_field if field == "line" else field
    assert re.search(rf'id="{field_id}-error">[^<]*{message}', response.get_data(as_text=True)) or \
        (message in text_of(response)), text_of(response)
    assert count(Invoice, Invoice.kind == "credit_note") == 0


def test_a_draft_cannot_be_credited(client, hub, people, manager):
    draft = make_draft(hub, people.member)
    assert client.get(f"/hubs/here/billing/invoices/{draft.id}/credit").status_code == 409
