"""Plans: a template instantiated for one user, its milestones, progress, checklists and costs."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..catalog.pathways import PlanTemplate, StepTemplate
from ..catalog.pathways import PACE_LABELS, PACES
from ..domain.durations import Duration, Unit
from ..domain.plans import (
    PlanError,
    PlanSchedule,
    StepState,
    StepInput,
    StepSchedule,
    check_progress,
    check_start_date,
    project_plan,
)
from ..extensions import db
from ..models import ChecklistItem, Cost, ExamAttempt, Milestone, Plan, User
from .catalog import current_catalog
from .transaction import commit
from .errors import Invalid, NotFound

MAX_DURATION = {Unit.DAYS: 3650, Unit.WEEKS: 520, Unit.MONTHS: 120}
MAX_COST_CENTS = 100_000_000  # $1,000,000: anything above is a typo
COST_KINDS = {"program": "Program fee", "exam": "Exam fee", "materials": "Books & materials", "other": "Other"}


# -- reading ----------------------------------------------------------------------------------

# A plan page shows every milestone with its checklist, costs and exam attempts: load them with the
# plans in one query per table (not one per milestone), so a page costs the same number of queries
# whatever the size of the user's plans.
WHOLE_PLAN = selectinload(Plan.milestones).options(
    selectinload(Milestone.checklist), selectinload(Milestone.costs), selectinload(Milestone.exam_attempts)
)


def list_plans(user: User) -> list[Plan]:
    """The user's plans, the active one first, then newest first."""
    return list(
        db.session.execute(
            select(Plan)
            .where(Plan.user_id == user.id)
            .order_by(Plan.active_rank.desc(), Plan.id.desc())
            .options(WHOLE_PLAN)
        ).scalars()
    )


# What a plan's dates need (durations, progress, exam retakes), without checklists and costs.
SCHEDULE_ONLY = selectinload(Plan.milestones).options(selectinload(Milestone.exam_attempts))


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
    ).scalars():
        found[plan.user_id].append(plan)
    return found


@dataclass(frozen=True)
class PlanTitle:
    """A plan named in a list (the dashboard's other plans): no milestones loaded."""

    id: int
    title: str


def plan_titles(user: User) -> list[PlanTitle]:
    """The user's plans by id and title, in :func:`list_plans` order, in one query: for lists
    that name plans (no milestones, checklists or costs loaded)."""
    return [PlanTitle(row.id, row.title) for row in db.session.execute(
        select(Plan.id, Plan.title).where(Plan.user_id == user.id).order_by(Plan.active_rank.desc(), Plan.id.desc())
    )]


def dashboard_plans(user: User) -> tuple[Plan | None, list[PlanTitle]]:
    """The active plan, with what its schedule needs (milestones, exam attempts; checklists and
    costs only if asked for), and the user's other plans by title, newest first. Four queries
    whatever the plans hold: the dashboard shows the active plan's dates and the others' names."""
    titles = plan_titles(user)
    if not titles:
        return None, []
    plan = db.session.execute(select(Plan).where(Plan.id == titles[0].id).options(SCHEDULE_ONLY)).scalar_one()
    return plan, titles[1:]


def active_plan(user: User) -> Plan | None:
    """The plan on the dashboard: the one activated last."""
    return db.session.execute(
        select(Plan)
        .where(Plan.user_id == user.id)
        .order_by(Plan.active_rank.desc(), Plan.id.desc())
        .limit(1)
        .options(WHOLE_PLAN)
    ).scalar_one_or_none()


def get_plan(user: User, plan_id: int) -> Plan:
    plan = db.session.execute(
        select(Plan).where(Plan.id == plan_id, Plan.user_id == user.id).options(WHOLE_PLAN)
    ).scalar_one_or_none()
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
class MilestoneView:
    """A milestone with its dates and what its template step says about it."""

    milestone: Milestone
    schedule: StepSchedule
    step: StepTemplate | None
    duration: Duration
    template_duration: Duration | None
    due_not_before: dt.date | None

    @property
    def is_custom(self) -> bool:
        return self.milestone.step_key is None

    @property
    def duration_edited(self) -> bool:
        return self.template_duration is not None and self.duration != self.template_duration

    @property
    def checklist_done(self) -> int:
        return sum(1 for item in self.milestone.checklist if item.done_on is not None)


@dataclass(frozen=True)
class PlanView:
    plan: Plan
    template: PlanTemplate | None
    schedule: PlanSchedule
    milestones: list[MilestoneView]
    today: dt.date

    @functools.cached_property
    def dates(self) -> dict:
        """Each milestone's agenda item, by milestone id: the date every page, feed and reminder
        gives it, and its name ("Due" or "Target due"; see :mod:`tracker.domain.agenda`)."""
        from .agenda import plan_items

        return plan_items(self.plan, self.today)

    @property
    def pace_label(self) -> str:
        return PACE_LABELS.get(self.plan.pace, self.plan.pace)

    @property
    def total_cost_cents(self) -> int:
        return sum(cost.amount_cents for view in self.milestones for cost in view.milestone.costs)

    @property
    def done_count(self) -> int:
        return sum(1 for view in self.milestones if view.milestone.completed_on is not None)

    @property
    def current(self) -> MilestoneView | None:
        """The first milestone that is not done yet."""
        return next((v for v in self.milestones if v.milestone.completed_on is None), None)


