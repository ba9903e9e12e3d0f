"""Plan math: target dates, projections, progress checks and the timeliness wording.

Dates in these tests are worked out by hand and written out literally.
"""
import ast
import pickle
import sys
from datetime import date
from pathlib import Path

import pytest

from tracker.domain import plans
from tracker.domain.durations import Duration, Unit
from tracker.domain.plans import (
    PLAN_START_WINDOW_YEARS,
    PROGRESS_HORIZON_YEARS,
    PlanError,
    PlanSchedule,
    StepInput,
    StepSchedule,
    StepState,
    check_done_by_today,
    check_progress,
    check_start_date,
    describe_timeliness,
    project_plan,
    target_dates,
)


def days(n):
    return Duration(n, Unit.DAYS)


def weeks(n):
    return Duration(n, Unit.WEEKS)


def months(n):
    return Duration(n, Unit.MONTHS)


# A CPC-like beginner plan: research, program, exam, experience, resume, applications.
CPC_START = date(2027, 1, 4)
CPC_DURATIONS = [weeks(2), months(6), months(2), months(3), weeks(2), months(2)]
CPC_TARGETS = [
    (date(2027, 1, 4), date(2027, 1, 18)),
    (date(2027, 1, 18), date(2027, 7, 18)),
    (date(2027, 7, 18), date(2027, 9, 18)),
    (date(2027, 9, 18), date(2027, 12, 18)),
    (date(2027, 12, 18), date(2028, 1, 1)),
    (date(2028, 1, 1), date(2028, 3, 1)),
]


def cpc_steps(*progress):
    """The CPC plan's steps, the first ones carrying the given (started_on, completed_on)."""
    steps = [StepInput(duration) for duration in CPC_DURATIONS]
    for index, (started_on, completed_on) in enumerate(progress):
        steps[index] = StepInput(CPC_DURATIONS[index], started_on, completed_on)
    return steps


def projected(schedule):
    return [(step.projected_start, step.projected_due) for step in schedule.steps]


# --- targets ---------------------------------------------------------------------------------


def test_cpc_plan_has_the_target_dates_worked_out_by_hand():
    assert target_dates(CPC_START, CPC_DURATIONS) == CPC_TARGETS


def test_six_step_targets_are_contiguous_from_the_plan_start():
    targets = target_dates(CPC_START, CPC_DURATIONS)

    assert len(targets) == 6
    assert targets[0][0] == CPC_START
    for (_, previous_due), (next_start, _) in zip(targets, targets[1:]):
        assert next_start == previous_due


def test_targets_do_not_depend_on_progress_or_today():
    late = project_plan(
        CPC_START, cpc_steps((date(2027, 1, 4), date(2027, 3, 1))), today=date(2027, 3, 1)
    )

    assert [(s.target_start, s.target_due) for s in late.steps] == CPC_TARGETS
    assert late.target_finish == date(2028, 3, 1)


def test_month_long_step_from_january_31_is_due_february_28_in_2027():
    assert target_dates(date(2027, 1, 31), [months(1)]) == [(date(2027, 1, 31), date(2027, 2, 28))]


def test_month_long_step_from_january_31_is_due_february_29_in_a_leap_year():
    assert target_dates(date(2028, 1, 31), [months(1)]) == [(date(2028, 1, 31), date(2028, 2, 29))]


def test_month_steps_chain_from_the_previous_clamped_due_date():
    assert target_dates(date(2027, 1, 31), [months(1), months(1)]) == [
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2027, 2, 28), date(2027, 3, 28)),
    ]


def test_twelve_months_from_leap_day_is_february_28():
    assert target_dates(date(2028, 2, 29), [months(12)]) == [(date(2028, 2, 29), date(2029, 2, 28))]


def test_weeks_from_mid_december_cross_into_january():
    assert target_dates(date(2027, 12, 15), [weeks(3)]) == [(date(2027, 12, 15), date(2028, 1, 5))]


