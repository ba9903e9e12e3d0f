"""One calm status per plan, a note only on the step that is late (tracker/domain/attention.py),
and the one date format (tracker/domain/dates.py)."""
from __future__ import annotations

import datetime as dt
from datetime import date

from tracker.domain.attention import plan_look
from tracker.domain.dates import human_date
from tracker.domain.durations import Duration, Unit
from tracker.domain.plans import StepInput, project_plan

START = date(2027, 1, 4)


def weeks(n: int) -> Duration:
    return Duration(n, Unit.WEEKS)


def test_a_date_this_year_has_no_year_and_any_other_has_it():
    assert human_date(date(2026, 12, 8), date(2026, 12, 1)) == "Dec 8"
    assert human_date(date(2027, 12, 8), date(2026, 12, 1)) == "Dec 8, 2027"
    assert human_date(None, date(2026, 12, 1)) == "—"


def test_a_step_finished_late_moves_later_steps_without_making_them_late():
    steps = [StepInput(weeks(1), completed_on=START + dt.timedelta(days=28)), StepInput(weeks(8)), StepInput(weeks(2))]
    today = START + dt.timedelta(days=28)
    look = plan_look(project_plan(START, steps, today), today)

    assert look.label == "Behind by 21 days"
    assert look.tone == "calm"  # information, not an alarm: the step now is not past its target
    assert [s.label for s in look.steps] == ["Done 21 days late", "Up next", "Not started"]
    assert [s.note for s in look.steps] == [None, None, None]


def test_only_the_step_past_its_target_gets_a_note():
    steps = [StepInput(weeks(1), started_on=START), StepInput(weeks(2)), StepInput(weeks(2))]
    today = START + dt.timedelta(days=20)
    look = plan_look(project_plan(START, steps, today), today)

    assert look.tone == "attention"
    assert look.current == 0
    assert look.steps[0].tone == "attention" and look.steps[0].note == "Its target was Jan 11; at this pace it finishes Jan 24."
    assert [s.note for s in look.steps[1:]] == [None, None]


def test_steps_before_a_done_step_are_not_recorded_and_push_nothing():
    steps = [StepInput(weeks(1)), StepInput(weeks(2)), StepInput(weeks(1), completed_on=START + dt.timedelta(days=28)), StepInput(weeks(2))]
    today = START + dt.timedelta(days=200)
    schedule = project_plan(START, steps, today)
    look = plan_look(schedule, today)

    assert [s.days_late for s in schedule.steps[:2]] == [0, 0]
    assert [s.label for s in look.steps] == ["Not recorded", "Not recorded", "Done on time", "Up next"]
    assert look.current == 3
    # The last step starts today, not after two forgotten steps re-projected from today.
    assert schedule.steps[3].projected_start == today
