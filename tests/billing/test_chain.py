"""Tamper evidence: every issued document's hash covers its content and the previous
document's hash; ``invoices verify`` recomputes each series and names the first broken link,
exiting 0 only when the chain is whole. Tampering is done with the triggers set aside."""
from __future__ import annotations

from datetime import date

import pytest

from coworking.billing.chain import canonical_content, verify_chain
from coworking.billing.credit_notes import credit_invoice
from coworking.transactions import unit_of_work
from tests.billing.documents import TODAY, issue, make_draft, tamper


@pytest.fixture
def hub(make_hub):
    return make_hub("riverside", invoice_prefix="RIV", vat_number="GB1")


@pytest.fixture
def invoices(hub, make_user):
    documents = [issue(make_draft(hub, make_user(name=f"Member {i}"))) for i in range(3)]
    with unit_of_work():
        credit_invoice(documents[0], reason="Billed in error", today=TODAY)
    return documents


def test_a_whole_chain_verifies(hub, invoices, runner):
    report = verify_chain(hub)

    assert report.ok and report.checked == {"invoice": 3, "credit_note": 1}
    result = runner.invoke(args=["invoices", "verify", "--hub", "riverside"])
    assert result.exit_code == 0 and "is whole" in result.output


def test_the_canonical_content_covers_lines_and_the_previous_hash(invoices):
    content = canonical_content(invoices[1])

    assert '"previous_hash":"' + invoices[0].content_hash + '"' in content
    assert '"description":"Item 1"' in content and '"total_minor":12000' in content


@pytest.mark.parametrize("statement, reason", [
    ("UPDATE invoice_lines SET description = 'Nothing' WHERE invoice_id = :id", "content does not match"),
    ("UPDATE invoices SET total_minor = 1 WHERE id = :id", "content does not match"),
    ("UPDATE invoices SET due_on = '2027-06-01' WHERE id = :id", "content does not match"),
    ("UPDATE invoices SET content_hash = 'f00d' WHERE id = :id", "content does not match"),
])
def test_a_changed_document_is_named(hub, invoices, runner, statement, reason):
    tamper(statement, id=invoices[1].id)

    report = verify_chain(hub)

    assert not report.ok and report.broken.number == "RIV-2026-00002" and reason in report.broken.reason
    result = runner.invoke(args=["invoices", "verify", "--hub", "riverside"])
    assert result.exit_code == 1 and "RIV-2026-00002" in result.output


def test_a_document_rehashed_after_its_change_breaks_the_next_link(hub, invoices):
    from coworking.billing.chain import content_hash
    from coworking.extensions import db

    tamper("UPDATE invoices SET billed_name = 'Someone Else' WHERE id = :id", id=invoices[1].id)
    forged = content_hash(db.session.get(type(invoices[1]), invoices[1].id))
    tamper("UPDATE invoices SET content_hash = :hash WHERE id = :id", hash=forged, id=invoices[1].id)

    report = verify_chain(hub)

    assert report.broken.number == "RIV-2026-00003" and "previous hash" in report.broken.reason


def delete_document(invoice_id: int) -> None:
    tamper("DELETE FROM invoice_lines WHERE invoice_id = :id", id=invoice_id)
    tamper("DELETE FROM invoices WHERE id = :id", id=invoice_id)


def test_a_document_deleted_from_the_middle_is_found(hub, invoices):
    delete_document(invoices[1].id)

    report = verify_chain(hub)

    assert report.broken.number == "RIV-2026-00003" and "expected number 2" in report.broken.reason


def test_the_last_document_deleted_is_found_by_the_series_head(hub, invoices):
    delete_document(invoices[2].id)

    report = verify_chain(hub)

    assert report.broken.number == "RIV-2026-00002" and "missing or changed" in report.broken.reason


def test_a_credit_note_tampered_with_is_named(hub, invoices):
    tamper("UPDATE invoices SET reason = 'Changed' WHERE kind = 'credit_note'")

    report = verify_chain(hub)

    assert report.broken.kind == "credit_note" and report.broken.number == "RIV-CN-2026-00001"


def test_verify_of_an_unknown_hub_is_a_usage_error(app, runner):
    result = runner.invoke(args=["invoices", "verify", "--hub", "nowhere"])
    assert result.exit_code == 2 and "no hub" in result.output


def test_an_empty_hub_verifies(hub, runner):
    assert verify_chain(hub).ok
    assert runner.invoke(args=["invoices", "verify", "--hub", "riverside"]).exit_code == 0


def test_issue_of_a_new_year_continues_the_chain(hub, invoices, people):
    issue(make_draft(hub, people.member, period="2026-12"), today=date(2027, 1, 4))
    assert verify_chain(hub).checked["invoice"] == 4 and verify_chain(hub).ok
