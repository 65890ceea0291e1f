"""Forms for the hub screens. They parse what was typed; the rules live in hubs/services.py."""
from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp, ValidationError

from coworking.forms import DateField, PageForm, strip
from coworking.hubs.models import WEEKDAYS, Hub, Space, SpaceKind
from coworking.hubs.roles import Role
from coworking.hubs.services import DayHours
from coworking.money import MoneyError, money_input_value, parse_money

TIMEZONE_DATALIST_ID = "timezone-options"
MAX_AMENITIES = 30
MAX_AMENITY_LENGTH = 60
# Browsers send "09:00", or "09:00:00" when the input has a step in seconds.
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


# --- hubs -----------------------------------------------------------------------------------

class HubDetailsForm(PageForm):
    """What a hub manager edits: everything but the slug, which stays fixed once links exist."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)], filters=[strip])
    address = TextAreaField("Address", validators=[Length(max=1000)], filters=[strip])
    # A text input with a datalist of IANA names: quicker than a 600-option select, and
    # services.check_hub_fields refuses anything not in the list.
    timezone = StringField(
        "Time zone", validators=[DataRequired()], filters=[strip], render_kw={"list": TIMEZONE_DATALIST_ID}
    )
    # Lower-case codes are accepted: services.normalise_currency upper-cases them ("gbp" -> GBP).
    currency = StringField("Currency", validators=[DataRequired(), Length(max=3)], filters=[strip])
    vat_number = StringField("VAT number (optional)", validators=[Optional(), Length(max=32)], filters=[strip])
    invoice_prefix = StringField(
        "Invoice number prefix",
        validators=[
            DataRequired(),
            Length(max=16),
            Regexp(r"^[A-Za-z0-9-]+$", message="Use letters, digits and hyphens only."),
        ],
        filters=[strip],
    )
    payment_terms_days = IntegerField(
        "Payment terms (days)", validators=[InputRequired(message="Enter a number of days, such as 14.")]
    )
    contact_email = EmailField("Contact email (optional)", validators=[Optional(), Length(max=254), Email(message="Enter an email address, such as hello@example.org.")], filters=[strip])
    contact_phone = StringField(
        "Contact phone (optional)",
        validators=[Optional(), Length(max=40), Regexp(r"^\+?[0-9 ()-]{5,}$", message="Use digits, spaces and + ( ) - only.")],
        filters=[strip],
    )
    members_may_change_plan_at_once = BooleanField("Members may change plan at once, with the month prorated")
    submit = SubmitField("Save hub")

    def hub_values(self) -> dict:
        """Keyword arguments for services.update_hub / create_hub."""
        values = {
            "name": self.name.data,
            "address": self.address.data or "",
            "timezone": self.timezone.data,
            "currency": self.currency.data,
            "vat_number": self.vat_number.data or None,
            "invoice_prefix": self.invoice_prefix.data,
            "payment_terms_days": self.payment_terms_days.data,
            "contact_email": self.contact_email.data or None,
            "contact_phone": self.contact_phone.data or None,
        }
        if "members_may_change_plan_at_once" in self:
            values["members_may_change_plan_at_once"] = bool(self.members_may_change_plan_at_once.data)
        return values


class NewHubForm(HubDetailsForm):
    slug = StringField(
        "Slug (the hub's name in web addresses)",
        validators=[DataRequired(), Length(max=60)],
        filters=[strip],
    )
    members_may_change_plan_at_once = None  # a new hub starts with the default (from next month only)
    submit = SubmitField("Create hub")


# --- opening hours --------------------------------------------------------------------------

class DayHoursForm(Form):
    """One weekday's row; a sub-form, so it carries no CSRF token of its own."""

    opens_at = TimeField("Opens", format=TIME_FORMATS, validators=[Optional()])
    closes_at = TimeField("Closes", format=TIME_FORMATS, validators=[Optional()])
    closed = BooleanField("Closed all day")


class OpeningHoursForm(PageForm):
    """All seven weekdays in one form, so a week is saved whole or not at all."""

    monday = FormField(DayHoursForm, label="Monday")
    tuesday = FormField(DayHoursForm, label="Tuesday")
    wednesday = FormField(DayHoursForm, label="Wednesday")
    thursday = FormField(DayHoursForm, label="Thursday")
    friday = FormField(DayHoursForm, label="Friday")
    saturday = FormField(DayHoursForm, label="Saturday")
    sunday = FormField(DayHoursForm, label="Sunday")
    submit = SubmitField("Save opening hours")

    def rows(self) -> list[FormField]:
        """The day rows, Monday first (position = weekday number)."""
        return [self[day.lower()] for day in WEEKDAYS]

    def week(self) -> list[DayHours]:
        return [
            DayHours(weekday, row.opens_at.data, row.closes_at.data, bool(row.closed.data))
            for weekday, row in enumerate(self.rows())
        ]

    def show_day_errors(self, problems: dict[int, str]) -> None:
        """Put each day's problem beside the time that is missing or wrong in that day's row."""
        for weekday, message in problems.items():
            row = self.rows()[weekday]
            target = row.opens_at if row.opens_at.data is None else row.closes_at
            target.errors = [*target.errors, message]

    @staticmethod
    def data_for(hub: Hub) -> dict:
        """Initial values: the hub's stored hours, days without a row shown as closed."""
        data = {}
        for weekday, day in enumerate(WEEKDAYS):
            hours = next((h for h in hub.opening_hours if h.weekday == weekday), None)
            if hours is None:
                data[day.lower()] = {"closed": True}
            else:
                data[day.lower()] = {"opens_at": hours.opens_at, "closes_at": hours.closes_at, "closed": hours.closed}
        return data


