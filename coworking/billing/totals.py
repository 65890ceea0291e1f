"""An invoice's figures: each line's amount and VAT (per line, half up, ``money.vat_on``) and
the invoice's subtotal, VAT and total as sums of its lines, so the total is always the sum of
the lines. A hub without a VAT number charges no VAT."""
from __future__ import annotations

from collections import defaultdict

from coworking.billing.models import Invoice, InvoiceLine
from coworking.money import vat_on


def price_line(line: InvoiceLine, *, charges_vat: bool) -> None:
    """Set the line's net amount and its VAT from quantity, unit price and rate."""
    if not charges_vat:
        line.vat_rate_bp = 0
    line.amount_minor = line.quantity * line.unit_price_minor
    line.vat_minor = vat_on(line.amount_minor, line.vat_rate_bp)


def recompute_totals(invoice: Invoice) -> None:
    """A draft's subtotal, VAT and total from its lines (which must already be priced)."""
    invoice.subtotal_minor = sum(line.amount_minor for line in invoice.lines)
    invoice.vat_minor = sum(line.vat_minor for line in invoice.lines)
    invoice.total_minor = invoice.subtotal_minor + invoice.vat_minor


def vat_by_rate(lines: list[InvoiceLine]) -> list[tuple[int, int, int]]:
    """(rate in basis points, net, VAT) per rate, highest rate first: the VAT summary."""
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for line in lines:
        sums[line.vat_rate_bp][0] += line.amount_minor
        sums[line.vat_rate_bp][1] += line.vat_minor
    return [(rate, net, vat) for rate, (net, vat) in sorted(sums.items(), reverse=True)]
