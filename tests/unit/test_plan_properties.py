"""Properties of the plan math that hold for any plan, any progress and any today."""
from dataclasses import replace
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tracker.domain.durations import Duration, Unit
from tracker.domain.plans import (
    PROGRESS_HORIZON_YEARS,
    StepInput,
    StepState,
    check_progress,
    project_plan,
    target_dates,
)

# Same examples on every run, and no example database: a failure shows its example in the report.
deterministic = settings(derandomize=True, database=None, deadline=None, max_examples=300)

start_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 12, 31))
any_unit_durations = st.builds(Duration, st.integers(0, 24), st.sampled_from(Unit))

# Offsets in days, built once: building strategies inside a composite is what makes it slow.
today_offsets = st.integers(-400, 2500)  # from the plan start
started_offsets = st.integers(0, 1500)  # from the plan start
completed_offsets = st.integers(0, 700)  # from the step's start, or the plan start
due_not_before_offsets = st.none() | st.integers(0, 1500)  # from the plan start
delays = st.integers(1, 400)


def days_after(day, offset):
    return day + timedelta(days=offset)


@st.composite
def plans(draw, step_durations=any_unit_durations, min_steps=0, max_steps=8):
    """(start, steps, today): steps carrying progress that passes check_progress."""
    start = draw(start_dates)
    today = days_after(start, draw(today_offsets))
    horizon = today + relativedelta(years=PROGRESS_HORIZON_YEARS)
    steps = []
    for _ in range(draw(st.integers(min_steps, max_steps))):
        state = draw(st.sampled_from(StepState))
        started_on = completed_on = None
        if state is StepState.IN_PROGRESS or (state is StepState.DONE and draw(st.booleans())):
            started_on = min(days_after(start, draw(started_offsets)), horizon)
        if state is StepState.DONE:
            completed_on = min(days_after(started_on or start, draw(completed_offsets)), horizon)
        offset = draw(due_not_before_offsets)
        due_not_before = None if offset is None else days_after(start, offset)
        check_progress(started_on, completed_on, plan_start=start, today=today)
        steps.append(StepInput(draw(step_durations), started_on, completed_on, due_not_before))
    return start, steps, today


@st.composite
def delayed_completions(draw):
    """(start, steps, today, index, k, delayed): step `index` is done; `delayed` is the same plan
    with that step completed k > 0 days later, still within what check_progress accepts."""
    start, steps, today = draw(plans(min_steps=1))
    index = draw(st.integers(0, len(steps) - 1))
    step = steps[index]
    horizon = today + relativedelta(years=PROGRESS_HORIZON_YEARS)
    if step.completed_on is None:
        completed_on = days_after(step.started_on or start, draw(completed_offsets))
        step = replace(step, completed_on=min(completed_on, horizon))
        steps = [*steps[:index], step, *steps[index + 1:]]
    k = draw(delays)
    assume(step.completed_on + timedelta(days=k) <= horizon)
    delayed_step = replace(step, completed_on=step.completed_on + timedelta(days=k))
    check_progress(
        delayed_step.started_on, delayed_step.completed_on, plan_start=start, today=today
    )
    delayed = [*steps[:index], delayed_step, *steps[index + 1:]]
    return start, steps, today, index, k, delayed


def not_done(schedule_step):
    return schedule_step.state is not StepState.DONE


def passed_over(steps, index: int) -> bool:
    """A step not done before a done one: the person moved on without recording it (the design
    pass, issue 15), so it keeps its target dates, is not late and pushes nothing."""
    return steps[index].completed_on is None and any(s.completed_on is not None for s in steps[index + 1:])


@deterministic
@given(start_dates, st.lists(any_unit_durations, max_size=10))
def test_targets_are_contiguous_and_non_decreasing(start, step_durations):
    targets = target_dates(start, step_durations)

    assert len(targets) == len(step_durations)
    if targets:
        assert targets[0][0] == start
    for target_start, target_due in targets:
        assert target_start <= target_due
    for (_, previous_due), (next_start, _) in zip(targets, targets[1:]):
        assert next_start == previous_due


@deterministic
@given(start_dates, st.lists(any_unit_durations, max_size=10), st.integers(0, 1000))
def test_without_progress_a_plan_not_yet_started_is_projected_on_its_targets(
    start, step_durations, days_before_start
):
    today = start - timedelta(days=days_before_start)

    schedule = project_plan(start, [StepInput(d) for d in step_durations], today)

    assert [(s.projected_start, s.projected_due) for s in schedule.steps] == target_dates(
        start, step_durations
    )
    assert schedule.projected_finish == schedule.target_finish
    assert schedule.days_behind == 0
    assert all(step.days_late == 0 for step in schedule.steps)


