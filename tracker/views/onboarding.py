"""Onboarding: where are you in your career? Starting out goes to the track chooser; already
certified adds credentials, then says where they are on the ladder; both does the two."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..domain import career
from ..forms import CareerStageForm, CredentialForm, PlaceForm, options
from ..services import career as career_service
from ..services import credentials as credential_service
from ..services import ladder as ladder_service
from ..services.errors import Invalid
from . import show_error, user_today
from .credentials import _code_choices, add_from_form

bp = Blueprint("onboarding", __name__, url_prefix="/start")

PLACE_ME = ""


@bp.before_request
@login_required
def require_login():
    return None


def stage_form(form: CareerStageForm | None = None) -> CareerStageForm:
    """The stage question with its three answers (also on the empty dashboard and in Settings)."""
    form = form or CareerStageForm(formdata=None, career_stage=current_user.career_stage)
    form.career_stage.choices = options((stage, career.STAGE_LABELS[stage]) for stage in career.STAGES)
    return form


def _next_after_stage(stage: str):
    if stage == career.STARTING:
        return redirect(url_for("plans.new"))
    return redirect(url_for("onboarding.credentials"))


@bp.route("/", methods=["GET", "POST"])
def stage():
    form = stage_form(CareerStageForm())
    if form.validate_on_submit():
        try:
            career_service.set_stage(current_user, form.career_stage.data)
        except Invalid as error:
            show_error(form, error)
        else:
            return _next_after_stage(form.career_stage.data)
    return render_template("onboarding/stage.html", form=form, hints=career.STAGE_HINTS), 422 if form.errors else 200


@bp.route("/credentials", methods=["GET", "POST"])
def credentials():
    """Add the credentials you hold, one at a time, with the renewal month or cycle end."""
    form = CredentialForm()
    form.code.choices = _code_choices()
    if form.validate_on_submit():
        credential = add_from_form(form, source="onboarding")
        if credential is not None:
            flash(f"{credential.code} added. Add another, or go on.", "success")
            return redirect(url_for("onboarding.credentials"))
    held = credential_service.list_credentials(current_user)
    return render_template(
        "onboarding/credentials.html", form=form, held=held,
        setups={body: credential_service.get_setup(current_user, body) for body in {c.body for c in held}},
    ), 422 if form.errors else 200


@bp.route("/ladder", methods=["GET", "POST"])
def place():
    """Where you are on the ladder: your role now and your years of coding experience."""
    today = user_today()
    form = PlaceForm()
    ladder = ladder_service.current_ladder()
    form.rung.choices = options([(PLACE_ME, "Not sure: place me by my credentials and experience")] + [(r.key, r.title) for r in ladder.rungs])
    if form.validate_on_submit():
        try:
            career_service.save_place(current_user, form.rung.data, float(form.years.data), today)
        except Invalid as error:
            show_error(form, error)
        else:
            current = ladder_service.standing(current_user, today).comparison.current
            flash(f"You are on the ladder as {current.title}." if current else "Your place on the ladder is saved.", "success")
            if current_user.career_stage == career.BOTH:
                flash("Now choose what you are working toward next.", "info")
                return redirect(url_for("plans.new"))
            return redirect(url_for("main.dashboard"))
    return render_template("onboarding/place.html", form=form), 422 if form.errors else 200
