"""A user's agenda: every dated thing of theirs, one date each, and which date that is.

The plan page, the dashboard, reminder planning, the calendar feed and the weekly digest all read
this list, so a thing has the same date, named the same way, wherever it shows.

A milestone has two dates (see :mod:`tracker.domain.plans`): its *target* (the baseline) and its
*projection* as of today. An item is listed on its projection (``means="projected"``) unless that projection only moved because today went past it: a step that should have
started or finished already is projected from today, so its projected date slides a day every
day, and a reminder of it would never come. Such a step is listed on its target
(``means="target"``), which does not move, and which has passed or is close.

No Flask import: inputs in, values out.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .plans import PlanSchedule, StepInput, project_plan

MILESTONE, CEU_CYCLE, DUTY, CODE_SET = "milestone", "ceu_cycle", "duty", "code_set"
TARGET, PROJECTED, FIXED = "target", "projected", "fixed"
# The date of every item is named "Due"; this says which date it is, where there is room.
MEANS_TEXT = {TARGET: "its target date", PROJECTED: "its projected date", FIXED: ""}


@dataclass(frozen=True)
class AgendaItem:
    """One dated thing. ``on`` is its date everywhere; ``means`` says which date that is."""

    kind: str
    key: str  # stable: "milestone:12", "cycle:aapc", "duty:aapc:dues", "code-set:icd10-2026-10-01"
    on: dt.date
    means: str  # "target" or "projected" (milestones), "fixed" (cycle ends, dues, code sets)
    title: str
    link: str
    detail: str = ""
    target: dt.date | None = None
    projected: dt.date | None = None
    done_on: dt.date | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def label(self) -> str:
        """How this date is named wherever it shows."""
        return "Due"

    @property
    def means_text(self) -> str:
        """'its target date', 'its projected date' or '' (a date that is simply fixed)."""
        return means_text(self.means)


@dataclass(frozen=True)
class PlanMilestone:
    """A milestone as the agenda needs it."""

    id: int
    title: str
    step: StepInput


@dataclass(frozen=True)
class PlanInput:
    id: int
    title: str
    start: dt.date
    milestones: Sequence[PlanMilestone]


def means_text(means: str) -> str:
    """What a date that means ``means`` is, in words (see :data:`MEANS_TEXT`)."""
    return MEANS_TEXT.get(means, "")


def milestone_dues(
    start: dt.date, steps: Sequence[StepInput], today: dt.date, now: PlanSchedule | None = None,
) -> list[tuple[dt.date, str]]:
    """Each step's agenda date and what it means (:data:`TARGET` or :data:`PROJECTED`), as
    :func:`milestone_items` dates them: the pages that show only these need no whole item.
    ``now``: the plan's projection as of ``today``, when the caller has it already."""
    if now is None:
        now = project_plan(start, steps, today)
    # The same schedule without "cannot start before today": the dates progress alone sets (the
    # same one, for a plan that has not started yet).
    # Its targets are those of ``now``: they depend only on the start and the durations.
    settled = now if start >= today else project_plan(
        start, steps, start, [(step.target_start, step.target_due) for step in now.steps])
    dues = []
    for step, schedule, still in zip(steps, now.steps, settled.steps):
        if step.completed_on is None and schedule.projected_due != still.projected_due:
            dues.append((schedule.target_due, TARGET))
        else:
            dues.append((schedule.projected_due, PROJECTED))
    return dues


def milestone_items(plan: PlanInput, today: dt.date, now: PlanSchedule | None = None) -> list[AgendaItem]:
    """The plan's milestones as agenda items as of ``today`` (done ones on their completion date).
    ``now``: the plan's projection as of ``today``, when the caller has it already."""
    steps = [m.step for m in plan.milestones]
    if now is None:
        now = project_plan(plan.start, steps, today)
    items = []
    for milestone, schedule, (on, means) in zip(plan.milestones, now.steps, milestone_dues(plan.start, steps, today, now)):
        items.append(AgendaItem(
            kind=MILESTONE, key=f"milestone:{milestone.id}", on=on, means=means,
            title=f"{milestone.title} ({plan.title})", link=f"/plans/{plan.id}/milestones/{milestone.id}",
            detail=schedule.timeliness, target=schedule.target_due, projected=schedule.projected_due,
            done_on=milestone.step.completed_on, extra={"plan_id": plan.id, "milestone_id": milestone.id,
                                                        "plan_title": plan.title, "milestone_title": milestone.title,
                                                        "schedule": schedule},
        ))
    return items


def agenda(
    plans: Iterable[PlanInput], overviews: Iterable, code_sets: Iterable, today: dt.date,
) -> list[AgendaItem]:
    """A user's dated items as of ``today`` (their local date), by date.

    ``overviews`` are the user's renewal overviews (each with ``rules``, ``current``, ``overdue``
    and ``duties``), ``code_sets`` the code-set updates to list (each with ``uid``, ``on`` and
    ``event``). Cycle ends carry what is still needed; dues and fees their amount."""
    items: list[AgendaItem] = []
    for plan in plans:
        items.extend(milestone_items(plan, today))
    for overview in overviews:
        body = overview.rules
        for standing in filter(None, (overview.current, overview.overdue)):
            tally = standing.tally
            end = tally.cycle.end
            items.append(AgendaItem(
                kind=CEU_CYCLE, key=f"cycle:{body.id}", on=end, means=FIXED,
                title=f"{body.name} CEU cycle ending {end:%b} {end.day}, {end.year}",
                link=f"/credentials/{body.id}/?cycle={end.isoformat()}",
                detail=f"{_ceus(tally.needed)} of {_ceus(tally.required)} CEUs still needed. {standing.next_step}",
                extra={"body": body, "standing": standing},
            ))
        for duty in overview.duties:
            amount = f"{'About ' if duty.duty.approximate else ''}${duty.amount}"
            items.append(AgendaItem(
                kind=DUTY, key=f"duty:{body.id}:{duty.duty.key}", on=duty.due_on, means=FIXED,
                title=duty.duty.title, link=f"/credentials/{body.id}/#duties",
                detail=f"{amount}. {duty.duty.note}", extra={"body": body, "duty": duty, "amount": amount},
            ))
    for update in code_sets:
        items.append(AgendaItem(
            kind=CODE_SET, key=f"code-set:{update.uid}", on=update.on, means=FIXED,
            title=update.event.title, link="", detail=f"Source: {update.event.source}",
            extra={"update": update},
        ))
    return sorted(items, key=lambda item: (item.on, item.key))


def _ceus(value) -> str:
    return f"{value.normalize():f}"
