"""Settings: profile (email, time zone), password, the calendar feed, export and import of the
user's data, and deleting the account. Each section is a card on one page; each action posts to
its own route and redirects back to the page."""
from __future__ import annotations


from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..domain import career
from ..domain.clock import utc_now
from ..extensions import LIMITED_METHODS, limiter
from ..links import external_url
from ..forms import (
    CONFIRM, CareerStageForm, ChangePasswordForm, ConfirmForm, DeleteAccountForm, EmailChangeForm, ImportForm, ProfileForm, TokenForm,
)
from ..services import accounts, api_tokens
from ..services import calendar as calendar_service
from ..services import portability
from ..services import stages
from ..services.errors import Invalid
from . import or_404, show_error, user_today
from .calendar import ics_response
from .onboarding import stage_form

bp = Blueprint("settings", __name__, url_prefix="/settings")

# The new feed token waits here for the one page view that shows it (Rungs keeps only its hash).
NEW_FEED_TOKEN = "settings.new_feed_token"


@bp.before_request
@login_required
def require_login():
    return None


def render_settings(*, form=None, email_form=None, password_form=None, import_form=None, delete_form=None,
                    career_form=None, status: int = 200):
    """The settings page with each section's form (a failed one carries its errors)."""
    feed = calendar_service.feed_of(current_user)
    page = render_template(
        "settings/profile.html",
        form=form or ProfileForm(obj=current_user, formdata=None),
        email_form=email_form or EmailChangeForm(formdata=None),
        password_form=password_form or ChangePasswordForm(formdata=None),
        confirm=CONFIRM,
        feed=feed,
        import_form=import_form or ImportForm(formdata=None),
        delete_form=delete_form or DeleteAccountForm(formdata=None),
        career_form=career_form or _career_form(),
        stage_hints=career.STAGE_HINTS,
        account_empty=portability.account_is_empty(current_user),
        has_certificates=portability.has_certificates(current_user),
    )
    return page, status


@bp.route("/", methods=["GET", "POST"])
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            accounts.update_profile(current_user, form.time_zone.data, form.member_number.data)
        except Invalid as error:
            show_error(form, error)
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for("settings.profile"))
    return render_settings(form=form, status=422 if form.errors else 200)


def _career_form() -> CareerStageForm:
    form = stage_form()
    form.career_stage.data = stages.stage_of(current_user)
    return form


@bp.route("/career", methods=["POST"])
def career_stage():
    """Change where you are (starting out, certified, both): the dashboard's order follows."""
    form = stage_form(CareerStageForm())
    if form.validate_on_submit():
        try:
            stages.set_stage(current_user, form.career_stage.data)
        except Invalid as error:
            show_error(form, error)
        else:
            flash("Saved. Your dashboard now leads with what matters at this stage.", "success")
            return redirect(url_for("settings.profile") + "#career")
    return render_settings(career_form=form, status=422)


@bp.route("/email", methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=lambda: f"email-change:{current_user.id}",
               methods=LIMITED_METHODS, deduct_when=lambda response: response.status_code != 302, scope="email-change")
def change_email():
    """Ask, with the password, to move the account to a new address: a link goes there, and the
    old address is told. Nothing changes until the link is followed."""
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            change = accounts.request_email_change(current_user, form.new_email.data, form.password.data,
                                                   current_app.config["SECRET_KEY"])
        except Invalid as error:
            show_error(form, error)
        else:
            accounts.send_email_change_emails(change)
            flash(f"We sent a link to {change.new}. Your email changes when you follow it; "
                  f"until then it stays {change.old}.", "info")
            return redirect(url_for("settings.profile"))
    return render_settings(email_form=form, status=422)


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
            flash("Your password is changed. Other devices are signed out and your API tokens are revoked.", "success")
            return redirect(url_for("settings.profile"))
    return render_settings(password_form=form, status=422)


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
        confirm=CONFIRM,
    )
    headers = {"Cache-Control": "no-store"} if secret else {}
    return response, (422 if form.errors else 201 if secret else 200), headers


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id: int):
    if ConfirmForm().validate_on_submit():
        token = or_404(api_tokens.revoke_token, current_user, token_id)
        flash(f"Token “{token.name}” is revoked: it no longer works.", "success")
    return redirect(url_for("settings.tokens"))


# -- the calendar feed ----------------------------------------------------------------------------

