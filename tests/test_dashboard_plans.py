"""The dashboard reads its plans as plain rows (services/plans/dashboard.py): what it shows of
them must be what the plan's ORM view shows."""
from __future__ import annotations

import datetime as dt

from tracker.extensions import db
from tracker.models import Plan, User
from tracker.services import plans as plan_service

import builders

TODAY = dt.date(2026, 11, 23)


def shown(view: plan_service.PlanView) -> tuple:
    """Everything of a plan's view the dashboard and its ladder card read."""
    plan = view.plan
    return (plan.id, plan.title, plan.start_date, view.pace_label, view.done_count, view.schedule,
            [(v.milestone.id, v.milestone.title, v.step_input, v.step) for v in view.milestones],
            view.dues, view.current.milestone.id if view.current else None)


def dashboard_matches_the_orm(user: User) -> None:
    plan, others = plan_service.dashboard_plans(user)
    titles = [(p.id, p.title) for p in plan_service.list_plans(user)]
    assert [(o.id, o.title) for o in others] == titles[1:]
    active = plan_service.active_plan(user)
    assert (plan is None) == (active is None)
    if active is not None:
        assert shown(plan_service.plan_view(plan, TODAY)) == shown(plan_service.plan_view(active, TODAY))


def test_no_plan_is_none_and_no_others(app):
    user_id = builders.make_user(app)
    with app.app_context():
        assert plan_service.dashboard_plans(db.session.get(User, user_id)) == (None, [])


def test_the_active_plan_with_progress_and_exam_attempts_dates_as_the_orm_plan_does(app):
    user_id = builders.make_user(app)
    with app.app_context():
        user = db.session.get(User, user_id)
        plan = plan_service.create_plan(user, "cpc", TODAY - dt.timedelta(days=200), "full_time", TODAY)
        steps = plan.milestones
        plan_service.mark_done(steps[0], TODAY - dt.timedelta(days=170), TODAY)
        plan_service.mark_done(steps[1], TODAY - dt.timedelta(days=40), TODAY)
        plan_service.mark_started(steps[2], TODAY - dt.timedelta(days=35), TODAY)
        plan_service.record_exam_attempt(steps[2], TODAY - dt.timedelta(days=30), False, TODAY - dt.timedelta(days=12), TODAY)
        plan_service.record_exam_attempt(steps[2], TODAY - dt.timedelta(days=10), False, TODAY + dt.timedelta(days=30), TODAY)
        plan_service.append_milestones(plan, [(f"Extra step {n}", "", 7, "days") for n in range(3)])
        other = plan_service.create_plan(user, "cca", TODAY, "part_time", TODAY, title="CCA later")
        plan_service.append_milestones(other, [("Its own step", "", 3, "weeks")])
        plan_service.activate_plan(plan)
        db.session.expire_all()
        dashboard_matches_the_orm(user)
        plan_row, others = plan_service.dashboard_plans(user)
        # The latest of the two failed attempts sets the retake (the database's answer).
        assert [step.retake_on for step in plan_row.milestones][:3] == [None, None, TODAY + dt.timedelta(days=30)]
        assert [o.title for o in others] == ["CCA later"]


def test_an_active_plan_without_steps_and_several_others(app):
    user_id = builders.make_user(app)
    with app.app_context():
        user = db.session.get(User, user_id)
        for n in range(3):
            plan_service.create_plan(user, "cpc", TODAY, "full_time", TODAY, title=f"Plan {n}")
        empty = plan_service.create_custom_plan(user, "My own", TODAY)
        assert empty.milestones == []
        db.session.expire_all()
        dashboard_matches_the_orm(user)
        plan_row, others = plan_service.dashboard_plans(user)
        assert (plan_row.title, plan_row.milestones, len(others)) == ("My own", (), 3)
        plan_service.activate_plan(db.session.get(Plan, others[-1].id))
        dashboard_matches_the_orm(user)
