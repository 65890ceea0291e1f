"""Account forms. Rules that the services enforce are also checked here, through the same
service functions, so every problem shows beside its field at once."""
from __future__ import annotations

from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from coworking.accounts import services
from coworking.forms import PageForm

PASSWORD_HINT = f"At least {services.MIN_PASSWORD_LENGTH} characters."


def service_rule(check):
    """A WTForms validator made from a service check that raises AccountError."""

    def validate(form, field):
        try:
            check(field.data)
        except services.AccountError as error:
            raise ValidationError(error.message) from error

    return validate


def _email_field(label: str = "Email"):
    return EmailField(
        label,
        validators=[
            DataRequired("Enter your email address."),
            Length(max=254),
            service_rule(services.check_email),
        ],
    )


def _name_field():
    return StringField(
        "Name",
        validators=[DataRequired("Enter your name."), service_rule(services.check_name)],
    )


def _new_password_fields(label: str = "Password"):
    password = PasswordField(
        label,
        validators=[DataRequired("Choose a password."), service_rule(services.check_password)],
        description=PASSWORD_HINT,
    )
    confirm = PasswordField(
        "Confirm password",
        validators=[
            DataRequired("Type the password again."),
            EqualTo("password", message="The two passwords do not match."),
        ],
    )
    return password, confirm


class LoginForm(PageForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired()])
    submit = SubmitField("Log in")


class SignupForm(PageForm):
    name = _name_field()
    email = _email_field()
    password, confirm = _new_password_fields()
    submit = SubmitField("Sign up")


class ResetRequestForm(PageForm):
    # No format check: every submission gets the same answer, so there is nothing to reveal.
    email = EmailField("Email", validators=[DataRequired("Enter your email address."), Length(max=254)])
    submit = SubmitField("Email me a link")


class ResetPasswordForm(PageForm):
    password, confirm = _new_password_fields("New password")
    submit = SubmitField("Set new password")


class ProfileForm(PageForm):
    name = _name_field()
    email = _email_field()
    submit = SubmitField("Save profile")


class ChangePasswordForm(PageForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )
    password, confirm = _new_password_fields("New password")
    submit = SubmitField("Change password")


class ApiTokenForm(PageForm):
    name = StringField(
        "Token name",
        validators=[DataRequired("Give the token a name."), Length(max=80)],
    )
    submit = SubmitField("Create token")
