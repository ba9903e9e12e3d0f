"""Plan math: the dates a plan aims for and the dates it is really heading for.

A plan is a start date and an ordered list of steps, each with an effective duration (already
scaled by pace or overridden by the user). Two schedules come out of it:

- the *targets*, the baseline: steps placed end to end from the start date, half-open, so that a
  step's target due date is the next step's target start. They depend only on the start date and
  the durations, never on progress or on today.
- the *projection*, what will really happen given the progress recorded so far and today's date:
  done steps keep their real dates, a step in progress cannot finish before today, and a step not
  yet started cannot start before today or before every earlier step is projected to be due.

Month arithmetic is calendar arithmetic (see :mod:`tracker.domain.durations`) and places the
targets. A projection then moves each step as a block that keeps its target length in days, the
way a Gantt chart does: a step that finishes 21 days late moves every later step by exactly 21
days. (Re-adding months from a moved start would stretch or shrink steps by a few days: two months
from 8 August are 61 days, from 29 August 62.)

No Flask import: functions take explicit inputs, ``today`` included, and return values.
"""
from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from tracker.domain.dates import human_date
from tracker.domain.durations import Duration
from tracker.domain.errors import Invalid

# A plan may start at most this many years before or after today: further back is almost certainly
# a typo in the year, further ahead is not a plan anyone is working on yet.
PLAN_START_WINDOW_YEARS = 3

# Progress dates (a step's start or completion) may lie at most this many years after today. Users
# may record dates ahead of today (planning ahead), but not a year typed as 2207.
PROGRESS_HORIZON_YEARS = 5


class PlanError(Invalid):
    """Bad progress input: ``field`` names the input, ``message`` is a sentence for a person.

    ``field`` is one of ``'started_on'``, ``'completed_on'`` or ``'start_date'``; views map it onto
    the form field, the API onto a JSON error. An :class:`~tracker.domain.errors.Invalid`, like
    every error the rules raise.
    """

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class StepInput:
    """One step as the projection sees it: its effective duration and the progress recorded."""

    duration: Duration
    started_on: dt.date | None = None
    completed_on: dt.date | None = None
    # The step cannot finish before this date, e.g. a scheduled exam (re)take.
    due_not_before: dt.date | None = None

    @property
    def state(self) -> StepState:
        """DONE once a completion date is recorded (started or not), IN_PROGRESS once started."""
        if self.completed_on is not None:
            return StepState.DONE
        if self.started_on is not None:
            return StepState.IN_PROGRESS
        return StepState.NOT_STARTED


