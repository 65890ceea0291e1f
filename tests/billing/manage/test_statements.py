"""Importing a bank statement: new lines stored and matched, the same statement twice records
nothing twice, a bad file records nothing, and confirming records each line's payment once."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from coworking.billing.errors import BillingError
from coworking.billing.models import Payment, StatementImport, StatementLine
from coworking.billing.settings import save_settings
from coworking.billing.statement_csv import StatementRefused
from coworking.billing.statements import (
    confirm_line,
    confirm_suggested,
    ignore_line,
    import_statement,
    restore_line,
)
from coworking.extensions import db
from coworking.transactions import unit_of_work
from tests.memberships.pages import count

TODAY = date(2026, 11, 30)


def statement(*rows: str) -> bytes:
    return ("Date,Amount,Reference\n" + "".join(row + "\n" for row in rows)).encode("utf-8")


def run_import(hub, raw, manager, filename="nov.csv"):
    with unit_of_work():
        return import_statement(hub, raw, filename=filename, by=manager, today=TODAY)


@pytest.fixture
def manager(people):
    return people.manager


def test_lines_are_stored_and_matched_by_number_or_by_amount_and_name(hub, issued, make_member, manager):
    first = issued()  # 100.00 + 20% VAT = 120.00
    zoe = issued(make_member("Zoë Łukasz"), lines=((1, 5000, 2000),))  # 60.00
    result = run_import(hub, statement(f"03/11/2026,50.00,{first.number.lower()}", "04/11/2026,60.00,Z LUKASZ",
                                       "05/11/2026,-20.00,Printer paper", "06/11/2026,15.00,Unknown sender"), manager)
    assert (result.new_lines, result.suggested, result.payments_out, result.known_lines) == (3, 2, 1, 0)
    lines = {line.reference: line for line in result.statement_import.lines}
    assert (lines[first.number.lower()].suggested_invoice_id, lines[first.number.lower()].match_reason) == (first.id, "number")
    assert (lines["Z LUKASZ"].suggested_invoice_id, lines["Z LUKASZ"].match_reason) == (zoe.id, "amount and name")
    assert lines["Unknown sender"].status == "unmatched"
    assert count(Payment) == 0  # nothing recorded until a manager confirms


def test_the_same_statement_twice_records_nothing_twice(hub, issued, manager):
    invoice = issued()
    raw = statement(f"03/11/2026,120.00,{invoice.number}", "04/11/2026,10.00,COFFEE", "04/11/2026,10.00,COFFEE")
    run_import(hub, raw, manager)
    again = run_import(hub, raw, manager)
    assert (again.statement_import, again.new_lines, again.known_lines) == (None, 0, 3)
    assert (count(StatementImport), count(StatementLine)) == (1, 3)
    # An overlapping statement adds only its new line.
    overlap = run_import(hub, raw + b"05/11/2026,99.00,NEW\n", manager, "nov-and-more.csv")
    assert (overlap.new_lines, overlap.known_lines, count(StatementLine)) == (1, 3, 4)


def test_a_bad_file_records_nothing(hub, manager):
    with pytest.raises(StatementRefused):
        run_import(hub, statement("03/11/2026,12.00,Fine", "someday,12.00,Bad date"), manager)
    with pytest.raises(StatementRefused, match="not UTF-8"):
        run_import(hub, "Date,Amount,Reference\n03/11/2026,1.00,Zoë\n".encode("utf-16"), manager)
    assert (count(StatementImport), count(StatementLine)) == (0, 0)


def test_the_hubs_column_mapping_is_used(hub, manager):
    with unit_of_work():
        save_settings(hub, statement_date_column="Posted", statement_amount_column="Credit",
                      statement_reference_column="Details + Payer", statement_date_format="%Y-%m-%d",
                      reminder_days="7", run_day=None, issue_automatically=False, bank_details="")
    result = run_import(hub, b"Posted;Credit;Details;Payer\n2026-11-03;42.00;NOV;Mary Member\n", manager)
    assert [(line.booked_on, line.amount_minor, line.reference) for line in result.statement_import.lines] == [
        (date(2026, 11, 3), 4200, "NOV Mary Member")]


def test_confirming_records_one_payment_per_line(hub, issued, manager):
    invoice = issued()
    result = run_import(hub, statement(f"03/11/2026,50.00,{invoice.number}"), manager)
    line = result.statement_import.lines[0]
    with unit_of_work():
        payment = confirm_line(line, by=manager)
    assert (payment.amount_minor, payment.received_on, payment.statement_line_id) == (5000, date(2026, 11, 3), line.id)
    db.session.refresh(invoice)
    assert (invoice.paid_minor, invoice.outstanding_minor, line.status) == (5000, 7000, "recorded")
    with pytest.raises(BillingError, match="already recorded") as refused:
        with unit_of_work():
            confirm_line(line, by=manager)
    assert refused.value.status == 409 and count(Payment) == 1


def test_a_line_matched_by_hand_pays_the_invoice_chosen(hub, issued, make_member, manager):
    invoice = issued(make_member("Bob Builder"))
    result = run_import(hub, statement("03/11/2026,120.00,BANK GIRO 8812"), manager)
    line = result.statement_import.lines[0]
    with pytest.raises(BillingError, match="Type the number") as refused:
        with unit_of_work():
            confirm_line(line, by=manager)
    assert refused.value.field == "invoice_number"
    with unit_of_work():
        confirm_line(line, by=manager, invoice=invoice)
    db.session.refresh(invoice)
    assert (invoice.outstanding_minor, line.match_reason, line.suggested_invoice_id) == (0, "by hand", invoice.id)


def test_confirm_all_records_every_suggestion_and_leaves_the_rest(hub, issued, make_member, manager):
    one, two = issued(), issued(make_member("Ann Smith"))
    result = run_import(hub, statement(f"03/11/2026,120.00,{one.number}", "03/11/2026,120.00,ANN SMITH",
                                       "03/11/2026,5.00,??"), manager)
    with unit_of_work():
        assert confirm_suggested(result.statement_import, by=manager) == 2
    db.session.rollback()
    assert db.session.scalars(sa.select(Payment.party_key).order_by(Payment.id)).all() == [one.party_key, two.party_key]
    assert sorted(line.status for line in result.statement_import.lines) == ["recorded", "recorded", "unmatched"]


def test_an_ignored_line_cannot_be_confirmed_until_brought_back(hub, issued, manager):
    invoice = issued()
    line = run_import(hub, statement(f"03/11/2026,120.00,{invoice.number}"), manager).statement_import.lines[0]
    with unit_of_work():
        ignore_line(line)
    with pytest.raises(BillingError, match="ignored"):
        with unit_of_work():
            confirm_line(line, by=manager)
    with unit_of_work():
        restore_line(line)
    assert line.status == "suggested"
