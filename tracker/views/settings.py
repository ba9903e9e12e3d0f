"""Settings: profile (email, time zone) and password."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user

from ..forms import ChangePasswordForm, ConfirmForm, ProfileForm, TokenForm
from ..services import accounts, api_tokens
from ..services.errors import Invalid
from . import or_404, show_error

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.before_request
@login_required
def require_login():
    return None


@bp.route("/", methods=["GET", "POST"])
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            accounts.update_profile(current_user, form.email.data, form.time_zone.data)
        except Invalid as error:
            show_error(form, error)
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for("settings.profile"))
    return render_template("settings/profile.html", form=form, password_form=ChangePasswordForm(formdata=None)), 422 if form.errors else 200


@bp.route("/password", methods=["POST"])
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.new_password.data)
        except Invalid as error:
            show_error(form, error)
        else:
            # A fresh cookie with the new session version (the user itself, not the current_user proxy:
            # Flask-Login would store the proxy and resolve it to itself forever).
            login_user(current_user._get_current_object())
            flash("Your password is changed. Other devices are signed out.", "success")
            return redirect(url_for("settings.profile"))
    return render_template("settings/profile.html", form=ProfileForm(obj=current_user, formdata=None), password_form=form), 422


@bp.route("/tokens", methods=["GET", "POST"])
def tokens():
    """Personal access tokens for the JSON API. A new token is shown once, on this answer only
    (never stored in the session or a redirect: Rungs keeps only its hash)."""
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        try:
            _token, secret = api_tokens.create_token(current_user, form.name.data)
        except Invalid as error:
            show_error(form, error)
        else:
            form = TokenForm(formdata=None)
    response = render_template(
        "settings/tokens.html", form=form, secret=secret, tokens=api_tokens.list_tokens(current_user),
        confirm=ConfirmForm(),
    )
    headers = {"Cache-Control": "no-store"} if secret else {}
    return response, (422 if form.errors else 201 if secret else 200), headers


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id: int):
    if ConfirmForm().validate_on_submit():
        token = or_404(api_tokens.revoke_token, current_user, token_id)
        flash(f"Token “{token.name}” is revoked: it no longer works.", "success")
    return redirect(url_for("settings.tokens"))
