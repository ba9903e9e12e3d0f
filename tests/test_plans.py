"""A plan as a user lives it: created from a track, dated, slipped, edited, extended, deleted."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import ChecklistItem, Cost, Milestone, Plan

from builders import sign_in, signed_in
from support import create_plan, text_of


def milestones(app, plan_id):
    with app.app_context():
        return [
            (m.id, m.title, m.started_on, m.completed_on, m.duration_amount, m.duration_unit)
            for m in db.session.execute(select(Milestone).where(Milestone.plan_id == plan_id).order_by(Milestone.position)).scalars()
        ]


def targets(app, plan_id) -> list[tuple[dt.date, dt.date]]:
    from tracker.services.plans import plan_view

    with app.app_context():
        view = plan_view(db.session.get(Plan, plan_id), dt.date(2026, 11, 23))
        return [(s.target_start, s.target_due) for s in view.schedule.steps]


def test_cpc_plan_starting_2027_01_04_full_time_shows_six_dated_steps(user_browser):
    plan_id = create_plan(user_browser)
    page = text_of(user_browser.get(f"/plans/{plan_id}"))
    targets = re.findall(r"Target (\w{3} \d{1,2}, \d{4}) → (\w{3} \d{1,2}, \d{4})", page)
    assert len(targets) == 6
    # Contiguous from the start date: each step starts the day the one before is due.
    assert targets[0][0] == "Jan 4, 2027"
    for before, after in zip(targets, targets[1:]):
        assert before[1] == after[0]
    assert "On track" in page
    assert "Duration is an assumption" in page  # steps 4-6 say so


def test_step_two_done_three_weeks_late_moves_later_steps_and_plan_is_behind_21_days(app, user_browser, clock):
    plan_id = create_plan(user_browser)
    with app.app_context():
        from tracker.services.plans import plan_view

        plan = db.session.get(Plan, plan_id)
        before = plan_view(plan, dt.date(2026, 11, 23))
        step2_due = before.schedule.steps[1].target_due
        before_dates = [(s.projected_start, s.projected_due) for s in before.schedule.steps]
    step2 = milestones(app, plan_id)[1][0]
    late = step2_due + dt.timedelta(days=21)
    # The day it is marked done: a step cannot be marked done on a day still to come.
    clock.move_to(dt.datetime.combine(late, dt.time(15), tzinfo=dt.timezone.utc))
    with app.app_context():
        sign_in(user_browser, db.session.get(Plan, plan_id).user_id)  # signed in on that day

    response = user_browser.post(f"/plans/{plan_id}/milestones/{step2}/progress", {"action": "done", "on": late.isoformat()})
    assert response.status_code == 302

    with app.app_context():
        after = plan_view(db.session.get(Plan, plan_id), dt.date(2026, 11, 23))
        for (start, due), step in zip(before_dates[2:], after.schedule.steps[2:]):
            assert step.projected_start - start == dt.timedelta(days=21)
            assert step.projected_due - due == dt.timedelta(days=21)
        # The original targets are kept beside the projection.
        assert [s.target_due for s in after.schedule.steps] == [s.target_due for s in before.schedule.steps]
    page = text_of(user_browser.get(f"/plans/{plan_id}"))
    assert "Behind by 21 days" in page
    assert "Done 21 days late" in page


def test_finishing_a_step_early_moves_later_steps_earlier(app, user_browser):
    plan_id = create_plan(user_browser, start="2026-11-02")
    first = milestones(app, plan_id)[0][0]
    user_browser.post(f"/plans/{plan_id}/milestones/{first}/progress", {"action": "done", "on": "2026-11-05"})
    page = text_of(user_browser.get(f"/plans/{plan_id}"))
    assert "Done 4 days early" in page


def test_marking_started_then_done_records_both_dates(app, user_browser):
    plan_id = create_plan(user_browser, start="2026-11-02")
    first = milestones(app, plan_id)[0][0]
    user_browser.post(f"/plans/{plan_id}/milestones/{first}/progress", {"action": "start", "on": "2026-11-03"})
    user_browser.post(f"/plans/{plan_id}/milestones/{first}/progress", {"action": "done", "on": "2026-11-09"})
    assert milestones(app, plan_id)[0][2:4] == (dt.date(2026, 11, 3), dt.date(2026, 11, 9))


def test_undo_steps_back_one_state(app, user_browser):
    plan_id = create_plan(user_browser, start="2026-11-02")
    first = milestones(app, plan_id)[0][0]
    user_browser.post(f"/plans/{plan_id}/milestones/{first}/progress", {"action": "start", "on": "2026-11-03"})
    user_browser.post(f"/plans/{plan_id}/milestones/{first}/progress", {"action": "done", "on": "2026-11-09"})
    user_browser.post(f"/plans/{plan_id}/milestones/{first}/undo")
    assert milestones(app, plan_id)[0][2:4] == (dt.date(2026, 11, 3), None)
    user_browser.post(f"/plans/{plan_id}/milestones/{first}/undo")
    assert milestones(app, plan_id)[0][2:4] == (None, None)


def test_marking_done_defaults_to_today_in_the_form(app, user_browser):
    plan_id = create_plan(user_browser)
    step = milestones(app, plan_id)[0][0]
    page = user_browser.get(f"/plans/{plan_id}/milestones/{step}").text
    assert 'value="2026-11-23"' in page


def test_a_step_done_before_it_was_started_is_refused_and_nothing_changes(app, user_browser):
    plan_id = create_plan(user_browser, start="2026-11-02")
    first = milestones(app, plan_id)[0][0]
    user_browser.post(f"/plans/{plan_id}/milestones/{first}/progress", {"action": "start", "on": "2026-11-10"})
    response = user_browser.post(f"/plans/{plan_id}/milestones/{first}/progress", {"action": "done", "on": "2026-11-05"})
    assert response.status_code == 422
    assert "Nov 10" in text_of(response)  # the date as pages show it, not ISO (issue 15)
    assert milestones(app, plan_id)[0][3] is None


def test_progress_before_the_plan_start_is_refused(app, user_browser):
    plan_id = create_plan(user_browser)
    first = milestones(app, plan_id)[0][0]
    response = user_browser.post(f"/plans/{plan_id}/milestones/{first}/progress", {"action": "done", "on": "2026-12-01"})
    assert response.status_code == 422
    assert milestones(app, plan_id)[0][3] is None


def test_a_garbled_progress_date_re_renders_with_a_message(app, user_browser):
    plan_id = create_plan(user_browser)
    first = milestones(app, plan_id)[0][0]
    response = user_browser.post(f"/plans/{plan_id}/milestones/{first}/progress", {"action": "done", "on": "31/02/2027"})
    assert response.status_code == 422
    assert "Not a valid date" in text_of(response) or "Enter a date" in text_of(response)
    assert milestones(app, plan_id)[0][3] is None


def test_start_date_far_in_the_past_or_future_is_refused(app, user_browser):
    for start in ("2020-01-01", "2035-01-01"):
        response = user_browser.post("/plans/new", {"template": "cpc", "start_date": start, "pace": "full_time"})
        assert response.status_code == 422
        assert "3 years" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Plan)) == 0


def test_unknown_track_is_refused(app, user_browser):
    response = user_browser.post("/plans/new", {"template": "nope", "start_date": "2027-01-04", "pace": "full_time"})
    assert response.status_code == 422
    assert "Not a valid choice" in text_of(response) or "Choose one of the tracks" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Plan)) == 0


def test_unknown_pace_is_refused(app, user_browser):
    response = user_browser.post("/plans/new", {"template": "cpc", "start_date": "2027-01-04", "pace": "weekends"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Plan)) == 0


def test_part_time_doubles_the_program_step(app, user_browser):
    full = create_plan(user_browser)
    part = create_plan(user_browser, pace="part_time")
    assert milestones(app, full)[1][4:] == (6, "months")
    assert milestones(app, part)[1][4:] == (12, "months")


def test_editing_a_duration_overrides_the_template_and_moves_later_targets(app, user_browser):
    plan_id = create_plan(user_browser)
    step2 = milestones(app, plan_id)[1][0]
    response = user_browser.post(f"/plans/{plan_id}/milestones/{step2}/duration", {"amount": "8", "unit": "months"})
    assert response.status_code == 302
    assert milestones(app, plan_id)[1][4:] == (8, "months")
    page = text_of(user_browser.get(f"/plans/{plan_id}"))
    assert "edited" in page
    user_browser.post(f"/plans/{plan_id}/milestones/{step2}/duration/reset")
    assert milestones(app, plan_id)[1][4:] == (6, "months")


def test_a_negative_duration_is_refused(app, user_browser):
    plan_id = create_plan(user_browser)
    step2 = milestones(app, plan_id)[1][0]
    response = user_browser.post(f"/plans/{plan_id}/milestones/{step2}/duration", {"amount": "-3", "unit": "months"})
    assert response.status_code == 422
    assert "cannot be negative" in text_of(response)
    assert milestones(app, plan_id)[1][4:] == (6, "months")


def test_an_absurd_duration_is_refused(app, user_browser):
    plan_id = create_plan(user_browser)
    step2 = milestones(app, plan_id)[1][0]
    response = user_browser.post(f"/plans/{plan_id}/milestones/{step2}/duration", {"amount": "9999", "unit": "months"})
    assert response.status_code == 422
    assert milestones(app, plan_id)[1][4:] == (6, "months")


def test_notes_are_saved(app, user_browser):
    plan_id = create_plan(user_browser)
    step = milestones(app, plan_id)[0][0]
    user_browser.post(f"/plans/{plan_id}/milestones/{step}/notes", {"notes": "Compare AAPC and AHIMA fees"})
    assert "Compare AAPC and AHIMA fees" in user_browser.get(f"/plans/{plan_id}/milestones/{step}").text


def test_program_checklist_is_ticked_and_extended(app, user_browser):
    plan_id = create_plan(user_browser)
    step2 = milestones(app, plan_id)[1][0]
    with app.app_context():
        items = db.session.execute(select(ChecklistItem).where(ChecklistItem.milestone_id == step2).order_by(ChecklistItem.position)).scalars().all()
        labels = [i.label for i in items]
        first_two = [items[0].id, items[1].id]
    assert "Medical terminology" in " ".join(labels)
    response = user_browser.post(f"/plans/{plan_id}/milestones/{step2}/checklist", {"items": [str(i) for i in first_two]})
    assert response.status_code == 302
    user_browser.post(f"/plans/{plan_id}/milestones/{step2}/checklist/add", {"label": "Practice coding cases"})
    with app.app_context():
        items = db.session.execute(select(ChecklistItem).where(ChecklistItem.milestone_id == step2)).scalars().all()
        assert sorted(i.id for i in items if i.done_on) == sorted(first_two)
        assert all(i.done_on == dt.date(2026, 11, 23) for i in items if i.done_on)
        assert "Practice coding cases" in [i.label for i in items]


def test_another_steps_checklist_item_cannot_be_ticked(app, user_browser):
    plan_id = create_plan(user_browser)
    rows = milestones(app, plan_id)
    with app.app_context():
        foreign = db.session.execute(select(ChecklistItem.id).where(ChecklistItem.milestone_id == rows[2][0])).scalars().first()
    response = user_browser.post(f"/plans/{plan_id}/milestones/{rows[1][0]}/checklist", {"items": [str(foreign)]})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(ChecklistItem, foreign).done_on is None


def test_costs_are_recorded_and_totalled(app, user_browser):
    plan_id = create_plan(user_browser)
    rows = milestones(app, plan_id)
    user_browser.post(f"/plans/{plan_id}/milestones/{rows[1][0]}/costs", {"kind": "program", "label": "Online CPC course", "amount": "2999.00"})
    user_browser.post(f"/plans/{plan_id}/milestones/{rows[2][0]}/costs", {"kind": "exam", "amount": "499.50"})
    page = text_of(user_browser.get(f"/plans/{plan_id}"))
    assert "Spent $3,498.50" in page


def test_a_negative_or_garbled_cost_is_refused(app, user_browser):
    plan_id = create_plan(user_browser)
    step = milestones(app, plan_id)[1][0]
    for amount in ("-5", "lots", "10000001"):
        response = user_browser.post(f"/plans/{plan_id}/milestones/{step}/costs", {"kind": "program", "amount": amount})
        assert response.status_code == 422, amount
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Cost)) == 0


def test_a_failed_exam_attempt_holds_the_step_until_the_retake(app, user_browser):
    plan_id = create_plan(user_browser, start="2026-01-05")
    step3 = milestones(app, plan_id)[2][0]
    response = user_browser.post(
        f"/plans/{plan_id}/milestones/{step3}/exam",
        {"taken_on": "2026-11-10", "result": "failed", "retake_on": "2027-01-15"},
    )
    assert response.status_code == 302
    with app.app_context():
        from tracker.services.plans import plan_view

        view = plan_view(db.session.get(Plan, plan_id), dt.date(2026, 11, 23))
        assert view.schedule.steps[2].projected_due >= dt.date(2027, 1, 15)
        assert view.schedule.steps[3].projected_start >= dt.date(2027, 1, 15)
    user_browser.post(f"/plans/{plan_id}/milestones/{step3}/exam", {"taken_on": "2027-01-15", "result": "passed"})
    assert milestones(app, plan_id)[2][3] == dt.date(2027, 1, 15)


def test_a_retake_before_the_attempt_is_refused(app, user_browser):
    plan_id = create_plan(user_browser, start="2026-01-05")
    step3 = milestones(app, plan_id)[2][0]
    response = user_browser.post(
        f"/plans/{plan_id}/milestones/{step3}/exam",
        {"taken_on": "2026-11-10", "result": "failed", "retake_on": "2026-11-01"},
    )
    assert response.status_code == 422
    assert "after the attempt" in text_of(response)


def test_a_custom_milestone_goes_between_two_steps_and_can_be_deleted(app, user_browser):
    plan_id = create_plan(user_browser)
    response = user_browser.post(
        f"/plans/{plan_id}/milestones/new",
        {"title": "Practice exams", "amount": "3", "unit": "weeks", "after": "2"},
    )
    assert response.status_code == 302
    rows = milestones(app, plan_id)
    assert [r[1] for r in rows][2] == "Practice exams"
    assert len(rows) == 7
    # Adding a step is a change of plan, not a slip: the targets after it move with it.
    with_custom = targets(app, plan_id)
    assert with_custom[3][0] - with_custom[2][0] == dt.timedelta(weeks=3)
    assert "On track" in text_of(user_browser.get(f"/plans/{plan_id}"))
    user_browser.post(f"/plans/{plan_id}/milestones/{rows[2][0]}/delete")
    assert len(milestones(app, plan_id)) == 6
    assert targets(app, plan_id)[2][0] == with_custom[2][0]


def test_pathway_steps_cannot_be_deleted(app, user_browser):
    plan_id = create_plan(user_browser)
    step = milestones(app, plan_id)[0][0]
    user_browser.post(f"/plans/{plan_id}/milestones/{step}/delete")
    assert len(milestones(app, plan_id)) == 6


def test_a_custom_milestone_without_a_title_is_refused(app, user_browser):
    plan_id = create_plan(user_browser)
    response = user_browser.post(f"/plans/{plan_id}/milestones/new", {"title": "  ", "amount": "3", "unit": "weeks", "after": "2"})
    assert response.status_code == 422
    assert len(milestones(app, plan_id)) == 6


def test_several_plans_and_the_active_one_is_on_the_dashboard(app, user_browser):
    cpc = create_plan(user_browser, title="My CPC plan")
    crc = create_plan(user_browser, template="crc", title="CRC later")
    assert "CRC later" in text_of(user_browser.get("/")).split("Other plans")[0]
    user_browser.post(f"/plans/{cpc}/activate")
    dashboard = text_of(user_browser.get("/"))
    assert dashboard.index("My CPC plan") < dashboard.index("Other plans") < dashboard.index("CRC later")
    assert crc != cpc


def test_deleting_a_plan_removes_its_milestones(app, user_browser):
    plan_id = create_plan(user_browser)
    assert user_browser.post(f"/plans/{plan_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(Plan, plan_id) is None
        assert db.session.scalar(select(func.count()).select_from(Milestone)) == 0
    assert user_browser.get(f"/plans/{plan_id}").status_code == 404


def test_changing_pace_rescales_only_unedited_steps(app, user_browser):
    plan_id = create_plan(user_browser)
    rows = milestones(app, plan_id)
    user_browser.post(f"/plans/{plan_id}/milestones/{rows[3][0]}/duration", {"amount": "5", "unit": "months"})
    response = user_browser.post(f"/plans/{plan_id}/edit", {"title": "CPC", "start_date": "2027-01-04", "pace": "part_time"})
    assert response.status_code == 302
    rows = milestones(app, plan_id)
    assert rows[1][4:] == (12, "months")
    assert rows[3][4:] == (5, "months")


def test_moving_the_start_date_before_recorded_progress_is_refused(app, user_browser):
    plan_id = create_plan(user_browser, start="2026-11-02")
    first = milestones(app, plan_id)[0][0]
    user_browser.post(f"/plans/{plan_id}/milestones/{first}/progress", {"action": "done", "on": "2026-11-05"})
    response = user_browser.post(f"/plans/{plan_id}/edit", {"title": "CPC", "start_date": "2026-11-10", "pace": "full_time"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Plan, plan_id).start_date == dt.date(2026, 11, 2)


def test_the_timeline_is_an_svg_with_a_row_per_step_and_todays_line(user_browser):
    plan_id = create_plan(user_browser)
    page = user_browser.get(f"/plans/{plan_id}").text
    start = page.index('<svg role="group"')
    svg = page[start:page.index("</svg>", start)]
    assert svg.count('class="proj ') == 6
    assert 'class="today"' in svg
    assert "Today, Nov 23" in text_of(user_browser.get(f"/plans/{plan_id}"))


def test_today_follows_the_users_time_zone(app, browser, clock):
    # 2026-11-23 15:00 UTC is already the 24th in Tokyo (UTC+9 → 00:00) and still the 23rd in Honolulu.
    clock.move_to(dt.datetime(2026, 11, 23, 15, 30, tzinfo=dt.timezone.utc))
    signed_in(browser, zone="Asia/Tokyo")
    plan_id = create_plan(browser)
    step = milestones(app, plan_id)[0][0]
    assert 'value="2026-11-24"' in browser.get(f"/plans/{plan_id}/milestones/{step}").text


def test_the_dashboard_invites_someone_starting_out_to_make_a_plan(user_browser):
    user_browser.post("/start/", {"career_stage": "starting"})
    page = text_of(user_browser.get("/"))
    assert "No plan yet" in page
    assert "Create my plan" in page


def test_the_plan_page_counts_each_steps_checklist_and_every_cost(app, user_browser):
    plan_id = create_plan(user_browser)
    rows = milestones(app, plan_id)
    with app.app_context():
        items = {
            step: db.session.execute(select(ChecklistItem.id).where(ChecklistItem.milestone_id == step)).scalars().all()
            for step, *_ in rows[1:3]
        }
    assert all(items.values())  # steps 2 and 3 have checklists
    user_browser.post(f"/plans/{plan_id}/milestones/{rows[1][0]}/checklist", {"items": [str(i) for i in items[rows[1][0]][:2]]})
    user_browser.post(f"/plans/{plan_id}/milestones/{rows[1][0]}/costs", {"kind": "program", "amount": "10.25"})
    user_browser.post(f"/plans/{plan_id}/milestones/{rows[1][0]}/costs", {"kind": "materials", "amount": "5"})
    user_browser.post(f"/plans/{plan_id}/milestones/{rows[2][0]}/costs", {"kind": "exam", "amount": "0.75"})
    page = text_of(user_browser.get(f"/plans/{plan_id}"))
    assert f"checklist 2 of {len(items[rows[1][0]])}" in page
    assert f"checklist 0 of {len(items[rows[2][0]])}" in page
    assert "Spent $16" in page
