"""Fields the memberships forms share (money is ``coworking.forms.MoneyField``): percentages
('17.5', read as basis points), and a choice of one of the hub's rows by id. Only the parsing is here: whether a value is allowed (not negative, at
most 100%, a plan of this hub) is the services' to say, beside the same field."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from wtforms import SelectField, StringField
from wtforms.validators import StopValidation

from coworking.forms import strip


def parse_percent(text: str) -> int:
    """'17.5' (or '17.5%') -> 1750 basis points; ValueError for anything that is not a number
    with at most two decimals."""
    try:
        amount = Decimal((text or "").strip().rstrip("%").strip())
    except InvalidOperation as error:
        raise ValueError("Enter a percentage, such as 20 or 12.5.") from error
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise ValueError("Enter a percentage with at most two decimals, such as 12.5.")
    return int(amount * 100)


class PercentField(StringField):
    """A percentage; after validation ``basis_points`` holds it (None when optional and blank)."""

    def __init__(self, label=None, validators=None, *, required: bool = True, **kwargs):
        super().__init__(label, validators, filters=[strip], **kwargs)
        self.required = required
        self.basis_points: int | None = None

    def pre_validate(self, form) -> None:
        self.basis_points = None
        if not self.data:
            if self.required:
                raise StopValidation("Enter a percentage, such as 20 (0 for none).")
            return
        try:
            self.basis_points = parse_percent(self.data)
        except ValueError as error:
            raise StopValidation(str(error)) from error


def percent_text(basis_points: int | None) -> str:
    """1750 -> '17.5', for putting a stored rate back in a form."""
    return "" if basis_points is None else f"{basis_points / 100:g}"


class IdSelectField(SelectField):
    """A choice of one of the hub's plans, passes or organisations. The id is looked up by the
    view (or refused by the service) so that a stale or forged id gets a message in words."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, validate_choice=False, **kwargs)

    def set_rows(self, rows, blank: str | None = None, label=lambda row: row.name) -> None:
        self.choices = ([("", blank)] if blank is not None else []) + [(str(row.id), label(row)) for row in rows]

    def chosen_id(self) -> int | None:
        try:
            return int(self.data)
        except (TypeError, ValueError):
            return None
