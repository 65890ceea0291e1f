"""Forms for what a hub sells and to whom it bills: plans (their terms, and a price from a date),
passes (the product, and selling one to a member) and organisations.

``SERVICE_FIELDS`` maps a service's name for a value to the form field that holds it, so that
a refusal ("A price cannot be negative", field ``price_minor``) shows beside ``price``.
"""
from __future__ import annotations

from wtforms import BooleanField, EmailField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from coworking.bookings.forms import MultiCheckboxField
from coworking.forms import DateField, MoneyField, PageForm, strip
from coworking.hubs.models import SpaceKind
from coworking.memberships.forms.fields import IdSelectField, PercentField, percent_text
from coworking.memberships.models import Plan
from coworking.money import money_input_value

SPACE_KIND_CHOICES = [(SpaceKind.DESK.value, "Desks"), (SpaceKind.ROOM.value, "Meeting rooms"),
                      (SpaceKind.OFFICE.value, "Offices")]


class PlanTermsForm(PageForm):
    """A plan's terms, as edited; its price changes from a date (PriceForm)."""

    SERVICE_FIELDS = {"vat_rate_bp": "vat_rate"}

    name = StringField("Name", validators=[DataRequired(message="Give the plan a name."), Length(max=120)], filters=[strip])
    description = TextAreaField("Description", validators=[Length(max=2000)], filters=[strip])
    vat_rate = PercentField("VAT rate (%)")
    desk_days_per_month = IntegerField("Desk days included per month", validators=[Optional()])
    desk_days_unlimited = BooleanField("Unlimited desk days")
    room_hours_per_month = IntegerField("Room hours included per month", validators=[Optional()])
    room_hours_unlimited = BooleanField("Unlimited room hours")
    covered_space_kinds = MultiCheckboxField("Covers", choices=SPACE_KIND_CHOICES)
    network_access = BooleanField("Also admits to the network's other hubs")
    carry_over_months = IntegerField("Unused allowance carries over for (months)",
                                     validators=[InputRequired(message="Enter a number of months (0: it does not carry over).")])
    notice_period_days = IntegerField("Notice period (days)", validators=[InputRequired(message="Enter a number of days, such as 30.")])
    pauses_allowed = BooleanField("Members may pause it for whole months")
    max_pause_months = IntegerField("Longest pause (months)", validators=[InputRequired(message="Enter a number of months (0 if no pauses).")])
    public = BooleanField("Public: shown on the pricing page, anyone may apply")
    submit = SubmitField("Save plan")

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency

    def validate_desk_days_per_month(self, field) -> None:
        if field.data is None and not self.desk_days_unlimited.data:
            raise ValidationError("Enter a number of days (0 for none), or tick unlimited.")

    def validate_room_hours_per_month(self, field) -> None:
        if field.data is None and not self.room_hours_unlimited.data:
            raise ValidationError("Enter a number of hours (0 for none), or tick unlimited.")

    def terms(self) -> dict:
        """Keyword arguments for plans.update_plan (and create_plan)."""
        return {
            "name": self.name.data,
            "description": self.description.data or "",
            "vat_rate_bp": self.vat_rate.basis_points,
            "desk_days_per_month": None if self.desk_days_unlimited.data else self.desk_days_per_month.data,
            "room_hours_per_month": None if self.room_hours_unlimited.data else self.room_hours_per_month.data,
            "covered_space_kinds": list(self.covered_space_kinds.data or []),
            "network_access": bool(self.network_access.data),
            "carry_over_months": self.carry_over_months.data,
            "public": bool(self.public.data),
            "notice_period_days": self.notice_period_days.data,
            "pauses_allowed": bool(self.pauses_allowed.data),
            "max_pause_months": self.max_pause_months.data,
        }

    @staticmethod
    def data_for(plan: Plan | None) -> dict:
        if plan is None:
            return {"vat_rate": "0", "desk_days_per_month": 0, "room_hours_per_month": 0, "covered_space_kinds": ["desk", "room"],
                    "carry_over_months": 0, "notice_period_days": 30, "max_pause_months": 0, "public": True}
        return {
            "name": plan.name, "description": plan.description, "vat_rate": percent_text(plan.vat_rate_bp),
            "desk_days_per_month": plan.desk_days_per_month, "desk_days_unlimited": plan.desk_days_per_month is None,
            "room_hours_per_month": plan.room_hours_per_month, "room_hours_unlimited": plan.room_hours_per_month is None,
            "covered_space_kinds": list(plan.covered_space_kinds or []), "network_access": plan.network_access,
            "carry_over_months": plan.carry_over_months, "notice_period_days": plan.notice_period_days,
            "pauses_allowed": plan.pauses_allowed, "max_pause_months": plan.max_pause_months, "public": plan.public,
        }


