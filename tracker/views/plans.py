"""Plans: create one from a track, see it as a timeline, record progress on its milestones."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ..domain import limits
from ..domain.attention import plan_look
from ..domain.clock import utc_now
from ..domain.dates import human_date
from ..domain.plans import PlanError, check_done_by_today
from ..forms import (
    CONFIRM,
    ChecklistForm,
    ChecklistItemForm,
    ConfirmForm,
    CostForm,
    CustomMilestoneForm,
    DurationForm,
    EditPlanForm,
    ExamAttemptForm,
    NewPlanForm,
    NotesForm,
    RenameForm,
    ProgressForm,
    options,
)
from ..services import career as career_service
from ..services import milestone_edits
from ..services import plans as service
from ..services.catalog import current_catalog
from ..services.errors import Invalid
from .plan_html import plan_steps, plan_timeline
from .timeline import build_timeline
from . import or_404, show_error, user_today

bp = Blueprint("plans", __name__, url_prefix="/plans")
# The plan page's repeated parts, written in Python (templates/plans/show.html calls them).
bp.add_app_template_global(plan_steps)
bp.add_app_template_global(plan_timeline)


@bp.before_request
@login_required
def require_login():
    return None


def _plan(plan_id: int):
    return or_404(service.get_plan, current_user, plan_id)


def owned_milestone(plan_id: int, milestone_id: int):
    """The signed-in user's milestone, or 404 (someone else's or gone)."""
    return or_404(service.get_milestone, current_user, plan_id, milestone_id)


# -- plans ------------------------------------------------------------------------------------

@bp.route("/")
def index():
    today = user_today()
    views = [service.plan_view(plan, today) for plan in service.list_plans(current_user)]
    looks = [plan_look(view.schedule, today) for view in views]
    return render_template("plans/index.html", views=views, looks=looks, confirm=CONFIRM)


@bp.route("/new", methods=["GET", "POST"])
def new():
    catalog = current_catalog()
    form = NewPlanForm()
    form.template.choices = options((t.id, t.title) for t in catalog.templates.values())
    if request.method == "GET":
        form.start_date.data = form.start_date.data or user_today()
    if form.validate_on_submit():
        try:
            plan = service.create_plan(
                current_user, form.template.data, form.start_date.data, form.pace.data, user_today(),
                title=form.title.data,
            )
        except Invalid as error:
            show_error(form, error)
        else:
            flash(f"Your plan “{plan.title}” is ready. Mark each step as you go.", "success")
            return redirect(url_for("plans.show", plan_id=plan.id))
    return render_template("plans/new.html", form=form, catalog=catalog), 422 if form.errors else 200


@bp.route("/<int:plan_id>")
def show(plan_id: int):
    view = or_404(service.plan_page, current_user, plan_id, user_today())
    return render_template(
        "plans/show.html",
        view=view,
        look=(look := plan_look(view.schedule, view.today)),
        timeline=build_timeline(view, look),
        confirm=CONFIRM,
    )


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
def edit(plan_id: int):
    plan = _plan(plan_id)
    form = EditPlanForm(obj=plan)
    if form.validate_on_submit():
        try:
            service.update_plan(plan, form.title.data, form.start_date.data, form.pace.data, user_today())
        except Invalid as error:
            show_error(form, error)
        else:
            flash("Plan saved.", "success")
            return redirect(url_for("plans.show", plan_id=plan.id))
    return render_template("plans/edit.html", plan=plan, form=form, confirm=CONFIRM), 422 if form.errors else 200


@bp.route("/<int:plan_id>/activate", methods=["POST"])
def activate(plan_id: int):
    plan = _plan(plan_id)
    if ConfirmForm().validate_on_submit():
        service.activate_plan(plan)
        flash(f"“{plan.title}” is now on your dashboard.", "success")
    return redirect(url_for("main.dashboard"))


@bp.route("/<int:plan_id>/delete", methods=["GET", "POST"])
def delete(plan_id: int):
    plan = _plan(plan_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = plan.title
        service.delete_plan(plan)
        flash(f"“{title}” is deleted.", "info")
        return redirect(url_for("plans.index"))
    return render_template("plans/delete.html", plan=plan, form=form)


UNDO_KEY = "undo_cost"


def pending_undo(milestone):
    """The cost just deleted from this step, while it can still be put back (for the toast)."""
    deleted = milestone_edits.DeletedCost.from_dict(session.get(UNDO_KEY))
    if deleted is None or deleted.milestone_id != milestone.id or utc_now().isoformat() > deleted.until:
        return None
    return deleted


# -- milestones -------------------------------------------------------------------------------

def milestone_page(plan, milestone, status: int = 200, **forms):
    """The milestone page; ``forms`` replaces the blank form that failed, so its errors show."""
    view = service.plan_view(plan, user_today())
    item = next(v for v in view.milestones if v.milestone.id == milestone.id)
    checklist = forms.pop("checklist_form", None) or ChecklistForm(
        formdata=None, items=[i.id for i in milestone.checklist if i.done_on]
    )
    checklist.items.choices = options((i.id, i.label) for i in milestone.checklist)
    defaults = {
        "progress_form": ProgressForm(formdata=None, on=view.today),
        "duration_form": DurationForm(formdata=None, amount=item.duration.amount, unit=item.duration.unit.value),
        "notes_form": NotesForm(formdata=None, notes=milestone.notes),
        "item_form": ChecklistItemForm(formdata=None),
        "cost_form": CostForm(formdata=None),
        "exam_form": ExamAttemptForm(formdata=None),
        "rename_form": RenameForm(formdata=None, title=milestone.title),
    }
    defaults.update(forms)
    # The browser's date pickers offer only days the server accepts.
    defaults["progress_form"].on.render_kw = {"max": view.today.isoformat()}
    first, last = limits.cost_date_range(view.today)
    defaults["cost_form"].incurred_on.render_kw = {"min": first.isoformat(), "max": last.isoformat()}
    return render_template(
        "plans/milestone.html", view=view, item=item, checklist_form=checklist, confirm=CONFIRM,
        cost_dates=limits.cost_date_range(view.today), undo=pending_undo(milestone),
        step_look=plan_look(view.schedule, view.today).steps[view.milestones.index(item)], **defaults
    ), status


def back_to_step(plan, milestone, anchor: str = ""):
    """Redirect to the step's page (at ``anchor``), after a form on it was saved."""
    return redirect(url_for("plans.milestone", plan_id=plan.id, milestone_id=milestone.id) + anchor)


