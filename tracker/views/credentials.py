"""Credentials and CEUs: what each renewal still needs, the CEU log, certificates, audit export."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from ..forms import (
    CONFIRM,
    ApprenticeForm,
    CeuForm,
    ConfirmForm,
    CredentialEditForm,
    CredentialForm,
    RenewalSetupForm,
    SubmissionForm,
    options,
)
from ..services import certificates, cycle_exports, submissions
from ..services import credentials as service
from ..services.errors import Invalid
from . import certificate_reads as reader
from .credential_html import credential_changes, cycle_numbers, cycle_status, next_action
from . import not_found, or_404, show_error, user_today

bp = Blueprint("credentials", __name__, url_prefix="/credentials")
# The pages' status badges, cycle figures, next actions and credential changes (credential_html.py).
bp.add_app_template_global(cycle_status)
bp.add_app_template_global(cycle_numbers)
bp.add_app_template_global(next_action)
bp.add_app_template_global(credential_changes)


@bp.before_request
@login_required
def require_login():
    return None


def _code_choices():
    choices = [options([("", "Choose a credential")])[0]]
    for rules in service.bodies().values():
        choices += options(((code, f"{code} — {rule.name}") for code, rule in rules.credentials.items()), rules.name)
    choices += options([(OTHER_CHOICE, "Another credential (not in this list)")])
    return choices


OTHER_CHOICE = "OTHER"


def _cycle_end(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        abort(404)


# -- overview -------------------------------------------------------------------------------------

@bp.route("/")
def index():
    today = user_today()
    credentials = service.read_credentials(current_user)
    overviews = service.renewal_summary(current_user, today, credentials)
    return render_template(
        "credentials/index.html",
        overviews=overviews,
        credentials=credentials,
        conversions={c.id: service.conversion_of(c) for c in credentials},
        replacements={c.id: service.replacement_of(c) for c in credentials},
        events=service.code_set_dates_between(today, today + dt.timedelta(days=365)),
        today=today,
        confirm=CONFIRM,
    )


@bp.route("/<body>/")
def body(body: str):
    today = user_today()
    overview = or_404(service.body_overview, current_user, body, today)
    standing = or_404(service.find_cycle, overview, _cycle_end(request.args.get("cycle")))
    form = SubmissionForm()
    return render_template(
        "credentials/body.html", overview=overview, standing=standing, today=today,
        submission_form=form, confirm=CONFIRM,
    )


# -- credentials ----------------------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
def new():
    form = CredentialForm()
    form.code.choices = _code_choices()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"]
    if form.validate_on_submit():
        credential = add_from_form(form, source="manual")
        if credential is not None:
            flash(f"{credential.code} added. Rungs now tracks its CEU cycle.", "success")
            return redirect(url_for("credentials.body", body=service.body_key(credential)))
    return render_template("credentials/new.html", form=form, bodies=service.bodies()), 422 if form.errors else 200


def add_from_form(form: CredentialForm, source: str):
    """Add the credential a validated CredentialForm describes (the catalogue's, or another
    body's); None with the error put on the form when the service refuses it."""
    other = None
    code = form.code.data
    if code == OTHER_CHOICE:
        code = form.other_code.data or ""
        other = service.OtherCredential(
            body=form.other_body.data, name=form.name.data, ceus=form.other_ceus.data or "",
            cycle_years=form.other_cycle_years.data,
        )
    try:
        return service.add_credential(
            current_user, code, form.earned_on.data, user_today(),
            renewal_month=form.renewal_month.data or None,
            cycle_end=form.cycle_end.data,
            first_cycle_ceus=form.first_cycle_ceus.data,
            other=other, source=source,
        )
    except Invalid as error:
        show_error(form, error, fallback="other_code" if other else None)
        return None


@bp.route("/<int:credential_id>/edit", methods=["GET", "POST"])
def edit(credential_id: int):
    credential = or_404(service.get_credential, current_user, credential_id)
    form = CredentialEditForm(obj=credential)
    if form.validate_on_submit():
        try:
            service.update_credential(credential, form.earned_on.data, user_today())
        except Invalid as error:
            show_error(form, error)
        else:
            flash(f"{credential.code} updated.", "success")
            return redirect(url_for("credentials.body", body=service.body_key(credential)))
    return render_template("credentials/edit.html", form=form, credential=credential), 422 if form.errors else 200


@bp.post("/<int:credential_id>/convert")
def convert(credential_id: int):
    """The button on an apprentice designation: CPC-A becomes CPC (the same credential)."""
    credential = or_404(service.get_credential, current_user, credential_id)
    change = service.conversion_of(credential)
    if change is None or not ConfirmForm().validate_on_submit():
        abort(400 if change else 404)
    old = credential.code
    try:
        service.convert_credential(credential, change.code, user_today(), user_today())
    except Invalid as error:
        flash(error.message, "error")
    else:
        flash(f"{old} is now {credential.code}: the same credential, with its CEUs and its cycle.", "success")
    return redirect(url_for("credentials.index"))


@bp.post("/<int:credential_id>/unconvert")
def unconvert(credential_id: int):
    """Undo a conversion made by mistake: CPC goes back to CPC-A."""
    credential = or_404(service.get_credential, current_user, credential_id)
    if not credential.converted_from or not ConfirmForm().validate_on_submit():
        abort(404 if not credential.converted_from else 400)
    new = credential.code
    try:
        service.undo_conversion(credential)
    except Invalid as error:
        flash(error.message, "error")
    else:
        flash(f"{new} is {credential.code} again.", "success")
    return redirect(url_for("credentials.index"))


@bp.route("/<int:credential_id>/delete", methods=["GET", "POST"])
def delete(credential_id: int):
    credential = or_404(service.get_credential, current_user, credential_id)
    form = ConfirmForm()
    key = service.body_key(credential)
    others = [c for c in service.list_credentials(current_user) if service.body_key(c) == key and c.id != credential.id]
    activities = [] if others else service.list_activities(current_user, key)
    if form.validate_on_submit():
        removed = service.delete_credential(current_user, credential)
        flash(f"{credential.code} deleted" + (f", with {removed} CEU activities." if removed else "."), "success")
        return redirect(url_for("credentials.index"))
    return render_template("credentials/delete.html", credential=credential, activities=activities, form=form)


@bp.route("/<body>/setup", methods=["GET", "POST"])
def setup(body: str):
    rules = or_404(service.rules_for, body)
    row = service.get_setup(current_user, body)
    if row is None:
        not_found(f"{body} cycle settings")
    form = RenewalSetupForm(obj=row if request.method == "GET" else None)
    if request.method == "GET":
        form.renewal_month.data = row.renewal_month or 0
        form.first_cycle_ceus.data = row.first_cycle_ceus
    if form.validate_on_submit():
        try:
            service.update_setup(
                current_user, body, user_today(), renewal_month=form.renewal_month.data or None,
                cycle_end=form.cycle_end.data, first_cycle_ceus=form.first_cycle_ceus.data,
            )
        except Invalid as error:
            show_error(form, error)
        else:
            flash(f"{rules.name} cycle settings saved.", "success")
            return redirect(url_for("credentials.body", body=body))
    return render_template("credentials/setup.html", form=form, rules=rules), 422 if form.errors else 200


@bp.route("/<int:credential_id>/apprentice", methods=["GET", "POST"])
def apprentice(credential_id: int):
    credential = or_404(service.get_credential, current_user, credential_id)
    if credential.body == service.OTHER:
        abort(404)
    rules = service.rules_for(credential.body)
    if not rules.apprentice or credential.code not in rules.apprentice.designations:
        abort(404)
    form = ApprenticeForm(obj=credential)
    if form.validate_on_submit():
        try:
            service.update_apprentice(
                credential, form.experience_months.data, form.course_done_on.data, form.practicode_done_on.data, user_today()
            )
        except Invalid as error:
            show_error(form, error)
        else:
            flash(f"{credential.code} progress saved.", "success")
            return redirect(url_for("credentials.body", body=service.body_key(credential)) + "#apprentice")
    return render_template("credentials/apprentice.html", form=form, credential=credential, rules=rules), 422 if form.errors else 200


# -- submissions and export -----------------------------------------------------------------------

@bp.post("/<body>/cycles/<cycle_end>/submitted")
def submitted(body: str, cycle_end: str):
    end = _cycle_end(cycle_end)
    today = user_today()
    overview = or_404(service.body_overview, current_user, body, today)
    standing = or_404(service.find_cycle, overview, end)
    form = SubmissionForm()
    if form.validate_on_submit():
        try:
            submissions.record_submission(
                current_user, body, end, form.submitted_on.data, today,
                confirm=form.confirm.data, fee_paid=form.fee_paid.data,
            )
        except Invalid as error:
            show_error(form, error)
        else:
            flash("Submission recorded.", "success")
            return redirect(url_for("credentials.body", body=body, cycle=end.isoformat()))
    return render_template(
        "credentials/body.html", overview=overview, standing=standing, today=today,
        submission_form=form, confirm=CONFIRM,
    ), 422


@bp.post("/<body>/cycles/<cycle_end>/unsubmit")
def unsubmit(body: str, cycle_end: str):
    end = _cycle_end(cycle_end)
    overview = or_404(service.body_overview, current_user, body, user_today())
    or_404(service.find_cycle, overview, end)
    if ConfirmForm().validate_on_submit():
        submissions.undo_submission(current_user, body, end)
        flash("Submission removed.", "success")
    return redirect(url_for("credentials.body", body=body, cycle=end.isoformat()))


@bp.route("/<body>/cycles/<cycle_end>/ceus.csv")
def export_csv(body: str, cycle_end: str):
    overview = or_404(service.body_overview, current_user, body, user_today())
    standing = or_404(service.find_cycle, overview, _cycle_end(cycle_end))
    name = cycle_exports.export_name(overview, standing)
    return cycle_exports.cycle_csv(overview, standing), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{name}.csv"',
    }


