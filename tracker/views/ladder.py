"""The career ladder: where I stand, what the next rung asks, and a plan to get there."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..forms import CONFIRM, ConfirmForm, GapForm, GapPlanForm, LadderProfileForm, options
from .ladder_picture import build_picture, picture_svg
from ..services import ladder as service
from ..services import ladder_plans
from ..services.errors import Invalid, NotFound
from . import or_404, show_error, user_today

bp = Blueprint("ladder", __name__, url_prefix="/ladder")

NOT_IN_FIELD = ""


@bp.before_request
@login_required
def require_login():
    return None


def _forms(state, profile_form=None, gap_form=None, plan_form=None):
    submitted = profile_form is not None
    profile_form = profile_form or LadderProfileForm()
    unplaced = "Not chosen: place me by my credentials and experience" if state.placed else "Not yet in the field (on the pathway)"
    profile_form.rung.choices = options([(NOT_IN_FIELD, unplaced)] + [(r.key, r.title) for r in state.ladder.rungs])
    # Only the submitted profile form keeps what was typed; after another form's error the
    # profile form shows what is saved (not blanks that "Save" would write over the profile).
    if not submitted and state.profile is not None:
        profile_form.rung.data = state.profile.rung_key or NOT_IN_FIELD
        profile_form.coding_started_on.data = state.profile.coding_started_on
        profile_form.specialties.data = state.profile.specialties
    plan_form = plan_form or GapPlanForm()
    plan_form.plan.choices = options([("new", "A new plan")] + [(str(p.id), p.title) for p in state.plans])
    return profile_form, gap_form or GapForm(), plan_form


def _page(state, status=200, **forms):
    profile_form, gap_form, plan_form = _forms(state, **forms)
    comparison = state.comparison
    picture = build_picture(state.ladder, comparison.current.key if comparison.current else None,
                            comparison.next.key if comparison.next else None, comparison.experience)
    return render_template(
        "ladder/index.html", state=state, c=comparison, picture_html=picture_svg(picture), profile_form=profile_form,
        gap_form=gap_form, plan_form=plan_form, confirm=CONFIRM, today=user_today(),
    ), status


@bp.route("/")
def index():
    try:
        state = service.standing(current_user, user_today())
    except NotFound:
        abort(404)
    return _page(state)


@bp.post("/profile")
def profile():
    today = user_today()
    form = LadderProfileForm()
    if form.validate_on_submit():
        try:
            service.save_profile(current_user, form.rung.data, form.coding_started_on.data, form.specialties.data, today)
        except Invalid as error:
            show_error(form, error)
        else:
            flash("Your place on the ladder is saved.", "success")
            return redirect(url_for("ladder.index"))
    return _page(service.standing(current_user, today), 422, profile_form=form)


@bp.post("/gaps")
def add_gap():
    today = user_today()
    form = GapForm()
    if form.validate_on_submit():
        try:
            service.add_gap(current_user, form.starts_on.data, form.ends_on.data, today)
        except Invalid as error:
            show_error(form, error)
        else:
            flash("Gap recorded: it no longer counts as experience.", "success")
            return redirect(url_for("ladder.index") + "#experience")
    return _page(service.standing(current_user, today), 422, gap_form=form)


@bp.post("/gaps/<int:gap_id>/delete")
def delete_gap(gap_id: int):
    if ConfirmForm().validate_on_submit():
        or_404(service.delete_gap, current_user, gap_id)
        flash("Gap removed.", "success")
    return redirect(url_for("ladder.index") + "#experience")


@bp.post("/focus")
def focus():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    done = set(request.form.getlist("done"))
    evidence = {key[len("evidence:"):]: value for key, value in request.form.items() if key.startswith("evidence:")}
    try:
        service.save_focus(current_user, done, evidence)
    except Invalid as error:
        flash(error.message, "error")
    else:
        flash("Focus areas saved.", "success")
    return redirect(url_for("ladder.index") + "#focus")


@bp.post("/plan")
def plan():
    today = user_today()
    form = GapPlanForm()
    state = service.standing(current_user, today)
    _forms(state, plan_form=form)
    if form.validate_on_submit():
        choice = form.plan.data
        try:
            plan_id = None if choice == "new" else int(choice)
        except (TypeError, ValueError):
            abort(404)
        try:
            plan, added = or_404(ladder_plans.turn_gap_into_plan, current_user, plan_id, today)
        except Invalid as error:
            show_error(form, error, fallback="plan")
        else:
            flash(f"Added {added} milestone{'s' if added != 1 else ''} for {state.comparison.next.title}.", "success")
            return redirect(url_for("plans.show", plan_id=plan.id))
    return _page(state, 422, plan_form=form)
