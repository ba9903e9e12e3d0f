"""A plan's milestones: progress, durations, notes, checklists, costs, exam attempts (part of :mod:`.plans`)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal


from ...domain.durations import Unit
from ...domain.plans import (
    StepState,
)
from ...models import ChecklistItem, Cost, ExamAttempt, Milestone, Plan
from ..transaction import commit
from ..errors import Invalid, NotFound
from .checks import MAX_DURATION, check_checklist_label, check_cost, check_duration, check_exam_attempt, check_milestone_progress, check_milestone_title, check_notes
from .reading import template_or_none

# -- progress ---------------------------------------------------------------------------------

def mark_started(milestone: Milestone, on: dt.date, today: dt.date) -> None:
    """Record that work on the step began on ``on``."""
    check_milestone_progress(milestone, on, milestone.completed_on, today)
    milestone.started_on = on
    commit()


def mark_done(milestone: Milestone, on: dt.date, today: dt.date) -> None:
    """Record that the step finished on ``on``; later steps' projections move with it."""
    check_milestone_progress(milestone, milestone.started_on, on, today)
    milestone.completed_on = on
    commit()


def set_progress(
    milestone: Milestone, state: str, started_on: dt.date | None, completed_on: dt.date | None, today: dt.date
) -> None:
    """Put a step in ``state`` ("not_started", "in_progress", "done") with its dates, in one go.

    Done needs a completion date; its start date stays as recorded unless one is given. In
    progress needs a start date and clears the completion. Not started clears both.
    """
    try:
        state_ = StepState(state)
    except ValueError:
        raise Invalid("status", "Use not_started, in_progress or done.") from None
    if state_ is StepState.DONE:
        if completed_on is None:
            raise Invalid("completed_on", "Give the date the step was finished.")
        started_on = started_on or milestone.started_on
    elif state_ is StepState.IN_PROGRESS:
        if started_on is None:
            started_on = milestone.started_on
        if started_on is None:
            raise Invalid("started_on", "Give the date work on the step began.")
        if completed_on is not None:
            raise Invalid("completed_on", "A step in progress has no completion date.")
    else:
        if started_on is not None or completed_on is not None:
            raise Invalid("status", "A step not started has no dates.")
    check_milestone_progress(milestone, started_on, completed_on, today)
    milestone.started_on, milestone.completed_on = started_on, completed_on
    commit()


def undo_progress(milestone: Milestone) -> None:
    """Step back one state: done → in progress (or not started), in progress → not started."""
    if milestone.completed_on is not None:
        milestone.completed_on = None
    else:
        milestone.started_on = None
    commit()


def set_duration(milestone: Milestone, amount: int, unit: str) -> None:
    """Override the template's duration for this step (later targets move with it)."""
    unit_ = check_duration(amount, unit)
    milestone.duration_amount, milestone.duration_unit = amount, unit_.value
    commit()


def reset_duration(milestone: Milestone) -> None:
    """Go back to the template's duration for the plan's pace."""
    template = template_or_none(milestone.plan.template_id)
    step = next((s for s in template.steps if s.key == milestone.step_key), None) if template else None
    if step is None:
        raise Invalid("amount", "This milestone has no template duration to go back to.")
    duration = step.duration_for(milestone.plan.pace)
    milestone.duration_amount, milestone.duration_unit = duration.amount, duration.unit.value
    commit()


def set_notes(milestone: Milestone, notes: str) -> None:
    milestone.notes = check_notes(notes)
    commit()


def save_checklist(milestone: Milestone, done_ids: Iterable[int], today: dt.date) -> None:
    """Tick exactly the items in ``done_ids``; an item keeps the day it was first ticked."""
    done_ids = set(done_ids)
    known = {item.id for item in milestone.checklist}
    if not done_ids <= known:
        raise Invalid("items", "That checklist item is not part of this step.")
    for item in milestone.checklist:
        if item.id in done_ids:
            item.done_on = item.done_on or today
        else:
            item.done_on = None
    commit()


def add_checklist_item(milestone: Milestone, label: str) -> ChecklistItem:
    label = check_checklist_label(label)
    position = max((item.position for item in milestone.checklist), default=0) + 1
    item = ChecklistItem(position=position, label=label)
    milestone.checklist.append(item)
    commit()
    return item


def delete_checklist_item(milestone: Milestone, item_id: int) -> None:
    item = next((i for i in milestone.checklist if i.id == item_id), None)
    if item is None:
        raise NotFound(f"checklist item {item_id}")
    milestone.checklist.remove(item)
    commit()


def add_cost(
    milestone: Milestone, kind: str, label: str, amount: Decimal, incurred_on: dt.date | None
) -> Cost:
    """Record money spent on a step (program fee, exam fee, books)."""
    kind, label, cents = check_cost(kind, label, amount)
    cost = Cost(kind=kind, label=label, amount_cents=cents, incurred_on=incurred_on)
    milestone.costs.append(cost)
    commit()
    return cost


def delete_cost(milestone: Milestone, cost_id: int) -> None:
    cost = next((c for c in milestone.costs if c.id == cost_id), None)
    if cost is None:
        raise NotFound(f"cost {cost_id}")
    milestone.costs.remove(cost)
    commit()


def record_exam_attempt(
    milestone: Milestone, taken_on: dt.date, passed: bool, retake_on: dt.date | None, today: dt.date
) -> ExamAttempt:
    """An exam attempt: a pass finishes the step; a failure with a retake date holds the step open."""
    retake_on = check_exam_attempt(milestone, taken_on, passed, retake_on, today)
    attempt = ExamAttempt(taken_on=taken_on, passed=passed, retake_on=retake_on)
    milestone.exam_attempts.append(attempt)
    milestone.exam_attempts.sort(key=lambda a: (a.taken_on, a.id or 0))
    if passed and milestone.completed_on is None:
        milestone.completed_on = taken_on
    elif not passed:
        milestone.completed_on = None
        milestone.started_on = milestone.started_on or taken_on
    commit()
    return attempt


def add_custom_milestone(
    plan: Plan, after_position: int, title: str, description: str, amount: int, unit: str
) -> Milestone:
    """Insert the user's own milestone after the one at ``after_position`` (0 = first)."""
    title = check_milestone_title(title)
    positions = [m.position for m in plan.milestones]
    if after_position != 0 and after_position not in positions:
        raise Invalid("after", "Choose where the milestone goes.")
    try:
        unit_ = Unit(unit)
    except ValueError:
        raise Invalid("unit", "Choose days, weeks or months.") from None
    if amount < 0 or amount > MAX_DURATION[unit_]:
        raise Invalid("amount", f"Use a duration from 0 to {MAX_DURATION[unit_]} {unit_.value}.")
    milestone = Milestone(
        step_key=None,
        title=title,
        description=description.strip(),
        duration_amount=amount,
        duration_unit=unit_.value,
        position=after_position + 1,
    )
    for other in plan.milestones:
        if other.position > after_position:
            other.position += 1
    plan.milestones.append(milestone)
    plan.milestones.sort(key=lambda m: m.position)
    commit()
    return milestone


def delete_milestone(milestone: Milestone) -> None:
    """Delete a milestone the user added (template steps stay; set their duration to 0 instead)."""
    if milestone.step_key is not None:
        raise Invalid("milestone", "Steps of the pathway cannot be deleted; set the duration to 0 days to skip one.")
    plan = milestone.plan
    plan.milestones.remove(milestone)
    for position, other in enumerate(plan.milestones, start=1):
        other.position = position
    commit()
