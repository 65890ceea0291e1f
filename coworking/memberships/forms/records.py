"""Forms for what a manager does on a member's record: change the plan, pause, cancel, add or
end a concession, adjust the allowance, choose who is billed, and write a note."""
from __future__ import annotations

from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from coworking.forms import DateField, MoneyField, MonthField, PageForm, strip
from coworking.memberships.forms.fields import IdSelectField, PercentField
from coworking.memberships.history import MAX_NOTE_LENGTH
from coworking.memberships.models import DESK_DAYS, ROOM_MINUTES

REASON_LENGTH = 300
MONTH_MESSAGE = "Choose a month, such as 2026-11."


def reason_field(label: str = "Why (kept in the history)") -> StringField:
    return StringField(label, validators=[Length(max=REASON_LENGTH)], filters=[strip])


class ChangePlanForm(PageForm):
    NEXT_PERIOD, AT_ONCE, ON_DATE = "next_period", "at_once", "on_date"

    plan = IdSelectField("New plan", validators=[InputRequired(message="Choose a plan.")])
    when = RadioField("From", default=NEXT_PERIOD, choices=[
        (NEXT_PERIOD, "The start of next month"),
        (AT_ONCE, "Today (this month is prorated by days)"),
        (ON_DATE, "Another date"),
    ])
    effective_on = DateField("The date (for another date)", validators=[Optional()])
    reason = reason_field()
    submit = SubmitField("Change plan")

    def validate_effective_on(self, field) -> None:
        if self.when.data == self.ON_DATE and field.data is None:
            raise ValidationError("Choose the date the new plan applies from.")

    def change(self) -> dict:
        """Keyword arguments for lifecycle.change_plan (besides the plan)."""
        return {
            "at_once": self.when.data == self.AT_ONCE,
            "effective_on": self.effective_on.data if self.when.data == self.ON_DATE else None,
            "reason": self.reason.data or "",
        }


class PauseForm(PageForm):
    first_period = MonthField("First month of the pause", validators=[InputRequired(message=MONTH_MESSAGE)])
    months = IntegerField("For (whole months)", validators=[InputRequired(message="Enter a number of months, such as 1.")])
    reason = reason_field()
    submit = SubmitField("Pause")


class CancelForm(PageForm):
    ends_on = DateField("Another last day (blank: the date above)", validators=[Optional()])
    reason = reason_field()
    submit = SubmitField("Cancel the membership")


class ConcessionForm(PageForm):
    SERVICE_FIELDS = {"percent_bp": "percent", "fixed_price_minor": "fixed_price"}
    PERCENT, FIXED = "percent", "fixed"

    kind = RadioField("Kind", default=PERCENT, choices=[(PERCENT, "A discount in percent"), (FIXED, "A fixed monthly price")])
    percent = PercentField("Discount (%)", required=False)
    fixed_price = MoneyField("Fixed monthly price (before VAT)", required=False)
    reason = StringField("Reason (bursary, unemployed, student...)", validators=[DataRequired(message="Say why."), Length(max=200)],
                         filters=[strip])
    review_on = DateField("Review on", validators=[Optional()])
    funded_by_community_fund = BooleanField("Funded by the hub's community fund")
    starts_on = DateField("From (blank: today, or the membership's start)", validators=[Optional()])
    ends_on = DateField("Until (blank: until ended)", validators=[Optional()])
    submit = SubmitField("Add concession")

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency

    def validate_percent(self, field) -> None:
        if self.kind.data == self.PERCENT and field.basis_points is None:
            raise ValidationError("Enter the discount, such as 50.")

    def validate_fixed_price(self, field) -> None:
        if self.kind.data == self.FIXED and field.minor is None:
            raise ValidationError("Enter the monthly price, such as 40.00.")

    def concession(self) -> dict:
        """Keyword arguments for lifecycle.add_concession."""
        percent = self.kind.data == self.PERCENT
        return {
            "reason": self.reason.data,
            "percent_bp": self.percent.basis_points if percent else None,
            "fixed_price_minor": None if percent else self.fixed_price.minor,
            "review_on": self.review_on.data,
            "funded_by_community_fund": bool(self.funded_by_community_fund.data),
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
        }


class EndConcessionForm(PageForm):
    ends_on = DateField("Last day of the concession", validators=[InputRequired(message="Choose the last day.")])
    reason = reason_field()
    submit = SubmitField("End the concession")


RESOURCE_CHOICES = [(DESK_DAYS, "Desk days"), (ROOM_MINUTES, "Room time (minutes)")]


class AdjustAllowanceForm(PageForm):
    period = MonthField("Month", validators=[InputRequired(message=MONTH_MESSAGE)])
    resource = SelectField("Allowance", choices=RESOURCE_CHOICES)
    quantity = IntegerField("Add (a negative number takes back unused allowance)",
                            validators=[InputRequired(message="Enter a whole number, such as 2 or -1.")])
    reason = StringField("Why (kept in the history)", validators=[DataRequired(message="Say why."), Length(max=REASON_LENGTH)],
                         filters=[strip])
    submit = SubmitField("Adjust allowance")


class BillingForm(PageForm):
    organisation = IdSelectField("Billed to")
    reason = reason_field()
    submit = SubmitField("Save")


class NoteForm(PageForm):
    text = TextAreaField("Note", validators=[DataRequired(message="Write the note."), Length(max=MAX_NOTE_LENGTH)], filters=[strip])
    submit = SubmitField("Add note")
