"""An invoice or credit note as a PDF (fpdf2), with bundled fonts so any name renders.

``render_invoice_pdf(view)`` is a pure function of a ``DocumentView`` (no Flask, no database);
``invoice_pdf(invoice)`` reads the hub's "how to pay" and renders. The PDF shows the hub's name,
address and VAT number, the billed party's name and address, the number and dates, the lines,
VAT per rate (only where the hub charges VAT), the totals, any credit used, and how to pay.

Fonts (static/fonts, with their licences): a subset of DejaVu Sans covers Latin, Greek and
Cyrillic and loads in a few milliseconds. Droid Sans Fallback (Chinese, Japanese, Korean) is
3.4 MB, and fpdf2 parses every font it is given whole, for every document (about 0.25 s for this
one); so it is cut into 32 pieces by code point (``static/fonts/split_fallback.py``), and a
document with characters DejaVu lacks is given just the pieces that hold them (about 10 ms each).
"""
from __future__ import annotations

import logging
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from coworking.billing.documents import DocumentView, document_view, rate_label
from coworking.billing.models import BillingSettings, Invoice
from coworking.extensions import db
from coworking.money import format_money

# The fonts' folder: inside the package when installed from a wheel, else the checkout's static/.
_PACKAGE = Path(__file__).resolve().parent.parent
FONTS = next((folder for folder in (_PACKAGE / "static" / "fonts", _PACKAGE.parent / "static" / "fonts")
              if folder.is_dir()), _PACKAGE.parent / "static" / "fonts")
MAIN_FONT = FONTS / "DejaVuSans-Invoice.ttf"
FALLBACK_PIECES = FONTS / "fallback"  # DroidSansFallback-01.ttf ... -32.ttf
BODY, SMALL, HEADING = 10, 8.5, 16
LINE = 5.0  # mm per line of body text
# Column widths (mm) of the lines table on an A4 page with 15 mm margins (180 mm wide).
COLUMNS_WITH_VAT = (("Description", 84, "L"), ("Qty", 14, "R"), ("Unit price", 28, "R"),
                    ("VAT", 18, "R"), ("Amount", 36, "R"))
COLUMNS_WITHOUT_VAT = (("Description", 102, "L"), ("Qty", 14, "R"), ("Unit price", 28, "R"),
                       ("Amount", 36, "R"))


# fontTools reports each table it subsets at INFO, several lines a document.
logging.getLogger("fontTools").setLevel(logging.WARNING)


