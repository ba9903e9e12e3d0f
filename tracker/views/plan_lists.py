"""A step's checklist and costs (on the plans blueprint): tick, add and delete items; record,
delete and undo the deletion of costs."""
from __future__ import annotations

from flask import flash, request, session

from ..domain import limits
from ..domain.clock import utc_now
from ..forms import ChecklistForm, ChecklistItemForm, ConfirmForm, CostForm, options
from ..services import milestone_edits
from ..services import plans as service
from ..services.errors import Invalid
from . import or_404, show_error, user_today
from .plans import UNDO_KEY, back_to_step, bp, milestone_page, owned_milestone


@bp.route("/<int:plan_id>/milestones/<int:milestone_id>/checklist", methods=["POST"])
def checklist(plan_id: int, milestone_id: int):
    milestone = owned_milestone(plan_id, milestone_id)
    form = ChecklistForm()
    form.items.choices = options((i.id, i.label) for i in milestone.checklist)
    if form.validate_on_submit():
        try:
            service.save_checklist(milestone, form.items.data or [], user_today())
        except Invalid as error:
            show_error(form, error)
        else:
            if request.headers.get("X-Requested-With") == "fetch":
                return "", 204  # saved as the box was ticked (rungs.js); the page stays as it is
            flash("Checklist saved.", "success")
            return back_to_step(milestone.plan, milestone, "#checklist")
    return milestone_page(milestone.plan, milestone, 422, checklist_form=form)


@bp.route("/<int:plan_id>/milestones/<int:milestone_id>/checklist/add", methods=["POST"])
def checklist_add(plan_id: int, milestone_id: int):
    milestone = owned_milestone(plan_id, milestone_id)
    form = ChecklistItemForm()
    if form.validate_on_submit():
        try:
            service.add_checklist_item(milestone, form.label.data)
        except Invalid as error:
            show_error(form, error)
        else:
            return back_to_step(milestone.plan, milestone, "#checklist")
    return milestone_page(milestone.plan, milestone, 422, item_form=form)


@bp.route("/<int:plan_id>/milestones/<int:milestone_id>/checklist/<int:item_id>/delete", methods=["POST"])
def checklist_delete(plan_id: int, milestone_id: int, item_id: int):
    milestone = owned_milestone(plan_id, milestone_id)
    if ConfirmForm().validate_on_submit():
        or_404(service.delete_checklist_item, milestone, item_id)
    return back_to_step(milestone.plan, milestone, "#checklist")


@bp.route("/<int:plan_id>/milestones/<int:milestone_id>/costs", methods=["POST"])
def cost_add(plan_id: int, milestone_id: int):
    milestone = owned_milestone(plan_id, milestone_id)
    form = CostForm()
    if form.validate_on_submit():
        problem = form.incurred_on.data and limits.cost_date_problem(form.incurred_on.data, user_today())
        try:
            if problem:
                raise Invalid("incurred_on", problem)
            service.add_cost(milestone, form.kind.data, form.label.data or "", form.amount.data, form.incurred_on.data)
        except Invalid as error:
            show_error(form, error, fallback="amount")
        else:
            flash("Cost recorded.", "success")
            return back_to_step(milestone.plan, milestone, "#costs")
    return milestone_page(milestone.plan, milestone, 422, cost_form=form)


@bp.route("/<int:plan_id>/milestones/<int:milestone_id>/costs/<int:cost_id>/delete", methods=["POST"])
def cost_delete(plan_id: int, milestone_id: int, cost_id: int):
    milestone = owned_milestone(plan_id, milestone_id)
    if ConfirmForm().validate_on_submit():
        deleted = or_404(milestone_edits.delete_cost, milestone, cost_id, utc_now())
        # The toast's Undo reads this back (signed session cookie; nothing kept on the server).
        session[UNDO_KEY] = deleted.as_dict()  # the page then shows "deleted" with its Undo
    return back_to_step(milestone.plan, milestone, "#costs")




@bp.route("/<int:plan_id>/milestones/<int:milestone_id>/costs/undo", methods=["POST"])
def cost_restore(plan_id: int, milestone_id: int):
    """Undo the last cost deletion on this step (within a few minutes)."""
    milestone = owned_milestone(plan_id, milestone_id)
    if ConfirmForm().validate_on_submit():
        deleted = milestone_edits.DeletedCost.from_dict(session.get(UNDO_KEY))
        if deleted is None or deleted.milestone_id != milestone.id:
            flash("Nothing to undo here.", "info")
        else:
            try:
                cost = milestone_edits.restore_cost(milestone, deleted, utc_now())
            except Invalid as error:
                flash(error.message, "error")
            else:
                flash(f"“{cost.label}” is back.", "success")
            session.pop(UNDO_KEY, None)
    return back_to_step(milestone.plan, milestone, "#costs")
