"""The team invitation email: the invitee waits for it, so it is sent at once (like the account
emails), not through the reminder outbox. Its link carries the invitation's secret."""
from __future__ import annotations

from flask import current_app, render_template

from ..domain.teams import INVITATION_DAYS
from ..links import external_url
from ..mail import MailError, build_message, send_one
from ..models import Team, TeamInvitation, User


def send_invitation(invitation: TeamInvitation, token: str, team: Team, inviter: User) -> bool:
    """Email the invitation link to the invited address. False (and logged) when it could not be
    sent: the manager sees the invitation pending and can send it again."""
    context = {
        "team": team.name, "inviter": inviter.email, "email": invitation.email, "days": INVITATION_DAYS,
        "link": external_url("teams.join", token=token),
    }
    message = build_message(
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        to=invitation.email,
        subject=f"{inviter.email} invites you to the team “{team.name}” on Rungs",
        text=render_template("email/team_invitation.txt", **context),
        html=render_template("email/team_invitation.html", **context),
    )
    try:
        send_one(current_app.config, message)
    except MailError:
        current_app.logger.exception("could not send a team invitation")
        return False
    return True
