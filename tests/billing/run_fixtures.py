"""Fixtures for the runs' tests: the memberships' VAT-registered hub, its manager and member,
plan and membership factories, and a month to bill (``month``: two months ahead, with ``today``
set inside it when the run is made, so nothing in it has been billed or expired yet)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from coworking.billing.models import Invoice, InvoiceLine
from coworking.extensions import db
from tests.memberships.conftest import (  # noqa: F401  (fixtures the runs' tests use)
    at,
    book,
    coming,
    desks,
    hub,
    make_membership,
    make_plan,
    manager,
    member,
    room,
    today,
)


@pytest.fixture
def month(coming):  # noqa: F811  (the fixture)
    return coming


@pytest.fixture
def plan(make_plan):  # noqa: F811  (the fixture)
    return make_plan(name="Hot desk", monthly_price_minor=30_000, vat_rate_bp=2000, desk_days_per_month=2)


def lines_of(of_hub) -> dict[str, tuple]:
    """Every line of the hub: source key -> (party key, amount, VAT), read afresh."""
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(InvoiceLine.source_key, Invoice.party_key, InvoiceLine.amount_minor, InvoiceLine.vat_minor)
        .join(Invoice, InvoiceLine.invoice_id == Invoice.id).where(InvoiceLine.hub_id == of_hub.id))
    return {key: (party, amount, vat) for key, party, amount, vat in rows}


def drafts_of(of_hub) -> list[Invoice]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Invoice).where(Invoice.hub_id == of_hub.id).order_by(Invoice.id)))
