"""The API's plans and their milestones."""
from __future__ import annotations



from ..services import career as career_service
from ..services import plans as plan_service
from . import call, checked_id, today, user
from . import schemas as s

from .blueprints import ID, make_blueprint, documents_errors, duration_body


# -- plans ----------------------------------------------------------------------------------------

plans = make_blueprint("plans", "/plans", "Your plans and their milestones, with target and projected dates.")


def _plan_body(plan, active_id: int | None):
    view = plan_service.plan_view(plan, today())
    return {
        "id": plan.id, "template": plan.template_id, "title": plan.title, "start_date": plan.start_date,
        "pace": plan.pace, "active": plan.id == active_id,
        "target_finish": view.schedule.target_finish, "projected_finish": view.schedule.projected_finish,
        "days_behind": view.schedule.days_behind,
        "milestones": [_milestone_body(m) for m in view.milestones],
    }


def _milestone_body(view):
    milestone, dates = view.milestone, view.schedule
    return {
        "id": milestone.id, "position": milestone.position, "title": milestone.title,
        "description": milestone.description, "step_key": milestone.step_key,
        "duration": duration_body(view.duration), "notes": milestone.notes, "status": dates.state.value,
        "started_on": milestone.started_on, "completed_on": milestone.completed_on,
        "target_start": dates.target_start, "target_due": dates.target_due,
        "projected_start": dates.projected_start, "projected_due": dates.projected_due,
        "days_late": dates.days_late,
    }


def _active_id():
    plan = plan_service.active_plan(user())
    return plan.id if plan else None


def _plan(plan_id: int):
    return call(plan_service.get_plan, user(), checked_id(plan_id))


@plans.route("")
@documents_errors(plans)
@plans.response(200, s.PlanSchema(many=True))
def list_plans():
    """Your plans, the active one first."""
    active = _active_id()
    return [_plan_body(plan, active) for plan in plan_service.list_plans(user())]


@plans.route("", methods=["POST"])
@plans.arguments(s.PlanCreate)
@documents_errors(plans, 400, 422)
@plans.response(201, s.PlanSchema)
def create_plan(data):
    """Make a plan from a template; it becomes the active plan."""
    plan = call(plan_service.create_plan, user(), data["template"], data["start_date"], data["pace"], today(),
                title=data.get("title"))
    return _plan_body(plan, plan.id)


@plans.route(f"/<{ID}:plan_id>")
@documents_errors(plans, 404)
@plans.response(200, s.PlanSchema)
def get_plan(plan_id):
    """One plan with its milestones in order."""
    return _plan_body(_plan(plan_id), _active_id())


@plans.route(f"/<{ID}:plan_id>", methods=["PATCH"])
@plans.arguments(s.PlanPatch)
@documents_errors(plans, 400, 404, 422)
@plans.response(200, s.PlanSchema)
def patch_plan(data, plan_id):
    """Rename, move the start date, change pace, or make the plan active."""
    plan = _plan(plan_id)

    def change():
        if data.keys() & {"title", "start_date", "pace"}:
            plan_service.update_plan(
                plan, data.get("title", plan.title), data.get("start_date", plan.start_date),
                data.get("pace", plan.pace), today(),
            )
        if data.get("active"):
            plan_service.activate_plan(plan)

    call(change)
    return _plan_body(plan, _active_id())


@plans.route(f"/<{ID}:plan_id>", methods=["DELETE"])
@documents_errors(plans, 404)
@plans.response(204)
def delete_plan(plan_id):
    """Delete a plan and its milestones."""
    call(plan_service.delete_plan, _plan(plan_id))


def _milestone_view(plan, milestone_id: int):
    view = plan_service.plan_view(plan, today())
    return next(v for v in view.milestones if v.milestone.id == milestone_id)


@plans.route(f"/<{ID}:plan_id>/milestones")
@documents_errors(plans, 404)
@plans.response(200, s.MilestoneSchema(many=True))
def list_milestones(plan_id):
    """A plan's milestones in order, with their dates."""
    plan = _plan(plan_id)
    return [_milestone_body(v) for v in plan_service.plan_view(plan, today()).milestones]


@plans.route(f"/<{ID}:plan_id>/milestones", methods=["POST"])
@plans.arguments(s.MilestoneCreate)
@documents_errors(plans, 400, 404, 422)
@plans.response(201, s.MilestoneSchema)
def create_milestone(data, plan_id):
    """Add a milestone of your own (at the end, or after a position)."""
    plan = _plan(plan_id)
    after = data.get("after_position", max((m.position for m in plan.milestones), default=0))
    milestone = call(
        plan_service.add_custom_milestone, plan, after, data["title"], data["description"],
        data["duration_amount"], data["duration_unit"],
        fields={"after": "after_position", "amount": "duration_amount", "unit": "duration_unit"},
    )
    return _milestone_body(_milestone_view(plan, milestone.id))


def _milestone(plan_id: int, milestone_id: int):
    return call(plan_service.get_milestone, user(), checked_id(plan_id), checked_id(milestone_id))


@plans.route(f"/<{ID}:plan_id>/milestones/<{ID}:milestone_id>")
@documents_errors(plans, 404)
@plans.response(200, s.MilestoneSchema)
def get_milestone(plan_id, milestone_id):
    """One milestone with its dates."""
    milestone = _milestone(plan_id, milestone_id)
    return _milestone_body(_milestone_view(milestone.plan, milestone.id))


@plans.route(f"/<{ID}:plan_id>/milestones/<{ID}:milestone_id>", methods=["PATCH"])
@plans.arguments(s.MilestonePatch)
@documents_errors(plans, 400, 404, 422)
@plans.response(200, s.MilestoneSchema)
def patch_milestone(data, plan_id, milestone_id):
    """Record progress (`{"status": "done", "completed_on": "2027-03-01"}`), change the duration or notes.

    All the changes sent are made, or none.
    """
    milestone = _milestone(plan_id, milestone_id)

    def change():
        outcome = career_service.StepOutcome()
        if "status" in data:
            outcome = career_service.set_progress(
                user(), milestone, data["status"], data.get("started_on"), data.get("completed_on"), today()
            )
        if "duration_amount" in data:
            plan_service.setduration_body(milestone, data["duration_amount"], data["duration_unit"])
        if "notes" in data:
            plan_service.set_notes(milestone, data["notes"])
        return outcome

    outcome = call(change, fields={"amount": "duration_amount", "unit": "duration_unit"})
    body = _milestone_body(_milestone_view(milestone.plan, milestone.id))
    if "status" in data:
        body["credential_added"] = _step_credential(outcome.added)
        body["credential_removable"] = _step_credential(outcome.removable)
        body["credential_note"] = outcome.message
    return body


def _step_credential(credential):
    if credential is None:
        return None
    return {"id": credential.id, "code": credential.code, "earned_on": credential.earned_on}


@plans.route(f"/<{ID}:plan_id>/milestones/<{ID}:milestone_id>", methods=["DELETE"])
@documents_errors(plans, 404, 422)
@plans.response(204)
def delete_milestone(plan_id, milestone_id):
    """Delete a milestone you added (pathway steps stay: set their duration to 0 to skip one)."""
    call(plan_service.delete_milestone, _milestone(plan_id, milestone_id), fields={"milestone": "id"})


BLUEPRINTS = [plans]
