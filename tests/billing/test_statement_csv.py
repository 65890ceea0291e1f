"""Reading a bank statement CSV: money in kept with a fingerprint, money out left aside, and a
file that cannot be read refused whole with its problems named (pure: no database)."""
from __future__ import annotations

from datetime import date

import pytest

from coworking.billing.statement_csv import (
    MAX_BYTES,
    MAX_ROWS,
    StatementColumns,
    StatementRefused,
    parse_statement,
)
from coworking.billing.statement_matching import BY_AMOUNT_AND_NAME, BY_NUMBER, InvoiceIndex, name_words

COLUMNS = StatementColumns("Date", "Amount", "Reference", "%d/%m/%Y")
TODAY = date(2026, 11, 30)


def parse(text: str | bytes, columns: StatementColumns = COLUMNS):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_statement(raw, columns, "GBP", today=TODAY)


def test_money_in_is_kept_and_money_out_left_aside():
    parsed = parse("Date,Amount,Reference\n03/11/2026,120.00,RIV-2026-00042\n04/11/2026,-35.10,Electricity\n"
                   "05/11/2026,\"1,200.50\",Z MÜLLER\n")
    assert [(line.booked_on, line.amount_minor, line.reference) for line in parsed.lines] == [
        (date(2026, 11, 3), 12000, "RIV-2026-00042"), (date(2026, 11, 5), 120050, "Z MÜLLER")]
    assert parsed.payments_out == 1


def test_a_byte_order_mark_semicolons_and_header_case_are_read():
    parsed = parse("\ufeffdate;AMOUNT;reference\n03/11/2026;12.50;Łódź hub\n")
    assert parsed.lines[0].amount_minor == 1250 and parsed.lines[0].reference == "Łódź hub"


def test_several_columns_make_the_reference():
    columns = StatementColumns("Date", "Amount", "Reference + Description", "%Y-%m-%d")
    parsed = parse("Date,Amount,Reference,Description\n2026-11-03,10,ABC,Zoë Smith\n", columns)
    assert parsed.lines[0].reference == "ABC Zoë Smith"


def test_identical_payments_stay_two_and_a_second_reading_gives_the_same_fingerprints():
    text = "Date,Amount,Reference\n03/11/2026,10.00,COFFEE\n03/11/2026,10.00,coffee\n"
    first, second = parse(text), parse(text)
    assert len({line.fingerprint for line in first.lines}) == 2
    assert [line.fingerprint for line in first.lines] == [line.fingerprint for line in second.lines]


def test_another_encoding_is_refused_with_how_to_fix_it():
    with pytest.raises(StatementRefused, match="not UTF-8.*CSV UTF-8"):
        parse("Date,Amount,Reference\n03/11/2026,10.00,Zoë\n".encode("latin-1"))


@pytest.mark.parametrize("text,problem", [
    ("Date,Amount,Reference\n31/13/2026,10.00,X\n", 'Line 2: the date "31/13/2026" is not written like 31/12/2026'),
    ("Date,Amount,Reference\n03/11/2026,ten,X\n", 'Line 2: the amount "ten" is not a number'),
    ("Date,Amount,Reference\n03/11/2026,\"12,50\",X\n", 'Line 2: the amount "12,50" is not a number'),
    ("Date,Amount,Reference\n03/11/2026,1.005,X\n", "at most 2 decimal places"),
    ("Date,Amount,Reference\n03/11/2026\n", "Line 2: it has 1 cells where 3 were expected"),
    ("Date,Amount,Reference\n03/12/2026,10,X\n", "is in the future"),
    ("Date,Amount,Reference\n03/11/2026,99999999999,X\n", "larger than any payment"),
])
def test_a_bad_row_refuses_the_whole_file_naming_it(text, problem):
    with pytest.raises(StatementRefused) as refused:
        parse(text + "04/11/2026,5.00,Fine line\n")
    assert "nothing was recorded" in refused.value.message
    assert any(problem in line for line in refused.value.problems), refused.value.problems


def test_many_problems_are_summed_up():
    text = "Date,Amount,Reference\n" + "bad,1,X\n" * 25
    with pytest.raises(StatementRefused) as refused:
        parse(text)
    assert refused.value.message.startswith("25 lines")
    assert refused.value.problems[-1] == "... and 15 more."


@pytest.mark.parametrize("raw,message", [
    (b"", "empty"),
    (b"Date,Amount,Reference\n", "no lines"),
    (b"Date,Value,Memo\n03/11/2026,1,X\n", "no column 'Amount', 'Reference'"),
    (b"%PDF-1.4\x00\x01binary", "not a CSV file"),
    (b'Date,Amount,Reference\n03/11/2026,1,"unclosed\n', "not valid CSV"),
])
def test_unreadable_files_are_refused(raw, message):
    with pytest.raises(StatementRefused, match=message):
        parse(raw)


def test_huge_files_are_refused():
    with pytest.raises(StatementRefused, match="at most 1,000 KB"):
        parse(b"Date,Amount,Reference\n" + b"03/11/2026,1.00,X\n" * (MAX_BYTES // 18 + 1))
    with pytest.raises(StatementRefused, match="more than 5,000 lines"):
        parse("Date,Amount,Reference\n" + "03/11/2026,1.00,X\n" * (MAX_ROWS + 1))


class Owed:
    def __init__(self, id_, number, outstanding_minor, billed_name):
        self.id, self.number, self.outstanding_minor, self.billed_name = id_, number, outstanding_minor, billed_name


INVOICES = [Owed(1, "RIV-2026-00042", 12000, "Mary Member"), Owed(2, "RIV-2026-00043", 5000, "Zoë Łukasz"),
            Owed(3, "RIV-2026-00044", 5000, "Bakery Co-op Ltd"), Owed(4, "RIV-2026-00045", 7000, "Ann Smith"),
            Owed(5, "RIV-2026-00046", 7000, "Bob Smith")]


@pytest.mark.parametrize("amount,reference,expected", [
    (12000, "RIV-2026-00042", (1, BY_NUMBER)),
    (100, "payment riv 2026 42 thanks", (1, BY_NUMBER)),  # any amount: a partial payment
    (100, "RIV202600043", (2, BY_NUMBER)),
    (5000, "ZOE LUKASZ NOV", (2, BY_AMOUNT_AND_NAME)),
    (5000, "BAKERY", (3, BY_AMOUNT_AND_NAME)),
    (5000, "LTD", None),  # a common word says nothing
    (5001, "ZOE LUKASZ", None),  # the name without the amount
    (7000, "SMITH", None),  # two Smiths owe 70.00: the manager chooses
    (7000, "A SMITH ANN", (4, BY_AMOUNT_AND_NAME)),
    (100, "RIV-2026-00042 RIV-2026-00043", None),  # two numbers: which?
    (100, "RIV-CN-2026-00042", None),  # a credit note's number is no invoice's
])
def test_lines_are_matched_by_number_or_by_amount_and_name(amount, reference, expected):
    match = InvoiceIndex("RIV", INVOICES).match(amount, reference)
    assert (match and (match.invoice_id, match.reason)) == expected


def test_name_words_ignore_accents_case_and_short_words():
    assert name_words("Zoë de Łódź-Smith") == {"zoe", "lodz", "smith"}