class StepState(str, enum.Enum):
    """Where a step is, from the dates recorded on it; the values are what is stored."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


@dataclass(frozen=True)
class StepSchedule:
    """Target and projected dates of one step; due dates are exclusive (the next step's start)."""

    target_start: dt.date
    target_due: dt.date
    projected_start: dt.date
    projected_due: dt.date
    state: StepState
    # Projected due (done: completion date) minus target due, in days: > 0 late, < 0 early.
    days_late: int

    @property
    def timeliness(self) -> str:
        """'On track', 'Behind by 3 days', 'Done on time', 'Done 2 days early'..."""
        return describe_timeliness(self.state, self.days_late)


@dataclass(frozen=True)
class PlanSchedule:
    """The schedule of every step and of the plan as a whole."""

    steps: tuple[StepSchedule, ...]
    target_finish: dt.date
    projected_finish: dt.date
    # projected_finish - target_finish in days (negative: ahead of the plan).
    days_behind: int

    @property
    def timeliness(self) -> str:
        """'On track', 'Behind by 21 days' or 'Ahead by 3 days' ('1 day' in the singular)."""
        if self.days_behind > 0:
            return f"Behind by {_days(self.days_behind)}"
        if self.days_behind < 0:
            return f"Ahead by {_days(-self.days_behind)}"
        return "On track"


def target_dates(start: dt.date, durations: Sequence[Duration]) -> list[tuple[dt.date, dt.date]]:
    """The baseline (target_start, target_due) of each step, placed end to end from ``start``.

    Steps are half-open and contiguous: each step's target start is the previous step's target
    due. Month durations are added to that previous due date (Jan 31 + 1 month = Feb 28, then
    + 1 month = Mar 28). A zero-length step starts and is due on the same day.
    """
    dates = []
    cursor = start
    for duration in durations:
        due = duration.add_to(cursor)
        dates.append((cursor, due))
        cursor = due
    return dates


def project_plan(
    start: dt.date, steps: Sequence[StepInput], today: dt.date,
    targets: Sequence[tuple[dt.date, dt.date]] | None = None,
) -> PlanSchedule:
    """Target and projected dates of every step of a plan starting on ``start``, as of ``today``.

    Steps are walked in order with a cursor, the latest projected due date of all earlier steps
    (the plan start for the first step):

    - done: projected from its start (or, if it was never marked started, the earlier of the
      cursor and its completion) to its completion date;
    - in progress: from its start to the latest of start + its target length, today (it is not
      done, so it cannot finish before today) and ``due_not_before``;
    - not started: from the later of the cursor and today, for its target length, and not due
      before ``due_not_before``.

    A step's length in the projection is its target length in days (target due - target start),
    so that a slip moves later steps by exactly as many days as it lasted.

    A step not done that comes before a done step is passed over: the person moved on without
    recording it, so it keeps its target dates, is not late and moves nothing after it.

    The plan's projected finish is the latest projected due date of any step (a step finished late
    can end after a later one). Inputs are expected to have passed :func:`check_progress`.

    ``targets``: the steps' :func:`target_dates`, when the caller has them already (they depend
    only on ``start`` and the durations, not on progress or ``today``).
    """
    if targets is None:
        targets = target_dates(start, [step.duration for step in steps])
    schedules = []
    cursor = start
    last_done = max((i for i, step in enumerate(steps) if step.completed_on is not None), default=-1)
    for index, (step, (target_start, target_due)) in enumerate(zip(steps, targets)):
        if index < last_done and step.completed_on is None:
            # Passed over: a later step is done, so the person has moved on (an exam passed before
            # the course was ticked off). The step keeps its target dates and neither nags nor
            # pushes the steps after it.
            projected_start = step.started_on or target_start
            projected_due = max(projected_start, target_due)
            schedules.append(StepSchedule(
                target_start=target_start, target_due=target_due, projected_start=projected_start,
                projected_due=projected_due, state=step.state, days_late=0,
            ))
            # It took its time before the later step at most up to today: the done step after it
            # is drawn from there, and nothing is pushed past today by a step left unrecorded.
            cursor = max(cursor, min(projected_due, today))
            continue
        projected_start, projected_due = _projected(step, target_due - target_start, cursor, today)
        schedules.append(StepSchedule(
            target_start=target_start, target_due=target_due, projected_start=projected_start,
            projected_due=projected_due, state=step.state, days_late=(projected_due - target_due).days,
        ))
        cursor = max(cursor, projected_due)

    target_finish = targets[-1][1] if targets else start
    projected_finish = max((s.projected_due for s in schedules), default=start)
    return PlanSchedule(
        steps=tuple(schedules),
        target_finish=target_finish,
        projected_finish=projected_finish,
        days_behind=(projected_finish - target_finish).days,
    )


def _projected(step: StepInput, length: dt.timedelta, cursor: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """A step's projected start and due date (not a passed-over one): see :func:`project_plan`.
    ``length``: its target length; ``cursor``: the latest projected due date before it."""
    if step.completed_on is not None:
        # Marked done without ever being marked started: it ran at most from the cursor.
        started = step.started_on if step.started_on is not None else min(cursor, step.completed_on)
        return started, step.completed_on
    if step.started_on is not None:
        return step.started_on, _latest(step.started_on + length, today, step.due_not_before)
    started = max(cursor, today)
    return started, _latest(started + length, step.due_not_before)


def check_progress(
    started_on: dt.date | None,
    completed_on: dt.date | None,
    *,
    plan_start: dt.date,
    today: dt.date,
) -> None:
    """Raise :class:`PlanError` unless a step's start and completion dates make sense.

    Either date may be missing. A date may not be before the plan start, nor more than
    ``PROGRESS_HORIZON_YEARS`` years after today (dates ahead of today within that horizon are
    allowed: people record what they plan to do; the pages refuse a completion after today, see
    :func:`check_done_by_today`). A step cannot be completed before it was started;
    both on the same day is fine.
    """
    horizon = today + relativedelta(years=PROGRESS_HORIZON_YEARS)
    for field, value, noun, verb in (
        ("started_on", started_on, "start date", "start"),
        ("completed_on", completed_on, "completion date", "be finished"),
    ):
        if value is None:
            continue
        if value < plan_start:
            raise PlanError(
                field, f"The step cannot {verb} before the plan starts on {human_date(plan_start, today)}."
            )
        if value > horizon:
            raise PlanError(
                field,
                f"The {noun} {human_date(value, today)} is too far in the future "
                f"(more than {PROGRESS_HORIZON_YEARS} years from today).",
            )
    if started_on is not None and completed_on is not None and completed_on < started_on:
        raise PlanError(
            "completed_on",
            f"The step cannot be finished before it was started on {human_date(started_on, today)}.",
        )


def check_start_date(start: dt.date, today: dt.date) -> None:
    """Raise :class:`PlanError` ('start_date') unless ``start`` is within
    ``PLAN_START_WINDOW_YEARS`` years of today, either way.

    The boundaries are allowed. Years are calendar years: from 29 February, three years back or
    ahead is 28 February.
    """
    window = relativedelta(years=PLAN_START_WINDOW_YEARS)
    too_far = f"The start date {start.isoformat()} is more than {PLAN_START_WINDOW_YEARS} years"
    if start < today - window:
        raise PlanError("start_date", f"{too_far} ago.")
    if start > today + window:
        raise PlanError("start_date", f"{too_far} away.")


def check_done_by_today(completed_on: dt.date, today: dt.date) -> None:
    """Raise :class:`PlanError` when a step is marked done on a day still to come.

    Done is a fact, not a plan. The plan pages apply this when a person marks a step done; the API
    and imports keep accepting planned dates within the horizon (:func:`check_progress`).
    """
    if completed_on > today:
        raise PlanError(
            "completed_on",
            f"A step cannot be marked done on a day still to come: use a day up to today, {human_date(today, today)}.",
        )


def describe_timeliness(state: StepState, days_late: int) -> str:
    """How a step is doing, in the words shared by the UI, the API and the emails.

    Done: 'Done on time', 'Done 3 days late', 'Done 1 day early'. Not done: 'On track' unless it is
    projected to be due after its target ('Behind by 1 day', 'Behind by 21 days'); a step projected
    to finish early is simply on track.
    """
    if not isinstance(state, StepState):  # a stored value (an unknown one raises ValueError)
        state = StepState(state)
    if state is StepState.DONE:
        if days_late > 0:
            return f"Done {_days(days_late)} late"
        if days_late < 0:
            return f"Done {_days(-days_late)} early"
        return "Done on time"
    if days_late > 0:
        return f"Behind by {_days(days_late)}"
    return "On track"


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def _latest(first: dt.date, *others: dt.date | None) -> dt.date:
    # A loop, not max() over a filtered list: the projection calls this for every step of every
    # plan a page shows.
    latest = first
    for other in others:
        if other is not None and other > latest:
            latest = other
    return latest
