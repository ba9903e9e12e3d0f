"""The account emails Rungs sends (sign-up, password reset, email change), rendered from
templates/email/ and sent with :func:`tracker.mail.send_one`: each raises
:class:`~tracker.mail.MailError` when it cannot be sent."""
from __future__ import annotations

from flask import current_app, render_template

from ..mail import build_message, send_one
from ..models import User


def send_password_reset(user: User, link: str) -> None:
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    context = {"user": user, "link": link, "minutes": minutes}
    message = build_message(
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        to=user.email,
        subject="Choose a new Rungs password",
        text=render_template("email/password_reset.txt", **context),
        html=render_template("email/password_reset.html", **context),
    )
    send_one(current_app.config, message)


def send_sign_up(email: str, *, finish_link: str | None, sign_in_link: str, reset_link: str) -> None:
    """One email per sign-up request: the link that finishes it for a new address
    (``finish_link``), or, for an address that already has an account, how to get back in."""
    hours = current_app.config["SIGN_UP_LINK_MAX_AGE"] // 3600
    context = {"email": email, "link": finish_link, "hours": hours, "sign_in_link": sign_in_link, "reset_link": reset_link}
    kind = "sign_up" if finish_link else "already_registered"
    subject = "Finish creating your Rungs account" if finish_link else "You already have a Rungs account"
    message = build_message(
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        to=email,
        subject=subject,
        text=render_template(f"email/{kind}.txt", **context),
        html=render_template(f"email/{kind}.html", **context),
    )
    send_one(current_app.config, message)


def send_no_account(email: str, register_link: str) -> None:
    """A password reset asked for an address with no account: say so (the page said the same thing
    as for a real account, and one email goes out either way)."""
    context = {"email": email, "register_link": register_link}
    message = build_message(
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        to=email,
        subject="Your Rungs password reset request",
        text=render_template("email/no_account.txt", **context),
        html=render_template("email/no_account.html", **context),
    )
    send_one(current_app.config, message)


def send_email_change_link(new: str, old: str, link: str) -> None:
    """To the new address: the link that moves the account to it."""
    context = {"new": new, "old": old, "link": link, "hours": current_app.config["EMAIL_CHANGE_LINK_MAX_AGE"] // 3600}
    message = build_message(
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        to=new,
        subject="Confirm your new Rungs email address",
        text=render_template("email/email_change.txt", **context),
        html=render_template("email/email_change.html", **context),
    )
    send_one(current_app.config, message)


def send_email_change_notice(old: str, new: str, *, done: bool, reset_link: str) -> None:
    """To the old address: a change to ``new`` was asked for (``done`` False) or made (True)."""
    context = {"new": new, "old": old, "done": done, "reset_link": reset_link}
    message = build_message(
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        to=old,
        subject="Your Rungs email address was changed" if done else "A change of your Rungs email address was asked for",
        text=render_template("email/email_change_notice.txt", **context),
        html=render_template("email/email_change_notice.html", **context),
    )
    send_one(current_app.config, message)
