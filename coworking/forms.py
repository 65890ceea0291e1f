"""What every area's pages share for forms: the base of every page's form (``PageForm``, which
refuses control characters beside the field they are in), a service's refusal shown beside the
field it concerns, the submission saved as one unit of work (``saved``) and the page answered with
the status its form calls for (``form_page``), and a date field that keeps to the range of dates
the app accepts (``coworking.dates``)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import render_template, request
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from wtforms import DateField as WTFormsDateField
from wtforms import Field, FieldList, Form, FormField, StringField
from wtforms import MonthField as WTFormsMonthField
from wtforms.validators import StopValidation
from wtforms.widgets import TextArea

from coworking.dates import OUT_OF_RANGE, is_sensible_day
from coworking.errors import DomainError
from coworking.money import MoneyError, parse_money
from coworking.text import single_line_problem, text_problem
from coworking.transactions import unit_of_work

T = TypeVar("T")


class DateField(WTFormsDateField):
    """A date field that refuses a date outside the app's range beside the field (every form's
    date field is one of these, so a year 9999 is a message, never a 500)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not is_sensible_day(self.data):
            self.data = None
            raise ValueError(OUT_OF_RANGE)


class MonthField(WTFormsMonthField):
    """A month (YYYY-MM) field with the same range as ``DateField``."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not is_sensible_day(self.data):
            self.data = None
            raise ValueError(OUT_OF_RANGE)


def strip(value):
    """A field filter: the text without surrounding spaces."""
    return value.strip() if isinstance(value, str) else value


class MoneyField(StringField):
    """An amount in the form's ``currency`` ('12.50', kept as typed); after validation ``minor``
    holds it in minor units (None when an optional field is left blank). Whether the amount is
    allowed (not negative, not zero) is the services' to say, beside the same field.

    :param example: the amount the "enter an amount" message shows."""

    def __init__(self, label=None, validators=None, *, required: bool = True, example: str = "12.50", **kwargs):
        super().__init__(label, validators, filters=[strip], **kwargs)
        self.required, self.example = required, example
        self.minor: int | None = None

    def pre_validate(self, form) -> None:
        self.minor = None
        if not self.data:
            if self.required:
                raise StopValidation(f"Enter an amount, such as {self.example}.")
            return
        try:
            self.minor = parse_money(self.data, form.currency)
        except MoneyError as error:
            raise StopValidation(str(error)) from error


class PageForm(FlaskForm):
    """Every page's form: besides its own validators, no text field may hold a control character
    (such as NUL, which PostgreSQL refuses), nor a one-line field a line break (only text areas
    are several lines). The error shows beside the field, as any other."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in _text_fields(self):
            problem = (text_problem if isinstance(field.widget, TextArea) else single_line_problem)(field.data)
            if problem:
                field.errors = [*field.errors, problem]
                valid = False
        return valid


def _text_fields(fields) -> list[Field]:
    found = []
    for field in fields:
        if isinstance(field, FormField | FieldList):
            found.extend(_text_fields(field))
        elif isinstance(field.data, str):
            found.append(field)
    return found


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


RACED = "Someone else made a clashing change at the same moment. Nothing was saved; try again."


def save_or_show(form: Form, work: Callable[[], T], *, refused: Callable[[DomainError], None] | None = None) -> T | None:
    """Do ``work`` as the request's unit of work and return its result.

    A refusal (DomainError) is shown on the form, beside its field unless ``refused`` shows it
    otherwise; an IntegrityError means two requests raced past the service's checks and the
    database's constraint kept the data true. Either way nothing is stored and None returns.
    """
    try:
        with unit_of_work():
            return work()
    except DomainError as error:
        (refused or (lambda refusal: show_refusal(form, refusal)))(error)
    except IntegrityError:
        add_error(form, None, RACED)
    return None


# A refusal's status becomes the page's when it says something about who may (403), the state
# (409) or the rules (422); anything else about a submitted form is a plain 400.
PAGE_STATUSES = (403, 409, 422)


def show_refusal_on(form: Form) -> Callable[[DomainError], None]:
    """Show a refusal beside the form's field for it (a service's field named otherwise on the
    form is renamed by the form's ``SERVICE_FIELDS``), and remember the page's status."""
    renamed = getattr(form, "SERVICE_FIELDS", {})

    def show(error: DomainError) -> None:
        add_error(form, renamed.get(error.field, error.field), error.message)
        form.page_status = error.status if error.status in PAGE_STATUSES else 400
        form.refusal = error

    return show


def saved(form: Form, work: Callable[[], T]) -> T | None:
    """``work`` as the request's unit of work; None when refused (shown on the form)."""
    return save_or_show(form, work, refused=show_refusal_on(form))


def form_page(template: str, form: Form, **context):
    """A page holding ``form``: 200 when shown, 400 (or the refusal's 403/409/422) when it came back."""
    status = getattr(form, "page_status", 400) if request.method == "POST" else 200
    return render_template(template, form=form, **context), status
