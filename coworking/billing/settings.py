"""A hub's billing settings (``BillingSettings``): the bank statement's columns, the reminder
steps, the day of the monthly run and the bank details printed under "how to pay".

A hub that never saved its settings has the defaults; ``settings_for`` answers them without
writing, and ``save_settings`` checks every value before storing any.
"""
from __future__ import annotations

from datetime import date, datetime

from coworking.billing.errors import BillingError
from coworking.billing.models import BillingSettings
from coworking.extensions import db
from coworking.hubs.models import Hub

DEFAULTS = {
    "statement_date_column": "Date",
    "statement_amount_column": "Amount",
    "statement_reference_column": "Reference",
    "statement_date_format": "%d/%m/%Y",
    "reminder_days": "7,21",
    "run_day": None,
    "issue_automatically": False,
    "bank_details": "",
}
# The date formats banks write, as a manager picks them (strftime codes stay out of sight).
DATE_FORMATS = {
    "%d/%m/%Y": "31/12/2026",
    "%d/%m/%y": "31/12/26",
    "%Y-%m-%d": "2026-12-31",
    "%m/%d/%Y": "12/31/2026",
    "%d.%m.%Y": "31.12.2026",
    "%d-%m-%Y": "31-12-2026",
    "%d %b %Y": "31 Dec 2026",
}
MAX_REMINDER_STEPS = 6
MAX_REMINDER_DAY = 365
MAX_BANK_DETAILS = 1000


def settings_for(hub: Hub) -> BillingSettings:
    """The hub's settings, or an unsaved row holding the defaults."""
    stored = db.session.get(BillingSettings, hub.id)
    return stored if stored is not None else BillingSettings(hub_id=hub.id, **DEFAULTS)


def parse_reminder_days(text: str) -> list[int]:
    """'7, 21' -> [7, 21]: whole days after the due date, each once, in order."""
    parts = [part.strip() for part in (text or "").replace(";", ",").split(",") if part.strip()]
    if not all(part.isdigit() for part in parts):
        raise BillingError("Write whole numbers of days separated by commas, such as 7, 21.", "reminder_days")
    days = sorted({int(part) for part in parts})
    if any(day < 1 or day > MAX_REMINDER_DAY for day in days):
        raise BillingError(f"Each step is between 1 and {MAX_REMINDER_DAY} days after the due date.", "reminder_days")
    if len(days) > MAX_REMINDER_STEPS:
        raise BillingError(f"At most {MAX_REMINDER_STEPS} reminder steps.", "reminder_days")
    return days


def reminder_steps(settings: BillingSettings) -> list[int]:
    """The stored steps, as numbers (a stored value is already checked)."""
    return parse_reminder_days(settings.reminder_days or "")


def save_settings(hub: Hub, *, statement_date_column: str, statement_amount_column: str,
                  statement_reference_column: str, statement_date_format: str, reminder_days: str,
                  run_day: int | None, issue_automatically: bool, bank_details: str) -> BillingSettings:
    """Check and store the hub's billing settings."""
    columns = {
        "statement_date_column": _column_name(statement_date_column, "statement_date_column"),
        "statement_amount_column": _column_name(statement_amount_column, "statement_amount_column"),
        "statement_reference_column": _column_name(statement_reference_column, "statement_reference_column"),
    }
    if statement_date_format not in DATE_FORMATS:
        raise BillingError("Choose one of the date formats listed.", "statement_date_format")
    days = parse_reminder_days(reminder_days)
    if run_day is not None and not 1 <= run_day <= 28:
        raise BillingError("Choose a day from 1 to 28 (every month has it), or none.", "run_day")
    if len(bank_details or "") > MAX_BANK_DETAILS:
        raise BillingError(f"At most {MAX_BANK_DETAILS} characters.", "bank_details")
    settings = db.session.get(BillingSettings, hub.id)
    if settings is None:
        settings = BillingSettings(hub_id=hub.id)
        db.session.add(settings)
    for name, value in columns.items():
        setattr(settings, name, value)
    settings.statement_date_format = statement_date_format
    settings.reminder_days = ",".join(str(day) for day in days)
    settings.run_day = run_day
    settings.issue_automatically = bool(issue_automatically) and run_day is not None
    settings.bank_details = (bank_details or "").strip()
    db.session.flush()
    return settings


def _column_name(value: str, field: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise BillingError("Name the column as it appears in the first line of the bank's file.", field)
    if len(cleaned) > 60:
        raise BillingError("At most 60 characters.", field)
    return cleaned


def example_date(date_format: str) -> str:
    """How a date looks in this format (for hints and error messages)."""
    return DATE_FORMATS.get(date_format) or date(2026, 12, 31).strftime(date_format)


def parse_statement_date(text: str, date_format: str) -> date:
    return datetime.strptime(text.strip(), date_format).date()
