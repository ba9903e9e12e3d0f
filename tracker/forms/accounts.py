"""Accounts and settings: signing up and in, passwords, email, profile, tokens, import, deletion."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from ..domain import limits
from ..domain.zones import COMMON_ZONES, all_zones
from .base import Form, options


def zone_choices() -> list[SelectChoice]:
    """Time zones for the picker: the common US ones first, then every zone."""
    common = options(((zone, zone.replace("_", " ")) for zone in COMMON_ZONES), "Common in the US")
    rest = options(
        ((zone, zone.replace("_", " ")) for zone in all_zones() if zone not in COMMON_ZONES), "All time zones"
    )
    return common + rest


class EmailAddress(EmailField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            self.data = self.data.strip()


def _email_field(label: str = "Email") -> EmailAddress:
    return EmailAddress(
        label,
        validators=[DataRequired("Enter your email address."), Email("Enter a valid email address, like name@example.com."), Length(max=limits.EMAIL, message=limits.too_long(limits.EMAIL))],
        render_kw={"autocomplete": "email"},
    )


class RegisterForm(Form):
    email = _email_field()


class FinishSignUpForm(Form):
    password = PasswordField(
        "Password",
        validators=[DataRequired("Choose a password.")],
        description="At least 10 characters. A phrase is easier to remember.",
        render_kw={"autocomplete": "new-password"},
    )
    time_zone = SelectField("Time zone", default="America/New_York", render_kw={"data-detect-zone": "1"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = zone_choices()


class LoginForm(Form):
    email = _email_field()
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")], render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Keep me signed in on this device")


class ResetRequestForm(Form):
    email = _email_field()


class ResetPasswordForm(Form):
    password = PasswordField(
        "New password",
        validators=[DataRequired("Choose a new password.")],
        description="At least 10 characters.",
        render_kw={"autocomplete": "new-password"},
    )


class TokenForm(Form):
    name = StringField(
        "Token name",
        validators=[DataRequired("Name the token after what will use it."), Length(max=limits.TOKEN_NAME, message=limits.too_long(limits.TOKEN_NAME))],
        description="What will use it, like “calendar script” or “laptop”. You can revoke it at any time.",
    )


class ChangePasswordForm(Form):
    current_password = PasswordField("Current password", validators=[DataRequired("Enter your current password.")], render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(
        "New password",
        validators=[DataRequired("Choose a new password.")],
        description="At least 10 characters. Other devices will be signed out.",
        render_kw={"autocomplete": "new-password"},
    )


class ProfileForm(Form):
    time_zone = SelectField("Time zone", description="Dates and reminders follow this zone.")
    member_number = StringField(
        "Member number (optional)", validators=[Optional(), Length(max=limits.MEMBER_NUMBER_MAX, message=limits.MEMBER_NUMBER_MESSAGE)],
        description="Your AAPC member ID or AHIMA ID, printed on your audit packets. With both, enter both: AAPC 01234567, AHIMA 1234567.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = zone_choices()


class EmailChangeForm(Form):
    new_email = _email_field("New email")
    password = PasswordField("Your password", validators=[DataRequired("Enter your password.")],
                             render_kw={"autocomplete": "current-password"})


class ImportForm(Form):
    data_file = FileField("Data file (rungs-data-….json)", render_kw={"accept": ".json,application/json"})
    certificates_file = FileField(
        "Certificates (rungs-certificates-….zip)",
        description="Only needed when your export has certificates.",
        render_kw={"accept": ".zip,application/zip"},
    )


class DeleteAccountForm(Form):
    password = PasswordField(
        "Your password",
        validators=[DataRequired("Enter your password to confirm.")],
        description="To confirm that it is you.",
        render_kw={"autocomplete": "current-password"},
    )