# --- closures -------------------------------------------------------------------------------

class ClosureForm(PageForm):
    starts_on = DateField("First day closed", validators=[InputRequired(message="Enter the first day.")])
    ends_on = DateField("Last day closed", validators=[InputRequired(message="Enter the last day.")])
    reason = StringField("Reason", validators=[DataRequired(message="Say why the hub is closed."), Length(max=200)], filters=[strip])
    # A fingerprint of the bookings the manager was shown and agreed to cancel.
    confirmed = HiddenField()
    submit = SubmitField("Add closure")


# --- spaces ---------------------------------------------------------------------------------

def parse_amenities(text: str | None) -> list[str]:
    """'monitor, standing desk,,Monitor' -> ['monitor', 'standing desk'] (first spelling wins)."""
    seen: dict[str, str] = {}
    for part in (text or "").split(","):
        amenity = " ".join(part.split())
        if amenity and amenity.lower() not in seen:
            seen[amenity.lower()] = amenity
    return list(seen.values())


class SpaceForm(PageForm):
    """A space; rates are typed as money ('12.50') in the hub's currency and stored in minor units."""

    kind = SelectField(
        "Kind",
        choices=[(SpaceKind.DESK.value, "Desk"), (SpaceKind.ROOM.value, "Meeting room"), (SpaceKind.OFFICE.value, "Office")],
    )
    name = StringField("Name", validators=[DataRequired(message="Give the space a name."), Length(max=120)], filters=[strip])
    capacity = IntegerField("Capacity (people)", validators=[InputRequired(message="Enter how many people fit, such as 1.")])
    hourly_rate = StringField("Hourly rate", filters=[strip])
    daily_rate = StringField("Daily rate", filters=[strip])
    amenities = StringField("Amenities", validators=[Length(max=1000)])
    active = BooleanField("Active (members can see and book it)")
    submit = SubmitField("Save space")

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.amount_example = money_input_value(1250, currency)

    def validate_hourly_rate(self, field) -> None:
        self._check_money(field)

    def validate_daily_rate(self, field) -> None:
        self._check_money(field)

    def validate_amenities(self, field) -> None:
        amenities = parse_amenities(field.data)
        if len(amenities) > MAX_AMENITIES:
            raise ValidationError(f"List at most {MAX_AMENITIES} amenities.")
        if any(len(amenity) > MAX_AMENITY_LENGTH for amenity in amenities):
            raise ValidationError(f"Keep each amenity under {MAX_AMENITY_LENGTH} characters.")

    def _check_money(self, field) -> None:
        try:
            parse_money(field.data, self.currency)
        except MoneyError as error:
            raise ValidationError(str(error)) from error

    def space_values(self) -> dict:
        """Keyword arguments for services.add_space / update_space (call after validation)."""
        return {
            "kind": self.kind.data,
            "name": self.name.data,
            "capacity": self.capacity.data,
            "hourly_rate_minor": parse_money(self.hourly_rate.data, self.currency),
            "daily_rate_minor": parse_money(self.daily_rate.data, self.currency),
            "amenities": parse_amenities(self.amenities.data),
            "active": bool(self.active.data),
        }

    @staticmethod
    def data_for(space: Space | None, currency: str) -> dict:
        """Initial values: the space as stored, or sensible defaults for a new one."""
        if space is None:
            return {"kind": SpaceKind.DESK.value, "capacity": 1, "active": True,
                    "hourly_rate": money_input_value(0, currency), "daily_rate": money_input_value(0, currency)}
        return {
            "kind": space.kind,
            "name": space.name,
            "capacity": space.capacity,
            "hourly_rate": money_input_value(space.hourly_rate_minor, currency),
            "daily_rate": money_input_value(space.daily_rate_minor, currency),
            "amenities": ", ".join(space.amenities or []),
            "active": space.active,
        }


# --- roles ----------------------------------------------------------------------------------

class GrantRoleForm(PageForm):
    email = EmailField("Email of their account", validators=[DataRequired(message="Enter their email."), Length(max=254)], filters=[strip])
    role = SelectField("Role", choices=[(Role.MANAGER.value, "Manager"), (Role.STAFF.value, "Staff")])
    submit = SubmitField("Give role")


class TeamForm(PageForm):
    """Add someone to the hub's team; the roles offered depend on who is adding (see roles.py)."""

    email = EmailField("Email of their account", validators=[DataRequired(message="Enter their email."), Length(max=254)], filters=[strip])
    role = SelectField("Role", choices=[(Role.STAFF.value, "Staff")])
    submit = SubmitField("Add to the team")

    def offer(self, roles: list[Role]) -> TeamForm:
        self.role.choices = [(role.value, role.value.capitalize()) for role in roles]
        return self
