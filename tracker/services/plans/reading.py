"""Reading plans and the plan page's view of them (part of :mod:`.plans`)."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Date, bindparam, case, func, null, select, type_coerce
from sqlalchemy.orm import joinedload, selectinload

from ...catalog.pathways import PlanTemplate, StepTemplate
from ...catalog.pathways import PACE_LABELS
from ...domain.durations import Duration, Unit
from ...domain.agenda import milestone_dues
from ...domain.plans import (
    PlanSchedule,
    StepInput,
    StepSchedule,
    project_plan,
)
from ...extensions import db
from ...models import ChecklistItem, Cost, ExamAttempt, Milestone, Plan, User
from ..catalog import current_catalog
from ..errors import NotFound

# -- reading ----------------------------------------------------------------------------------

# A plan page shows every milestone with its checklist, costs and exam attempts: load them with the
# plans in a fixed number of queries (not one per milestone), so a page costs the same number of
# queries whatever the size of the user's plans. The milestones and their checklists come joined
# to the plan (three times cheaper than a query each: the ORM's cost is per query, not per row);
# costs and exam attempts come in a query each, because joining a second list to the same
# milestone would multiply the rows (checklist items times costs).
WHOLE_PLAN = joinedload(Plan.milestones).options(
    joinedload(Milestone.checklist), selectinload(Milestone.costs), selectinload(Milestone.exam_attempts)
)


def list_plans(user: User) -> list[Plan]:
    """The user's plans, the active one first, then newest first."""
    return list(
        db.session.execute(
            select(Plan)
            .where(Plan.user_id == user.id)
            .order_by(Plan.active_rank.desc(), Plan.id.desc())
            .options(WHOLE_PLAN)
        ).unique().scalars()
    )


# What a plan's dates need (durations, progress, exam retakes), without checklists and costs: all
# joined in one query (a milestone has few exam attempts, so the rows stay about one a milestone).
SCHEDULE_ONLY = joinedload(Plan.milestones).joinedload(Milestone.exam_attempts)


def plans_of(user_ids: Iterable[int]) -> dict[int, list[Plan]]:
    """:func:`list_plans` for many users at once, in a fixed number of queries, with what their
    schedules need loaded (checklists and costs load only if asked for: the reminder sweep never does)."""
    ids = list(user_ids)
    found: dict[int, list[Plan]] = {user_id: [] for user_id in ids}
    for plan in db.session.execute(
        select(Plan)
        .where(Plan.user_id.in_(ids))
        .order_by(Plan.user_id, Plan.active_rank.desc(), Plan.id.desc())
        .options(SCHEDULE_ONLY)
    ).unique().scalars():
        found[plan.user_id].append(plan)
    return found


@dataclass(frozen=True)
class PlanTitle:
    """A plan named in a list (the dashboard's other plans): no milestones loaded."""

    id: int
    title: str


# Built once (building an ORM select cost more than running it): the plan pages run it on every view.
_WHOLE_PLAN_OF = select(Plan).where(Plan.id == bindparam("plan_id"), Plan.user_id == bindparam("user_id")).options(WHOLE_PLAN)


def active_plan(user: User) -> Plan | None:
    """The plan on the dashboard: the one activated last."""
    return db.session.execute(
        select(Plan)
        .where(Plan.user_id == user.id)
        .order_by(Plan.active_rank.desc(), Plan.id.desc())
        .limit(1)
        .options(WHOLE_PLAN)
    ).unique().scalar_one_or_none()


def get_plan(user: User, plan_id: int) -> Plan:
    plan = db.session.execute(_WHOLE_PLAN_OF, {"plan_id": plan_id, "user_id": user.id}).unique().scalar_one_or_none()
    if plan is None:
        raise NotFound(f"plan {plan_id}")
    return plan


def get_milestone(user: User, plan_id: int, milestone_id: int) -> Milestone:
    milestone = db.session.execute(
        select(Milestone)
        .join(Plan)
        .where(Milestone.id == milestone_id, Plan.id == plan_id, Plan.user_id == user.id)
    ).scalar_one_or_none()
    if milestone is None:
        raise NotFound(f"milestone {milestone_id}")
    return milestone


def template_or_none(template_id: str) -> PlanTemplate | None:
    try:
        return current_catalog().template(template_id)
    except KeyError:
        return None


