"""How loudly a plan speaks: one calm status for the plan, one step to work on now, and a note
only on the step that is really late.

Plain Python, no Flask. The projection (:mod:`tracker.domain.plans`) moves every later step when
one slips; that is arithmetic, not something the person must act on. So the pages show:

- the plan's timeliness once, calm ("Behind by 21 days" is information, not an alarm), and
  "attention" only when the step to work on now is past its target due date;
- each step's state ("Done", "In progress", "Up next", "Not started"), a done step with how it went;
- steps before a done step that were never ticked off as "Not recorded": the person moved on.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .dates import human_date
from .plans import PlanSchedule, StepState


@dataclass(frozen=True)
class StepLook:
    """One step as the pages show it."""

    tone: str  # done | active | attention | planned | passed
    label: str  # the step's one badge
    note: str | None = None  # a calm sentence, only on the step that is late


@dataclass(frozen=True)
class PlanLook:
    """A plan as the pages show it: its status, the step to work on now, each step's look."""

    tone: str  # good | calm | attention
    label: str
    current: int | None  # index of the step to work on now (None when every step is done)
    steps: tuple[StepLook, ...]

    @property
    def needs_action(self) -> bool:
        return self.tone == "attention"


def plan_look(schedule: PlanSchedule, today: dt.date) -> PlanLook:
    """The plan's one status and each step's badge, as of ``today``."""
    steps = schedule.steps
    last_done = max((i for i, s in enumerate(steps) if s.state is StepState.DONE), default=-1)
    current = next((i for i, s in enumerate(steps) if i > last_done and s.state is not StepState.DONE), None)
    looks = []
    late_now = False
    for index, step in enumerate(steps):
        if step.state is StepState.DONE:
            looks.append(StepLook("done", step.timeliness))
        elif index < last_done:
            looks.append(StepLook("passed", "Not recorded"))
        elif index == current:
            label = "In progress" if step.state is StepState.IN_PROGRESS else "Up next"
            if today >= step.target_due:
                late_now = True
                note = (
                    f"Its target was {human_date(step.target_due, today)}; "
                    f"at this pace it finishes {human_date(step.projected_due, today)}."
                )
                looks.append(StepLook("attention", label, note))
            else:
                looks.append(StepLook("active" if step.state is StepState.IN_PROGRESS else "planned", label))
        else:
            looks.append(StepLook("planned", "Not started"))
    if schedule.days_behind <= 0:
        tone = "good"
    else:
        tone = "attention" if late_now else "calm"
    return PlanLook(tone=tone, label=schedule.timeliness, current=current, steps=tuple(looks))