def test_zero_length_steps_start_and_end_on_the_same_day():
    assert target_dates(date(2027, 5, 10), [days(0), weeks(1), months(0)]) == [
        (date(2027, 5, 10), date(2027, 5, 10)),
        (date(2027, 5, 10), date(2027, 5, 17)),
        (date(2027, 5, 17), date(2027, 5, 17)),
    ]


def test_no_durations_give_no_targets():
    assert target_dates(CPC_START, []) == []


# --- projection: the plan as a whole ---------------------------------------------------------


def test_plan_in_the_future_is_projected_on_its_targets():
    schedule = project_plan(CPC_START, cpc_steps(), today=date(2026, 12, 1))

    assert projected(schedule) == CPC_TARGETS
    assert schedule.projected_finish == schedule.target_finish == date(2028, 3, 1)
    assert schedule.days_behind == 0
    assert schedule.timeliness == "On track"
    assert {step.timeliness for step in schedule.steps} == {"On track"}


def test_plan_starting_today_without_progress_is_on_track():
    schedule = project_plan(CPC_START, cpc_steps(), today=CPC_START)

    assert projected(schedule) == CPC_TARGETS
    assert schedule.timeliness == "On track"


def test_step_finished_late_moves_later_steps():
    # Step 2 (the program) done 21 days after its target due of 2027-07-18; today is that day.
    schedule = project_plan(
        CPC_START,
        cpc_steps(
            (date(2027, 1, 4), date(2027, 1, 18)),
            (date(2027, 1, 18), date(2027, 8, 8)),
        ),
        today=date(2027, 8, 8),
    )

    assert projected(schedule) == [
        (date(2027, 1, 4), date(2027, 1, 18)),
        (date(2027, 1, 18), date(2027, 8, 8)),
        (date(2027, 8, 8), date(2027, 10, 9)),
        (date(2027, 10, 9), date(2028, 1, 8)),
        (date(2028, 1, 8), date(2028, 1, 22)),
        (date(2028, 1, 22), date(2028, 3, 22)),
    ]
    # Steps 3-6 move as blocks: each keeps its target length in days (step 3's two months from
    # 18 July are 62 days), so every later date moves by exactly the 21 days of the slip.
    assert [step.days_late for step in schedule.steps] == [0, 21, 21, 21, 21, 21]
    assert schedule.projected_finish == date(2028, 3, 22)
    assert schedule.days_behind == 21
    assert schedule.timeliness == "Behind by 21 days"


def test_step_finished_late_marks_itself_done_late_and_the_next_behind():
    schedule = project_plan(
        CPC_START,
        cpc_steps(
            (date(2027, 1, 4), date(2027, 1, 18)),
            (date(2027, 1, 18), date(2027, 8, 8)),
        ),
        today=date(2027, 8, 8),
    )

    assert [step.timeliness for step in schedule.steps[:3]] == [
        "Done on time",
        "Done 21 days late",
        "Behind by 21 days",
    ]


def test_delay_shifts_later_day_and_week_steps_by_exactly_the_delay():
    start = date(2027, 1, 4)
    durations = [weeks(2), days(10), weeks(3)]
    schedule = project_plan(
        start,
        [
            StepInput(durations[0], start, date(2027, 1, 25)),
            StepInput(durations[1]),
            StepInput(durations[2]),
        ],
        today=date(2027, 1, 25),
    )

    assert projected(schedule)[1:] == [
        (date(2027, 1, 25), date(2027, 2, 4)),
        (date(2027, 2, 4), date(2027, 2, 25)),
    ]
    assert [step.days_late for step in schedule.steps] == [7, 7, 7]
    assert schedule.timeliness == "Behind by 7 days"


