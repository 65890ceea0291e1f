"""One invoice's PDF, in-process: ``billing.pdf.invoice_pdf`` for an issued demo invoice
(loading it and its hub's payment details included), then rendering alone for an invoice of
40 lines, and for names that need the CJK fallback font (a name in Chinese, and one in Chinese,
Korean and Japanese at once), each document given the pieces of the fallback that hold them.

The budget is 100 ms per invoice (issue 10); a name outside the main font costs about 10 ms a
piece of the fallback it needs, reported so that the price stays visible.
"""
from __future__ import annotations

import sqlalchemy as sa

from bench.common import Bench, Timing, timed
from coworking.billing.documents import document_view
from coworking.billing.models import DocumentKind, DocumentStatus, Invoice, InvoiceLine
from coworking.billing.pdf import (
    MAIN_FONT,
    fallback_piece_of,
    fallback_pieces,
    font_characters,
    invoice_pdf,
    render_invoice_pdf,
)
from coworking.billing.totals import price_line, recompute_totals
from coworking.extensions import db

CALLS = 50


def run(bench: Bench) -> list:
    with bench.app():
        font_characters(MAIN_FONT), fallback_piece_of()  # read once per process, on a server's first PDF
        invoice_id = db.session.scalar(sa.select(Invoice.id).where(
            Invoice.status == DocumentStatus.ISSUED.value, Invoice.kind == DocumentKind.INVOICE.value,
        ).order_by(Invoice.id).limit(1))
        if invoice_id is None:
            raise RuntimeError("seed-demo left no issued invoice to render")
        stored = []
        for _ in range(CALLS):
            db.session.expire_all()
            stored.append(timed(lambda: invoice_pdf(db.session.get(Invoice, invoice_id))))
        long_view = document_view(long_invoice(db.session.get(Invoice, invoice_id)))
        long = [timed(render_invoice_pdf, long_view) for _ in range(CALLS)]
        like = db.session.get(Invoice, invoice_id)
        chinese = document_view(long_invoice(like, lines=3, name="王芳"))
        mixed = document_view(long_invoice(like, lines=3, name="王芳 김민준 さくら"))
        chinese_calls = [timed(render_invoice_pdf, chinese) for _ in range(CALLS)]
        mixed_calls = [timed(render_invoice_pdf, mixed) for _ in range(CALLS)]
        db.session.rollback()
        return [
            Timing.of("invoice_pdf(invoice): a demo invoice, loaded and rendered", stored, "demo data"),
            Timing.of("render_invoice_pdf: 40 lines", long, "2 pages"),
            Timing.of("render_invoice_pdf: a name in Chinese, 王芳", chinese_calls,
                      f"3 lines, {len(fallback_pieces([chinese.billed_name]))} pieces of the fallback font"),
            Timing.of("render_invoice_pdf: 王芳 김민준 さくら", mixed_calls,
                      f"3 lines, {len(fallback_pieces([mixed.billed_name]))} pieces of the fallback font"),
        ]


def long_invoice(like: Invoice, lines: int = 40, name: str | None = None) -> Invoice:
    """An issued invoice like ``like``, held in memory only, with ``lines`` lines."""
    invoice = Invoice(hub=like.hub, kind=like.kind, status=like.status, number=like.number, period=like.period,
                      party_key=like.party_key, billed_name=name or like.billed_name, billed_address=like.billed_address,
                      currency=like.currency, issued_on=like.issued_on, due_on=like.due_on, credit_applied_minor=0)
    invoice.lines = [InvoiceLine(description=f"Meeting room booking {n + 1}, Tuesday 10:00-12:00", quantity=2,
                                 unit_price_minor=2_000, vat_rate_bp=2000) for n in range(lines)]
    for line in invoice.lines:
        price_line(line, charges_vat=bool(like.hub.vat_number))
    recompute_totals(invoice)
    db.session.expunge(invoice) if invoice in db.session else None
    return invoice
