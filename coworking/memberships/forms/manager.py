"""Forms for a hub's applications (approve with a start date, or decline with a message), for
enrolling a member directly, and the filters of the memberships list."""
from __future__ import annotations

from wtforms import EmailField, IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from coworking.forms import DateField, PageForm, strip
from coworking.memberships.forms.fields import IdSelectField
from coworking.memberships.queries import MembershipFilters, MembershipState

MESSAGE_LENGTH = 2000


class ApproveForm(PageForm):
    """Shown beside DeclineForm on one page: each has its own prefix, so their ids differ."""

    starts_on = DateField("The membership starts on", validators=[InputRequired(message="Choose the first day.")])
    organisation = IdSelectField("Billed to")
    message = TextAreaField("Message to the member (optional)", validators=[Length(max=MESSAGE_LENGTH)], filters=[strip])
    submit = SubmitField("Approve")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="approve", **kwargs)


class DeclineForm(PageForm):
    message = TextAreaField("Message to the member (sent to them)", validators=[Length(max=MESSAGE_LENGTH)], filters=[strip])
    submit = SubmitField("Decline")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="decline", **kwargs)


class EnrolForm(PageForm):
    """A manager puts a member on a plan (a private one too) without an application."""

    member_email = EmailField("Member's email", validators=[DataRequired(message="Enter the member's email."), Length(max=254)],
                              filters=[strip])
    plan = IdSelectField("Plan", validators=[InputRequired(message="Choose a plan.")])
    starts_on = DateField("The membership starts on", validators=[InputRequired(message="Choose the first day.")])
    organisation = IdSelectField("Billed to")
    message = TextAreaField("Message to the member (optional)", validators=[Length(max=MESSAGE_LENGTH)], filters=[strip])
    submit = SubmitField("Enrol")


STATE_CHOICES = [("", "Any state")] + [(state.value, state.value.capitalize()) for state in MembershipState]
CONCESSION_CHOICES = [("", "With or without"), ("yes", "With a concession"), ("no", "Without a concession")]


class MembershipFilterForm(PageForm):
    """The memberships list's filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    plan = SelectField("Plan", default="")  # choices: the hub's plans, set by the view
    state = SelectField("State", choices=STATE_CHOICES, default="")
    concession = SelectField("Concession", choices=CONCESSION_CHOICES, default="")
    organisation = SelectField("Organisation", default="")
    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1, max=100_000, message="Pages start at 1.")])

    def filters(self) -> MembershipFilters:
        """What was chosen (call after validation: every value is then one of the choices)."""
        return MembershipFilters(
            plan_id=int(self.plan.data) if self.plan.data else None,
            state=MembershipState(self.state.data) if self.state.data else None,
            with_concession={"yes": True, "no": False}.get(self.concession.data),
            organisation_id=int(self.organisation.data) if self.organisation.data else None,
        )

    def set_choices(self, plans, organisations) -> None:
        self.plan.choices = [("", "Any plan")] + [(str(plan.id), plan.name) for plan in plans]
        self.organisation.choices = [("", "Any organisation")] + [(str(org.id), org.name) for org in organisations]
