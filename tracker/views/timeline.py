"""Geometry of the plan timeline, drawn as server-side SVG.

Horizontal positions are percentages of the drawing's width, so bars stretch with the screen while
text keeps its size. The drawing is for screens from 40rem wide; on a phone the template shows the
same rows as a vertical list instead (rungs.css), so month labels are spaced for a 600 px drawing
and never overlap there or wider.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from ..domain.attention import plan_look
from ..domain.durations import add_months
from ..domain.plans import StepState

LEFT, RIGHT = 1.0, 1.0  # margins, in percent of the width
AXIS_HEIGHT = 34
ROW_HEIGHT = 50
TODAY_WINDOW = dt.timedelta(days=120)  # today is drawn when it is this close to the plan
# Month labels: the narrowest drawing (px) and an 11 px label's width per character (px, generous).
NARROWEST = 600
CHAR_PX = 7.0
LABEL_GAP = 1.5  # percent kept free between two labels
TITLE_CHARS = 42  # a row's title in the drawing is cut to this many characters, "…" included


@dataclass(frozen=True)
class Bar:
    x: float
    width: float


@dataclass(frozen=True)
class Row:
    number: int
    title: str
    short_title: str  # the title cut for the drawing (the list and the tooltip show it whole)
    anchor: str
    y: int
    target: Bar
    projected: Bar
    tone: str  # done | active | attention | planned | passed (tracker/domain/attention.py)
    label: str
    target_start: dt.date
    target_due: dt.date
    projected_start: dt.date
    projected_due: dt.date
    done: bool
    after_today: bool  # the step starts after today (the phone list draws "Today" before it)


@dataclass(frozen=True)
class Tick:
    x: float
    label: str  # empty: a line without a label (it would overlap its neighbour)
    major: bool


@dataclass(frozen=True)
class Timeline:
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    today_x: float | None
    today: dt.date
    height: int
    start: dt.date
    end: dt.date
    tones: frozenset[str]  # the colours drawn, so the legend shows only those
    # Index of the first row that starts after today (None: today is after every start).
    today_row: int | None


def _label_width(label: str) -> float:
    """A month label's width in percent of the narrowest drawing."""
    return len(label) * CHAR_PX / NARROWEST * 100


def build_timeline(view, look=None) -> Timeline:
    """Lay out a PlanView: one row a milestone (target bar over projected bar), month ticks, today.
    ``look``: the plan's statuses (:func:`tracker.domain.attention.plan_look`), when the page has them already."""
    if look is None:
        look = plan_look(view.schedule, view.today)
    today = view.today
    start, end = _months_shown(view)
    scale = _Scale(start, end)
    rows = tuple(_row(index, item, look.steps[index], scale, today) for index, item in enumerate(view.milestones))
    return Timeline(
        rows=rows,
        ticks=_ticks(start, end),
        today_x=scale.x(today) if start <= today <= end else None,
        today=today,
        height=AXIS_HEIGHT + len(rows) * ROW_HEIGHT + 8,
        start=start,
        end=end,
        tones=frozenset(row.tone for row in rows),
        today_row=next((i for i, row in enumerate(rows) if row.after_today), None),
    )


def _months_shown(view) -> tuple[dt.date, dt.date]:
    """The first day of the first month drawn and of the month after the last: every date of the
    plan, and today when it is near."""
    schedule, today = view.schedule, view.today
    dates = [view.plan.start_date, schedule.target_finish, schedule.projected_finish]
    for step in schedule.steps:
        dates += [step.projected_start, step.projected_due]
    start, end = min(dates), max(dates)
    if start - TODAY_WINDOW <= today <= end + TODAY_WINDOW:
        start, end = min(start, today), max(end, today)
    return start.replace(day=1), add_months(end.replace(day=1), 1)


class _Scale:
    """Days to percent of the drawing's width, between the left labels and the right margin."""

    def __init__(self, start: dt.date, end: dt.date):
        self.start, self.span = start, (end - start).days or 1

    def x(self, day: dt.date) -> float:
        return round(LEFT + (day - self.start).days / self.span * (100 - LEFT - RIGHT), 2)

    def bar(self, a: dt.date, b: dt.date) -> Bar:
        start, end = self.x(a), self.x(b)
        return Bar(start, max(round(end - start, 2), 0.6))


def _row(index: int, item, step_look, scale: _Scale, today: dt.date) -> Row:
    step = item.schedule
    done = step.state is StepState.DONE
    return Row(
        number=index + 1,
        title=item.milestone.title,
        short_title=_cut(item.milestone.title),
        anchor=f"m{item.milestone.id}",
        y=AXIS_HEIGHT + index * ROW_HEIGHT,
        target=scale.bar(step.target_start, step.target_due),
        projected=scale.bar(step.projected_start, step.projected_due),
        tone=step_look.tone,
        label=step_look.label,
        target_start=step.target_start,
        target_due=step.target_due,
        projected_start=step.projected_start,
        projected_due=step.projected_due,
        done=done,
        after_today=not done and step.projected_start > today,
    )


# The ticks depend only on the months drawn, and a user's plan page draws the same ones on every
# view: worked out once per process and range (a few strftime and month additions a month drawn).
@functools.lru_cache(maxsize=1024)
def _ticks(start: dt.date, end: dt.date) -> tuple[Tick, ...]:
    """A tick a month; labels every 1, 3 or 6 months by the span, never overlapping or cut off."""
    scale = _Scale(start, end)
    months = (end.year - start.year) * 12 + end.month - start.month
    every = 1 if months <= 12 else 3 if months <= 36 else 6
    ticks = []
    month = start
    free_from = 0.0  # where the next label may begin (percent)
    while month < end:
        major = (month.month - 1) % every == 0
        label = ""
        begins = scale.x(month)
        if major or month == start:
            label = month.strftime("%b %Y") if month.month == 1 or month == start else month.strftime("%b")
            if begins < free_from or begins + _label_width(label) > 99:
                label = ""  # would overlap the previous label or run off the edge
            else:
                free_from = begins + _label_width(label) + LABEL_GAP
        ticks.append(Tick(begins, label, major))
        month = add_months(month, 1)
    return tuple(ticks)


def _cut(title: str) -> str:
    """Jinja's ``truncate(TITLE_CHARS, True, '…', 0)``: the title as it is when it fits, else cut
    mid-word to leave room for the ellipsis."""
    return title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS - 1] + "…"