@bp.route("/<int:plan_id>/milestones/<int:milestone_id>")
def milestone(plan_id: int, milestone_id: int):
    milestone = owned_milestone(plan_id, milestone_id)
    return milestone_page(milestone.plan, milestone)


def _after_progress(plan, milestone):
    if request.form.get("from") == "plan":
        return redirect(url_for("plans.show", plan_id=plan.id) + f"#m{milestone.id}")
    return back_to_step(plan, milestone)


@bp.route("/<int:plan_id>/milestones/<int:milestone_id>/progress", methods=["POST"])
def progress(plan_id: int, milestone_id: int):
    """Mark a milestone started or done on a date (today by default)."""
    milestone = owned_milestone(plan_id, milestone_id)
    plan = milestone.plan
    form = ProgressForm()
    if form.validate_on_submit():
        if form.action.data not in {"start", "done"}:
            form.form_errors.append("Choose whether the step started or finished.")
        else:
            try:
                if form.action.data == "start":
                    service.mark_started(milestone, form.on.data, user_today())
                    flash(f"“{milestone.title}” started on {human_date(form.on.data, user_today())}.", "success")
                else:
                    try:
                        check_done_by_today(form.on.data, user_today())
                    except PlanError as error:
                        raise Invalid(error.field, error.message) from None
                    outcome = career_service.mark_done(current_user, milestone, form.on.data, user_today())
                    flash(f"“{milestone.title}” done on {human_date(form.on.data, user_today())}. Later steps moved to match.", "success")
                    _flash_outcome(outcome)
            except Invalid as error:
                show_error(form, error, fallback="on")
            else:
                return _after_progress(plan, milestone)
    return milestone_page(plan, milestone, 422, progress_form=form)


