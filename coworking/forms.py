"""What every area's forms share: putting a refusal beside the field it concerns."""
from __future__ import annotations

from wtforms import Form

from coworking.errors import DomainError


def add_error(form: Form, field_name: str | None, message: str) -> None:
    """Show a service's error beside its field, or above the form when no field matches."""
    field = form._fields.get(field_name) if field_name else None
    if field is None:
        form.form_errors.append(message)
    else:
        field.errors = [*field.errors, message]


def show_refusal(form: Form, error: DomainError) -> None:
    """The pages' one way to show a DomainError: beside its field, or above the form."""
    add_error(form, error.field, error.message)