def test_step_finished_early_moves_later_steps_earlier():
    # Step 1 done 7 days before its target due of 2027-01-18; today is that day.
    schedule = project_plan(
        CPC_START, cpc_steps((date(2027, 1, 4), date(2027, 1, 11))), today=date(2027, 1, 11)
    )

    assert projected(schedule) == [
        (date(2027, 1, 4), date(2027, 1, 11)),
        (date(2027, 1, 11), date(2027, 7, 11)),
        (date(2027, 7, 11), date(2027, 9, 11)),
        (date(2027, 9, 11), date(2027, 12, 11)),
        (date(2027, 12, 11), date(2027, 12, 25)),
        (date(2027, 12, 25), date(2028, 2, 23)),
    ]
    # Every later step keeps its target length in days, so all move 7 days earlier.
    assert [step.days_late for step in schedule.steps] == [-7, -7, -7, -7, -7, -7]
    assert schedule.days_behind == -7
    assert schedule.timeliness == "Ahead by 7 days"


def test_steps_projected_early_are_on_track():
    schedule = project_plan(
        CPC_START, cpc_steps((date(2027, 1, 4), date(2027, 1, 11))), today=date(2027, 1, 11)
    )

    assert schedule.steps[0].timeliness == "Done 7 days early"
    assert schedule.steps[1].timeliness == "On track"


def test_a_month_long_step_keeps_its_target_length_in_days_when_moved():
    # The one-month step is targeted 1 March to 1 April (31 days). Finished a day early or a day
    # late, step one moves it by exactly that day: it stays 31 days long, not "one month" again
    # (which from 28 February would be only 28 days).
    start = date(2027, 2, 1)

    def finish_step_one_on(completed_on):
        steps = [StepInput(weeks(4), start, completed_on), StepInput(months(1))]
        return project_plan(start, steps, today=start).steps[1].projected_due

    assert finish_step_one_on(date(2027, 3, 1)) == date(2027, 4, 1)
    assert finish_step_one_on(date(2027, 2, 28)) == date(2027, 3, 31)
    assert finish_step_one_on(date(2027, 3, 2)) == date(2027, 4, 2)


def test_empty_plan_finishes_on_its_start_date():
    schedule = project_plan(CPC_START, [], today=date(2027, 6, 1))

    assert schedule == PlanSchedule(
        steps=(), target_finish=CPC_START, projected_finish=CPC_START, days_behind=0
    )
    assert schedule.timeliness == "On track"


def test_done_step_finishing_after_a_later_step_sets_the_projected_finish():
    start = date(2027, 3, 1)
    steps = [
        StepInput(weeks(1), started_on=start, completed_on=date(2027, 3, 20)),
        StepInput(weeks(1), started_on=date(2027, 3, 8), completed_on=date(2027, 3, 12)),
    ]

    schedule = project_plan(start, steps, today=date(2027, 3, 20))

    assert schedule.steps[1].projected_due == date(2027, 3, 12)
    assert schedule.projected_finish == date(2027, 3, 20)
    assert schedule.target_finish == date(2027, 3, 15)
    assert schedule.days_behind == 5
    assert schedule.timeliness == "Behind by 5 days"


def test_steps_after_a_late_done_step_start_after_it_even_past_an_earlier_finish():
    start = date(2027, 3, 1)
    steps = [
        StepInput(weeks(1), started_on=start, completed_on=date(2027, 3, 20)),
        StepInput(weeks(1), started_on=date(2027, 3, 8), completed_on=date(2027, 3, 12)),
        StepInput(days(3)),
    ]

    schedule = project_plan(start, steps, today=date(2027, 3, 14))

    assert (schedule.steps[2].projected_start, schedule.steps[2].projected_due) == (
        date(2027, 3, 20),
        date(2027, 3, 23),
    )


# --- projection: one step --------------------------------------------------------------------


