"""Run in other processes by the numbering race test: each builds its own app on the test's
database and issues drafts, one transaction per draft, skipping those another process issued."""
from __future__ import annotations

import random


def issue_all(database_url: str, invoice_ids: list[int], seed: int, start) -> list[str]:
    from coworking.billing.errors import BillingError
    from coworking.billing.issuing import issue_invoice
    from coworking.billing.models import Invoice
    from coworking.extensions import db
    from coworking.transactions import unit_of_work
    from tests.billing.documents import TODAY
    from tests.conftest import build_test_app

    app = build_test_app(database_url)
    ids = list(invoice_ids)
    random.Random(seed).shuffle(ids)
    numbers = []
    with app.app_context():
        start.wait()
        for invoice_id in ids:
            try:
                with unit_of_work():
                    numbers.append(issue_invoice(db.session.get(Invoice, invoice_id), today=TODAY).number)
            except BillingError as refused:
                assert refused.status == 409
        db.engine.dispose()
    return numbers


def issue_run(database_url: str, hub_id: int, period: str, start) -> int:
    from coworking.billing.issuing import issue_drafts
    from coworking.extensions import db
    from coworking.hubs.models import Hub
    from tests.billing.documents import TODAY
    from tests.conftest import build_test_app

    app = build_test_app(database_url)
    with app.app_context():
        start.wait()
        count = issue_drafts(db.session.get(Hub, hub_id), period, today=TODAY)
        db.engine.dispose()
    return count
