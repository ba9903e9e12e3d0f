"""Settings: profile (email, time zone) and password."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user

from ..forms import ChangePasswordForm, ProfileForm
from ..services import accounts
from ..services.errors import Invalid
from . import show_error

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
