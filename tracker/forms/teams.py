"""Teams (issue 17): naming a team, inviting a coder, what a member shares, a member's role."""
from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from ..domain import limits
from .accounts import EmailAddress
from .base import Form, options


class TeamForm(Form):
    name = StringField("Team name", validators=[DataRequired("Give the team a name."), Length(max=limits.TEAM_NAME_MAX)])


class InviteForm(Form):
    email = EmailAddress(
        "Coder's email",
        validators=[DataRequired("Enter the coder's email address."),
                    Email("Enter a valid email address, like name@example.com."), Length(max=limits.EMAIL_MAX)],
        render_kw={"autocomplete": "off"},
    )


class SharingForm(Form):
    share_ceus = BooleanField("CEU details and certificates", description="Titles, dates, providers and certificate files of your CEUs (for an internal audit).")
    share_plans = BooleanField("My plan", description="Your active plan's title and progress.")
    share_ladder = BooleanField("My place on the ladder", description="The rung you are on.")


class RoleForm(Form):
    role = SelectField("Role", choices=options([("member", "Member"), ("manager", "Manager")]))