def test_step_done_without_being_started_is_projected_from_the_end_of_the_previous_step():
    start = date(2027, 3, 1)
    steps = [StepInput(weeks(1), completed_on=date(2027, 3, 5)), StepInput(weeks(1))]

    schedule = project_plan(start, steps, today=date(2027, 3, 5))

    first = schedule.steps[0]
    assert first.state is StepState.DONE
    assert (first.projected_start, first.projected_due) == (date(2027, 3, 1), date(2027, 3, 5))
    assert first.days_late == -3
    assert first.timeliness == "Done 3 days early"


def test_step_done_without_being_started_before_the_previous_one_ended_starts_on_its_completion():
    start = date(2027, 3, 1)
    steps = [
        StepInput(weeks(1), started_on=start, completed_on=date(2027, 3, 20)),
        StepInput(weeks(1), completed_on=date(2027, 3, 10)),
    ]

    schedule = project_plan(start, steps, today=date(2027, 3, 20))

    second = schedule.steps[1]
    assert (second.projected_start, second.projected_due) == (date(2027, 3, 10), date(2027, 3, 10))


def test_done_step_keeps_its_recorded_dates():
    start = date(2027, 3, 1)
    steps = [StepInput(weeks(2), started_on=date(2027, 3, 3), completed_on=date(2027, 3, 9))]

    step = project_plan(start, steps, today=date(2027, 6, 1)).steps[0]

    assert (step.projected_start, step.projected_due) == (date(2027, 3, 3), date(2027, 3, 9))
    assert step.days_late == -6


def test_step_done_on_a_date_after_today_counts_as_done():
    start = date(2027, 3, 1)
    steps = [
        StepInput(weeks(1), started_on=start, completed_on=date(2027, 3, 10)),
        StepInput(weeks(1)),
    ]

    schedule = project_plan(start, steps, today=date(2027, 3, 4))

    assert schedule.steps[0].state is StepState.DONE
    assert schedule.steps[0].timeliness == "Done 2 days late"
    assert schedule.steps[1].projected_start == date(2027, 3, 10)


def test_in_progress_step_within_its_duration_is_projected_to_its_natural_end():
    start = date(2027, 3, 1)
    steps = [StepInput(weeks(2), started_on=date(2027, 3, 2))]

    step = project_plan(start, steps, today=date(2027, 3, 5)).steps[0]

    assert step.state is StepState.IN_PROGRESS
    assert (step.projected_start, step.projected_due) == (date(2027, 3, 2), date(2027, 3, 16))
    assert step.days_late == 1
    assert step.timeliness == "Behind by 1 day"


def test_in_progress_step_past_its_duration_is_projected_to_end_today():
    start = date(2027, 3, 1)
    steps = [StepInput(weeks(2), started_on=start), StepInput(weeks(1))]

    schedule = project_plan(start, steps, today=date(2027, 3, 20))

    step = schedule.steps[0]
    assert (step.projected_start, step.projected_due) == (date(2027, 3, 1), date(2027, 3, 20))
    assert step.days_late == 5
    assert schedule.steps[1].projected_start == date(2027, 3, 20)


def test_in_progress_step_started_ahead_of_today_runs_from_its_start():
    start = date(2027, 3, 1)
    steps = [StepInput(weeks(1), started_on=date(2027, 3, 10))]

    step = project_plan(start, steps, today=date(2027, 3, 4)).steps[0]

    assert (step.projected_start, step.projected_due) == (date(2027, 3, 10), date(2027, 3, 17))


def test_not_started_step_whose_target_start_has_passed_is_projected_from_today():
    start = date(2027, 3, 1)
    steps = [
        StepInput(weeks(1), started_on=start, completed_on=date(2027, 3, 8)),
        StepInput(weeks(2)),
    ]

    schedule = project_plan(start, steps, today=date(2027, 3, 12))

    step = schedule.steps[1]
    assert step.state is StepState.NOT_STARTED
    assert (step.target_start, step.target_due) == (date(2027, 3, 8), date(2027, 3, 22))
    assert (step.projected_start, step.projected_due) == (date(2027, 3, 12), date(2027, 3, 26))
    assert schedule.timeliness == "Behind by 4 days"


