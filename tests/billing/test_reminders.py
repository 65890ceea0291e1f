"""Overdue invoices and their reminders: on the hub's steps after the due date, never twice for
a step (not on a second pass, not by two passes at once), never for a paid invoice."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from coworking.billing.models import BillingSettings, Invoice, ReminderSent
from coworking.billing.reminders import overdue_invoices, reminder_steps, send_reminders
from coworking.extensions import db
from coworking.mail import OutboxMessage
from tests.conftest import run_together

DUE = date(2026, 10, 15)


@pytest.fixture
def hub(make_hub):
    hub = make_hub("here", "Here Hub", timezone="Europe/London")
    db.session.add(BillingSettings(hub_id=hub.id, reminder_days="7,21", bank_details="Sort code 00-00-00, account 12345678"))
    db.session.commit()
    return hub


@pytest.fixture
def issue(hub):
    """issue(number, total, paid=0): an issued invoice due on DUE, as issuing leaves it."""
    def make(number: str, total: int = 12_000, paid: int = 0, email: str = "mary@example.org") -> Invoice:
        invoice = Invoice(hub_id=hub.id, kind="invoice", status="issued", party_key="member:1", billed_name="Mary Member",
                          billed_email=email, currency="GBP", number=number, issued_on=DUE - timedelta(days=14), due_on=DUE,
                          subtotal_minor=total, total_minor=total, paid_minor=paid)
        db.session.add(invoice)
        db.session.commit()
        return invoice

    return make


def mail() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def on(days_after_due: int) -> date:
    return DUE + timedelta(days=days_after_due)


@pytest.mark.parametrize("text, steps", [("7,21", [7, 21]), (" 21, 7 ,7", [7, 21]), ("", []), ("x, -3, 0, 400, 30", [30])])
def test_reminder_steps_are_read_leniently(text, steps):
    assert reminder_steps(text) == steps


def test_an_invoice_is_overdue_once_its_due_date_has_passed_and_something_is_owed(hub, issue):
    owing, paid = issue("T-1"), issue("T-2", paid=12_000)
    assert overdue_invoices(hub, DUE) == []
    assert overdue_invoices(hub, on(1)) == [owing]
    assert paid not in overdue_invoices(hub, on(30))


def test_a_reminder_goes_out_on_each_step_and_never_twice(hub, issue):
    invoice = issue("T-1")
    assert send_reminders(hub, on(6)) == 0
    assert send_reminders(hub, on(7)) == 1
    assert send_reminders(hub, on(7)) == 0 and send_reminders(hub, on(12)) == 0
    (first,) = mail()
    assert first.to_address == "mary@example.org"
    assert first.subject == "Reminder: invoice T-1 from Here Hub is overdue"
    assert "7 days ago" in first.body_text and "£120.00" in first.body_text and "Sort code 00-00-00" in first.body_text
    assert send_reminders(hub, on(21)) == 1 and send_reminders(hub, on(40)) == 0
    assert len(mail()) == 2
    assert sorted(db.session.scalars(sa.select(ReminderSent.step_days).where(ReminderSent.invoice_id == invoice.id))) == [7, 21]


def test_steps_reached_together_send_one_reminder_and_count_as_sent(hub, issue):
    issue("T-1")
    assert send_reminders(hub, on(30)) == 1
    assert "30 days ago" in mail()[0].body_text
    assert send_reminders(hub, on(31)) == 0 and len(mail()) == 1


def test_a_paid_invoice_gets_no_reminder(hub, issue):
    issue("T-1", paid=12_000)
    assert send_reminders(hub, on(8)) == 0 and mail() == []


def test_a_hub_without_steps_sends_none(hub, issue):
    db.session.get(BillingSettings, hub.id).reminder_days = ""
    db.session.commit()
    issue("T-1")
    assert send_reminders(hub, on(30)) == 0


def test_two_passes_at_once_send_each_step_once(app, hub, issue):
    for n in range(4):
        issue(f"T-{n}")
    hub_id = hub.id

    def one_pass(_):
        from coworking.hubs.models import Hub
        return send_reminders(db.session.get(Hub, hub_id), on(8))

    results = run_together(app, 3, one_pass)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 4 and len(mail()) == 4