@bp.route("/<body>/cycles/<cycle_end>/audit.zip")
def export_zip(body: str, cycle_end: str):
    overview = or_404(service.body_overview, current_user, body, user_today())
    standing = or_404(service.find_cycle, overview, _cycle_end(cycle_end))
    name = cycle_exports.export_name(overview, standing)
    return cycle_exports.cycle_zip(current_user, overview, standing), 200, {
        "Content-Type": "application/zip",
        "Content-Disposition": f'attachment; filename="{name}.zip"',
    }


# -- CEU activities -------------------------------------------------------------------------------

def _ceu_form(activity=None) -> CeuForm:
    form = CeuForm(obj=activity) if activity is not None and request.method == "GET" else CeuForm()
    # Editing a CEU of a credential since replaced (RHIT) keeps offering it.
    choices = service.counts_toward_choices(current_user, include_replaced=activity is not None)
    form.counts_toward.choices = options((v, label) for v, label, _ in choices)
    if activity is not None and request.method == "GET":
        form.ceus.data = f"{activity.ceus:f}"
        form.counts_toward.data = service.counts_toward_of(activity)
        form.next_cycle.data = "next" if activity.next_cycle else "ending"
    return form


def _activity_input(form: CeuForm) -> service.ActivityInput:
    return service.ActivityInput(
        completed_on=form.completed_on.data,
        title=form.title.data,
        provider=form.provider.data or "",
        reference=form.reference.data or "",
        second_reference=form.second_reference.data or "",
        ceus=form.ceus.data,
        counts_toward=form.counts_toward.data,
        next_cycle={"ending": False, "next": True}.get(form.next_cycle.data),
    )


