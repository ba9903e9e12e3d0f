"""The account emails Rungs sends (sign-up, password reset, email change), rendered from
templates/email/ and sent with :func:`tracker.mail.send_one`: each raises
:class:`~tracker.mail.MailError` when it cannot be sent."""
from __future__ import annotations

from flask import current_app, render_template

from ..mail import build_message, send_one
from ..models import User


def _send(to: str, subject: str, template: str, **context) -> None:
    """Render ``email/<template>.txt`` and ``.html`` with ``context`` and send them to ``to``."""
    message = build_message(
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        to=to,
        subject=subject,
        text=render_template(f"email/{template}.txt", **context),
        html=render_template(f"email/{template}.html", **context),
    )
    send_one(current_app.config, message)


def send_password_reset(user: User, link: str) -> None:
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    _send(user.email, "Choose a new Rungs password", "password_reset", user=user, link=link, minutes=minutes)


def send_sign_up(email: str, *, finish_link: str | None, sign_in_link: str, reset_link: str) -> None:
    """One email per sign-up request: the link that finishes it for a new address
    (``finish_link``), or, for an address that already has an account, how to get back in."""
    hours = current_app.config["SIGN_UP_LINK_MAX_AGE"] // 3600
    if finish_link:
        subject, template = "Finish creating your Rungs account", "sign_up"
    else:
        subject, template = "You already have a Rungs account", "already_registered"
    _send(email, subject, template, email=email, link=finish_link, hours=hours,
          sign_in_link=sign_in_link, reset_link=reset_link)


def send_no_account(email: str, register_link: str) -> None:
    """A password reset asked for an address with no account: say so (the page said the same thing
    as for a real account, and one email goes out either way)."""
    _send(email, "Your Rungs password reset request", "no_account", email=email, register_link=register_link)


def send_email_change_link(new: str, old: str, link: str) -> None:
    """To the new address: the link that moves the account to it."""
    hours = current_app.config["EMAIL_CHANGE_LINK_MAX_AGE"] // 3600
    _send(new, "Confirm your new Rungs email address", "email_change", new=new, old=old, link=link, hours=hours)


def send_email_change_notice(old: str, new: str, *, done: bool, reset_link: str) -> None:
    """To the old address: a change to ``new`` was asked for (``done`` False) or made (True)."""
    subject = "Your Rungs email address was changed" if done else "A change of your Rungs email address was asked for"
    _send(old, subject, "email_change_notice", new=new, old=old, done=done, reset_link=reset_link)
