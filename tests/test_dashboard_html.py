"""The dashboard writes its main part in Python (tracker/views/dashboard_html.py): its HTML must
stay what the Jinja template wrote, byte for byte.

tests/reference_templates/ holds that template as it was (reference_dashboard_body.html) and the
macros it imported (reference_macros.html: plan_status, step_badge and meter are Python globals
now, tracker/views/filters.py). Accounts of a varied corpus (every career stage, plans and none,
renewals of both bodies in every state, the ladder's branches, titles full of HTML) are rendered
by the dashboard's view and by the reference template with the same values in the same request
(same CSRF token, same clock), in several time zones, and the two compared.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from flask_login import login_user

from tracker.domain import career
from tracker.domain.attention import PlanLook, StepLook
from tracker.domain.cycles.code_sets import CalendarDate, CalendarEvent
from tracker.extensions import db
from tracker.models import CeuActivity, Credential, User
from tracker.services import credentials as credential_service
from tracker.services import ladder as ladder_service
from tracker.services import plans as plan_service
from tracker.services import stages
from tracker.services.submissions import record_submission
from tracker.views import dashboard_html, user_today
from tracker.views import main as main_views

from builders import make_user
from reference_pages import CLOCKS, reference_env

DAY = dt.timedelta(days=1)
ODD = "<b>&\"'"


def _ceus(user: User, body: str, amounts: list[tuple[dt.date, str]], applies_to: str = "") -> None:
    db.session.add_all([
        CeuActivity(user_id=user.id, body=body, completed_on=on, title=f"Course {n}", provider="", reference=f"R{n}",
                    ceus=Decimal(amount), applies_to=applies_to, next_cycle=False)
        for n, (on, amount) in enumerate(amounts)
    ])
    db.session.commit()


def _backdate(user: User, years: int) -> None:
    # Rungs judges a past cycle only if it knew of the credential before the cycle ended.
    for credential in db.session.query(Credential).filter_by(user_id=user.id):
        credential.created_at = credential.created_at - dt.timedelta(days=365 * years)
    db.session.commit()


# -- the corpus: each builds one account on ``today`` (the user's local date) -----------------------

def _empty(user, today):
    """No stage, nothing: the stage question."""


def _starting_without_a_plan(user, today):
    stages.set_stage(user, career.STARTING)


def _starting_under_way(user, today):
    # The active plan under way with a failed exam; other plans (one starting later), odd titles.
    stages.set_stage(user, career.STARTING)
    plan_service.create_plan(user, "cca", today + 45 * DAY, "part_time", today, title=f"Later {ODD}")
    plan_service.create_plan(user, "ccs", today, "full_time", today, title=ODD)
    plan = plan_service.create_plan(user, "cpc", today - 200 * DAY, "full_time", today, title=f"My {ODD} plan")
    steps = plan.milestones
    plan_service.mark_done(steps[0], today - 170 * DAY, today)
    plan_service.mark_done(steps[1], today - 40 * DAY, today)
    plan_service.record_exam_attempt(steps[2], today - 10 * DAY, False, today + 30 * DAY, today)
    plan_service.activate_plan(plan)


def _late_custom_step(user, today):
    # No stage chosen (the plan says: starting); the step to do now is custom, late, its title odd.
    plan = plan_service.create_custom_plan(user, f"Own {ODD}", today - 90 * DAY)
    steps = plan_service.append_milestones(plan, [(f"Step {ODD}", "", 2, "weeks"), ("Then", "", 3, "weeks")])
    plan_service.mark_started(steps[0], today - 80 * DAY, today)


def _future_plan(user, today):
    plan_service.create_plan(user, "ccs", today + 60 * DAY, "part_time", today)


def _certified_without_credentials(user, today):
    stages.set_stage(user, career.CERTIFIED)


def _certified_renewals(user, today):
    # AAPC on track (CEUs early), AHIMA behind (its cycle ends in four months): RHIT replaced by
    # RHIA (hidden from the codes); the ladder's top rung.
    stages.set_stage(user, career.CERTIFIED)
    credential_service.add_credential(user, "CPC", today - 400 * DAY, today, renewal_month=today.month)
    credential_service.add_credential(user, "CRC", today - 300 * DAY, today)
    credential_service.add_credential(user, "RHIT", today - 900 * DAY, today, cycle_end=today + 120 * DAY)
    credential_service.add_credential(user, "RHIA", today - 100 * DAY, today)
    _ceus(user, "aapc", [(today - 20 * DAY, "30"), (today - 10 * DAY, "2.50")])
    _ceus(user, "ahima", [(today - 30 * DAY, "1.25")], applies_to="RHIA")
    ladder_service.save_profile(user, "director", today - 20 * 365 * DAY, "", today)


def _both_overdue_and_submitted(user, today):
    # Every step done; AAPC overdue (the cycle ended last month), AHIMA's CEUs met and submitted;
    # the ladder with the day the next rung's years are reached.
    stages.set_stage(user, career.BOTH)
    plan = plan_service.create_plan(user, "cca", today - 700 * DAY, "full_time", today, title="Done & dusted")
    for index, step in enumerate(plan.milestones):
        plan_service.mark_done(step, today - (660 - index * 60) * DAY, today)
    last_month = (today.replace(day=1) - DAY).month
    credential_service.add_credential(user, "CPC", today - 1200 * DAY, today, renewal_month=last_month)
    credential_service.add_credential(user, "RHIT", today - 500 * DAY, today, cycle_end=today + 200 * DAY)
    _backdate(user, 3)
    _ceus(user, "ahima", [(today - 50 * DAY, "20"), (today - 40 * DAY, "10")], applies_to="RHIT")
    cycle_end = credential_service.renewal_summary(user, today)[-1].current.tally.cycle.end
    record_submission(user, "ahima", cycle_end, today, today, confirm=True, fee_paid=True)
    ladder_service.save_profile(user, "junior", today - 200 * DAY, "", today)


def _both_met_no_plan(user, today):
    # AAPC's CEUs met, not submitted; no plan for someone who is both.
    stages.set_stage(user, career.BOTH)
    credential_service.add_credential(user, "CPC", today - 800 * DAY, today, renewal_month=today.month)
    _ceus(user, "aapc", [(today - 100 * DAY, "36")])


CORPUS = [_empty, _starting_without_a_plan, _starting_under_way, _late_custom_step, _future_plan,
          _certified_without_credentials, _certified_renewals, _both_overdue_and_submitted, _both_met_no_plan]



def _reference(app, context: dict) -> str:
    # As the dashboard rendered the template: its arguments and the globals alone.
    return reference_env(app).get_template("reference_dashboard_body.html").render(context)


def _bodies(app, user_id: int) -> tuple[str, str, dict]:
    """The main part as the dashboard's view writes it, and as the reference template does with
    the same values, in one request; and those values."""
    with app.test_request_context("/"):
        user = db.session.get(User, user_id)
        login_user(user)
        context: dict = {}

        def spy(**values):
            context.update(values)
            return dashboard_html.dashboard_body(**values)

        with mock.patch.object(main_views, "dashboard_body", spy):
            body = main_views._dashboard_body(user, user_today())
        return str(body), _reference(app, context), context


def _build_all(app, instant, zone) -> list[int]:
    today = instant.astimezone(zoneinfo.ZoneInfo(zone)).date()
    user_ids = []
    for n, build in enumerate(CORPUS):
        user_id = make_user(app, f"user{n}@example.com", zone=zone)
        with app.app_context():
            build(db.session.get(User, user_id), today)
        user_ids.append(user_id)
    return user_ids


@pytest.mark.parametrize("instant, zone", CLOCKS, ids=[f"{c[0]:%Y-%m-%d}-{c[1]}" for c in CLOCKS])
def test_the_dashboard_is_the_reference_templates_html(app, instant, zone):
    with time_machine.travel(instant, tick=False):
        for user_id, build in zip(_build_all(app, instant, zone), CORPUS):
            body, reference, _ = _bodies(app, user_id)
            assert body == reference, build.__name__



def test_the_corpus_shows_what_it_is_meant_to(app):
    # The corpus covers the part's branches: each stage's order, the stage question, plans and none,
    # renewals in every state (a replaced credential not listed), the ladder's branches.
    instant, zone = CLOCKS[0]
    with time_machine.travel(instant, tick=False):
        seen = [_bodies(app, user_id) for user_id in _build_all(app, instant, zone)]
    whole = "\n".join(body for body, _, _ in seen)
    for shown in ("Where are you in your coding career?", "No plan yet", "Working coder?", "Your renewals",
                  "Working toward another credential?", "My &lt;b&gt;&amp;&#34;&#39; plan", "Later &lt;b&gt;&amp;",
                  "Now: Step &lt;b&gt;&amp;&#34;&#39;", "calm-note", "(its target date; projected", "(target ",
                  "Every step is done", " · starts ", " · started ", "Put on dashboard", "status-on_track",
                  "status-overdue", "status-complete", "status-met", "the top rung", "you reach 1 years on",
                  "your plan projects", "Your credentials: CPC", "HCPCS Level II quarterly update </li>",
                  "CPT annual update</li>", " days left)"):
        assert shown in whole, shown
    assert any(status in whole for status in ("status-behind_pace", "status-at_risk"))
    renewals = [o for _, _, context in seen for o in context["renewals"]]
    assert {o.rules.id for o in renewals} == {"aapc", "ahima"}
    codes = [c.code for o in renewals for c in o.credentials]
    assert "RHIT" in codes and "RHIA" in codes
    assert '<span class="muted small">RHIA</span>' in whole
    assert [context["stage"] for _, _, context in seen] == [
        None, "starting", "starting", "starting", "starting", "certified", "certified", "both", "both"]


def _event(title: str, confidence: str, on: dt.date) -> CalendarDate:
    return CalendarDate(CalendarEvent(title.lower(), title, (on.month,), on.day, confidence, ""), on)


def test_values_the_catalogue_lacks_are_written_as_the_template_wrote_them(app):
    # Estimated code-set dates (the catalogue's are published or "medium"), odd titles and codes,
    # a ladder card fully ready, or without the plan's finish: the same values given to both.
    instant, zone = CLOCKS[0]
    with time_machine.travel(instant, tick=False):
        user_ids = _build_all(app, instant, zone)
        today = instant.astimezone(zoneinfo.ZoneInfo(zone)).date()
        events = [_event(f"Update {ODD}", confidence, today + n * 20 * DAY)
                  for n, confidence in enumerate(("high", "medium", "low", "unknown", ""))]
        for user_id in user_ids:
            with app.test_request_context("/"):
                login_user(db.session.get(User, user_id))
                _, _, context = _bodies(app, user_id)
                ladder = context["ladder"]
                variants = [dict(events=events), dict(events=[])]
                if ladder is not None:
                    lc = ladder.comparison
                    variants += [
                        dict(ladder=dataclasses.replace(ladder, held=[ODD, "CPC"], plan_finish=today + 400 * DAY)),
                        dict(ladder=dataclasses.replace(ladder, comparison=dataclasses.replace(lc, parts=()))),
                        dict(ladder=dataclasses.replace(ladder, held=[], plan_finish=None, comparison=dataclasses.replace(
                            lc, reaches_next_on=None))),
                    ]
                for variant in variants:
                    values = {**context, **variant}
                    assert str(dashboard_html.dashboard_body(**values)) == _reference(app, values), (user_id, variant)


@pytest.mark.parametrize("done, total", [(0, 0), (2, 6), (Decimal("12.50"), Decimal("40")), (Decimal("0"), Decimal("0.00")),
                                         (Decimal("36"), Decimal("36.0"))])
def test_the_meter_is_the_macros(app, done, total):
    # plan_status, step_badge and meter were macros of _macros.html; the plan and ladder pages'
    # templates call the Python globals that replaced them, and must write what the macros wrote.
    from tracker.views.filters import meter, plan_status, step_badge

    with app.test_request_context("/"):
        macros = reference_env(app).get_template("reference_macros.html").module
        assert meter(done, total, f"Label {ODD}") == macros.meter(done, total, f"Label {ODD}")
        for tone in ("good", "calm", "attention", ODD):
            assert plan_status(PlanLook(tone, ODD, None, ())) == macros.plan_status(PlanLook(tone, ODD, None, ()))
            assert step_badge(StepLook(tone, f"Up {ODD}")) == macros.step_badge(StepLook(tone, f"Up {ODD}"))
