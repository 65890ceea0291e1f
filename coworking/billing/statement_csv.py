"""Reading a bank statement CSV: a pure function from the uploaded bytes and the hub's column
mapping to the money that came in, or a refusal that says every problem found.

The file is all or nothing: one bad row (a date not in the hub's format, an amount that is not
a number) refuses the whole file with the rows named, so a half-read statement never records
half its payments. Rules:

- UTF-8, with or without a byte-order mark (what banks and spreadsheets' "CSV UTF-8" write);
  any other encoding is refused with how to save it again, never guessed (a wrong guess would
  turn "Zoë" into "ZoÃ«" and the name would no longer match);
- at most ``MAX_BYTES`` and ``MAX_ROWS`` rows;
- commas, semicolons or tabs between cells (read from the header line);
- only money in (a positive amount) is kept; payments out are counted and left aside;
- each line gets a fingerprint: SHA-256 of its date, amount, reference and its occurrence among
  identical lines of the file, so the same statement imported twice (or two overlapping
  statements) records each line once, and two genuinely identical payments on one day stay two.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date

from coworking.billing.errors import BillingError
from coworking.billing.settings import example_date, parse_statement_date
from coworking.money import MoneyError, parse_money

# Below the app's 1 MiB request cap (MAX_CONTENT_LENGTH), so this message is the one seen.
MAX_BYTES = 1_000_000
MAX_ROWS = 5_000
PROBLEMS_SHOWN = 10
# "1234.56", "1,234.56", "-12.50", "+12.50": a dot for decimals; a comma only between thousands.
AMOUNT = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|[+-]?\.\d+")
SEPARATORS = ",;\t"
SAVE_AS_UTF8 = ("Save it again as \"CSV UTF-8\" (in a spreadsheet: Save as, CSV UTF-8) or pick UTF-8 in your "
                "bank's export, and upload it again.")
# Beyond this (10,000,000.00 in a two-decimal currency) a line is a misread, not a payment.
MAX_AMOUNT_MINOR = 1_000_000_000


@dataclass(frozen=True)
class StatementColumns:
    """Where a hub's bank writes each thing: header names, and the date format."""

    date: str
    amount: str
    reference: str  # one column, or several joined by "+" ("Reference + Description")
    date_format: str

    @classmethod
    def of(cls, settings) -> StatementColumns:
        return cls(settings.statement_date_column, settings.statement_amount_column,
                   settings.statement_reference_column, settings.statement_date_format)

    @property
    def reference_columns(self) -> list[str]:
        return [name.strip() for name in self.reference.split("+") if name.strip()]


@dataclass(frozen=True)
class ParsedLine:
    row: int  # the line of the file (the header is line 1)
    booked_on: date
    amount_minor: int
    reference: str
    fingerprint: str


@dataclass
class ParsedStatement:
    lines: list[ParsedLine] = field(default_factory=list)
    payments_out: int = 0  # rows with money going out (or zero), left aside


