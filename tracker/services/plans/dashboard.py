"""The dashboard's plans (part of :mod:`.plans`): the active plan, as much of it as its dates
need, and the other plans' names, in one query of plain rows.

The dashboard only shows a plan (its dates, the step to do now, the others' titles); it never
changes one. Loading it as ORM objects cost more than the query (identity map, relationship
collections, three statements' worth of bookkeeping), so it is read as rows into small read-only
objects that have the attributes :func:`.reading.plan_view` and the dashboard read.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, select

from ...extensions import db
from ...models import ExamAttempt, Milestone, Plan, User
from .reading import PlanTitle


@dataclass(frozen=True, slots=True)
class AttemptRow:
    """An exam attempt, as a step's dates need it."""

    taken_on: dt.date
    passed: bool
    retake_on: dt.date | None


@dataclass(frozen=True, slots=True)
class StepRow:
    """A milestone, as the plan's dates and the dashboard's "Now:" need it."""

    id: int
    step_key: str | None
    title: str
    duration_amount: int
    duration_unit: str
    started_on: dt.date | None
    completed_on: dt.date | None
    exam_attempts: list[AttemptRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PlanRow:
    """The active plan, with its milestones in order (each with its exam attempts in order)."""

    id: int
    title: str
    template_id: str
    start_date: dt.date
    pace: str
    milestones: list[StepRow] = field(default_factory=list)


# Table columns, not the models' attributes: a select of ORM attributes runs through the ORM's
# per-column machinery even for plain rows (twice this query's cost).
_PLANS, _STEPS, _ATTEMPTS = Plan.__table__, Milestone.__table__, ExamAttempt.__table__
_P, _M, _A = _PLANS.c, _STEPS.c, _ATTEMPTS.c
_ACTIVE_ID = (
    select(_P.id).where(_P.user_id == bindparam("user_id"))
    .order_by(_P.active_rank.desc(), _P.id.desc()).limit(1).scalar_subquery()
)
# Every plan of the user (one row each), the active one joined to its milestones and their exam
# attempts (a row per attempt, or one for a milestone without). Same order as the ORM's loading:
# plans as the dashboard lists them, milestones by position, attempts by date.
_DASHBOARD_OF = (
    select(
        _P.id, _P.title, _P.template_id, _P.start_date, _P.pace,
        _M.id, _M.step_key, _M.title, _M.duration_amount, _M.duration_unit, _M.started_on, _M.completed_on,
        _A.id, _A.taken_on, _A.passed, _A.retake_on,
    )
    .select_from(_PLANS)
    .outerjoin(_STEPS, and_(_M.plan_id == _P.id, _P.id == _ACTIVE_ID))
    .outerjoin(_ATTEMPTS, _A.milestone_id == _M.id)
    .where(_P.user_id == bindparam("user_id"))
    .order_by(_P.active_rank.desc(), _P.id.desc(), _M.position, _A.taken_on)
)


def dashboard_plans(user: User) -> tuple[PlanRow | None, list[PlanTitle]]:
    """The active plan, with what its schedule needs (milestones, exam attempts), and the user's
    other plans by title, in :func:`.reading.list_plans` order. One query whatever the plans
    hold: the dashboard shows the active plan's dates and the others' names."""
    plan: PlanRow | None = None
    others: list[PlanTitle] = []
    step: StepRow | None = None
    for (plan_id, title, template_id, start_date, pace, step_id, step_key, step_title, amount, unit,
         started_on, completed_on, attempt_id, taken_on, passed, retake_on) in db.session.execute(
            _DASHBOARD_OF, {"user_id": user.id}):
        if plan is None:
            plan = PlanRow(plan_id, title, template_id, start_date, pace)
        elif plan_id != plan.id:
            others.append(PlanTitle(plan_id, title))
            continue
        if step_id is None:
            continue
        if step is None or step.id != step_id:
            step = StepRow(step_id, step_key, step_title, amount, unit, started_on, completed_on)
            plan.milestones.append(step)
        if attempt_id is not None:
            step.exam_attempts.append(AttemptRow(taken_on, passed, retake_on))
    return plan, others