@cache
def font_characters(path: Path) -> frozenset[int]:
    """The code points a font has a glyph for (read once per process)."""
    font = TTFont(path, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def main_font_characters() -> frozenset[int]:
    return font_characters(MAIN_FONT)


@lru_cache(maxsize=1)
def fallback_piece_of() -> dict[int, Path]:
    """The piece of the fallback font holding each code point (read once per process)."""
    return {code: path for path in sorted(FALLBACK_PIECES.glob("*.ttf")) for code in font_characters(path)}


def fallback_pieces(texts: list[str]) -> list[Path]:
    """The pieces of the fallback font holding the characters of ``texts`` the main font lacks
    (a character neither has, an emoji say, prints as an empty box)."""
    covered = main_font_characters()
    missing = {ord(ch) for text in texts for ch in text if not ch.isspace() and ord(ch) not in covered}
    if not missing:
        return []
    piece_of = fallback_piece_of()
    return sorted({piece_of[code] for code in missing if code in piece_of})


def long_date(day: date | None) -> str:
    return day.strftime("%d %B %Y").lstrip("0") if day else ""


def texts_of(view: DocumentView) -> list[str]:
    """Every piece of free text the document prints (to choose its fonts)."""
    return [view.hub_name, view.hub_address, view.hub_vat_number or "", view.billed_name,
            view.billed_address, view.how_to_pay, *(line.description for line in view.lines)]


class InvoicePDF(FPDF):
    """An A4 page with the document's fonts, and a footer naming the document and the page."""

    def __init__(self, view: DocumentView):
        super().__init__(format="A4", unit="mm")
        self.view = view
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.add_font("Body", "", str(MAIN_FONT))
        fallbacks = []
        for number, piece in enumerate(fallback_pieces(texts_of(view))):
            fallbacks.append(f"Fallback{number}")
            self.add_font(fallbacks[-1], "", str(piece))
        if fallbacks:
            self.set_fallback_fonts(fallbacks, exact_match=False)
        self.set_title(f"{view.title} {view.number or ''}".strip())
        self.set_author(view.hub_name)
        self.set_creator("Coworking hub")

    def footer(self):
        self.set_y(-13)
        self.set_font("Body", size=SMALL - 1)
        self.set_text_color(110)
        label = f"{self.view.title} {self.view.number or ''}".strip()
        self.cell(0, 4, f"{self.view.hub_name} · {label} · page {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0)

    def text_block(self, text: str, size: float = BODY, height: float = LINE, width: float = 0) -> None:
        self.set_font("Body", size=size)
        self.multi_cell(width, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def pair(self, label: str, value: str) -> None:
        """'Label  value' on one line, in the right-hand block."""
        self.set_x(120)
        self.set_font("Body", size=SMALL)
        self.set_text_color(90)
        self.cell(30, LINE, label)
        self.set_text_color(0)
        self.set_font("Body", size=BODY)
        self.cell(45, LINE, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def money(view: DocumentView, amount_minor: int) -> str:
    return format_money(amount_minor, view.currency)


def draw_header(pdf: InvoicePDF, view: DocumentView) -> None:
    top = pdf.get_y()
    pdf.set_font("Body", size=HEADING)
    pdf.multi_cell(100, 7, view.hub_name, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if view.hub_address:
        pdf.text_block(view.hub_address, size=SMALL, height=4, width=100)
    if view.hub_vat_number:
        pdf.text_block(f"VAT number: {view.hub_vat_number}", size=SMALL, height=4, width=100)
    left_bottom = pdf.get_y()
    pdf.set_xy(120, top)
    pdf.set_font("Body", size=HEADING)
    pdf.cell(75, 7, view.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.pair("Number", view.number or "not issued yet")
    if view.issued_on:
        pdf.pair("Issued on", long_date(view.issued_on))
    if view.due_on:
        pdf.pair("Due on", long_date(view.due_on))
    if view.period_label:
        pdf.pair("Period", view.period_label)
    if view.corrects_number:
        pdf.pair("Corrects", view.corrects_number)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)


def draw_billed_to(pdf: InvoicePDF, view: DocumentView) -> None:
    pdf.set_font("Body", size=SMALL)
    pdf.set_text_color(90)
    pdf.cell(0, LINE, "Billed to", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.text_block(view.billed_name)
    if view.billed_address:
        pdf.text_block(view.billed_address, size=SMALL, height=4)
    pdf.ln(5)


def draw_table_header(pdf: InvoicePDF, columns) -> None:
    pdf.set_font("Body", size=SMALL)
    pdf.set_text_color(90)
    for label, width, align in columns:
        pdf.cell(width, LINE, label, align=align)
    pdf.set_text_color(0)
    pdf.ln(LINE)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(1)


def description_rows(pdf: InvoicePDF, text: str, width: float) -> int:
    """How many lines the text takes in a column ``width`` wide (measured only when it might
    wrap: laying text out is most of a PDF's cost)."""
    if pdf.get_string_width(text) <= width - 2 * pdf.c_margin:
        return 1
    return max(1, len(pdf.multi_cell(width, LINE, text, dry_run=True, output=MethodReturnValue.LINES)))


def draw_lines(pdf: InvoicePDF, view: DocumentView) -> None:
    """The lines as a table drawn cell by cell (fpdf2's table() lays each cell out twice, which
    made a 40-line invoice several times slower); a row that does not fit starts a new page,
    under the table's header again."""
    columns = COLUMNS_WITH_VAT if view.shows_vat else COLUMNS_WITHOUT_VAT
    description_width = columns[0][1]
    draw_table_header(pdf, columns)
    pdf.set_font("Body", size=BODY)
    for line in view.lines:
        cells = [str(line.quantity), money(view, line.unit_price_minor)]
        if view.shows_vat:
            cells.append(rate_label(line.vat_rate_bp))
        cells.append(money(view, line.amount_minor))
        height = LINE * description_rows(pdf, line.description, description_width)
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            draw_table_header(pdf, columns)
            pdf.set_font("Body", size=BODY)
        top = pdf.get_y()
        if height == LINE:
            pdf.cell(description_width, LINE, line.description)
        else:
            pdf.multi_cell(description_width, LINE, line.description, align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
        x = pdf.l_margin + description_width
        for (_, width, align), text in zip(columns[1:], cells, strict=True):
            pdf.set_xy(x, top)
            pdf.cell(width, LINE, text, align=align)
            x += width
        pdf.set_xy(pdf.l_margin, top + height + 0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(4)


def draw_totals(pdf: InvoicePDF, view: DocumentView) -> None:
    rows = [("Subtotal", money(view, view.subtotal_minor))]
    if view.shows_vat:
        for summary in view.vat_summary:
            rows.append((f"VAT at {rate_label(summary.rate_bp)} on {money(view, summary.net_minor)}",
                         money(view, summary.vat_minor)))
    rows.append(("Total", money(view, view.total_minor)))
    if view.credit_applied_minor:
        rows.append(("Credit used", money(view, -view.credit_applied_minor)))
        rows.append(("Amount due", money(view, view.amount_due_minor)))
    if pdf.get_y() + len(rows) * (LINE + 1) > pdf.page_break_trigger:
        pdf.add_page()  # the totals together, never split over two pages
    for label, value in rows:
        emphasised = label in ("Total", "Amount due")
        pdf.set_x(95)
        pdf.set_font("Body", size=BODY + (1 if emphasised else 0))
        pdf.cell(64, LINE + 1, label, align="R")
        pdf.cell(36, LINE + 1, value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)


def draw_how_to_pay(pdf: InvoicePDF, view: DocumentView) -> None:
    if view.is_credit_note:
        pdf.text_block(f"This credit note reduces what you owe {view.hub_name}.", size=SMALL, height=4)
        return
    if not view.how_to_pay:
        return
    pdf.set_font("Body", size=BODY + 1)
    pdf.cell(0, LINE + 1, "How to pay", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.text_block(view.how_to_pay, size=BODY)


def render_invoice_pdf(view: DocumentView) -> bytes:
    """The document as a PDF file's bytes."""
    pdf = InvoicePDF(view)
    pdf.add_page()
    draw_header(pdf, view)
    draw_billed_to(pdf, view)
    draw_lines(pdf, view)
    draw_totals(pdf, view)
    draw_how_to_pay(pdf, view)
    return bytes(pdf.output())


def bank_details_of(hub_id: int) -> str:
    settings = db.session.get(BillingSettings, hub_id)
    return settings.bank_details if settings is not None else ""


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice's (or credit note's) PDF, with its hub's payment details."""
    return render_invoice_pdf(document_view(invoice, bank_details=bank_details_of(invoice.hub_id)))


def pdf_filename(invoice: Invoice) -> str:
    """``RIV-2026-00042.pdf``; a draft is ``draft-<id>.pdf``."""
    return f"{invoice.number}.pdf" if invoice.number else f"draft-{invoice.id}.pdf"