@dataclass(frozen=True)
class StepCounts:
    """A step's checklist items (done and all) and costs, counted by the database."""

    checklist_done: int
    checklist_total: int
    cost_cents: int


@dataclass(frozen=True)
class MilestoneView:
    """A milestone with its dates and what its template step says about it."""

    milestone: Milestone | PageMilestone
    schedule: StepSchedule
    step: StepTemplate | None
    duration: Duration
    template_duration: Duration | None
    due_not_before: dt.date | None
    step_input: StepInput  # what the projection was given for this step (the agenda reuses it)
    counted: StepCounts | None = None  # the plan page's counts, summed by the database

    @property
    def is_custom(self) -> bool:
        return self.milestone.step_key is None

    @property
    def duration_edited(self) -> bool:
        return self.template_duration is not None and self.duration != self.template_duration

    @property
    def checklist_done(self) -> int:
        if self.counted is not None:
            return self.counted.checklist_done
        return sum(1 for item in self.milestone.checklist if item.done_on is not None)

    @property
    def checklist_total(self) -> int:
        return self.counted.checklist_total if self.counted is not None else len(self.milestone.checklist)


@dataclass(frozen=True)
class PlanView:
    plan: Plan | PagePlan
    template: PlanTemplate | None
    schedule: PlanSchedule
    milestones: list[MilestoneView]
    today: dt.date

    @functools.cached_property
    def dues(self) -> dict[int, tuple[dt.date, str]]:
        """Each milestone's agenda date, by id: the date every page, feed and reminder gives it, and
        what it means ("target" or "projected"; :func:`tracker.domain.agenda.milestone_dues`, the
        rule the agenda items use), from the projection this view already has."""
        views = self.milestones
        dues = milestone_dues(self.plan.start_date, [view.step_input for view in views], self.today, self.schedule)
        return {view.milestone.id: due for view, due in zip(views, dues)}

    @property
    def pace_label(self) -> str:
        return PACE_LABELS.get(self.plan.pace, self.plan.pace)

    @property
    def total_cost_cents(self) -> int:
        return sum(
            view.counted.cost_cents if view.counted is not None else sum(cost.amount_cents for cost in view.milestone.costs)
            for view in self.milestones
        )

    @property
    def done_count(self) -> int:
        return sum(1 for view in self.milestones if view.milestone.completed_on is not None)

    @property
    def current(self) -> MilestoneView | None:
        """The first milestone that is not done yet."""
        return next((v for v in self.milestones if v.milestone.completed_on is None), None)


def duration_of(milestone: Milestone) -> Duration:
    return Duration(milestone.duration_amount, Unit(milestone.duration_unit))


def retake_date(milestone: Milestone | PageMilestone) -> dt.date | None:
    """The scheduled retake after the latest failed exam attempt, unless a later attempt passed
    (a :class:`PageMilestone` carries the database's answer)."""
    if isinstance(milestone, PageMilestone):
        return milestone.retake_on
    latest = milestone.exam_attempts[-1] if milestone.exam_attempts else None
    if latest is None or latest.passed:
        return None
    return latest.retake_on


