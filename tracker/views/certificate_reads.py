"""Certificates read for the CEU form: send the file, wait on a page that refreshes itself (or
that the script polls), then review the CEU form filled from it and save.

Without JavaScript: the "Read it" button posts the file here, the waiting page refreshes every
two seconds, and ends on the CEU form filled in. The script (static/js/certificate-reader.js) only
sends the file as soon as it is chosen and polls the JSON state instead of refreshing.
"""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from ..forms import CertificateReadForm
from ..services import certificate_reads as service
from ..services import certificates
from ..services.errors import Invalid, NotFound
from . import or_404

bp = Blueprint("certificate_reads", __name__, url_prefix="/credentials/ceus/read")

# The form answers at once when the reading is done within this; otherwise the waiting page.
WAIT_ON_REQUEST = 1.0
REFRESH_SECONDS = 2
READ_NOTE = "Read from your certificate: check it."


@bp.before_request
@login_required
def require_login():
    return None


@bp.route("", methods=["POST"])
def start():
    form = CertificateReadForm()
    upload = form.read_file.data
    if not form.validate_on_submit() or upload is None or not getattr(upload, "filename", ""):
        flash("Choose your certificate (a PDF, or a photo of it) first, then Read it.", "error")
        return redirect(url_for("credentials.new_ceu"))
    try:
        read = service.start_read(current_user, (upload.filename, upload.stream))
    except certificates.TooLarge as error:
        raise RequestEntityTooLarge(error.message) from None
    except Invalid as error:
        flash(error.message, "error")
        return redirect(url_for("credentials.new_ceu"))
    if service.wait(read, WAIT_ON_REQUEST):
        return redirect(url_for("credentials.new_ceu", read=read.id))
    return redirect(url_for("certificate_reads.waiting", read_id=read.id))


@bp.route("/<int:read_id>")
def waiting(read_id: int):
    read = or_404(service.get_read, current_user, read_id)
    if read.status != "pending":
        return redirect(url_for("credentials.new_ceu", read=read.id))
    here = url_for("certificate_reads.waiting", read_id=read.id)
    page = render_template("credentials/reading.html", read=read, state_url=url_for("certificate_reads.state", read_id=read.id), here=here)
    # A refresh header, not a script: the page moves on without JavaScript too.
    return page, 200, {"Refresh": f"{REFRESH_SECONDS}; url={here}", "Cache-Control": "no-store"}


@bp.route("/<int:read_id>.json")
def state(read_id: int):
    read = or_404(service.get_read, current_user, read_id)
    body = service.read_state(read)
    body["form_url"] = url_for("credentials.new_ceu", read=read.id)
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


# -- the CEU form's side (called from tracker/views/credentials.py) -------------------------------

def _read_id() -> int | None:
    value = request.form.get("certificate_read") if request.method == "POST" else request.args.get("read")
    return int(value) if value and value.isdigit() and len(value) < 11 else None


def prefill(form) -> None:
    """Fill the CEU form from the read named by ?read= (GET), or mark the fields still as read
    (POST, re-shown with errors). Each field filled says it was read; the rest stay as they are."""
    read_id = _read_id()
    if read_id is None:
        return
    read = or_404(service.get_read, current_user, read_id)
    if read.status != "done":
        return
    values = service.form_values(current_user, read)
    for name, value in values.items():
        field = getattr(form, name)
        if request.method == "GET":
            field.data = value
        if field.data == value or (name == "ceus" and str(field.data) == str(value)):
            field.description = READ_NOTE


def upload():
    """The read certificate as the CEU's upload, when the form was filled from one."""
    read_id = _read_id()
    if read_id is None:
        return None
    try:
        return service.certificate_of(current_user, read_id)
    except NotFound:
        return None


def saved() -> None:
    """The CEU was saved with its copy of the read certificate: forget the read."""
    read_id = _read_id()
    if read_id is not None:
        try:
            service.drop_read(current_user, read_id)
        except NotFound:
            pass


@bp.app_template_global()
def certificate_reading():
    """The read the CEU form was filled from (its state), for templates/credentials/_certificate_reader.html."""
    read_id = _read_id()
    if read_id is None or not current_user.is_authenticated:
        return None
    try:
        return service.read_state(service.get_read(current_user, read_id))
    except NotFound:
        return None


@bp.app_template_global()
def certificate_read_form():
    return CertificateReadForm(formdata=None)
