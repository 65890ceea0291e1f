"""Matching a statement's money in to the hub's open invoices: pure functions over lines and
invoices already loaded, so a 5,000-line statement against 10,000 open invoices is a few
dictionary look-ups per line, never a query per line.

A line is matched (suggested; a manager confirms) when:

1. its reference holds the number of one open invoice ("RIV-2026-00042", "riv 2026 42",
   "RIV202600042": the prefix, the year and the counter, whatever stands between them); or
2. its amount is exactly what one open invoice still owes *and* words of that invoice's billed
   name (of three letters or more, accents and case aside) are words of the reference: the
   invoice sharing the most words wins ("A SMITH ANN" is Ann Smith's, not Bob Smith's).

Two invoices fitting equally is no match: the manager chooses by hand.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

BY_NUMBER = "number"
BY_AMOUNT_AND_NAME = "amount and name"
BY_HAND = "by hand"
# Words of a billed name that say nothing about who paid.
COMMON_WORDS = frozenset({"the", "and", "ltd", "limited", "llp", "plc", "inc", "cic", "coop", "company"})
# Letters that Unicode does not decompose into a base letter and an accent.
UNDECOMPOSED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})


@dataclass(frozen=True)
class Match:
    invoice_id: int
    reason: str


class InvoiceIndex:
    """The hub's open invoices, indexed by normalised number and by what each still owes."""

    def __init__(self, prefix: str, invoices: Iterable):
        self._number = re.compile(rf"{re.escape(prefix)}\W*(\d{{4}})\W*0*(\d{{1,9}})\b", re.IGNORECASE)
        self.by_number: dict[str, object] = {}
        self.by_amount: dict[int, list] = defaultdict(list)
        for invoice in invoices:
            if invoice.number:
                self.by_number[_number_key(invoice.number)] = invoice
            self.by_amount[invoice.outstanding_minor].append(invoice)

    def numbers_in(self, reference: str) -> set[str]:
        return {f"{year}-{int(counter)}" for year, counter in self._number.findall(reference)}

    def match(self, amount_minor: int, reference: str) -> Match | None:
        by_number = {self.by_number[key] for key in self.numbers_in(reference) if key in self.by_number}
        if len(by_number) == 1:
            return Match(next(iter(by_number)).id, BY_NUMBER)
        if by_number:
            return None
        words = name_words(reference)
        scored = [(len(name_words(invoice.billed_name) & words), invoice)
                  for invoice in self.by_amount.get(amount_minor, ())]
        best = max((score for score, _ in scored), default=0)
        named = [invoice for score, invoice in scored if score == best]
        if best and len(named) == 1:
            return Match(named[0].id, BY_AMOUNT_AND_NAME)
        return None


def _number_key(number: str) -> str:
    """'RIV-2026-00042' -> '2026-42' (the prefix is the index's own)."""
    digits = re.findall(r"\d+", number)
    return f"{digits[-2]}-{int(digits[-1])}" if len(digits) >= 2 else number


def name_words(text: str) -> set[str]:
    """The words of a name or reference that can identify someone: lower case, no accents,
    three letters or more, common company words left out."""
    plain = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold().translate(UNDECOMPOSED)
    words = re.findall(r"[^\W\d_]+", plain)
    return {word for word in words if len(word) >= 3 and word not in COMMON_WORDS}
