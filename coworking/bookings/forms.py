"""Forms for the booking pages. They parse what was typed; the rules live in rules.py and operations.py."""
from __future__ import annotations

from datetime import datetime, time

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from coworking.bookings.recurrence import ORDINALS, WEEKDAY_NAMES
from coworking.forms import DateField, PageForm, strip
from coworking.hubs.forms import TIME_FORMATS
from coworking.hubs.models import Space

ANY_DESK = "any"
KIND_CHOICES = [("", "All spaces"), ("desk", "Desks"), ("room", "Rooms")]
PERIOD_LABELS = {"full": "Full day", "morning": "Morning", "afternoon": "Afternoon"}
STATUS_CHOICES = [("", "Any status"), ("confirmed", "Confirmed"), ("cancelled", "Cancelled")]


def hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def parse_hhmm(value) -> time:
    """'09:30' (or a time) -> time(9, 30); ValueError for anything else."""
    if isinstance(value, time):
        return value
    return datetime.strptime(str(value).strip(), "%H:%M").time()


class TimeSelectField(SelectField):
    """A select of times on the slot grid. Any HH:MM is accepted here, so that the booking
    rules can say in words what is wrong with a time that is off the grid or outside hours."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=parse_hhmm, validate_choice=False, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0]:
            try:
                self.data = parse_hhmm(valuelist[0])
            except ValueError as error:
                raise ValueError("Choose a time, such as 09:30.") from error

    def set_times(self, times: list[time]) -> None:
        self.choices = [(hhmm(t), hhmm(t)) for t in times]
        if self.data is not None and self.data not in times:
            self.choices.append((hhmm(self.data), hhmm(self.data)))
            self.choices.sort()


class SpaceSelectField(SelectField):
    """A select of the hub's spaces. The posted id is looked up in the view, so another hub's
    space or an inactive one gets a message in words rather than "Not a valid choice"."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, validate_choice=False, **kwargs)

    def set_spaces(self, spaces: list[Space], *, any_desk: bool = False) -> None:
        choices = [(ANY_DESK, "Any free desk")] if any_desk else []
        choices += [(str(space.id), space.name + ("" if space.kind in ("desk", "room") else f" ({space.kind})")) for space in spaces]
        self.choices = choices
        self.spaces = spaces  # the form's page lists each with its capacity and price

    def space_id(self) -> int | None:
        try:
            return int(self.data)
        except (TypeError, ValueError):
            return None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OnBehalfFields:
    """What a hub's managers and staff add to a booking form (only they are shown it)."""

    member_email = EmailField(
        "Book for (the member's email; leave blank to book for yourself)",
        validators=[Optional(), Length(max=254)],
        filters=[strip],
    )
    override_rules = BooleanField("Override the booking rules (recorded on the booking; never allows a double booking)")


class OnceOnly:
    """A key the form carries (``coworking.idempotency``): sent twice, it books once."""

    once = HiddenField()


class DeskBookingForm(OnceOnly, OnBehalfFields, PageForm):
    day = DateField("Date", validators=[InputRequired(message="Choose a date.")])
    space = SpaceSelectField("Desk", validators=[InputRequired(message="Choose a desk.")])
    period = SelectField("Period", choices=list(PERIOD_LABELS.items()), default="full")
    second_desk = BooleanField("Yes, book a second desk that day (for a guest, say)")
    submit = SubmitField("Book desk")

    def set_period_labels(self, windows: dict[str, tuple[time, time]]) -> None:
        """Label each period with its times on the chosen day (full day 08:00–18:00 ...)."""
        self.period.choices = [
            (key, f"{label} ({hhmm(windows[key][0])}–{hhmm(windows[key][1])})" if key in windows else label)
            for key, label in PERIOD_LABELS.items()
        ]


class RoomBookingForm(OnceOnly, OnBehalfFields, PageForm):
    day = DateField("Date", validators=[InputRequired(message="Choose a date.")])
    space = SpaceSelectField("Room", validators=[InputRequired(message="Choose a room.")])
    starts = TimeSelectField("Start", validators=[InputRequired(message="Choose a start time.")])
    ends = TimeSelectField("End", validators=[InputRequired(message="Choose an end time.")])
    submit = SubmitField("Book room")


