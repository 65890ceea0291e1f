"""The ledger pages' forms. They parse what was typed (amounts in the hub's currency, dates,
accounts of the hub by id); the rules are the services'."""
from __future__ import annotations

from datetime import date

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from coworking.forms import DateField, MoneyField, PageForm, strip

KIND_CHOICES = [("building", "The building"), ("community_grants", "Community grants"),
                ("bursaries", "Bursaries"), ("community_projects", "Community projects")]


class CurrencyForm(PageForm):
    def __init__(self, *args, currency: str = "GBP", **kwargs):
        self.currency = currency
        super().__init__(*args, **kwargs)


class SimpleEntryForm(CurrencyForm):
    direction = RadioField("Money", choices=[("out", "Money out: a cost we paid"), ("in", "Money in: income we received")],
                           default="out", validators=[InputRequired("Choose money out or money in.")])
    entry_date = DateField("Date", validators=[InputRequired("Enter the date, such as 2026-11-30.")])
    description = StringField("What for", filters=[strip], validators=[InputRequired("Say what it was for."), Length(max=300)])
    account = SelectField("Category", coerce=int, validate_choice=False)
    amount = MoneyField("Amount", example="420.00")
    via = RadioField("Through", choices=[("bank", "The bank"), ("cash", "Cash")], default="bank")
    receipt = FileField("Receipt (optional: a PDF or an image, at most 5 MB)")
    submit = SubmitField("Record it")


class LineForm(PageForm):
    class Meta:
        csrf = False

    account = SelectField("Account", coerce=int, validate_choice=False, validators=[Optional()])
    debit = StringField("Debit", filters=[strip])
    credit = StringField("Credit", filters=[strip])


class MultiLineEntryForm(CurrencyForm):
    entry_date = DateField("Date", validators=[InputRequired("Enter the date, such as 2026-11-30.")])
    description = StringField("Description", filters=[strip], validators=[InputRequired("Describe the entry."), Length(max=300)])
    lines = FieldList(FormField(LineForm), min_entries=6, max_entries=12)
    receipt = FileField("Receipt (optional: a PDF or an image, at most 5 MB)")
    submit = SubmitField("Record the entry")


class SetAsideForm(CurrencyForm):
    entry_date = DateField("Date", validators=[InputRequired("Enter the date.")])
    amount = MoneyField("Amount to set aside", example="420.00")
    memo = StringField("Note", filters=[strip], validators=[Length(max=300)])
    submit = SubmitField("Set it aside")


class ReinvestForm(CurrencyForm):
    entry_date = DateField("Date", validators=[InputRequired("Enter the date.")])
    kind = SelectField("Kind", choices=KIND_CHOICES)
    what = StringField("What it was for", filters=[strip], validators=[InputRequired("Say what it was for."), Length(max=300)])
    beneficiary = StringField("For whom (an enterprise, a project, or a person who agreed)", filters=[strip], validators=[Length(max=200)])
    beneficiary_is_person = BooleanField("The beneficiary is a person")
    consent_given = BooleanField("They agreed to be named")
    amount = MoneyField("Amount", example="420.00")
    paid_from = RadioField("Paid from", choices=[("bank", "The bank"), ("cash", "Cash")], default="bank")
    published = BooleanField("Show it on the transparency page", default=True)
    allow_negative_fund = BooleanField("Let the community fund go below zero for this")
    submit = SubmitField("Record the reinvestment")


class ClosePeriodForm(PageForm):
    kind = RadioField("Close", choices=[("month", "A month"), ("year", "A year")], default="month")
    period = StringField("Which", filters=[strip], validators=[InputRequired("Enter a month (2026-10) or a year (2026).")])
    submit = SubmitField("Close the books for it")


class AccountForm(PageForm):
    code = StringField("Code", filters=[strip], validators=[InputRequired("Enter a code of 3 to 6 digits.")])
    name = StringField("Name", filters=[strip], validators=[InputRequired("Name the account."), Length(max=120)])
    type = SelectField("Type", choices=[("expense", "Cost"), ("income", "Income"), ("asset", "Asset"),
                                        ("liability", "Liability"), ("equity", "Fund")])
    submit = SubmitField("Add the account")


class SettingsForm(PageForm):
    impact_public = BooleanField("Publish our transparency page")
    impact_intro = TextAreaField("Introduction on the page", filters=[strip], validators=[Length(max=2000)])
    submit = SubmitField("Save")


class ReverseForm(PageForm):
    entry_date = DateField("Date of the reversal", validators=[InputRequired("Enter the date.")], default=date.today)
    submit = SubmitField("Reverse this entry")