def test_first_step_not_started_after_the_plan_start_is_projected_from_today():
    start = date(2027, 3, 1)

    step = project_plan(start, [StepInput(weeks(1))], today=date(2027, 3, 10)).steps[0]

    assert (step.projected_start, step.projected_due) == (date(2027, 3, 10), date(2027, 3, 17))


def test_zero_length_step_not_started_is_projected_to_start_and_end_today():
    start = date(2027, 3, 1)

    step = project_plan(start, [StepInput(days(0))], today=date(2027, 3, 10)).steps[0]

    assert (step.projected_start, step.projected_due) == (date(2027, 3, 10), date(2027, 3, 10))


def test_exam_retake_pushes_an_in_progress_exam_step_and_the_steps_after_it():
    # Steps 1 and 2 done on time; the exam (step 3) was failed, a retake is booked for 2027-10-20.
    steps = cpc_steps(
        (date(2027, 1, 4), date(2027, 1, 18)),
        (date(2027, 1, 18), date(2027, 7, 18)),
    )
    steps[2] = StepInput(months(2), started_on=date(2027, 7, 18), due_not_before=date(2027, 10, 20))

    schedule = project_plan(CPC_START, steps, today=date(2027, 9, 1))

    assert projected(schedule)[2:] == [
        (date(2027, 7, 18), date(2027, 10, 20)),
        (date(2027, 10, 20), date(2028, 1, 19)),
        (date(2028, 1, 19), date(2028, 2, 2)),
        (date(2028, 2, 2), date(2028, 4, 2)),
    ]
    assert schedule.timeliness == "Behind by 32 days"


def test_due_not_before_pushes_a_not_started_step():
    start = date(2027, 3, 1)
    steps = [StepInput(weeks(1), due_not_before=date(2027, 3, 20)), StepInput(weeks(1))]

    schedule = project_plan(start, steps, today=start)

    assert projected(schedule) == [
        (date(2027, 3, 1), date(2027, 3, 20)),
        (date(2027, 3, 20), date(2027, 3, 27)),
    ]


def test_due_not_before_earlier_than_the_natural_end_changes_nothing():
    start = date(2027, 3, 1)
    steps = [StepInput(weeks(2), due_not_before=date(2027, 3, 5))]

    step = project_plan(start, steps, today=start).steps[0]

    assert step.projected_due == date(2027, 3, 15)


def test_due_not_before_does_not_move_a_done_step():
    start = date(2027, 3, 1)
    steps = [StepInput(weeks(1), start, date(2027, 3, 8), due_not_before=date(2027, 4, 1))]

    step = project_plan(start, steps, today=date(2027, 3, 8)).steps[0]

    assert step.projected_due == date(2027, 3, 8)


def test_step_input_state_follows_the_recorded_dates():
    assert StepInput(weeks(1)).state is StepState.NOT_STARTED
    assert StepInput(weeks(1), started_on=date(2027, 3, 1)).state is StepState.IN_PROGRESS
    assert StepInput(weeks(1), completed_on=date(2027, 3, 1)).state is StepState.DONE
    assert StepInput(weeks(1), date(2027, 3, 1), date(2027, 3, 2)).state is StepState.DONE


def test_step_state_values_are_the_stored_strings():
    assert [state.value for state in StepState] == ["not_started", "in_progress", "done"]
    assert StepState("done") is StepState.DONE


# --- wording ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_late", "wording"),
    [(0, "Done on time"), (1, "Done 1 day late"), (3, "Done 3 days late"),
     (-1, "Done 1 day early"), (-4, "Done 4 days early")],
)
def test_done_step_is_described_as_on_time_late_or_early(days_late, wording):
    assert describe_timeliness(StepState.DONE, days_late) == wording