class SeriesForm(OnceOnly, OnBehalfFields, PageForm):
    space = SpaceSelectField("Space", validators=[InputRequired(message="Choose a space.")])
    starts_on = DateField("First date", validators=[InputRequired(message="Choose the first date.")])
    starts = TimeSelectField("Start", validators=[InputRequired(message="Choose a start time.")])
    ends = TimeSelectField("End", validators=[InputRequired(message="Choose an end time.")])
    freq = RadioField(
        "Repeats",
        choices=[("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly")],
        default="weekly",
        validators=[InputRequired(message="Choose daily, weekly or monthly.")],
    )
    interval = IntegerField(
        "Every how many days, weeks or months", default=1,
        validators=[InputRequired(message="Enter a number, such as 1 for every week.")],
    )
    weekdays = MultiCheckboxField("On (weekly)", choices=list(enumerate(WEEKDAY_NAMES)), coerce=int)
    nth = SelectField(
        "Which (monthly)", coerce=int, default=1,
        choices=[(n, label.capitalize()) for n, label in ORDINALS.items()],
    )
    weekday = SelectField("Weekday (monthly)", coerce=int, default=0, choices=list(enumerate(WEEKDAY_NAMES)))
    ends_by = RadioField(
        "Ends", choices=[("count", "After a number of times"), ("until", "On a date")], default="count",
        validators=[InputRequired(message="Say how the series ends.")],
    )
    count = IntegerField("Number of times", validators=[Optional()], default=4)
    until = DateField("Last date", validators=[Optional()])
    previewed = HiddenField()
    # The first date the weekday boxes were filled in for: when the first date changes and they
    # were left as they were, they follow it (series.follow_first_date).
    weekdays_for = HiddenField()
    preview = SubmitField("Preview")
    confirm = SubmitField("Book the free dates")


class CancelForm(PageForm):
    scope = RadioField(
        "Cancel",
        choices=[("one", "This booking only"), ("following", "This and the following ones"), ("series", "The whole series")],
        default="one",
    )
    reason = TextAreaField("Reason (the member is told)", validators=[Length(max=500)], filters=[strip])
    back = HiddenField(default="show")
    # "yes" once the member has seen the booking named on the confirmation page.
    confirmed = HiddenField()
    submit = SubmitField("Cancel booking")


class BlockForm(PageForm):
    space = SpaceSelectField("Space", validators=[InputRequired(message="Choose a space.")])
    starts_on = DateField("From date", validators=[InputRequired(message="Choose the first date.")])
    starts = TimeField("From time", format=TIME_FORMATS, validators=[InputRequired(message="Choose a time.")])
    ends_on = DateField("To date", validators=[InputRequired(message="Choose the last date.")])
    ends = TimeField("To time", format=TIME_FORMATS, validators=[InputRequired(message="Choose a time.")])
    reason = StringField(
        "Reason", validators=[DataRequired(message="Say why the space is blocked."), Length(max=500)], filters=[strip]
    )
    submit = SubmitField("Block space")


class GridForm(PageForm):
    """The grid's date picker and kind filter: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    date = DateField("Date", validators=[Optional()])
    kind = SelectField("Kind of space", choices=KIND_CHOICES, default="")


class DayForm(PageForm):
    class Meta:
        csrf = False

    date = DateField("Date", validators=[Optional()])


class BookingFilterForm(PageForm):
    """The manager's booking list filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    starts_on = DateField("From", validators=[Optional()])
    ends_on = DateField("To", validators=[Optional()])
    space = SelectField("Space", default="")
    status = SelectField("Status", choices=STATUS_CHOICES, default="")
    email = StringField("Member's email contains", validators=[Optional(), Length(max=254)], filters=[strip])

    def space_id(self) -> int | None:
        try:
            return int(self.space.data)
        except (TypeError, ValueError):
            return None


class PolicyForm(PageForm):
    """The hub's booking rules; a blank box means "use the default" (or, for a space, the hub's)."""

    slot_minutes = IntegerField("Slot grid (minutes)", validators=[Optional()])
    min_duration_minutes = IntegerField("Shortest room booking (minutes)", validators=[Optional()])
    max_duration_minutes = IntegerField("Longest room booking (minutes)", validators=[Optional()])
    max_days_ahead = IntegerField("How far ahead members may book (days)", validators=[Optional()])
    min_notice_minutes = IntegerField("Minimum notice (minutes)", validators=[Optional()])
    cancellation_cutoff_minutes = IntegerField("Cancellation cutoff (minutes before the start)", validators=[Optional()])
    max_active_bookings = IntegerField("Most upcoming bookings per member", validators=[Optional()])
    buffer_minutes = IntegerField("Free time between room bookings (minutes)", validators=[Optional()])
    half_day_split = TimeField("Morning ends and afternoon starts at", format=TIME_FORMATS, validators=[Optional()])
    series_horizon_days = IntegerField("How far ahead a recurring booking may run (days)", validators=[Optional()])
    submit = SubmitField("Save booking rules")

    def policy_fields(self) -> list:
        return [field for field in self if field.type not in ("SubmitField", "CSRFTokenField")]

    def values(self) -> dict:
        return {field.name: field.data for field in self.policy_fields()}


class SpacePolicyForm(PolicyForm):
    # Counted across the whole hub, so a per-space figure would mislead.
    max_active_bookings = None
    submit = SubmitField("Save this space's rules")
