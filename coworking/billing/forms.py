"""The managers' billing forms: parse what was typed, nothing more. Whether a value is allowed
(a period not in the future, a credit within what remains, a payment within bounds) is the
services' to say, beside the same field."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation

from coworking.billing.models import PaymentMethod
from coworking.billing.settings import DATE_FORMATS
from coworking.forms import DateField, MoneyField, PageForm, strip
from coworking.memberships.forms.fields import PercentField

METHOD_LABELS = {
    PaymentMethod.BANK_TRANSFER.value: "Bank transfer",
    PaymentMethod.CARD.value: "Card",
    PaymentMethod.CASH.value: "Cash",
    PaymentMethod.OTHER.value: "Other",
}
STATUS_CHOICES = [("", "Any"), ("draft", "Drafts"), ("open", "Issued, not yet paid"), ("overdue", "Overdue"),
                  ("paid", "Paid"), ("void", "Void (fully credited)"), ("credit_note", "Credit notes")]


def filled(message: str):
    """A date is given: a date that could not be read keeps its own message ("Not a valid date")."""

    def check(form, field) -> None:
        if field.errors:
            raise StopValidation()
        if field.data is None:
            raise StopValidation(message)

    return check


class ActionForm(PageForm):
    """A button that changes something: only its CSRF token."""


class RunForm(PageForm):
    period = StringField("Period (year and month)", validators=[DataRequired(message="Enter a month such as 2026-11.")],
                         filters=[strip])
    submit = SubmitField("Start the run")


class LineForm(PageForm):
    """A draft's line; ``currency`` is set by the view (MoneyField reads it)."""

    description = StringField("Description", validators=[DataRequired(message="Describe what is billed."),
                                                         Length(max=300)], filters=[strip])
    quantity = IntegerField("Quantity", default=1, validators=[
        InputRequired(message="Enter a whole number."), NumberRange(min=1, max=10_000, message="From 1 to 10,000.")])
    unit_price = MoneyField("Unit price, before VAT", description="Negative for a discount.")
    vat_rate = PercentField("VAT rate (%)")
    submit = SubmitField("Save the line")

    SERVICE_FIELDS = {"unit_price_minor": "unit_price", "vat_rate_bp": "vat_rate"}

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency


class PaymentForm(PageForm):
    amount = MoneyField("Amount received")
    method = SelectField("How it was paid", choices=list(METHOD_LABELS.items()),
                         default=PaymentMethod.BANK_TRANSFER.value)
    received_on = DateField("Received on", validators=[InputRequired(message="Enter the day the money came in.")])
    reference = StringField("Reference (optional)", validators=[Length(max=200)], filters=[strip])
    submit = SubmitField("Record the payment")

    SERVICE_FIELDS = {"amount_minor": "amount"}

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency


class CreditForm(PageForm):
    """Credit the whole invoice, or the amounts typed beside its lines (fields ``line_<id>``,
    added by ``credit_form_for``)."""

    scope = RadioField("What to credit", choices=[("whole", "The whole invoice"), ("lines", "Parts of its lines")],
                       default="whole")
    reason = TextAreaField("Reason (printed on the credit note)", validators=[
        DataRequired(message="Say why the invoice is corrected."), Length(max=500)], filters=[strip])
    submit = SubmitField("Issue the credit note")

    def line_fields(self):
        return [(int(name.removeprefix("line_")), field) for name, field in self._fields.items()
                if name.startswith("line_")]


def credit_form_for(invoice, *args, **kwargs) -> CreditForm:
    """A CreditForm with one optional amount per line of ``invoice`` (its net amount, before VAT)."""

    class InvoiceCreditForm(CreditForm):
        pass

    for line in invoice.lines:
        setattr(InvoiceCreditForm, f"line_{line.id}",
                MoneyField(line.description[:80], required=False))
    form = InvoiceCreditForm(*args, **kwargs)
    form.currency = invoice.currency
    return form


class InvoiceFilterForm(PageForm):
    """The invoices list's filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    status = SelectField("Status", choices=STATUS_CHOICES, default="")
    period = StringField("Period", validators=[Optional(), Length(max=7)], filters=[strip],
                         description="A month such as 2026-11.")
    party = StringField("Billed to (name or email)", validators=[Optional(), Length(max=100)], filters=[strip])
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1, max=100_000)])


class ExportForm(PageForm):
    class Meta:
        csrf = False

    # The page first shows last month, filled in without a query, hence not InputRequired.
    starts_on = DateField("From", validators=[filled("Enter the first day.")])
    ends_on = DateField("To", validators=[filled("Enter the last day.")])


class SettingsForm(PageForm):
    statement_date_column = StringField("Date column", validators=[Length(max=60)], filters=[strip])
    statement_amount_column = StringField("Amount column", validators=[Length(max=60)], filters=[strip])
    statement_reference_column = StringField("Reference column(s)", validators=[Length(max=60)], filters=[strip],
                                             description='Join two with "+", such as Reference + Description.')
    statement_date_format = SelectField("How the bank writes dates",
                                        choices=[(code, example) for code, example in DATE_FORMATS.items()])
    reminder_days = StringField("Reminders, days after the due date", validators=[Length(max=60)], filters=[strip],
                                description="Such as 7, 21. Leave empty for no reminders.")
    run_day = IntegerField("Day of the month for the automatic run", validators=[Optional()],
                           description="1 to 28; leave empty to start runs by hand.")
    issue_automatically = BooleanField("Issue the automatic run's invoices at once (no review)")
    bank_details = TextAreaField("How to pay (printed on invoices)", validators=[Length(max=1000)], filters=[strip])
    submit = SubmitField("Save the settings")


class StatementForm(PageForm):
    file = FileField("Bank statement (CSV)", validators=[FileRequired(message="Choose the statement's CSV file.")])
    submit = SubmitField("Upload and match")


class MatchForm(PageForm):
    """Confirm a statement line, against its suggested invoice or the number typed."""

    invoice_number = StringField("Invoice number", validators=[Length(max=40)], filters=[strip])
    submit = SubmitField("Record the payment")