@pytest.mark.parametrize("state", [StepState.NOT_STARTED, StepState.IN_PROGRESS])
@pytest.mark.parametrize("days_late", [0, -1, -30])
def test_step_not_done_and_not_late_is_on_track(state, days_late):
    assert describe_timeliness(state, days_late) == "On track"


@pytest.mark.parametrize("state", [StepState.NOT_STARTED, StepState.IN_PROGRESS])
@pytest.mark.parametrize(
    ("days_late", "wording"), [(1, "Behind by 1 day"), (21, "Behind by 21 days")]
)
def test_step_not_done_and_late_is_behind(state, days_late, wording):
    assert describe_timeliness(state, days_late) == wording


def test_step_schedule_timeliness_uses_the_shared_wording():
    step = StepSchedule(
        target_start=date(2027, 3, 1),
        target_due=date(2027, 3, 8),
        projected_start=date(2027, 3, 1),
        projected_due=date(2027, 3, 11),
        state=StepState.DONE,
        days_late=3,
    )

    assert step.timeliness == "Done 3 days late"


@pytest.mark.parametrize(
    ("days_behind", "wording"),
    [(0, "On track"), (1, "Behind by 1 day"), (21, "Behind by 21 days"),
     (-1, "Ahead by 1 day"), (-3, "Ahead by 3 days")],
)
def test_plan_is_described_as_on_track_behind_or_ahead(days_behind, wording):
    schedule = PlanSchedule(
        steps=(), target_finish=date(2027, 3, 1), projected_finish=date(2027, 3, 1),
        days_behind=days_behind,
    )

    assert schedule.timeliness == wording


# --- progress checks -------------------------------------------------------------------------

PLAN_START = date(2027, 1, 4)
TODAY = date(2027, 6, 15)


def test_progress_without_dates_is_accepted():
    check_progress(None, None, plan_start=PLAN_START, today=TODAY)


def test_step_started_and_finished_on_the_same_day_is_accepted():
    check_progress(date(2027, 3, 1), date(2027, 3, 1), plan_start=PLAN_START, today=TODAY)


def test_step_finished_without_a_start_date_is_accepted():
    check_progress(None, date(2027, 3, 1), plan_start=PLAN_START, today=TODAY)


def test_step_done_before_it_was_started_is_refused():
    with pytest.raises(PlanError) as caught:
        check_progress(date(2027, 3, 10), date(2027, 3, 9), plan_start=PLAN_START, today=TODAY)

    assert caught.value.field == "completed_on"
    assert caught.value.message == (
        "The step cannot be finished before it was started on Mar 10."  # a date as pages show it
    )


def test_step_started_before_the_plan_start_is_refused():
    with pytest.raises(PlanError) as caught:
        check_progress(date(2027, 1, 3), None, plan_start=PLAN_START, today=TODAY)

    assert caught.value.field == "started_on"
    assert "Jan 4" in caught.value.message  # a date as pages show it, not ISO


def test_step_finished_before_the_plan_start_is_refused():
    with pytest.raises(PlanError) as caught:
        check_progress(None, date(2026, 12, 31), plan_start=PLAN_START, today=TODAY)

    assert caught.value.field == "completed_on"
    assert "Jan 4" in caught.value.message  # a date as pages show it, not ISO


def test_progress_on_the_plan_start_is_accepted():
    check_progress(PLAN_START, PLAN_START, plan_start=PLAN_START, today=TODAY)


def test_step_done_on_a_date_after_today_is_accepted():
    check_progress(date(2027, 6, 1), date(2027, 7, 1), plan_start=PLAN_START, today=TODAY)


def test_progress_exactly_five_years_ahead_is_accepted():
    assert PROGRESS_HORIZON_YEARS == 5

    check_progress(date(2032, 6, 15), date(2032, 6, 15), plan_start=PLAN_START, today=TODAY)


