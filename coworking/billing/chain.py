"""Tamper evidence: each issued document's SHA-256, chained to the previous one of its series.

A document's canonical content is JSON with sorted keys of its frozen columns and its lines'
(``FROZEN_INVOICE_COLUMNS``, ``FROZEN_LINE_COLUMNS``), dates as ISO text; it includes the
previous document's hash, so changing, removing or reordering any issued document breaks every
link after it. ``verify_chain(hub)`` walks each series (invoices, credit notes) in number order
and names the first broken link; the series head (``numbering.chain_head``) must name the last.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coworking.billing.models import (
    FROZEN_INVOICE_COLUMNS,
    FROZEN_LINE_COLUMNS,
    DocumentKind,
    DocumentStatus,
    Invoice,
)
from coworking.billing.numbering import chain_head
from coworking.extensions import db

HASHED_INVOICE_COLUMNS = tuple(column for column in FROZEN_INVOICE_COLUMNS if column != "content_hash")
HASHED_LINE_COLUMNS = tuple(column for column in FROZEN_LINE_COLUMNS if column not in ("invoice_id", "hub_id"))
BATCH = 500


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def canonical_content(document: Invoice) -> str:
    """The document's frozen content (previous hash included) as canonical JSON."""
    content = {column: _plain(getattr(document, column)) for column in HASHED_INVOICE_COLUMNS}
    content["lines"] = [
        {column: _plain(getattr(line, column)) for column in HASHED_LINE_COLUMNS}
        for line in sorted(document.lines, key=lambda line: (line.position, line.id or 0))
    ]
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(document: Invoice) -> str:
    return hashlib.sha256(canonical_content(document).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    kind: str
    number: str | None
    invoice_id: int | None
    reason: str

    def __str__(self) -> str:
        return f"{self.number or self.kind} (id {self.invoice_id}): {self.reason}"


@dataclass
class ChainReport:
    checked: dict[str, int] = field(default_factory=dict)
    broken: BrokenLink | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify_chain(hub) -> ChainReport:
    """Recompute every issued document's hash of the hub, series by series, and stop at the
    first broken link (a changed document, a missing or reordered one, a gap in the numbers)."""
    report = ChainReport()
    for kind in (DocumentKind.INVOICE.value, DocumentKind.CREDIT_NOTE.value):
        report.checked[kind] = 0
        report.broken = _verify_series(hub.id, kind, report)
        if report.broken:
            break
    return report


def _verify_series(hub_id: int, kind: str, report: ChainReport) -> BrokenLink | None:
    previous_hash, expected = None, {}
    last = None
    for document in _series(hub_id, kind):
        problem = _problem(document, previous_hash, expected.get(document.sequence_year, 1))
        if problem:
            return BrokenLink(kind, document.number, document.id, problem)
        expected[document.sequence_year] = document.sequence_number + 1
        previous_hash, last = document.content_hash, document
        report.checked[kind] += 1
    if chain_head(hub_id, kind) != previous_hash:
        where = f"after {last.number}" if last else "before the first document"
        return BrokenLink(kind, last.number if last else None, last.id if last else None,
                          f"the series' head does not match its last document: a document {where} is missing or changed")
    return None


def _problem(document: Invoice, previous_hash: str | None, expected_number: int) -> str | None:
    if document.status != DocumentStatus.ISSUED.value:
        return f"numbered but not issued (status {document.status})"
    if document.sequence_number != expected_number:
        return f"expected number {expected_number} of {document.sequence_year} here, found {document.sequence_number}"
    if document.previous_hash != previous_hash:
        return "its previous hash does not match the document before it"
    if document.content_hash != content_hash(document):
        return "its content does not match its hash"
    return None


def _series(hub_id: int, kind: str) -> Iterator[Invoice]:
    """The series' numbered documents in order, a batch at a time (bounded memory)."""
    last_key = (-1, -1)
    while True:
        batch = list(db.session.scalars(
            sa.select(Invoice)
            .where(Invoice.hub_id == hub_id, Invoice.kind == kind, Invoice.sequence_number.is_not(None),
                   sa.tuple_(Invoice.sequence_year, Invoice.sequence_number) > last_key)
            .order_by(Invoice.sequence_year, Invoice.sequence_number)
            .options(selectinload(Invoice.lines))
            .limit(BATCH)
        ))
        if not batch:
            return
        yield from batch
        # No reference is kept: the session holds its objects weakly, so memory stays bounded.
        last_key = (batch[-1].sequence_year, batch[-1].sequence_number)