class NewPlanForm(PlanTermsForm):
    SERVICE_FIELDS = {**PlanTermsForm.SERVICE_FIELDS, "monthly_price_minor": "monthly_price"}

    monthly_price = MoneyField("Monthly price (before VAT)")
    submit = SubmitField("Create plan")

    def terms(self) -> dict:
        return {**super().terms(), "monthly_price_minor": self.monthly_price.minor}


class PriceForm(PageForm):
    """A plan's new monthly price and the day it applies from."""

    SERVICE_FIELDS = {"price_minor": "price"}

    price = MoneyField("New monthly price (before VAT)")
    effective_from = DateField("Applies from", validators=[InputRequired(message="Choose the first day it applies.")])
    submit = SubmitField("Change the price")

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency


# --- passes ---------------------------------------------------------------------------------

class PassProductForm(PageForm):
    SERVICE_FIELDS = {"price_minor": "price", "vat_rate_bp": "vat_rate"}

    name = StringField("Name", validators=[DataRequired(message="Give the pass a name."), Length(max=120)], filters=[strip])
    desk_days = IntegerField("Desk days it holds", validators=[InputRequired(message="Enter a number of days, such as 10.")])
    valid_days = IntegerField("Valid for (days from the sale)", validators=[InputRequired(message="Enter a number of days, such as 90.")])
    price = MoneyField("Price (before VAT)")
    vat_rate = PercentField("VAT rate (%)")
    public = BooleanField("Public: shown on the pricing page")
    submit = SubmitField("Create pass")

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency

    def product_values(self) -> dict:
        """Keyword arguments for plans.create_pass_product."""
        return {"name": self.name.data, "desk_days": self.desk_days.data, "valid_days": self.valid_days.data,
                "price_minor": self.price.minor, "vat_rate_bp": self.vat_rate.basis_points, "public": bool(self.public.data)}

    @staticmethod
    def defaults(currency: str) -> dict:
        return {"desk_days": 1, "valid_days": 1, "price": money_input_value(0, currency), "vat_rate": "0", "public": True}


class SellPassForm(PageForm):
    """A pass sold to a member, named by the email of their account."""

    product = IdSelectField("Pass", validators=[InputRequired(message="Choose a pass.")])
    member_email = EmailField("Member's email", validators=[DataRequired(message="Enter the member's email."), Length(max=254)],
                              filters=[strip])
    valid_from = DateField("Valid from (blank: today)", validators=[Optional()])
    organisation = IdSelectField("Billed to")
    submit = SubmitField("Sell pass")


# --- organisations --------------------------------------------------------------------------

class OrganisationForm(PageForm):
    name = StringField("Name", validators=[DataRequired(message="Give the organisation's name."), Length(max=160)], filters=[strip])
    billing_email = EmailField("Billing email", validators=[DataRequired(message="Enter the email invoices go to."), Length(max=254)],
                               filters=[strip])
    address = TextAreaField("Address", validators=[Length(max=1000)], filters=[strip])
    submit = SubmitField("Save organisation")
