"""The reminder centre, reminder preferences and the one-click unsubscribe (RFC 8058)."""
from __future__ import annotations


from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain import reminders as rules
from ..domain.clock import utc_now
from ..domain.dates import long_date
from ..extensions import csrf
from ..forms import CONFIRM, ConfirmForm, ReminderPreferencesForm
from ..services import reminders as service
from ..services.errors import Invalid
from . import or_404, show_error

bp = Blueprint("reminders", __name__, url_prefix="/reminders")
EDITABLE_OFFSETS = [k for k in rules.KINDS if k not in rules.FIXED_LEAD_KINDS]


@bp.route("/")
@login_required
def index():
    now = utc_now()
    return render_template(
        "reminders/index.html", groups=service.reminder_centre(current_user, now), kinds=rules.KINDS,
        last_sweep=service.last_sweep(), confirm=CONFIRM, now=now,
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
    # Lead times are ticked boxes, one value each (the service also takes "90, 45" as text).
    offsets: dict[str, str | list[int]] = (
        {k: _lead_times(k, enabled, prefs) for k in EDITABLE_OFFSETS} if request.method == "POST"
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
    chosen = {k: _ints(offsets[k]) for k in EDITABLE_OFFSETS}
    return render_template(
        "reminders/preferences.html", form=form, kinds=rules.KINDS, enabled=enabled, chosen=chosen,
        choices={k: rules.lead_time_choices(k, chosen[k]) for k in EDITABLE_OFFSETS},
        editable=EDITABLE_OFFSETS, errors=errors,
    ), status


def _lead_times(kind: str, enabled: set[str], prefs) -> str | list[int]:
    """The posted lead times of one kind: the ticked values as text; none ticked is an error for a
    kind that is on, and keeps the current ones for a kind turned off."""
    text = ", ".join(v for v in request.form.getlist(f"offsets:{kind}") if v.strip())
    if text:
        return text
    return [] if kind in enabled else service.offsets_text(prefs, kind)


def _ints(value: str | list[int]) -> set[int]:
    """The whole numbers in posted or stored lead times (anything else is left out)."""
    if not isinstance(value, str):
        return set(value)
    found = set()
    for part in value.split(","):
        part = part.strip()
        if part.lstrip("-").isdigit() and len(part) < 5:
            found.add(int(part))
    return found


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


@bp.post("/<int:reminder_id>/snooze")
@login_required
def snooze(reminder_id: int):
    """Remind me later: the reminder goes once, 1, 3 or 7 days later."""
    if ConfirmForm().validate_on_submit():
        try:
            day = or_404(service.snooze, current_user, reminder_id, _days(), utc_now())
        except Invalid as error:
            flash(error.message, "error")
        else:
            flash(f"Snoozed: this reminder now comes on {long_date(day)}.", "success")
    return redirect(url_for("reminders.index") + f"#reminder-{reminder_id}")


def _days() -> int:
    value = request.form.get("days", "")
    return int(value) if value.isdigit() and len(value) < 4 else 0


@bp.post("/<int:reminder_id>/skip")
@login_required
def skip(reminder_id: int):
    """Skip this one reminder; the other reminders of the same thing still come."""
    if ConfirmForm().validate_on_submit():
        try:
            or_404(service.skip, current_user, reminder_id, utc_now())
        except Invalid as error:
            flash(error.message, "error")
        else:
            flash("Skipped: you will not get this reminder. The others of the same date still come.", "success")
    return redirect(url_for("reminders.index") + "#pending")


@bp.post("/<int:reminder_id>/unskip")
@login_required
def unskip(reminder_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            coming = or_404(service.unskip, current_user, reminder_id, utc_now())
        except Invalid as error:
            flash(error.message, "error")
        else:
            flash("The reminder is coming up again." if coming else
                  "Skip undone, but its time has passed or it is no longer needed, so it will not be sent.",
                  "success" if coming else "info")
    return redirect(url_for("reminders.index") + "#pending")


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
