"""The emails Rungs sends, rendered from templates/email/ and handed to the configured mailer."""
from __future__ import annotations

from flask import current_app, render_template

from .mail import build_message, mailer_from_config
from .models import User


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
    mailer_from_config(current_app.config).send(message)
