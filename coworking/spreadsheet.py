"""CSV for spreadsheets: cells that a spreadsheet would read as a formula (starting with
= + - @, or a tab or carriage return that some programs skip before looking) get a leading
single quote, so a member who names themselves "=HYPERLINK(...)" cannot make a manager's
spreadsheet run it. Numbers are written by callers as plain text and never start so."""
from __future__ import annotations

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_line(row) -> str:
    """One CSV record (CRLF-terminated, as RFC 4180 has it)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(row)
    return out.getvalue()