# The plan page: one Core query, a row a milestone, with what the page shows of the plan and each
# step (its columns, its checklist and costs counted, its retake date worked out by the database).
# Read as plain records, not ORM objects: loading a plan and its milestones into the session, and
# counting in a second query, cost three times as much as the query itself. The records have only
# what the page reads, so touching anything else (an item list, say) fails instead of loading it.
# Table columns, not the models' attributes: a select of ORM attributes runs through the ORM's
# per-column machinery even for plain rows (twice the query's cost, as in :mod:`.dashboard`).
_PLANS, _STEPS = Plan.__table__, Milestone.__table__
_P, _M = _PLANS.c, _STEPS.c
_ITEMS, _COSTS, _ATTEMPTS = ChecklistItem.__table__.c, Cost.__table__.c, ExamAttempt.__table__.c
LATEST_RETAKE = (  # a milestone's retake_date, in SQL (correlated to the milestone)
    select(type_coerce(case((_ATTEMPTS.passed, null()), else_=_ATTEMPTS.retake_on), Date))
    .where(_ATTEMPTS.milestone_id == _M.id)
    # The exam_attempts relationship's order (taken_on), the later id first on the same day.
    .order_by(_ATTEMPTS.taken_on.desc(), _ATTEMPTS.id.desc())
    .limit(1)
    .scalar_subquery()
)
_PLAN_PAGE_OF = select(
    _P.id, _P.title, _P.start_date, _P.pace, _P.template_id,
    _M.id.label("m_id"), _M.position, _M.step_key, _M.title.label("m_title"),
    _M.duration_amount, _M.duration_unit, _M.started_on, _M.completed_on,
    select(func.count(_ITEMS.id)).where(_ITEMS.milestone_id == _M.id, _ITEMS.done_on.is_not(None)).scalar_subquery(),
    select(func.count(_ITEMS.id)).where(_ITEMS.milestone_id == _M.id).scalar_subquery(),
    select(func.coalesce(func.sum(_COSTS.amount_cents), 0)).where(_COSTS.milestone_id == _M.id).scalar_subquery(),
    LATEST_RETAKE,
).select_from(_PLANS).outerjoin(_STEPS, _M.plan_id == _P.id).where(
    _P.id == bindparam("plan_id"), _P.user_id == bindparam("user_id")
).order_by(_M.position, _M.id)


@dataclass(frozen=True, slots=True)
class PageMilestone:
    """A milestone as the pages that only show a plan read it (the plan page, see
    :data:`_PLAN_PAGE_OF`, and the dashboard, see :mod:`.dashboard`): ``retake_on`` is
    :func:`retake_date`, worked out by the database (:data:`LATEST_RETAKE`)."""

    id: int
    position: int
    step_key: str | None
    title: str
    duration_amount: int
    duration_unit: str
    started_on: dt.date | None
    completed_on: dt.date | None
    retake_on: dt.date | None


@dataclass(frozen=True, slots=True)
class PagePlan:
    """A plan as the pages that only show it read it, its milestones in order."""

    id: int
    title: str
    start_date: dt.date
    pace: str
    template_id: str
    milestones: tuple[PageMilestone, ...]


def plan_page(user: User, plan_id: int, today: dt.date) -> PlanView:
    """The plan page's view of one of the user's plans (NotFound if it is not theirs): like
    :func:`plan_view`, read in one query, with each step's checklist and costs counted."""
    rows = db.session.execute(_PLAN_PAGE_OF, {"plan_id": plan_id, "user_id": user.id}).all()
    if not rows:
        raise NotFound(f"plan {plan_id}")
    milestones, counts = [], {}
    for row in rows:
        if row[5] is None:
            continue  # the plan has no milestones: its one row is the plan's alone
        milestones.append(PageMilestone(*row[5:13], retake_on=row[16]))
        counts[row[5]] = StepCounts(row[13], row[14], row[15])
    plan = PagePlan(*rows[0][:5], milestones=tuple(milestones))
    return plan_view(plan, today, counts)


def plan_view(plan: Plan | PagePlan, today: dt.date, counts: dict[int, StepCounts] | None = None) -> PlanView:
    """Everything the plan page, the dashboard and the API show about one plan (``counts``: each
    step's counts by milestone id, when the database has counted them)."""
    template = template_or_none(plan.template_id)
    steps = {step.key: step for step in template.steps} if template else {}
    inputs = []
    for milestone in plan.milestones:
        inputs.append(
            StepInput(
                duration=duration_of(milestone),
                started_on=milestone.started_on,
                completed_on=milestone.completed_on,
                due_not_before=retake_date(milestone),
            )
        )
    schedule = project_plan(plan.start_date, inputs, today)
    views = []
    for milestone, step_input, step_schedule in zip(plan.milestones, inputs, schedule.steps):
        step = steps.get(milestone.step_key) if milestone.step_key else None
        views.append(
            MilestoneView(
                milestone=milestone,
                schedule=step_schedule,
                step=step,
                duration=step_input.duration,
                template_duration=step.duration_for(plan.pace) if step else None,
                due_not_before=step_input.due_not_before,
                counted=counts.get(milestone.id) if counts is not None else None,
                step_input=step_input,
            )
        )
    return PlanView(plan=plan, template=template, schedule=schedule, milestones=views, today=today)
