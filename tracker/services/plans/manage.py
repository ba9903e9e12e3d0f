"""Creating, editing, activating and deleting plans (part of :mod:`.plans`)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select

from ...domain.durations import Unit
from ...domain.plans import (
    PlanError,
    check_start_date,
)
from ...extensions import db
from ...models import ChecklistItem, Milestone, Plan, User
from ..transaction import commit
from ..errors import Invalid
from .checks import MAX_DURATION, check_pace, check_plan_title
from .reading import duration_of, template_or_none

def _start_date(start: dt.date, today: dt.date) -> None:
    try:
        check_start_date(start, today)
    except PlanError as error:
        raise Invalid(error.field, error.message) from None


def create_plan(
    user: User, template_id: str, start_date: dt.date, pace: str, today: dt.date, title: str | None = None
) -> Plan:
    """Instantiate a template as the user's plan and make it the active one."""
    template = template_or_none(template_id)
    if template is None:
        raise Invalid("template", "Choose one of the tracks offered.")
    check_pace(pace)
    _start_date(start_date, today)
    plan = Plan(
        user_id=user.id,
        template_id=template.id,
        title=check_plan_title(title or template.title),
        start_date=start_date,
        pace=pace,
        active_rank=_next_rank(user),
    )
    for position, step in enumerate(template.steps, start=1):
        duration = step.duration_for(pace)
        milestone = Milestone(
            position=position,
            step_key=step.key,
            title=step.title,
            description=step.description,
            duration_amount=duration.amount,
            duration_unit=duration.unit.value,
        )
        milestone.checklist = [
            ChecklistItem(position=index, label=label) for index, label in enumerate(step.checklist, start=1)
        ]
        plan.milestones.append(milestone)
    db.session.add(plan)
    commit()
    return plan


def update_plan(plan: Plan, title: str, start_date: dt.date, pace: str, today: dt.date) -> None:
    """Rename, move the start date (targets move with it), or change pace.

    A pace change re-scales the steps whose duration still follows the template; durations the
    user edited stay as they are.
    """
    title = check_plan_title(title)
    check_pace(pace)
    if start_date != plan.start_date:
        _start_date(start_date, today)
    for milestone in plan.milestones:
        for field, value in (("started_on", milestone.started_on), ("completed_on", milestone.completed_on)):
            if value is not None and value < start_date:
                raise Invalid(
                    "start_date",
                    f"“{milestone.title}” has progress on {value.isoformat()}, before this start date.",
                )
    if pace != plan.pace:
        template = template_or_none(plan.template_id)
        steps = {step.key: step for step in template.steps} if template else {}
        for milestone in plan.milestones:
            step = steps.get(milestone.step_key or "")
            if step is not None and duration_of(milestone) == step.duration_for(plan.pace):
                new = step.duration_for(pace)
                milestone.duration_amount, milestone.duration_unit = new.amount, new.unit.value
    plan.title, plan.start_date, plan.pace = title, start_date, pace
    commit()


def _next_rank(user: User) -> int:
    highest = db.session.scalar(select(func.max(Plan.active_rank)).where(Plan.user_id == user.id))
    return (highest or 0) + 1


def activate_plan(plan: Plan) -> None:
    """Put this plan on the dashboard."""
    plan.active_rank = _next_rank(plan.user)
    commit()


def delete_plan(plan: Plan) -> None:
    db.session.delete(plan)
    commit()


CUSTOM_TEMPLATE_ID = "custom"


def create_custom_plan(user: User, title: str, start_date: dt.date) -> Plan:
    """An empty plan of the user's own (no template), made the active one; milestones come next."""
    plan = Plan(
        user_id=user.id,
        template_id=CUSTOM_TEMPLATE_ID,
        title=check_plan_title(title),
        start_date=start_date,
        pace="full_time",
        active_rank=_next_rank(user),
    )
    db.session.add(plan)
    return plan


def append_milestones(plan: Plan, items: Iterable[tuple[str, str, int, str]]) -> list[Milestone]:
    """Add the user's own milestones (title, description, amount, unit) at the end of a plan, in one commit."""
    added = []
    position = max((m.position for m in plan.milestones), default=0)
    for title, description, amount, unit in items:
        unit_ = Unit(unit)
        amount = min(max(amount, 0), MAX_DURATION[unit_])
        position += 1
        milestone = Milestone(
            step_key=None, title=title[:200], description=description, duration_amount=amount,
            duration_unit=unit_.value, position=position,
        )
        plan.milestones.append(milestone)
        added.append(milestone)
    db.session.add(plan)
    commit()
    return added
