"""Fixtures for the managers' billing tests (pages, statements, exports): a VAT-registered hub "here" (prefix RIV), the
people around it, issued invoices made directly, and pages read as a person would."""
from __future__ import annotations

import pytest

from coworking.extensions import db
from tests.billing.documents import issue, make_draft
from tests.conftest import Auth


@pytest.fixture
def hub(make_hub):
    return make_hub(slug="here", name="Riverside Hub", vat_number="GB123456789", invoice_prefix="RIV",
                    address="1 River Street, Leeds")


@pytest.fixture
def make_member(make_user):
    def make(name: str = "Mary Member", email: str | None = None):
        return make_user(email=email, name=name)

    return make


@pytest.fixture
def issued(hub, make_member):
    """Issue a draft for a new member (or the one given): lines as (quantity, unit price, VAT bp)."""

    def make(member=None, lines=((1, 10000, 2000),), period="2026-10"):
        member = member or make_member()
        invoice = issue(make_draft(hub, member, lines, period=period))
        db.session.commit()
        return invoice

    return make


def login(client, user):
    response = Auth(client).login(user)
    assert response.status_code == 302
    return client