def _upload(form: CeuForm):
    upload = form.certificate.data
    if upload is None or not getattr(upload, "filename", ""):
        return None
    return upload.filename, upload.stream


@bp.route("/ceus/new", methods=["GET", "POST"])
def new_ceu():
    if not service.list_credentials(current_user):
        flash("Add a credential first: CEUs count toward a credential's cycle.", "info")
        return redirect(url_for("credentials.new"))
    form = _ceu_form()
    if request.method == "GET":
        form.completed_on.data = user_today()
        # As the single choice it replaces did: the first line ticked unless the link says which.
        form.counts_toward.data = request.args.getlist("counts_toward") or [c.value for c in form.counts_toward.choices[:1]]
    reader.prefill(form)  # from a certificate read (?read=), each field read says so
    if form.validate_on_submit():
        try:
            activity = service.add_activity(current_user, _activity_input(form), user_today(), _upload(form) or reader.upload())
        except certificates.TooLarge as error:
            raise RequestEntityTooLarge(error.message) from None
        except Invalid as error:
            show_error(form, error)
        else:
            reader.saved()
            flash(f"Logged “{activity.title}”.", "success")
            return redirect(url_for("credentials.body", body=activity.body))
    return _render_ceu_form(form, None)


@bp.route("/ceus/<int:activity_id>/edit", methods=["GET", "POST"])
def edit_ceu(activity_id: int):
    activity = or_404(service.get_activity, current_user, activity_id)
    form = _ceu_form(activity)
    if form.validate_on_submit():
        try:
            service.update_activity(
                current_user, activity, _activity_input(form), user_today(), _upload(form),
                remove_certificate=form.remove_certificate.data,
            )
        except certificates.TooLarge as error:
            raise RequestEntityTooLarge(error.message) from None
        except Invalid as error:
            show_error(form, error)
        else:
            flash(f"Saved “{activity.title}”.", "success")
            return redirect(url_for("credentials.body", body=activity.body))
    return _render_ceu_form(form, activity)


def _render_ceu_form(form: CeuForm, activity):
    # A date the form refused (year 9999...) is not looked up in the cycle grid.
    ask_cycle = bool(form.next_cycle.errors) or (not form.completed_on.errors and service.in_overlap(
        current_user, form.counts_toward.data, form.completed_on.data
    ))
    two_bodies = len({body for _value, _label, body in service.counts_toward_choices(current_user)}) > 1
    return render_template(
        "credentials/ceu_form.html", form=form, activity=activity, ask_cycle=ask_cycle, two_bodies=two_bodies,
        confirm=CONFIRM,
    ), 422 if form.errors else 200


@bp.route("/ceus/<int:activity_id>/delete", methods=["POST"])
def delete_ceu(activity_id: int):
    activity = or_404(service.get_activity, current_user, activity_id)
    if ConfirmForm().validate_on_submit():
        service.delete_activity(current_user, activity)
        flash(f"Deleted “{activity.title}”.", "success")
    return redirect(url_for("credentials.body", body=activity.body))


@bp.route("/ceus/<int:activity_id>/certificate")
def certificate(activity_id: int):
    activity = or_404(service.get_activity, current_user, activity_id)
    path = or_404(certificates.certificate_path, current_user, activity)
    response = send_file(
        path, mimetype=activity.certificate_type, as_attachment=True,
        download_name=certificates.download_name(activity), max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
