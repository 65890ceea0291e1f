"""The members' forms: applying for a plan, changing plan, pausing, cancelling. They parse what
was typed; whether it is allowed is for the services (applications.py, lifecycle.py) to say."""
from __future__ import annotations

from wtforms import HiddenField, IntegerField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from coworking.forms import PageForm, strip
from coworking.memberships.applications import MAX_MESSAGE_LENGTH
from coworking.memberships.periods import Period
from coworking.types import MAX_INTEGER

NEXT_PERIOD, AT_ONCE = "next", "now"
PAUSE_MONTHS_SHOWN = 12  # how many coming months the pause form offers


def _plan_id(value):
    """A posted plan id, or None: the view says "choose one of the hub's plans" in words."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_INTEGER else None


class PlanChoiceField(SelectField):
    """A select of plans (id, label); any posted value is looked up in the view."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=_plan_id, validate_choice=False, **kwargs)

    def set_plans(self, offers) -> None:
        self.choices = [(offer.plan.id, offer.label) for offer in offers]


class ApplyForm(PageForm):
    plan = PlanChoiceField("Plan", validators=[InputRequired(message="Choose a plan.")])
    message = TextAreaField("A message to the hub's managers (optional)", filters=[strip],
                            validators=[Optional(), Length(max=MAX_MESSAGE_LENGTH)])
    submit = SubmitField("Apply")


class ChangePlanForm(PageForm):
    plan = PlanChoiceField("New plan", validators=[InputRequired(message="Choose a plan.")])
    at_once = RadioField("From when", default=NEXT_PERIOD, validate_choice=False,
                         validators=[AnyOf([NEXT_PERIOD, AT_ONCE], message="Choose when the new plan starts.")])
    reason = TextAreaField("Anything the managers should know (optional)", filters=[strip],
                           validators=[Optional(), Length(max=MAX_MESSAGE_LENGTH)])
    submit = SubmitField("Change plan")

    def set_when(self, next_first_day, allowed_at_once: bool) -> None:
        self.at_once.choices = [(NEXT_PERIOD, f"From the start of next month ({next_first_day:%d %B %Y})")]
        if allowed_at_once:
            self.at_once.choices.append((AT_ONCE, "At once, with this month's fee and allowance prorated"))

    def wants_at_once(self) -> bool:
        return self.at_once.data == AT_ONCE


class PauseForm(PageForm):
    first_period = SelectField("From", validate_choice=False, validators=[InputRequired(message="Choose the first month.")])
    months = IntegerField("For how many months", validators=[InputRequired(message="Give a number of months, such as 1.")])
    reason = TextAreaField("Why (optional)", filters=[strip], validators=[Optional(), Length(max=MAX_MESSAGE_LENGTH)])
    submit = SubmitField("Pause my membership")

    def set_months_from(self, this_period: Period) -> None:
        coming = [this_period.plus(n) for n in range(1, PAUSE_MONTHS_SHOWN + 1)]
        self.first_period.choices = [(period.key, period.label()) for period in coming]


class CancelForm(PageForm):
    # The end date the page showed: if it has moved since (past midnight), the member confirms again.
    ends_on = HiddenField()
    reason = TextAreaField("Why are you leaving? (optional)", filters=[strip],
                           validators=[Optional(), Length(max=MAX_MESSAGE_LENGTH)])
    submit = SubmitField("Cancel my membership")
