"""Test helpers for the money core: drafts made directly (as a run or a manager would leave
them), so issuing, credit notes and payments are tested without the run."""
from __future__ import annotations

import itertools
from datetime import date

from coworking.billing.models import Invoice, InvoiceLine
from coworking.billing.parties import party_key
from coworking.billing.totals import price_line, recompute_totals
from coworking.extensions import db

TODAY = date(2026, 11, 30)
_KEYS = itertools.count(1)


def make_draft(hub, member, lines=((1, 10000, 2000),), *, period: str | None = "2026-11", commit: bool = True) -> Invoice:
    """A draft for ``member`` with lines given as (quantity, unit price, VAT rate bp)."""
    invoice = Invoice(
        hub_id=hub.id, kind="invoice", status="draft", period=period, member_id=member.id,
        party_key=party_key("member", member.id), billed_name=member.name, billed_email=member.email,
        billed_address="1 Test Street", currency=hub.currency,
    )
    invoice.hub = hub
    for position, (quantity, unit_price, rate) in enumerate(lines):
        line = InvoiceLine(
            hub_id=hub.id, position=position, description=f"Item {position + 1}", quantity=quantity,
            unit_price_minor=unit_price, vat_rate_bp=rate, source_key=f"test:{next(_KEYS)}",
        )
        price_line(line, charges_vat=bool(hub.vat_number))
        invoice.lines.append(line)
    recompute_totals(invoice)
    db.session.add(invoice)
    db.session.flush()
    if commit:
        db.session.commit()
    return invoice


def issue(invoice, today: date = TODAY, by=None) -> Invoice:
    from coworking.billing.issuing import issue_invoice
    from coworking.transactions import unit_of_work

    with unit_of_work():
        issued = issue_invoice(invoice, by=by, today=today)
    return issued


def tamper(statement: str, **params) -> None:
    """Run SQL with the frozen triggers set aside, as someone with the database's keys could."""
    import sqlalchemy as sa

    if db.engine.dialect.name == "sqlite":
        frozen = db.session.execute(sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%frozen%'")).all()
        for name, _ in frozen:
            db.session.execute(sa.text(f"DROP TRIGGER {name}"))
        db.session.execute(sa.text(statement), params)
        for _, definition in frozen:
            db.session.execute(sa.text(definition))
    else:
        tables = {"invoices": "invoices_frozen", "invoice_lines": "invoice_lines_frozen"}
        for table, trigger in tables.items():
            db.session.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}"))
        db.session.execute(sa.text(statement), params)
        for table, trigger in tables.items():
            db.session.execute(sa.text(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}"))
    db.session.commit()
    db.session.expire_all()
