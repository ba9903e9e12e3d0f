"""The plan page writes its hot parts (the timeline, each step's block) in Python
(tracker/views/plan_html.py): its HTML must stay what the Jinja templates wrote, byte for byte.

tests/reference_templates/ holds the templates as they were before (reference_plan_show.html and
reference_plan_timeline.html); each plan of a varied corpus is rendered by the page's view and by
the reference templates in the same request (same CSRF token, same clock), and the two compared.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from flask_login import login_user

from tracker.domain.agenda import milestone_items
from tracker.domain.attention import plan_look
from tracker.extensions import db
from tracker.forms import CONFIRM
from tracker.models import Plan, User
from tracker.services import plans as plan_service
from tracker.services.agenda import plan_input
from tracker.views import plans as plan_views
from tracker.views import user_today
from tracker.views.timeline import build_timeline

from builders import make_user
from reference_pages import CLOCKS, reference_env

DAY = dt.timedelta(days=1)
ODD_TITLE = 'Tom & Jerry\'s <b>"bold"</b> step, with a title far longer than the drawing shows'


def _fresh(user, today):
    return plan_service.create_plan(user, "cpc", today, "full_time", today)


def _future_part_time(user, today):
    return plan_service.create_plan(user, "cca", today + 45 * DAY, "part_time", today, title="Next year's <CCA> & more")


def _under_way(user, today):
    # The benchmark's plan: steps done, a checklist ticked, costs, a failed exam and its retake.
    plan = plan_service.create_plan(user, "cpc", today - 200 * DAY, "full_time", today)
    steps = plan.milestones
    plan_service.mark_done(steps[0], today - 170 * DAY, today)
    plan_service.save_checklist(steps[1], [item.id for item in steps[1].checklist[:2]], today)
    plan_service.add_cost(steps[1], "program", "Course", Decimal("1999.00"), today - 160 * DAY)
    plan_service.add_cost(steps[1], "materials", "Books", Decimal("249.50"), today - 150 * DAY)
    plan_service.mark_done(steps[1], today - 40 * DAY, today)
    plan_service.add_cost(steps[2], "exam", "Exam fee", Decimal("499.00"), today - 20 * DAY)
    plan_service.record_exam_attempt(steps[2], today - 10 * DAY, False, today + 30 * DAY, today)
    plan_service.add_custom_milestone(plan, 3, ODD_TITLE, "", 10, "days")
    return plan


def _late(user, today):
    # Started long ago, the first step in progress and past its target: the attention note.
    plan = plan_service.create_plan(user, "ccs", today - 400 * DAY, "part_time", today)
    plan_service.mark_started(plan.milestones[0], today - 390 * DAY, today)
    plan_service.set_duration(plan.milestones[1], 5, "weeks")
    return plan


def _not_recorded(user, today):
    # A later step done, earlier ones never ticked off ("Not recorded"), one started late.
    plan = plan_service.create_plan(user, "cpc", today - 300 * DAY, "full_time", today)
    steps = plan.milestones
    plan_service.mark_started(steps[1], today - 280 * DAY, today)
    plan_service.mark_done(steps[2], today - 5 * DAY, today)
    return plan


def _retake_passed(user, today):
    plan = plan_service.create_plan(user, "cpc", today - 250 * DAY, "full_time", today)
    steps = plan.milestones
    plan_service.mark_done(steps[0], today - 240 * DAY, today)
    plan_service.mark_done(steps[1], today - 100 * DAY, today)
    plan_service.record_exam_attempt(steps[2], today - 60 * DAY, False, today - 20 * DAY, today)
    plan_service.record_exam_attempt(steps[2], today - 20 * DAY, True, None, today)
    return plan


def _all_done(user, today):
    plan = plan_service.create_plan(user, "cca", today - 700 * DAY, "full_time", today)
    for index, step in enumerate(plan.milestones):
        plan_service.mark_started(step, today - (690 - index * 60) * DAY, today)
        plan_service.mark_done(step, today - (660 - index * 60) * DAY, today)
    return plan


def _empty_custom(user, today):
    plan = plan_service.create_custom_plan(user, "Mine & only mine", today)
    db.session.commit()
    return plan


def _custom_steps(user, today):
    plan = plan_service.create_custom_plan(user, "My own <path>", today - 20 * DAY)
    steps = plan_service.append_milestones(plan, [
        ("Read the \"guidelines\"", "", 2, "weeks"), ("Nothing at all", "", 0, "days"),
        (ODD_TITLE, "", 3, "months"), ("Last one", "", 40, "days"),
    ])
    plan_service.mark_done(steps[0], today - 3 * DAY, today)
    plan_service.mark_started(steps[2], today, today)
    return plan


def _track_gone(user, today):
    plan = plan_service.create_plan(user, "cpc", today - 30 * DAY, "full_time", today)
    plan_service.mark_started(plan.milestones[0], today - 29 * DAY, today)
    plan.template_id = "no-longer-offered"
    db.session.commit()
    return plan


def _long_ago(user, today):
    # Years before today: today is outside the drawing, ticks every six months.
    plan = plan_service.create_plan(user, "ccs", today - 1090 * DAY, "part_time", today)
    plan_service.mark_done(plan.milestones[0], today - 1000 * DAY, today)
    return plan


PLANS = [_fresh, _future_part_time, _under_way, _late, _not_recorded, _retake_passed, _all_done,
         _empty_custom, _custom_steps, _track_gone, _long_ago]



def _pages(app, user_id: int, plan_id: int) -> tuple[str, str]:
    """The page as the view renders it, and as the reference templates do, in one request."""
    with app.test_request_context(f"/plans/{plan_id}"):
        user = db.session.get(User, user_id)
        login_user(user)
        page = plan_views.show(plan_id)
        view = plan_service.plan_page(user, plan_id, user_today())
        # The page's due dates are the agenda's, worked out again from the plan as stored.
        agenda = {item.extra["milestone_id"]: item
                  for item in milestone_items(plan_input(plan_service.get_plan(user, plan_id)), view.today)}
        assert view.dues == {key: (item.on, item.means) for key, item in agenda.items()}
        look = plan_look(view.schedule, view.today)
        context = {"view": view, "look": look, "timeline": build_timeline(view, look), "confirm": CONFIRM,
                   "agenda": agenda}
        app.update_template_context(context)
        reference = reference_env(app).get_template("reference_plan_show.html").render(context)
    return page, reference


@pytest.mark.parametrize("instant, zone", CLOCKS, ids=[f"{c[0]:%Y-%m-%d}-{c[1]}" for c in CLOCKS])
def test_the_plan_page_is_the_reference_templates_html(app, instant, zone):
    with time_machine.travel(instant, tick=False):
        user_id = make_user(app, zone=zone)
        with app.app_context():
            user = db.session.get(User, user_id)
            today = instant.astimezone(__import__("zoneinfo").ZoneInfo(zone)).date()
            plan_ids = [build(user, today).id for build in PLANS]
            moved = db.session.get(Plan, plan_ids[2])
            moved_step = moved.milestones[1]
        for plan_id in plan_ids:
            page, reference = _pages(app, user_id, plan_id)
            assert page == reference, plan_id
        # A step moved by hand keeps its place in both.
        with app.app_context():
            from tracker.services import milestone_edits

            milestone_edits.move_milestone(db.session.get(type(moved_step), moved_step.id), "up")
        page, reference = _pages(app, user_id, plan_ids[2])
        assert page == reference


def test_the_corpus_shows_what_it_is_meant_to(app):
    # The corpus covers the page's branches: escaped titles, a retake, a late note, a custom step,
    # steps not recorded, a track no longer offered, an empty plan, today outside the drawing.
    instant, zone = CLOCKS[0]
    with time_machine.travel(instant, tick=False):
        user_id = make_user(app, zone=zone)
        with app.app_context():
            user = db.session.get(User, user_id)
            today = instant.astimezone(__import__("zoneinfo").ZoneInfo(zone)).date()
            plan_ids = [build(user, today).id for build in PLANS]
        pages = [_pages(app, user_id, plan_id)[0] for plan_id in plan_ids]
    whole = "\n".join(pages)
    for shown in ("Tom &amp; Jerry&#39;s &lt;b&gt;&#34;bold&#34;&lt;/b&gt;", "Retake", "calm-note", "Your milestone",
                  "Not recorded", "no longer offered", "This plan has no milestones yet", "(outside this range)",
                  "Undo done", "Move up", "Mark started", "tone-attention", "tone-active", "edited (usually",
                  "Duration is an assumption", "part time", "Spent $", "…</text>"):
        assert shown in whole, shown


def test_the_status_is_the_plan_status_macros(app, user_browser):
    # The page writes the macro's HTML out (templates/plans/show.html: importing the macros cost more
    # than the badge); it must stay the macro's, byte for byte.
    import re

    from flask import render_template_string

    from tracker.domain.attention import PlanLook
    from support import create_plan

    page = user_browser.get(f"/plans/{create_plan(user_browser)}").text
    tone, label = re.search(r'<span class="badge big tone-(\w+)">([^<]+)</span>', page).groups()
    with app.test_request_context("/"):
        badge = render_template_string('{{ plan_status(look) }}',
                                       look=PlanLook(tone, label, None, ()))
    assert f'<span class="value">{badge}</span>' in page
