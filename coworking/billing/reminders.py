"""Overdue invoices and their reminders.

An invoice is overdue when it is issued, still owes something and its due date has passed in
the hub's zone. Reminders go out on the hub's steps (``BillingSettings.reminder_days``, days
after the due date, e.g. "7,21"). Each step sent is a ``ReminderSent`` row, unique per invoice
and step and written in the same transaction as the mail, so a step is never sent twice: not
by a second pass, not by two servers at once (the second's insert fails and its mail is rolled
back). A pass that finds several steps reached (the jobs did not run for a while) sends one
reminder, for the latest, and records them all.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from coworking.billing.models import BillingSettings, DocumentKind, DocumentStatus, Invoice, ReminderSent
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.mail import queue_mail, render_mail
from coworking.money import format_money
from coworking.transactions import unit_of_work

DEFAULT_STEPS = "7,21"
MAX_STEP_DAYS = 365


def reminder_steps(text: str | None) -> list[int]:
    """'7, 21' -> [7, 21]: whole days from 1 to 365, sorted, anything else left out."""
    steps = set()
    for part in (text or "").split(","):
        part = part.strip()
        if part.isdigit() and 1 <= int(part) <= MAX_STEP_DAYS:
            steps.add(int(part))
    return sorted(steps)


def settings_of(hub: Hub) -> BillingSettings:
    """The hub's billing settings, or the defaults (unsaved) when it has none."""
    return db.session.get(BillingSettings, hub.id) or BillingSettings(hub_id=hub.id, reminder_days=DEFAULT_STEPS)


def outstanding_sql():
    """What an issued invoice still owes, as SQL (Invoice.outstanding_minor, before the floor)."""
    return Invoice.total_minor - Invoice.credit_applied_minor - Invoice.credited_minor - Invoice.paid_minor


def overdue_query(hub: Hub, today: date) -> sa.Select:
    """Issued invoices of the hub that still owe something and were due before ``today``
    (the hub's local date), the longest overdue first."""
    return (sa.select(Invoice)
            .where(Invoice.hub_id == hub.id, Invoice.kind == DocumentKind.INVOICE.value,
                   Invoice.status == DocumentStatus.ISSUED.value, Invoice.due_on < today, outstanding_sql() > 0)
            .order_by(Invoice.due_on, Invoice.id))


def overdue_invoices(hub: Hub, today: date) -> list[Invoice]:
    return list(db.session.scalars(overdue_query(hub, today)))


def send_reminders(hub: Hub, today: date) -> int:
    """Queue the reminders due at the hub on ``today`` (its local date), one transaction per
    invoice; returns how many were queued. Call it outside a unit of work."""
    steps = reminder_steps(settings_of(hub).reminder_days)
    if not steps:
        return 0
    sent = 0
    for invoice_id, due_steps in list(_due_steps(hub, today, steps)):
        try:
            with unit_of_work():
                sent += _remind(db.session.get(Invoice, invoice_id), due_steps, today)
        except IntegrityError:
            continue  # another pass sent this step a moment ago
    return sent


def _due_steps(hub: Hub, today: date, steps: list[int]) -> Iterator[tuple[int, list[int]]]:
    """(invoice id, steps reached and not yet sent) for each overdue invoice that has some."""
    first_step = steps[0]
    rows = db.session.execute(
        sa.select(Invoice.id, Invoice.due_on).where(overdue_query(hub, today).whereclause)
        .where(Invoice.due_on <= today - timedelta(days=first_step)).order_by(Invoice.due_on, Invoice.id)
    ).all()
    sent = _steps_sent([invoice_id for invoice_id, _ in rows])
    for invoice_id, due_on in rows:
        late = (today - due_on).days
        reached = [step for step in steps if step <= late and step not in sent.get(invoice_id, ())]
        if reached:
            yield invoice_id, reached


def _steps_sent(invoice_ids: list[int]) -> dict[int, set[int]]:
    sent: dict[int, set[int]] = {}
    for start in range(0, len(invoice_ids), 500):
        for invoice_id, step in db.session.execute(
                sa.select(ReminderSent.invoice_id, ReminderSent.step_days)
                .where(ReminderSent.invoice_id.in_(invoice_ids[start:start + 500]))):
            sent.setdefault(invoice_id, set()).add(step)
    return sent


def _remind(invoice: Invoice, steps: list[int], today: date) -> int:
    if invoice.outstanding_minor <= 0 or not invoice.billed_email:
        return 0
    for step in steps:
        db.session.add(ReminderSent(invoice_id=invoice.id, step_days=step))
    db.session.flush()  # the unique (invoice, step) refuses a step already sent, before any mail
    hub = invoice.hub
    subject, body = render_mail(
        "mail/billing/reminder.txt", invoice=invoice, hub=hub, days_late=(today - invoice.due_on).days,
        outstanding=format_money(invoice.outstanding_minor, invoice.currency),
        bank_details=settings_of(hub).bank_details)
    queue_mail(invoice.billed_email, subject, body)
    return 1
