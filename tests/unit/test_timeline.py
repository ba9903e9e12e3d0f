"""Timeline layout: positions are percentages, today is drawn, labels stay on the drawing."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from tracker.domain.durations import Duration, Unit
from tracker.domain.plans import StepInput, project_plan
from tracker.views.timeline import build_timeline


def view(start, durations, today, progress=None):
    progress = progress or {}
    inputs = [StepInput(d, *progress.get(i, (None, None))) for i, d in enumerate(durations)]
    schedule = project_plan(start, inputs, today)
    milestones = [
        SimpleNamespace(milestone=SimpleNamespace(id=i + 1, title=f"Step {i + 1}"), schedule=s)
        for i, s in enumerate(schedule.steps)
    ]
    return SimpleNamespace(plan=SimpleNamespace(start_date=start), schedule=schedule, milestones=milestones, today=today)


def test_bars_stay_inside_the_drawing_and_follow_each_other():
    months = Duration(3, Unit.MONTHS)
    timeline = build_timeline(view(dt.date(2027, 1, 4), [months, months, months], dt.date(2026, 12, 1)))
    for row in timeline.rows:
        for bar in (row.target, row.projected):
            assert 0 <= bar.x <= 100 and bar.x + bar.width <= 100.01
    xs = [row.target.x for row in timeline.rows]
    assert xs == sorted(xs)


def test_today_is_drawn_when_near_the_plan_and_left_out_when_far():
    weeks = Duration(2, Unit.WEEKS)
    near = build_timeline(view(dt.date(2027, 1, 4), [weeks], dt.date(2026, 12, 20)))
    assert near.today_x is not None and near.start <= dt.date(2026, 12, 20)
    far = build_timeline(view(dt.date(2027, 1, 4), [weeks], dt.date(2024, 1, 1)))
    assert far.today_x is None


def test_a_late_step_is_drawn_in_the_late_tone():
    weeks = Duration(2, Unit.WEEKS)
    start = dt.date(2027, 1, 4)
    timeline = build_timeline(view(start, [weeks, weeks], dt.date(2027, 1, 25), {0: (start, dt.date(2027, 1, 25))}))
    assert [row.tone for row in timeline.rows] == ["done", "late"]


def test_month_labels_that_would_run_off_a_phone_screen_are_marked():
    timeline = build_timeline(view(dt.date(2027, 1, 4), [Duration(12, Unit.MONTHS)], dt.date(2027, 1, 4)))
    assert timeline.ticks[-1].label == "Jan 2028" and timeline.ticks[-1].near_edge
    assert not timeline.ticks[0].near_edge


def test_long_plans_label_every_quarter_only():
    timeline = build_timeline(view(dt.date(2027, 1, 4), [Duration(30, Unit.MONTHS)], dt.date(2027, 1, 4)))
    assert {t.label for t in timeline.ticks if t.major} >= {"Jan 2027", "Apr", "Jul", "Oct"}
    assert not any(t.major for t in timeline.ticks if t.label == "Feb")