@bp.route("/<int:plan_id>/milestones/<int:milestone_id>/undo", methods=["POST"])
def undo(plan_id: int, milestone_id: int):
    """Step back one state (done → in progress → not started)."""
    milestone = owned_milestone(plan_id, milestone_id)
    if ConfirmForm().validate_on_submit():
        outcome = career_service.undo_progress(current_user, milestone)
        flash(f"“{milestone.title}” stepped back.", "info")
        if outcome.removable is not None:
            return redirect(url_for("plans.remove_credential", plan_id=plan_id, milestone_id=milestone.id))
        _flash_outcome(outcome)
    return _after_progress(milestone.plan, milestone)


def _flash_outcome(outcome: career_service.StepOutcome) -> None:
    """Say what a step's change did to the credentials (added CPC-A; kept CPC-A, and why)."""
    if outcome.message:
        flash(outcome.message, "error" if outcome.problem else "success" if outcome.added else "info")


@bp.route("/<int:plan_id>/milestones/<int:milestone_id>/remove-credential", methods=["GET", "POST"])
def remove_credential(plan_id: int, milestone_id: int):
    """After undoing an exam step: remove the credential its pass added, once confirmed."""
    milestone = owned_milestone(plan_id, milestone_id)
    offer = career_service.removal_offer(current_user, milestone)
    if offer.removable is None:
        if offer.kept:
            flash(offer.kept, "info")
        return back_to_step(milestone.plan, milestone)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            code = career_service.remove_step_credential(current_user, milestone)
        except Invalid as error:
            flash(error.message, "error")
        else:
            flash(f"{code} removed from your credentials.", "info")
        return back_to_step(milestone.plan, milestone)
    return render_template("plans/remove_credential.html", milestone=milestone, credential=offer.removable, form=form)


@bp.route("/<int:plan_id>/milestones/<int:milestone_id>/duration", methods=["POST"])
def duration(plan_id: int, milestone_id: int):
    milestone = owned_milestone(plan_id, milestone_id)
    form = DurationForm()
    if form.validate_on_submit():
        try:
            service.set_duration(milestone, form.amount.data, form.unit.data)
        except Invalid as error:
            show_error(form, error, fallback="amount")
        else:
            flash("Duration saved. Later targets moved with it.", "success")
            return back_to_step(milestone.plan, milestone)
    return milestone_page(milestone.plan, milestone, 422, duration_form=form)


@bp.route("/<int:plan_id>/milestones/<int:milestone_id>/duration/reset", methods=["POST"])
def duration_reset(plan_id: int, milestone_id: int):
    milestone = owned_milestone(plan_id, milestone_id)
    if ConfirmForm().validate_on_submit():
        try:
            service.reset_duration(milestone)
        except Invalid as error:
            flash(error.message, "error")
        else:
            flash("Back to the template's duration.", "success")
    return back_to_step(milestone.plan, milestone)


@bp.route("/<int:plan_id>/milestones/<int:milestone_id>/notes", methods=["POST"])
def notes(plan_id: int, milestone_id: int):
    milestone = owned_milestone(plan_id, milestone_id)
    form = NotesForm()
    if form.validate_on_submit():
        service.set_notes(milestone, form.notes.data or "")
        flash("Notes saved.", "success")
        return back_to_step(milestone.plan, milestone, "#notes")
    return milestone_page(milestone.plan, milestone, 422, notes_form=form)


