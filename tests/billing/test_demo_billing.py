"""The demo invoices: at each demo hub a newcomer sees every state of an invoice, Alice sees
hers on her own page, and seeding again changes nothing."""
from __future__ import annotations

import sqlalchemy as sa

from coworking.billing.models import Invoice, Payment
from coworking.demo import seed_demo, seed_demo_billing
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.memberships.periods import Period
from coworking.timezones import local_today


def seeded() -> None:
    seed_demo()
    db.session.commit()
    seed_demo_billing()


def states_at(hub: Hub) -> dict[str, int]:
    today = local_today(hub.timezone)
    counts: dict[str, int] = {}
    for invoice in db.session.scalars(sa.select(Invoice).where(Invoice.hub_id == hub.id)):
        state = invoice.display_status(today)
        if invoice.is_draft:
            assert invoice.period == Period.of(today).key, "only this month's run is in draft"
        else:
            assert invoice.is_credit_note or invoice.period == Period.of(today).plus(-1).key
        counts[state] = counts.get(state, 0) + 1
    return counts


def test_every_state_is_on_show_and_seeding_again_adds_nothing(app, client, auth):
    seeded()
    for hub in db.session.scalars(sa.select(Hub)):
        states = states_at(hub)
        for state in ("draft", "overdue", "paid", "part paid", "void", "credit note", "issued"):
            assert states.get(state), f"{hub.slug} has no {state} invoice: {states}"
    before = (db.session.scalar(sa.select(sa.func.count()).select_from(Invoice)),
              db.session.scalar(sa.select(sa.func.count()).select_from(Payment)))
    seeded()
    after = (db.session.scalar(sa.select(sa.func.count()).select_from(Invoice)),
             db.session.scalar(sa.select(sa.func.count()).select_from(Payment)))
    assert after == before

    auth.login("alice@example.org", "demo-password")
    page = client.get("/invoices").get_data(as_text=True)
    assert "LDS-" in page and "BRS-" in page and "part paid" in page and "you owe" in page
