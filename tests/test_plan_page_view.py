"""The plan page reads its plan in one query, as records (services/plans/reading.py:plan_page):
what it shows is what the whole plan, loaded as ORM objects, says (plan_view)."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from tracker.extensions import db
from tracker.models import User
from tracker.services import plans as plan_service
from tracker.services.errors import NotFound

from builders import make_user

TODAY = dt.date(2026, 12, 2)


def _shown(view) -> list:
    """What the plan page shows of a view: the plan's fields, each step's, and the agenda dates."""
    plan = view.plan
    head = (plan.id, plan.title, plan.start_date, plan.pace, plan.template_id, view.schedule, view.template,
            view.total_cost_cents, view.done_count, view.pace_label)
    steps = [
        (item.milestone.id, item.milestone.position, item.milestone.title, item.milestone.started_on,
         item.milestone.completed_on, item.is_custom, item.schedule, item.step, item.duration,
         item.template_duration, item.duration_edited, item.due_not_before, item.checklist_done,
         item.checklist_total, view.dues[item.milestone.id])
        for item in view.milestones
    ]
    return [head, *steps]


def _both(app, user_id: int, plan_id: int) -> tuple[list, list]:
    with app.app_context():
        user = db.session.get(User, user_id)
        page = _shown(plan_service.plan_page(user, plan_id, TODAY))
        whole = _shown(plan_service.plan_view(plan_service.get_plan(user, plan_id), TODAY))
    return page, whole


def test_a_plan_under_way_reads_the_same_as_the_whole_plan(app):
    user_id = make_user(app)
    with app.app_context():
        user = db.session.get(User, user_id)
        plan = plan_service.create_plan(user, "cpc", TODAY - dt.timedelta(days=200), "part_time", TODAY)
        steps = plan.milestones
        plan_service.mark_done(steps[0], TODAY - dt.timedelta(days=170), TODAY)
        plan_service.save_checklist(steps[1], [item.id for item in steps[1].checklist[:2]], TODAY)
        plan_service.add_cost(steps[1], "program", "Course", Decimal("1999.00"), TODAY - dt.timedelta(days=160))
        plan_service.add_cost(steps[1], "materials", "Books", Decimal("249.50"), TODAY - dt.timedelta(days=150))
        plan_service.set_duration(steps[1], 5, "weeks")
        plan_service.add_custom_milestone(plan, 1, "My own step", "", 10, "days")
        plan_id = plan.id
    page, whole = _both(app, user_id, plan_id)
    assert page == whole
    assert any(step[12] for step in page[1:]) and page[0][7] == 224850 and any(step[5] for step in page[1:])


@pytest.mark.parametrize("attempts, retake", [
    ([(-30, False, -10), (-10, False, 30)], 30),  # two failures: the latest one's retake
    ([(-30, False, 20), (-10, True, None)], None),  # a failure, then a pass: no retake
    ([(-10, False, 20), (-10, False, 40)], 40),  # the same day twice: the one recorded last
])
def test_the_retake_is_the_latest_attempts(app, attempts, retake):
    user_id = make_user(app)
    with app.app_context():
        user = db.session.get(User, user_id)
        plan = plan_service.create_plan(user, "cpc", TODAY - dt.timedelta(days=300), "full_time", TODAY)
        exam = plan.milestones[2]
        for taken, passed, again in attempts:
            plan_service.record_exam_attempt(exam, TODAY + dt.timedelta(days=taken), passed,
                                             None if again is None else TODAY + dt.timedelta(days=again), TODAY)
        plan_id, exam_id = plan.id, exam.id
    page, whole = _both(app, user_id, plan_id)
    assert page == whole
    shown = next(step for step in page[1:] if step[0] == exam_id)
    assert shown[11] == (None if retake is None else TODAY + dt.timedelta(days=retake))


def test_a_plan_without_steps_reads_as_one(app):
    user_id = make_user(app)
    with app.app_context():
        plan = plan_service.create_custom_plan(db.session.get(User, user_id), "Mine", TODAY)
        db.session.commit()
        plan_id = plan.id
    page, whole = _both(app, user_id, plan_id)
    assert page == whole and len(page) == 1


def test_someone_elses_plan_is_not_found(app):
    owner, stranger = make_user(app), make_user(app, "other@example.com")
    with app.app_context():
        plan_id = plan_service.create_plan(db.session.get(User, owner), "cpc", TODAY, "full_time", TODAY).id
        with pytest.raises(NotFound):
            plan_service.plan_page(db.session.get(User, stranger), plan_id, TODAY)


def test_each_steps_badge_is_the_step_badge_macros(app, user_browser):
    # The plan page writes the macro's HTML out (templates/plans/show.html: a macro call a step costs more
    # than the badge); it must stay the macro's, byte for byte.
    from flask import render_template_string

    from tracker.domain.attention import StepLook
    from support import create_plan

    plan_id = create_plan(user_browser)
    page = user_browser.get(f"/plans/{plan_id}").text
    with app.test_request_context("/"):
        badge = render_template_string('{{ step_badge(look) }}',
                                       look=StepLook("planned", "Up next"))
    assert f"<span>{badge}</span>" in page


def test_the_page_renders_the_same_from_the_records_as_from_the_orm_plan(app):
    # A record lacking something the template reads would render as nothing, silently: the whole
    # page is compared, from the records and from the ORM plan.
    from flask import render_template
    from flask_login import login_user

    from tracker.domain.attention import plan_look
    from tracker.forms import ConfirmForm
    from tracker.views.timeline import build_timeline

    user_id = make_user(app)
    with app.app_context():
        user = db.session.get(User, user_id)
        plan = plan_service.create_plan(user, "cpc", TODAY - dt.timedelta(days=200), "full_time", TODAY)
        steps = plan.milestones
        plan_service.mark_done(steps[0], TODAY - dt.timedelta(days=170), TODAY)
        plan_service.save_checklist(steps[1], [item.id for item in steps[1].checklist[:2]], TODAY)
        plan_service.add_cost(steps[1], "program", "Course", Decimal("19.99"), TODAY - dt.timedelta(days=160))
        plan_service.record_exam_attempt(steps[2], TODAY - dt.timedelta(days=10), False, TODAY + dt.timedelta(days=30), TODAY)
        plan_service.add_custom_milestone(plan, 3, "My own step", "", 10, "days")
        plan_id = plan.id
    pages = []
    for read in (lambda user: plan_service.plan_page(user, plan_id, TODAY),
                 lambda user: plan_service.plan_view(plan_service.get_plan(user, plan_id), TODAY)):
        with app.test_request_context("/"):
            user = db.session.get(User, user_id)
            login_user(user)
            view = read(user)
            look = plan_look(view.schedule, view.today)
            pages.append(render_template("plans/show.html", view=view, look=look,
                                         timeline=build_timeline(view, look), confirm=ConfirmForm()))
    # Two requests, two CSRF tokens; everything else must match.
    pages = [re.sub(r'"[\w-]{20,}\.[\w-]+\.[\w-]+"', "TOKEN", page) for page in pages]
    assert pages[0] == pages[1]
    assert pages[0].count("TOKEN") > 5
    assert "Spent $19.99" in pages[0] and "My own step" in pages[0] and "Retake" in pages[0]