def test_marking_a_step_done_on_a_day_still_to_come_is_refused():
    with pytest.raises(PlanError) as caught:
        check_done_by_today(date(2027, 6, 16), TODAY)

    assert caught.value.field == "completed_on"
    assert caught.value.message == "A step cannot be marked done on a day still to come: use a day up to today, Jun 15."


def test_marking_a_step_done_today_is_accepted():
    check_done_by_today(TODAY, TODAY)


def test_start_date_more_than_five_years_ahead_is_refused():
    with pytest.raises(PlanError) as caught:
        check_progress(date(2032, 6, 16), None, plan_start=PLAN_START, today=TODAY)

    assert caught.value.field == "started_on"
    assert "is too far in the future" in caught.value.message


def test_completion_date_more_than_five_years_ahead_is_refused():
    with pytest.raises(PlanError) as caught:
        check_progress(date(2027, 3, 1), date(2032, 6, 16), plan_start=PLAN_START, today=TODAY)

    assert caught.value.field == "completed_on"
    assert "is too far in the future" in caught.value.message


def test_five_years_from_leap_day_ends_on_february_28():
    leap_day = date(2028, 2, 29)
    check_progress(None, date(2033, 2, 28), plan_start=PLAN_START, today=leap_day)

    with pytest.raises(PlanError):
        check_progress(None, date(2033, 3, 1), plan_start=PLAN_START, today=leap_day)


# --- plan start date -------------------------------------------------------------------------


def test_start_date_today_is_accepted():
    check_start_date(TODAY, TODAY)


def test_start_date_exactly_three_years_ago_is_accepted():
    assert PLAN_START_WINDOW_YEARS == 3

    check_start_date(date(2024, 6, 15), TODAY)


def test_start_date_three_years_and_a_day_ago_is_refused():
    with pytest.raises(PlanError) as caught:
        check_start_date(date(2024, 6, 14), TODAY)

    assert caught.value.field == "start_date"
    assert "is more than 3 years ago" in caught.value.message


def test_start_date_exactly_three_years_away_is_accepted():
    check_start_date(date(2030, 6, 15), TODAY)


def test_start_date_three_years_and_a_day_away_is_refused():
    with pytest.raises(PlanError) as caught:
        check_start_date(date(2030, 6, 16), TODAY)

    assert caught.value.field == "start_date"
    assert "is more than 3 years away" in caught.value.message


def test_three_years_before_leap_day_is_february_28():
    leap_day = date(2028, 2, 29)
    check_start_date(date(2025, 2, 28), leap_day)

    with pytest.raises(PlanError, match="is more than 3 years ago"):
        check_start_date(date(2025, 2, 27), leap_day)


def test_three_years_after_leap_day_is_february_28():
    leap_day = date(2028, 2, 29)
    check_start_date(date(2031, 2, 28), leap_day)

    with pytest.raises(PlanError, match="is more than 3 years away"):
        check_start_date(date(2031, 3, 1), leap_day)


# --- the error and the module ----------------------------------------------------------------


def test_plan_error_reads_as_its_message_and_names_the_field():
    sentence = "The step cannot start before the plan starts on 2027-01-04."
    error = PlanError("started_on", sentence)

    assert isinstance(error, ValueError)
    assert error.field == "started_on"
    assert str(error) == error.message == sentence


def test_plan_error_survives_pickling():
    error = pickle.loads(pickle.dumps(PlanError("start_date", "Too far.")))

    assert (error.field, error.message) == ("start_date", "Too far.")


def test_plan_math_imports_only_the_standard_library_dateutil_and_the_domain():
    # Importing the module pulls in the tracker package (and Flask with it), so read its imports.
    source = Path(plans.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)

    outside = {
        name for name in imported
        if name.split(".")[0] not in sys.stdlib_module_names
        and name.split(".")[0] != "dateutil"
        and not name.startswith("tracker.domain.")
    }
    assert outside == set()
