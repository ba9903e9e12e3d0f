"""Geometry of the plan timeline, drawn as server-side SVG.

Horizontal positions are percentages of the drawing's width, so bars stretch with the screen while
text keeps its size: the same SVG reads on a phone and on a desktop.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from ..domain.plans import StepState

LEFT, RIGHT = 1.0, 1.0  # margins, in percent of the width
AXIS_HEIGHT = 34
ROW_HEIGHT = 50
TODAY_WINDOW = dt.timedelta(days=120)  # today is drawn when it is this close to the plan


@dataclass(frozen=True)
class Bar:
    x: float
    width: float


@dataclass(frozen=True)
class Row:
    number: int
    title: str
    anchor: str
    y: int
    target: Bar
    projected: Bar
    tone: str  # done | active | late | planned
    label: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    major: bool

    @property
    def near_edge(self) -> bool:
        """True when the label would run off the right edge on a phone (~1.9% a character there);
        such labels are hidden on narrow screens, where the summary above gives the dates."""
        return self.x + 1.9 * len(self.label) > 99


@dataclass(frozen=True)
class Timeline:
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    today_x: float | None
    today: dt.date
    height: int
    start: dt.date
    end: dt.date


def _tone(state: StepState, days_late: int) -> str:
    if state is StepState.DONE:
        return "done"
    if days_late > 0:
        return "late"
    return "active" if state is StepState.IN_PROGRESS else "planned"


def build_timeline(view) -> Timeline:
    """Lay out a PlanView: one row a milestone (target bar over projected bar), month ticks, today."""
    schedule = view.schedule
    today = view.today
    dates = [view.plan.start_date, schedule.target_finish, schedule.projected_finish]
    for step in schedule.steps:
        dates += [step.projected_start, step.projected_due]
    start, end = min(dates), max(dates)
    if start - TODAY_WINDOW <= today <= end + TODAY_WINDOW:
        start, end = min(start, today), max(end, today)
    start = start.replace(day=1)
    end = (end.replace(day=1) + relativedelta(months=1))
    span = (end - start).days or 1

    def x(day: dt.date) -> float:
        return round(LEFT + (day - start).days / span * (100 - LEFT - RIGHT), 2)

    def bar(a: dt.date, b: dt.date) -> Bar:
        return Bar(x(a), max(round(x(b) - x(a), 2), 0.6))

    rows = []
    for index, item in enumerate(view.milestones):
        step = item.schedule
        rows.append(
            Row(
                number=index + 1,
                title=item.milestone.title,
                anchor=f"m{item.milestone.id}",
                y=AXIS_HEIGHT + index * ROW_HEIGHT,
                target=bar(step.target_start, step.target_due),
                projected=bar(step.projected_start, step.projected_due),
                tone=_tone(step.state, step.days_late),
                label=step.timeliness,
            )
        )
    months = (end.year - start.year) * 12 + end.month - start.month
    every = 1 if months <= 12 else 3 if months <= 36 else 6
    ticks = []
    month = start
    while month < end:
        major = (month.month - 1) % every == 0
        label = month.strftime("%b %Y") if month.month == 1 or month == start else month.strftime("%b")
        ticks.append(Tick(x(month), label, major))
        month += relativedelta(months=1)
    today_x = x(today) if start <= today <= end else None
    return Timeline(
        rows=tuple(rows),
        ticks=tuple(ticks),
        today_x=today_x,
        today=today,
        height=AXIS_HEIGHT + len(rows) * ROW_HEIGHT + 8,
        start=start,
        end=end,
    )
