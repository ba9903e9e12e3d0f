"""The CEU log: quick capture (one compact step, from the dashboard and each credential page),
the searchable log with its totals, and each cycle's audit packet (one PDF for an auditor)."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.exceptions import RequestEntityTooLarge

from ..domain import limits
from ..forms import CeuForm, CeuLogFilterForm, options
from ..services import audit_packet, ceu_log, certificates
from ..services import credentials as credential_service
from ..services.errors import Invalid, NotFound
from . import not_found, or_404, quick_card_html, show_error, user_credentials, user_today
from .credentials import _activity_input, _upload  # the full CEU form's, for the quick one too
from .page_cache import cached_fragment

bp = Blueprint("ceus", __name__, url_prefix="/ceus")


@bp.before_request
@login_required
def require_login():
    return None


# -- quick capture --------------------------------------------------------------------------------

def _safe_back(target: str | None) -> str:
    """Only a path of this site: never send the user elsewhere after logging."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("main.dashboard")


def _quick_form(posted: bool = False, toward: str | None = None) -> tuple[CeuForm, list]:
    """The quick capture page's form, with the user's "counts toward" choices."""
    form = CeuForm() if posted else CeuForm(formdata=None)
    choices = credential_service.counts_toward_choices(current_user, credentials=user_credentials())
    form.counts_toward.choices = options((value, label) for value, label, _ in choices)
    quick_card_html.suggesting(form)
    if not posted:
        form.completed_on.data = user_today()
        form.counts_toward.data = quick_card_html.starting_choice([value for value, _label, _body in choices], toward)
    return form, choices


def _quick_card(user, toward: str | None, back: str) -> Markup:
    """The card from the user's credentials and log (see :mod:`.quick_card_html`)."""
    choices = credential_service.counts_toward_choices(user, credentials=user_credentials())
    if not choices:  # a CEU counts toward a credential: nothing to log toward yet
        return quick_card_html.no_card()
    suggestions, latest = ceu_log.card_data(user)
    return quick_card_html.card([(value, label) for value, label, _body in choices], toward, user_today(),
                                suggestions, latest, back)


def quick_capture_html(toward: str | None = None) -> Markup:
    """The quick-capture card (empty without a credential); ``toward``: the "counts toward"
    value to start on (a credential page passes its own). Cached like the dashboard's main part,
    under everything it shows: the user's data version, zone and day, and the page it returns to
    (the CSRF token is put back per request): a cached dashboard stays two queries."""
    if not current_user.is_authenticated:
        return Markup("")
    user = current_user._get_current_object()
    back = request.full_path.rstrip("?")
    key = ("quick-capture", user.id, user.data_version, user.time_zone, user_today(), back, toward)
    return cached_fragment(key, lambda: _quick_card(user, toward, back))


@bp.app_context_processor
def quick_capture_helper():
    return {"quick_capture_html": quick_capture_html}


@bp.route("/quick", methods=["GET", "POST"])
def quick():
    """Log a CEU in one step. GET: the form on its own page (``like``: prefilled from one of the
    user's CEUs, dated today, for a series). POST: from this page or the partial; back to where
    it came from, or this page again with what to correct."""
    if not credential_service.list_credentials(current_user):
        flash("Add a credential first: CEUs count toward a credential's cycle.", "info")
        return redirect(url_for("credentials.new"))
    back = _safe_back(request.values.get("back"))
    if request.method == "POST":
        form, choices = _quick_form(posted=True)
        if form.validate_on_submit():
            try:
                activity = credential_service.add_activity(current_user, _activity_input(form), user_today(), _upload(form))
            except certificates.TooLarge as error:
                raise RequestEntityTooLarge(error.message) from None
            except Invalid as error:
                show_error(form, error)
            else:
                flash(f"Logged “{activity.title}” ({activity.ceus:f} CEUs).", "success")
                return redirect(back)
    else:
        form, choices = _quick_form(toward=request.args.get("toward"))
        like = request.args.get("like", type=int)
        if like and 1 <= like <= limits.MAX_ID:
            values = or_404(ceu_log.like, current_user, like, user_today())
            for name, value in values.items():
                getattr(form, name).data = value
    ask_cycle = bool(form.next_cycle.errors)
    return render_template(
        "ceus/quick.html", form=form, several=len(choices) > 1, ask_cycle=ask_cycle, back=back,
        suggestions=ceu_log.suggestions(current_user),
    ), 422 if form.errors else 200


# -- the log --------------------------------------------------------------------------------------

@bp.route("/")
def log():
    """Every CEU, searchable and filterable from the query string (a GET form: no script needed),
    with the filtered set's totals per category."""
    form = CeuLogFilterForm(request.args, meta={"csrf": False})
    valid = form.validate()
    wanted = ceu_log.LogFilter(
        text=(form.q.data or "") if not form.q.errors else "",
        start=form.start.data if not form.start.errors else None,
        end=form.end.data if not form.end.errors else None,
        provider=(form.provider.data or "") if not form.provider.errors else "",
        toward=(form.toward.data or "") if not form.toward.errors else "",
        certificate=form.certificate.data if form.certificate.data in ceu_log.CERTIFICATE_CHOICES else "",
        page=form.page.data if form.page.data and not form.page.errors else 1,
    )
    try:
        found = ceu_log.search(current_user, wanted)
    except NotFound:
        # A credential no longer held (an old bookmark): said at the field, the rest still applies.
        form.toward.errors = [*form.toward.errors, "You hold no such credential now: choose another."]
        valid = False
        wanted = replace(wanted, toward="")
        found = ceu_log.search(current_user, wanted)
    form.toward.choices = options([("", "Any credential")])
    for body in dict.fromkeys(c.body for c in found.categories):
        mine = [c for c in found.categories if c.body == body]
        form.toward.choices += options([(body, f"All {mine[0].body_name} CEUs")] + [(c.key, c.label) for c in mine],
                                       mine[0].body_name)
    form.provider.choices = options([("", "Any provider")] + [(p, p) for p in found.providers])
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "ceus/log.html", form=form, log=found, wanted=wanted, args=args,
        has_credentials=bool(found.categories),
    ), 200 if valid else 422


# -- the audit packet -----------------------------------------------------------------------------

def _cycle_end(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        not_found(f"cycle ending {value!r}")


@bp.route("/audit/<body>/<cycle_end>.pdf")
def audit_pdf(body: str, cycle_end: str):
    """One cycle's audit packet: summary, CEU table, every certificate, page numbers, contents."""
    overview = or_404(credential_service.body_overview, current_user, body, user_today())
    standing = or_404(credential_service.find_cycle, overview, _cycle_end(cycle_end))
    pdf = audit_packet.build(current_user, overview, standing, user_today())
    name = audit_packet.file_name(overview, standing)
    return pdf, 200, {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "private, no-store",
    }
