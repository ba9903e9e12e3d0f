"""The agenda's milestone dates: which date an item is listed on, and what that date means."""
from __future__ import annotations

import datetime as dt

from tracker.domain.agenda import PROJECTED, TARGET, PlanInput, PlanMilestone, agenda
from tracker.domain.durations import Duration, Unit
from tracker.domain.plans import StepInput

TODAY = dt.date(2026, 11, 23)


def plan(start: dt.date, *steps: StepInput) -> PlanInput:
    return PlanInput(1, "My plan", start, [PlanMilestone(i, f"Step {i}", s) for i, s in enumerate(steps, 1)])


def days(n: int, **progress) -> StepInput:
    return StepInput(Duration(n, Unit.DAYS), **progress)


def test_a_step_whose_projection_only_slides_with_today_is_listed_on_its_target():
    items = agenda([plan(dt.date(2026, 6, 1), days(90), days(100))], [], [], TODAY)
    step_2 = next(i for i in items if i.key == "milestone:2")
    assert (step_2.on, step_2.means, step_2.target, step_2.projected) == (
        dt.date(2026, 12, 8), TARGET, dt.date(2026, 12, 8), dt.date(2027, 6, 1))
    assert step_2.label == "Due" and step_2.means_text == "its target date"


def test_a_plan_on_track_is_listed_on_its_projection():
    items = agenda([plan(TODAY, days(10), days(5))], [], [], TODAY)
    assert [(i.on, i.means) for i in items] == [(dt.date(2026, 12, 3), PROJECTED), (dt.date(2026, 12, 8), PROJECTED)]


def test_a_late_step_moves_later_ones_and_they_are_listed_on_the_moved_projection():
    late = days(10, started_on=TODAY - dt.timedelta(days=30), completed_on=TODAY)  # target was 20 days ago
    items = agenda([plan(TODAY - dt.timedelta(days=30), late, days(5))], [], [], TODAY)
    assert [(i.on, i.means, i.done_on) for i in items] == [
        (TODAY, PROJECTED, TODAY), (TODAY + dt.timedelta(days=5), PROJECTED, None)]


def test_the_date_does_not_move_as_days_pass():
    steps = (dt.date(2026, 6, 1), days(90), days(100))
    dates = {agenda([plan(*steps)], [], [], TODAY + dt.timedelta(days=n))[1].on for n in range(30)}
    assert dates == {dt.date(2026, 12, 8)}


def test_items_from_a_projection_the_caller_has_are_the_items_projected_here():
    from tracker.domain.agenda import milestone_items
    from tracker.domain.plans import project_plan

    started = days(30, started_on=dt.date(2026, 6, 20))
    for p in (plan(dt.date(2026, 6, 1), days(90), days(100)), plan(dt.date(2026, 6, 1), started, days(5)),
              plan(TODAY, days(10), days(5)), plan(TODAY + dt.timedelta(days=40), days(10), days(5))):
        now = project_plan(p.start, [m.step for m in p.milestones], TODAY)
        assert milestone_items(p, TODAY, now) == milestone_items(p, TODAY)
