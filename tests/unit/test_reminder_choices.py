"""The reminder rules behind snooze, the lead-time ticks, the digest and the centre's groups."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from tracker.domain import reminders as rules
from tracker.domain.reminders import Preferences, Subject

TODAY = dt.date(2026, 11, 23)


def subject(kind=rules.MILESTONE_DUE, key="milestone:1", due=dt.date(2026, 12, 10), title="Step 1") -> Subject:
    return Subject(kind, key, due, title, "/plans/1/milestones/1")


def test_a_snoozed_occurrence_stays_wanted_past_its_catch_up_window_while_its_subject_lives():
    step = subject(due=dt.date(2026, 11, 25))
    later = dt.date(2026, 12, 20)  # long after its planned day (Nov 24) and the 7-day catch-up
    key = (rules.MILESTONE_DUE, "milestone:1", dt.date(2026, 11, 25), 1)
    assert key not in {o.key for o in rules.wanted([step], Preferences(), later)}
    assert key in {o.key for o in rules.wanted([step], Preferences(), later, snoozed={key})}
    # Once the subject is gone (done) or its kind is off, the snooze does not keep it.
    assert key not in {o.key for o in rules.wanted([], Preferences(), later, snoozed={key})}
    off = Preferences(enabled=frozenset(rules.KINDS) - {rules.MILESTONE_DUE})
    assert key not in {o.key for o in rules.wanted([step], off, later, snoozed={key})}


def test_a_snoozed_occurrence_whose_lead_time_was_removed_is_kept_once():
    step = subject()
    key = (rules.MILESTONE_DUE, "milestone:1", step.due, 5)
    found = [o.key for o in rules.wanted([step], Preferences(), TODAY, snoozed={key})]
    assert found.count(key) == 1 and (rules.MILESTONE_DUE, "milestone:1", step.due, 1) in found


def test_snooze_goes_from_the_planned_day_or_today_and_never_past_the_date():
    due = dt.date(2026, 12, 10)
    assert rules.snooze_day(dt.date(2026, 12, 1), TODAY, 3) == dt.date(2026, 12, 4)
    assert rules.snooze_day(dt.date(2026, 11, 20), TODAY, 1) == dt.date(2026, 11, 24)
    assert rules.snooze_choices(1, due, dt.date(2026, 12, 9), TODAY) == [1]
    assert rules.snooze_choices(7, due, dt.date(2026, 12, 3), TODAY) == [1, 3, 7]
    assert rules.snooze_choices(10, due, dt.date(2026, 11, 30), TODAY) == [1, 3, 7]
    assert rules.snooze_choices(-1, due, dt.date(2026, 12, 11), TODAY) == [1, 3, 7]  # after the date: any


def test_lead_times_are_offered_in_words_with_defaults_and_current_values():
    choices = rules.lead_time_choices(rules.CEU_CYCLE, current=(120,))
    values = [v for v, _ in choices]
    assert values == sorted(values, reverse=True)
    assert {120, 90, 60, 45, 30, 15, 14, 7, 1, 0, -1, -30} == set(values)
    labels = dict(choices)
    assert labels[90] == "90 days before" and labels[1] == "1 day before"
    assert labels[0] == "On the day" and labels[-1] == "1 day after" and labels[-30] == "30 days after"
    assert [v for v, _ in rules.lead_time_choices(rules.MILESTONE_OVERDUE)] == [-1, -3, -7, -14, -30]


def test_the_digest_holds_the_next_7_days_and_a_capped_later():
    subjects = [subject(key=f"milestone:{n}", due=TODAY + dt.timedelta(days=n), title=f"Step {n}") for n in
                (-2, 0, 3, 6, 7, 10, 20, 30, 40, 50, 59, 61, 400)]
    subjects.append(subject(rules.CEU_CYCLE, "cycle:aapc", TODAY + dt.timedelta(days=540), "AAPC cycle"))
    subjects.append(subject(rules.DIGEST, "digest", TODAY, "Your week ahead"))
    digest = rules.digest_of(subjects, TODAY)
    assert [s.title for s in digest.week] == ["Step 0", "Step 3", "Step 6"]
    assert [s.title for s in digest.later] == ["Step 7", "Step 10", "Step 20", "Step 30", "Step 40"]
    assert digest.more_later == 2  # Step 50 and Step 59; Step 61, Step 400 and the cycle are too far


def test_dates_carry_their_year_only_when_it_is_not_this_year():
    assert rules.dated(dt.date(2026, 12, 31), TODAY) == "Thu Dec 31"
    assert rules.dated(dt.date(2027, 1, 2), TODAY) == "Sat Jan 2, 2027"
    assert rules.dated(dt.date(2025, 12, 30), TODAY) == "Tue Dec 30, 2025"


def test_reminders_group_by_what_they_are_about_in_the_order_they_come():
    row = lambda kind, key, title, offset: SimpleNamespace(kind=kind, subject_key=key, title=title, link="/x", offset_days=offset)  # noqa: E731
    rows = [row(rules.MILESTONE_DUE, "milestone:1", "Step 1 (Plan)", 1), row(rules.CEU_CYCLE, "cycle:aapc", "AAPC cycle", 90),
            row(rules.MILESTONE_OVERDUE, "milestone:1", "Step 1 (Plan)", -1), row(rules.CEU_CYCLE, "cycle:aapc", "AAPC cycle", 45)]
    groups = rules.group_reminders(rows)
    assert [(g.heading, g.label, len(g.rows)) for g in groups] == [("Step 1 (Plan)", "Plan step", 2), ("AAPC cycle", "CEU cycle", 2)]
    assert [rules.describe_reminder(r.kind, r.offset_days) for r in groups[0].rows] == ["1 day before", "Overdue: 1 day after"]