def duration_of(milestone: Milestone) -> Duration:
    return Duration(milestone.duration_amount, Unit(milestone.duration_unit))


def retake_date(milestone: Milestone) -> dt.date | None:
    """The scheduled retake after the latest failed exam attempt, unless a later attempt passed."""
    latest = milestone.exam_attempts[-1] if milestone.exam_attempts else None
    if latest is None or latest.passed:
        return None
    return latest.retake_on


def plan_view(plan: Plan, today: dt.date) -> PlanView:
    """Everything the plan page, the dashboard and the API show about one plan."""
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
            )
        )
    return PlanView(plan=plan, template=template, schedule=schedule, milestones=views, today=today)


# -- plans ------------------------------------------------------------------------------------

# The checks below are the rules for each piece of a plan; the forms, the API and the import of an
# export (services/portability.py) all go through them.

def check_pace(pace: str) -> None:
    """Full time or part time (the paces templates scale durations by)."""
    if pace not in PACES:
        raise Invalid("pace", f"Choose a pace: {', '.join(PACE_LABELS[p] for p in PACES)}.")


def check_plan_title(title: str) -> str:
    """The plan's name, trimmed; Invalid when empty or too long."""
    title = title.strip()
    if not title:
        raise Invalid("title", "Give the plan a name.")
    if len(title) > 120:
        raise Invalid("title", "Use at most 120 characters.")
    return title


def check_duration(amount: int, unit: str) -> Unit:
    """A step's duration: a known unit, from 0 up to ten years."""
    try:
        unit_ = Unit(unit)
    except ValueError:
        raise Invalid("unit", "Choose days, weeks or months.") from None
    if amount < 0:
        raise Invalid("amount", "A duration cannot be negative.")
    if amount > MAX_DURATION[unit_]:
        raise Invalid("amount", f"At most {MAX_DURATION[unit_]} {unit_.value} (ten years).")
    return unit_


def check_milestone_title(title: str) -> str:
    """A milestone's name, trimmed; Invalid when empty or longer than 200 characters."""
    title = title.strip()
    if not title:
        raise Invalid("title", "Give the milestone a name.")
    if len(title) > 200:
        raise Invalid("title", "Use at most 200 characters.")
    return title


def check_notes(notes: str) -> str:
    """A step's notes, trimmed; at most 10,000 characters."""
    if len(notes) > 10_000:
        raise Invalid("notes", "Notes can be at most 10,000 characters.")
    return notes.strip()


def check_checklist_label(label: str) -> str:
    """A checklist item's text, trimmed; Invalid when empty or longer than 200 characters."""
    label = label.strip()
    if not label:
        raise Invalid("label", "Say what the item is.")
    if len(label) > 200:
        raise Invalid("label", "Use at most 200 characters.")
    return label


def check_cost(kind: str, label: str, amount: Decimal) -> tuple[str, str, int]:
    """A cost's kind, label (the kind's name when empty) and amount in cents."""
    if kind not in COST_KINDS:
        raise Invalid("kind", "Choose what kind of cost this is.")
    if amount < 0:
        raise Invalid("amount", "An amount cannot be negative.")
    cents = int((amount * 100).to_integral_value())
    if cents != amount * 100:
        raise Invalid("amount", "Use dollars and cents, like 399.00.")
    if cents > MAX_COST_CENTS:
        raise Invalid("amount", "That is more than $1,000,000; check the amount.")
    label = label.strip() or COST_KINDS[kind]
    if len(label) > 120:
        raise Invalid("label", "Use at most 120 characters.")
    return kind, label, cents


def check_exam_attempt(
    milestone: Milestone, taken_on: dt.date, passed: bool, retake_on: dt.date | None, today: dt.date
) -> dt.date | None:
    """An exam attempt's dates against the step; returns the retake date to keep (none after a pass)."""
    check_milestone_progress(milestone, milestone.started_on, taken_on, today)
    if passed:
        return None
    if retake_on is not None and retake_on <= taken_on:
        raise Invalid("retake_on", "The retake must come after the attempt.")
    if retake_on is not None:
        check_milestone_progress(milestone, milestone.started_on, retake_on, today)
    return retake_on


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


# -- progress ---------------------------------------------------------------------------------

def check_milestone_progress(milestone: Milestone, started_on: dt.date | None, completed_on: dt.date | None, today: dt.date) -> None:
    """A step's start and completion dates against its plan's start and today (domain rules)."""
    try:
        check_progress(started_on, completed_on, plan_start=milestone.plan.start_date, today=today)
    except PlanError as error:
        raise Invalid(error.field, error.message) from None


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
