"""Accounts: register, sign in, sign out, password reset by email."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import LIMITED_METHODS, limiter
from ..services import accounts, devices
from ..services.errors import Invalid
from ..forms import ConfirmForm, FinishSignUpForm, LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm
from . import show_error

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect off the site after sign-in."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target:
            return target
    return url_for("main.dashboard")


def _recipient_key() -> str:
    """Limit the emails one address receives (sign-up and reset links), whoever asks for them."""
    return "email-link:" + accounts.normalize_email(request.form.get("email", ""))


def _email_link_limit():
    # Shared: sign-up and reset requests for one address count together.
    # Only requests that sent an email count (a form with errors answers 422 and sends nothing).
    return limiter.shared_limit(lambda: current_app.config["EMAIL_LINKS_PER_RECIPIENT"], scope="email-link",
                                key_func=_recipient_key, methods=LIMITED_METHODS,
                                deduct_when=lambda response: response.status_code == 302)


@bp.route("/register", methods=["GET", "POST"])
@_email_link_limit()
def register():
    """Step one of sign-up: an email address. The answer is the same for every address."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        sign_up = accounts.request_sign_up(form.email.data, current_app.config["SECRET_KEY"])
        accounts.send_sign_up_email(sign_up)
        session["sign_up_sent_to"] = sign_up.email
        return redirect(url_for("auth.sign_up_sent"))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/register/sent")
def sign_up_sent():
    email = session.get("sign_up_sent_to")
    if not email:
        return redirect(url_for("auth.register"))
    return render_template(
        "auth/sign_up_sent.html", email=email,
        hours=current_app.config["SIGN_UP_LINK_MAX_AGE"] // 3600,
        # Without a mail server (development) the email is a file: say where, never in production.
        outbox=None if current_app.config.get("MAIL_SERVER") or current_app.config.get("RUNGS_ENV") == "production"
        else current_app.config["MAIL_OUTBOX_DIR"],
    )


@bp.route("/register/<token>", methods=["GET", "POST"])
def finish_sign_up(token: str):
    """Step two, from the emailed link: choose a password and time zone; the account is made."""
    email = accounts.email_for_sign_up_token(
        token, current_app.config["SECRET_KEY"], current_app.config["SIGN_UP_LINK_MAX_AGE"]
    )
    if email is None:
        flash("That sign-up link has expired or is not valid. Enter your email again for a new one.", "error")
        return redirect(url_for("auth.register"))
    if accounts.find_user_by_email(email) is not None:
        # Only the mailbox's owner holds this link, so saying so reveals nothing new.
        flash("This link was already used: your account exists. Sign in.", "info")
        return redirect(url_for("auth.login"))
    form = FinishSignUpForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(email, form.password.data, form.time_zone.data)
        except Invalid as error:
            show_error(form, error)
        else:
            session.pop("sign_up_sent_to", None)
            login_user(user)
            flash("Welcome to Rungs. First, where are you in your coding career?", "success")
            return _remember_device(redirect(url_for("onboarding.stage")), user)
    return render_template("auth/finish_sign_up.html", form=form, email=email), 422 if form.errors else 200


def _account_key() -> str:
    """Throttle by the account being tried, whatever address the attempts come from."""
    return "login-account:" + accounts.normalize_email(request.form.get("email", ""))


def _failed(response) -> bool:
    # Only failed attempts count: a successful sign-in redirects.
    return response.status_code != 302


TOO_MANY = "Too many sign-in attempts. Wait a few minutes, then try again."


def _known_device() -> bool:
    """This browser signed in to the account being tried before: the per-account limit, which any
    stranger can spend, never locks it out (the per-address limit still applies)."""
    return devices.is_known_device(request.cookies.get(devices.COOKIE), request.form.get("email", ""),
                                   current_app.config["SECRET_KEY"])


def _remember_device(response, user):
    response.set_cookie(
        devices.COOKIE, devices.device_token(user, current_app.config["SECRET_KEY"]), max_age=devices.MAX_AGE,
        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax",
    )
    return response


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_account_key, methods=LIMITED_METHODS,
               deduct_when=_failed, error_message=TOO_MANY, scope="login-account", exempt_when=_known_device)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=LIMITED_METHODS,
               deduct_when=_failed, error_message=TOO_MANY, scope="login-address")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return _remember_device(redirect(_safe_next(request.args.get("next"))), user)
        form.form_errors.append("That email and password do not match an account.")
    return render_template("auth/login.html", form=form), 422 if form.errors or form.form_errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    accounts.sign_out_everywhere(current_user._get_current_object())
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/reset", methods=["GET", "POST"])
@_email_link_limit()
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data, current_app.config["SECRET_KEY"])
        # The same answer whether or not the address has an account.
        flash("If that address has an account, we have sent it a link to choose a new password. "
              "The link works once, for one hour.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), 422 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = accounts.user_for_reset_token(
        token, current_app.config["SECRET_KEY"], current_app.config["PASSWORD_RESET_MAX_AGE"]
    )
    if user is None:
        flash("That reset link has expired or was already used. Ask for a new one.", "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(user, form.password.data)
        except Invalid as error:
            show_error(form, error)
        else:
            logout_user()
            flash("Your password is changed, other devices are signed out and your API tokens are revoked. "
                  "Sign in with the new one.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), 422 if form.errors else 200


@bp.route("/email-change/<token>", methods=["GET", "POST"])
def email_change(token: str):
    """From the link sent to the new address: GET asks (mail scanners follow links), POST moves
    the account; no sign-in needed, the signed link is the authority. The old address is told."""
    found = accounts.read_email_change(
        token, current_app.config["SECRET_KEY"], current_app.config["EMAIL_CHANGE_LINK_MAX_AGE"]
    )
    if found is None:
        flash("That email-change link has expired or was already used. Ask for a new one in Settings.", "error")
        return redirect(url_for("auth.login"))
    user, change = found
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            accounts.confirm_email_change(user, change)
        except Invalid as error:
            form.form_errors.append(error.message)
        else:
            accounts.tell_old_address_of_change(change)
            flash(f"Your email is now {change.new}.", "success")
            return redirect(url_for("main.dashboard") if current_user.is_authenticated else url_for("auth.login"))
    return render_template("auth/email_change.html", form=form, change=change), 422 if form.form_errors else 200