@deterministic
@given(plans())
def test_steps_not_done_end_no_earlier_than_they_start(plan):
    schedule = project_plan(*plan)

    for step in filter(not_done, schedule.steps):
        assert step.projected_due >= step.projected_start


@deterministic
@given(plans())
def test_steps_not_started_start_after_every_earlier_step_and_not_before_today(plan):
    start, steps, today = plan

    schedule = project_plan(start, steps, today)

    for index, step in enumerate(schedule.steps):
        if step.state is StepState.NOT_STARTED and not passed_over(steps, index):
            assert step.projected_start >= today
            for number, earlier in enumerate(schedule.steps[:index]):
                if not passed_over(steps, number):
                    assert step.projected_start >= earlier.projected_due


@deterministic
@given(plans())
def test_step_states_follow_the_recorded_progress(plan):
    start, steps, today = plan

    schedule = project_plan(start, steps, today)

    assert [s.state for s in schedule.steps] == [step.state for step in steps]
    for index, (step, projected) in enumerate(zip(steps, schedule.steps)):
        if step.completed_on is not None:
            assert projected.projected_due == step.completed_on
            assert projected.days_late == (step.completed_on - projected.target_due).days
        elif passed_over(steps, index):
            assert projected.days_late == 0 and projected.target_due <= projected.projected_due
        else:
            assert projected.days_late == (projected.projected_due - projected.target_due).days
            if step.due_not_before is not None:
                assert projected.projected_due >= step.due_not_before
        if step.started_on is not None:
            assert projected.projected_start == step.started_on
        if step.state is StepState.IN_PROGRESS and not passed_over(steps, index):
            assert projected.projected_due >= today


@deterministic
@given(delayed_completions())
def test_finishing_a_step_later_never_brings_a_later_step_forward(case):
    start, steps, today, index, _, delayed = case

    before = project_plan(start, steps, today).steps
    after = project_plan(start, delayed, today).steps

    assert after[:index] == before[:index]
    for was, now in zip(before[index + 1:], after[index + 1:]):
        if not_done(now):
            assert now.projected_start >= was.projected_start
            assert now.projected_due >= was.projected_due


@deterministic
@given(delayed_completions())
def test_finishing_a_step_k_days_later_moves_later_steps_by_at_most_k_days(case):
    # For every unit, months included: projected steps keep their target length in days.
    start, steps, today, index, k, delayed = case

    before = project_plan(start, steps, today).steps
    after = project_plan(start, delayed, today).steps

    for was, now in zip(before[index + 1:], after[index + 1:]):
        if not_done(now):
            assert 0 <= (now.projected_start - was.projected_start).days <= k
            assert 0 <= (now.projected_due - was.projected_due).days <= k
    last_not_done = [i for i, step in enumerate(after) if not_done(step)]
    if last_not_done:
        i = last_not_done[-1]
        assert (after[i].projected_due - before[i].projected_due).days <= k


@deterministic
@given(plans())
def test_days_behind_is_projected_finish_minus_target_finish(plan):
    start, steps, today = plan

    schedule = project_plan(start, steps, today)

    assert schedule.days_behind == (schedule.projected_finish - schedule.target_finish).days
    assert schedule.target_finish == (schedule.steps[-1].target_due if steps else start)
    assert schedule.projected_finish == max(
        (s.projected_due for s in schedule.steps), default=start
    )


@deterministic
@given(start=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), months=st.integers(-60, 240))
def test_adding_months_clamps_to_the_month_end_as_relativedelta_does(start, months):
    from tracker.domain.durations import add_months

    assert add_months(start, months) == start + relativedelta(months=months)


def test_a_month_after_january_31_is_the_end_of_february():
    from tracker.domain.durations import add_months

    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2027, 3, 31), -1) == date(2027, 2, 28)


@deterministic
@given(start=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), years=st.integers(-10, 30))
def test_whole_years_as_twelve_months_are_relativedeltas_years(start, years):
    """Cycle grids, duties and proposed cycle ends move by years with :func:`add_months` (Feb 29
    plus a year is Feb 28, as relativedelta has it)."""
    from tracker.domain.durations import add_months

    assert add_months(start, 12 * years) == start + relativedelta(years=years)