@bp.route("/<int:plan_id>/milestones/<int:milestone_id>/rename", methods=["POST"])
def milestone_rename(plan_id: int, milestone_id: int):
    milestone = owned_milestone(plan_id, milestone_id)
    form = RenameForm()
    if form.validate_on_submit():
        try:
            milestone_edits.rename_milestone(milestone, form.title.data)
        except Invalid as error:
            show_error(form, error, fallback="title")
        else:
            flash("Name saved.", "success")
            return back_to_step(milestone.plan, milestone)
    return milestone_page(milestone.plan, milestone, 422, rename_form=form)


@bp.route("/<int:plan_id>/milestones/<int:milestone_id>/move", methods=["POST"])
def milestone_move(plan_id: int, milestone_id: int):
    """Move a step up or down the plan (buttons on the plan page; no JavaScript needed)."""
    milestone = owned_milestone(plan_id, milestone_id)
    if ConfirmForm().validate_on_submit():
        try:
            milestone_edits.move_milestone(milestone, request.form.get("direction", ""))
        except Invalid as error:
            flash(error.message, "error")
        else:
            flash(f"“{milestone.title}” is now step {milestone.position}. Later targets follow the new order.", "success")
    return redirect(url_for("plans.show", plan_id=plan_id) + f"#m{milestone.id}")


@bp.route("/<int:plan_id>/milestones/<int:milestone_id>/exam", methods=["POST"])
def exam_attempt(plan_id: int, milestone_id: int):
    milestone = owned_milestone(plan_id, milestone_id)
    form = ExamAttemptForm()
    if form.validate_on_submit():
        try:
            _attempt, outcome = career_service.record_exam_attempt(
                current_user, milestone, form.taken_on.data, form.result.data == "passed", form.retake_on.data, user_today()
            )
        except Invalid as error:
            show_error(form, error, fallback="taken_on")
        else:
            if form.result.data == "passed":
                flash("Congratulations! The exam step is done.", "success")
            else:
                flash("Attempt recorded. The plan now allows for the retake.", "info")
            if outcome.removable is not None:
                return redirect(url_for("plans.remove_credential", plan_id=plan_id, milestone_id=milestone.id))
            _flash_outcome(outcome)
            return back_to_step(milestone.plan, milestone, "#exam")
    return milestone_page(milestone.plan, milestone, 422, exam_form=form)


@bp.route("/<int:plan_id>/milestones/new", methods=["GET", "POST"])
def milestone_new(plan_id: int):
    plan = _plan(plan_id)
    form = CustomMilestoneForm()
    form.after.choices = options([(0, "At the beginning")] + [(m.position, f"After {m.position}. {m.title}") for m in plan.milestones])
    if request.method == "GET":
        after = request.args.get("after", type=int)
        form.after.data = after if after is not None else (plan.milestones[-1].position if plan.milestones else 0)
    if form.validate_on_submit():
        try:
            added = service.add_custom_milestone(
                plan, form.after.data, form.title.data, form.description.data or "", form.amount.data, form.unit.data
            )
        except Invalid as error:
            show_error(form, error)
        else:
            flash(f"“{added.title}” added to your plan.", "success")
            return redirect(url_for("plans.show", plan_id=plan.id) + f"#m{added.id}")
    return render_template("plans/milestone_new.html", plan=plan, form=form), 422 if form.errors else 200


@bp.route("/<int:plan_id>/milestones/<int:milestone_id>/delete", methods=["POST"])
def milestone_delete(plan_id: int, milestone_id: int):
    milestone = owned_milestone(plan_id, milestone_id)
    plan = milestone.plan
    if ConfirmForm().validate_on_submit():
        try:
            title = milestone.title
            service.delete_milestone(milestone)
        except Invalid as error:
            flash(error.message, "error")
            return back_to_step(plan, milestone)
        flash(f"“{title}” removed from your plan.", "info")
    return redirect(url_for("plans.show", plan_id=plan.id))


# The checklist and cost routes live in their own module, on this blueprint.
from . import plan_lists  # noqa: E402,F401
