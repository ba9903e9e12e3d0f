"""The reminder centre, reminder preferences and the one-click unsubscribe (RFC 8058)."""
from __future__ import annotations


from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain import reminders as rules
from ..domain.clock import utc_now
from ..extensions import csrf
from ..forms import ConfirmForm, ReminderPreferencesForm
from ..services import reminders as service
from ..services.errors import Invalid
from . import or_404, show_error

bp = Blueprint("reminders", __name__, url_prefix="/reminders")
EDITABLE_OFFSETS = [k for k in rules.KINDS if k not in (rules.DIGEST, rules.APPRENTICE)]


@bp.route("/")
@login_required
def index():
    return render_template(
        "reminders/index.html", groups=service.list_reminders(current_user), kinds=rules.KINDS,
        last_sweep=service.last_sweep(), confirm=ConfirmForm(), now=utc_now(),
    )


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    row = service.preference_row(current_user)
    prefs = service.preferences(row)
    form = ReminderPreferencesForm()
    errors: dict[str, str] = {}
    if request.method == "GET":
        form.paused.data, form.send_hour.data, form.digest_weekday.data = prefs.paused, prefs.send_hour, prefs.digest_weekday
    enabled = {k for k in rules.KINDS if request.form.get(f"kind:{k}")} if request.method == "POST" else set(prefs.enabled)
    offsets = ({k: request.form.get(f"offsets:{k}", "") for k in EDITABLE_OFFSETS} if request.method == "POST"
               else {k: service.offsets_text(prefs, k) for k in EDITABLE_OFFSETS})
    if form.validate_on_submit():
        try:
            service.save_preferences(
                current_user, enabled=enabled, offsets=offsets, send_hour=form.send_hour.data,
                digest_weekday=form.digest_weekday.data, paused=form.paused.data,
            )
        except Invalid as error:
            if error.field.startswith("offsets_"):
                errors[error.field.removeprefix("offsets_")] = error.message
                form.form_errors.append("Please correct the lead times marked below.")
            else:
                show_error(form, error)
        else:
            flash("Reminder preferences saved.", "success")
            return redirect(url_for("reminders.preferences"))
    db_rollback_if_needed()
    status = 422 if (form.errors or errors or form.form_errors) else 200
    return render_template(
        "reminders/preferences.html", form=form, kinds=rules.KINDS, enabled=enabled, offsets=offsets,
        editable=EDITABLE_OFFSETS, errors=errors,
    ), status


def db_rollback_if_needed() -> None:
    # A refused change may have left the preferences row half-edited in the session: drop it.
    from ..extensions import db

    db.session.rollback()


@bp.post("/<int:reminder_id>/retry")
@login_required
def retry(reminder_id: int):
    if ConfirmForm().validate_on_submit():
        or_404(service.retry_failed, current_user, reminder_id, utc_now())
        flash("The reminder will be sent again within a minute.", "success")
    return redirect(url_for("reminders.index"))


# One-click unsubscribe: no session needed, so no CSRF token either; the signed token is the
# authority. GET only shows a confirmation (mail scanners follow links); POST acts.
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    found = service.read_unsubscribe_token(token)
    if found is None:
        return render_template("errors/error.html", code=404, title="This unsubscribe link is not valid",
                               message="It may have been changed or cut short. Sign in to change your reminder preferences."), 404
    user, kind = found
    label = "all reminder emails" if kind == "all" else f"“{rules.KINDS[kind]}” reminders"
    if request.method == "POST":
        service.unsubscribe(user, kind)
        return render_template("reminders/unsubscribed.html", label=label, done=True, token=token)
    return render_template("reminders/unsubscribed.html", label=label, done=False, token=token, email=user.email)