class StatementRefused(BillingError):
    """The file cannot be read as a statement; ``problems`` lists what is wrong, row by row."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message, "file", problems=problems or [])
        self.problems = problems or []


def parse_statement(raw: bytes, columns: StatementColumns, currency: str, *, today: date) -> ParsedStatement:
    """The money in of a statement file; raises StatementRefused naming every problem."""
    text = _decoded(raw)
    rows = _rows(text)
    header = [name.strip() for name in next(rows, [])]
    indexes = _column_indexes(header, columns)
    parsed, problems = ParsedStatement(), []
    seen: dict[tuple, int] = {}
    for row_number, cells in rows:
        if row_number > MAX_ROWS + 1:
            raise StatementRefused(f"The file has more than {MAX_ROWS:,} lines. Split it into smaller "
                                   "statements (a month at a time, say) and upload each.")
        if not any(cell.strip() for cell in cells):
            continue
        try:
            booked_on, amount_minor, reference = _read_row(cells, indexes, columns, currency, today)
        except ValueError as problem:
            problems.append(f"Line {row_number}: {problem}")
            continue
        if amount_minor <= 0:
            parsed.payments_out += 1
            continue
        identity = (booked_on, amount_minor, reference.casefold())
        occurrence = seen.get(identity, 0)
        seen[identity] = occurrence + 1
        parsed.lines.append(ParsedLine(row_number, booked_on, amount_minor, reference,
                                       fingerprint(booked_on, amount_minor, reference, occurrence)))
    if problems:
        shown = problems[:PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        raise StatementRefused(
            f"{len(problems)} line{'s' if len(problems) != 1 else ''} of the file could not be read, so nothing "
            "was recorded. Correct them (or check the columns and date format in the billing settings) and "
            "upload the file again.", shown + ([f"... and {more} more."] if more else []))
    if not parsed.lines and not parsed.payments_out:
        raise StatementRefused("The file has a header but no lines.")
    return parsed


def fingerprint(booked_on: date, amount_minor: int, reference: str, occurrence: int) -> str:
    identity = f"{booked_on.isoformat()}|{amount_minor}|{' '.join(reference.casefold().split())}|{occurrence}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def file_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _decoded(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise StatementRefused(f"The file is {len(raw) // 1000:,} KB; a statement may be at most "
                               f"{MAX_BYTES // 1000:,} KB. Export a shorter period and upload each part.")
    if not raw.strip():
        raise StatementRefused("The file is empty.")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise StatementRefused(f"The file is UTF-16 text, not UTF-8. {SAVE_AS_UTF8}")
    if b"\x00" in raw:
        raise StatementRefused("This is not a CSV file (it holds binary data). Export the statement as CSV.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise StatementRefused(f"The file is not UTF-8 text (byte {error.start + 1} is not). {SAVE_AS_UTF8}") from error


def _rows(text: str):
    """(line number, cells) of each row after the header; the header comes first as cells."""
    first_line = text.split("\n", 1)[0]
    separator = max(SEPARATORS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return
        yield header
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as error:
        raise StatementRefused(f"Line {reader.line_num}: the file is not valid CSV ({error}).") from error


def _column_indexes(header: list[str], columns: StatementColumns) -> dict[str, list[int]]:
    folded = [name.casefold() for name in header]
    missing = []
    indexes: dict[str, list[int]] = {}
    for key, names in (("date", [columns.date]), ("amount", [columns.amount]), ("reference", columns.reference_columns)):
        indexes[key] = []
        for name in names:
            if name.casefold() in folded:
                indexes[key].append(folded.index(name.casefold()))
            else:
                missing.append(name)
    if missing:
        has = ", ".join(f'"{name}"' for name in header if name) or "none"
        raise StatementRefused(
            f"The file's first line has no column {', '.join(repr(name) for name in missing)} (its columns: {has}). "
            "Check that this is the statement CSV, or change the column names in the billing settings.")
    return indexes


def _read_row(cells: list[str], indexes: dict[str, list[int]], columns: StatementColumns, currency: str,
              today: date) -> tuple[date, int, str]:
    width = max(index for found in indexes.values() for index in found) + 1
    if len(cells) < width:
        raise ValueError(f"it has {len(cells)} cells where {width} were expected.")
    raw_date = cells[indexes["date"][0]].strip()
    try:
        booked_on = parse_statement_date(raw_date, columns.date_format)
    except ValueError:
        raise ValueError(f"the date \"{raw_date}\" is not written like {example_date(columns.date_format)}.") from None
    if booked_on > today:
        raise ValueError(f"the date {booked_on:%d %b %Y} is in the future.")
    reference = " ".join(cells[index].strip() for index in indexes["reference"] if cells[index].strip())
    return booked_on, _amount(cells[indexes["amount"][0]], currency), reference[:300]


def _amount(cell: str, currency: str) -> int:
    cleaned = "".join(ch for ch in cell if ch.isdigit() or ch in ",.+-")
    if not cleaned or not AMOUNT.fullmatch(cleaned):
        raise ValueError(f"the amount \"{cell.strip()}\" is not a number like 1234.56.")
    try:
        amount_minor = parse_money(cleaned.replace("+", ""), currency)
    except MoneyError as error:
        raise ValueError(f"the amount \"{cell.strip()}\": {error}") from None
    if abs(amount_minor) > MAX_AMOUNT_MINOR:
        raise ValueError(f"the amount \"{cell.strip()}\" is larger than any payment this app records.")
    return amount_minor