@bp.route("/calendar", methods=["GET", "POST"])
def calendar():
    """The calendar feed: its address (shown once, with subscribe links), what it shows, alarms."""
    feed = calendar_service.feed_of(current_user)
    errors: dict[str, str] = {}
    chosen = calendar_service.feed_kinds(feed)
    alarm = feed.alarm_days if feed is not None else None
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        chosen = [k for k in request.form.getlist("kind") if k in calendar_service.KINDS]
        raw = request.form.get("alarm_days", "")
        alarm = int(raw) if raw.isdigit() and len(raw) < 4 else (None if raw == "" else -1)
        try:
            calendar_service.save_options(current_user, set(request.form.getlist("kind")), alarm)
        except Invalid as error:
            errors[error.field] = error.message
        else:
            flash("Saved. Calendar apps pick up the change the next time they check the feed.", "success")
            return redirect(url_for("settings.calendar") + "#feed-options")
    token = session.pop(NEW_FEED_TOKEN, None) if request.method == "GET" else None
    feed_url = external_url("calendar.feed", token=token) if token and feed else None
    page = render_template(
        "settings/calendar.html", feed=feed, feed_url=feed_url, confirm=CONFIRM,
        links=calendar_service.subscribe_links(feed_url) if feed_url else {},
        kinds=calendar_service.KINDS, chosen=chosen, alarm=alarm, alarm_choices=calendar_service.ALARM_DAYS,
        errors=errors,
    )
    # A page that shows a secret is kept by no cache.
    return page, 422 if errors else 200, ({"Cache-Control": "no-store"} if feed_url else {})


@bp.route("/calendar-feed", methods=["POST"])
def calendar_feed():
    """Turn the feed on, rotate its address, or turn it off (``action``: on, rotate, off)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    action = request.form.get("action")
    if action in ("on", "rotate"):
        had_feed = calendar_service.feed_of(current_user) is not None
        session[NEW_FEED_TOKEN] = calendar_service.issue_token(current_user)
        if had_feed:
            flash("Your calendar feed has a new address. The old one no longer works: "
                  "subscribe your calendar app to the new one.", "success")
        else:
            flash("Your calendar feed is on. Copy its address now: Rungs shows it only once.", "success")
    elif action == "off":
        calendar_service.turn_off(current_user)
        flash("Your calendar feed is off. Its address no longer works.", "success")
    else:
        abort(400)
    return redirect(url_for("settings.calendar"))


@bp.route("/calendar.ics")
def calendar_download():
    """The same calendar as the feed, once, as a file (no feed needed)."""
    now = utc_now()
    body = calendar_service.feed_for(current_user, user_today(), now, whole=True)
    return ics_response(body, download=f"rungs-{user_today().isoformat()}.ics")


# -- export and import ----------------------------------------------------------------------------

def _download(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/export.json")
def export_data():
    body = portability.export_json(current_user, utc_now())
    return _download(body, "application/json", f"rungs-data-{user_today().isoformat()}.json")


@bp.route("/certificates.zip")
def export_certificates():
    return _download(portability.export_certificates(current_user), "application/zip",
                     f"rungs-certificates-{user_today().isoformat()}.zip")


@bp.route("/import", methods=["POST"])
def import_data():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.data_file.data
        if not upload or not getattr(upload, "filename", ""):
            form.data_file.errors = [*form.data_file.errors, "Choose the .json file that Rungs exported."]
        else:
            certificates = form.certificates_file.data
            zip_bytes = certificates.read() if certificates and getattr(certificates, "filename", "") else None
            try:
                counts = portability.import_account(current_user, upload.read(), zip_bytes, user_today())
            except Invalid as error:
                form.form_errors.append(f"Nothing was imported. {error.field}: {error.message}")
            else:
                flash(f"Imported {counts['plans']} plan(s), {counts['credentials']} credential(s), "
                      f"{counts['ceu_activities']} CEU activit{'y' if counts['ceu_activities'] == 1 else 'ies'} "
                      f"and {counts['certificates']} certificate(s).", "success")
                return redirect(url_for("main.dashboard"))
    return render_settings(import_form=form, status=422)


# -- deleting the account -------------------------------------------------------------------------

@bp.route("/delete", methods=["POST"])
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            accounts.delete_account(current_user, form.password.data)
        except Invalid as error:
            show_error(form, error)
        else:
            logout_user()
            flash("Your account and everything in it are deleted.", "success")
            return redirect(url_for("main.dashboard"))
    return render_settings(delete_form=form, status=422)
