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


def test_a_step_past_its_target_is_drawn_in_the_attention_tone_and_not_before():
    # The design pass (issue 15): a step only projected late is not drawn as an alarm; once its
    # target day has passed and it is not done, it is drawn in the attention tone.
    weeks = Duration(2, Unit.WEEKS)
    start = dt.date(2027, 1, 4)
    progress = {0: (start, dt.date(2027, 1, 25))}  # step 1 done a week late: step 2 is projected late
    before = build_timeline(view(start, [weeks, weeks], dt.date(2027, 1, 25), progress))
    assert [row.tone for row in before.rows] == ["done", "planned"]
    after = build_timeline(view(start, [weeks, weeks], dt.date(2027, 2, 5), progress))  # target was Feb 1
    assert [row.tone for row in after.rows] == ["done", "attention"]


def _labels_fit(timeline) -> bool:
    """No label runs off the drawing or into the next labelled tick (about 1.9 % a character)."""
    labelled = [tick for tick in timeline.ticks if tick.label]
    ends = [tick.x + 1.9 * len(tick.label) for tick in labelled]
    return all(end <= 99 for end in ends) and all(end <= b.x for end, b in zip(ends, labelled[1:]))


def test_month_labels_that_would_run_off_a_phone_screen_are_left_unlabelled():
    timeline = build_timeline(view(dt.date(2027, 1, 4), [Duration(12, Unit.MONTHS)], dt.date(2027, 1, 4)))
    assert timeline.ticks[0].label == "Jan 2027"
    assert timeline.ticks[-1].label == ""  # Jan 2028 would run off the right edge: a line, no label
    assert _labels_fit(timeline)


def test_long_plans_label_quarters_only_and_labels_never_overlap():
    timeline = build_timeline(view(dt.date(2027, 1, 4), [Duration(30, Unit.MONTHS)], dt.date(2027, 1, 4)))
    labels = {t.label for t in timeline.ticks if t.label}
    assert labels >= {"Jan 2027", "Jan 2028", "Jul", "Oct"}
    assert all(t.major for t in timeline.ticks if t.label)
    assert "Feb" not in labels
    assert _labels_fit(timeline)


def test_a_tick_a_month_from_the_first_month_drawn_to_the_month_after_the_last():
    # Months added as dateutil adds them, across a year end and a leap February.
    from dateutil.relativedelta import relativedelta

    timeline = build_timeline(view(dt.date(2027, 11, 30), [Duration(4, Unit.MONTHS)], dt.date(2027, 11, 30)))
    months = []
    month = dt.date(2027, 11, 1)
    while month < timeline.end:
        months.append(month)
        month += relativedelta(months=1)
    assert timeline.start == dt.date(2027, 11, 1)
    assert timeline.end == dt.date(2028, 3, 30).replace(day=1) + relativedelta(months=1)  # the plan ends Mar 30
    scale = (timeline.end - timeline.start).days
    assert [tick.x for tick in timeline.ticks] == [round(1 + (m - timeline.start).days / scale * 98, 2) for m in months]


def test_long_titles_are_cut_in_the_drawing_as_jinjas_truncate_cuts_them():
    from jinja2 import Environment

    truncate = Environment().from_string("{{ t|truncate(42, True, '…', 0) }}")
    for length in (0, 1, 41, 42, 43, 80):
        title = ("Prepare for the exam, then " * 4)[:length]
        step = view(dt.date(2027, 1, 4), [Duration(1, Unit.MONTHS)], dt.date(2027, 1, 4))
        step.milestones[0].milestone.title = title
        row = build_timeline(step).rows[0]
        assert row.short_title == truncate.render(t=title) and row.title == title
