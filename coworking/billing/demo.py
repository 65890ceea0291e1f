"""Demo invoices for one hub, so a newcomer sees every state: last month's run issued (one
invoice overdue, one paid, one part paid, one credited in full, the rest waiting for payment),
and this month's run in draft.

Runs commit as they go (``run_period`` works in batches), so this is called after the rest of
the demo data is committed, not inside its transaction; what follows the runs is one unit of
work. It does nothing at a hub that has invoices already, so ``seed-demo`` can run again.
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from coworking.accounts.models import User
from coworking.billing.credit_notes import credit_invoice
from coworking.billing.issuing import issue_invoice
from coworking.billing.models import BillingSettings, DocumentStatus, Invoice
from coworking.billing.payments import record_payment
from coworking.billing.runs import run_period
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.memberships.periods import Period
from coworking.timezones import local_today
from coworking.transactions import unit_of_work

BANK_DETAILS = "{name}\nSort code 60-83-71, account 20071958\nIBAN GB21 SRLG 6083 7120 0719 58"


def hub_has_invoices(hub: Hub) -> bool:
    return db.session.scalar(sa.select(sa.func.count(Invoice.id)).where(Invoice.hub_id == hub.id)) > 0


def seed_hub_billing(hub: Hub, manager: User, today: date | None = None) -> None:
    """Bill last month and this month at the hub, and give last month's invoices their states."""
    if hub_has_invoices(hub):
        return
    hub_id, manager_id = hub.id, manager.id
    today = today or local_today(hub.timezone)
    this_month = Period.of(today)
    with unit_of_work():
        if db.session.get(BillingSettings, hub_id) is None:
            db.session.add(BillingSettings(hub_id=hub_id, bank_details=BANK_DETAILS.format(name=hub.name),
                                           reminder_days="7,21"))
    run_period(db.session.get(Hub, hub_id), this_month.plus(-1), by=db.session.get(User, manager_id), today=today)
    with unit_of_work():
        hub, manager = db.session.get(Hub, hub_id), db.session.get(User, manager_id)
        _issue_last_month(hub, manager, this_month.plus(-1), today)
    run_period(db.session.get(Hub, hub_id), this_month, by=db.session.get(User, manager_id), today=today)


def _drafts(hub: Hub, period: Period) -> list[Invoice]:
    return list(db.session.scalars(sa.select(Invoice).where(
        Invoice.hub_id == hub.id, Invoice.period == period.key, Invoice.status == DocumentStatus.DRAFT.value,
    ).order_by(Invoice.id)))


def _issue_last_month(hub: Hub, manager: User, period: Period, today: date) -> None:
    """The first draft issued at the start of the month it bills (so it is overdue by now), the
    others a few days ago; then one paid, one part paid, one credited."""
    drafts = [draft for draft in _drafts(hub, period) if draft.lines]
    if not drafts:
        return
    overdue, *others = _members_last(drafts)
    issue_invoice(overdue, by=manager, today=period.first_day)
    recent = max(period.first_day, today - timedelta(days=3))
    issued = [issue_invoice(draft, by=manager, today=recent) for draft in others]
    paid_on = max(recent, today - timedelta(days=1))
    for invoice, share, what in zip(issued, (1, 2), ("paid in full", "part paid"), strict=False):
        record_payment(hub, amount_minor=-(-invoice.outstanding_minor // share), method="bank_transfer",
                       received_on=paid_on, reference=invoice.number or what, by=manager, invoice=invoice, today=today)
    if len(issued) > 2:
        credit_invoice(issued[2], reason="Membership cancelled in its first week: refunded in full",
                       by=manager, today=paid_on)


def _members_last(drafts: list[Invoice]) -> list[Invoice]:
    """An organisation's invoice first (the overdue one: companies pay late), the demo members'
    (Alice's) among the paid and part paid ones, which come next."""
    organisations = [draft for draft in drafts if draft.organisation_id is not None]
    members = [draft for draft in drafts if draft.organisation_id is None]
    alice = [draft for draft in members if draft.billed_email == "alice@example.org"]
    rest = [draft for draft in members if draft not in alice]
    ordered = organisations[:1] + rest[:1] + alice + rest[1:] + organisations[1:]
    return ordered
