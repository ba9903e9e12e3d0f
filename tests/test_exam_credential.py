"""The exam step becomes a credential: a pass (an attempt, the step marked done on the pages or over
the API) adds what it earns, dated the pass; undoing the step offers to remove it."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import CeuActivity, Credential, Milestone, Plan, User

from support import create_plan, text_of
from test_api import Client, token_for

START = "2026-01-05"  # a plan started this year, so the exam can be passed before today (Nov 23, 2026)
PASSED = dt.date(2026, 9, 14)


def exam_step(app, plan_id: int) -> int:
    with app.app_context():
        return db.session.execute(
            select(Milestone.id).where(Milestone.plan_id == plan_id, Milestone.step_key == "pass-exam")
        ).scalar_one()


def credentials(app) -> list[Credential]:
    with app.app_context():
        found = list(db.session.execute(select(Credential).order_by(Credential.id)).scalars())
        db.session.expunge_all()
        return found


def data_version(app) -> int:
    with app.app_context():
        return db.session.execute(select(User.data_version)).scalar_one()


def pass_exam(browser, plan_id: int, step: int, on: dt.date = PASSED):
    return browser.post(f"/plans/{plan_id}/milestones/{step}/exam", {"taken_on": on.isoformat(), "result": "passed"})


def test_a_passed_cpc_exam_without_experience_adds_cpc_a_dated_the_pass(app, user_browser):
    plan_id = create_plan(user_browser, start=START)
    response = pass_exam(user_browser, plan_id, exam_step(app, plan_id))
    assert response.status_code == 302
    [credential] = credentials(app)
    assert (credential.code, credential.earned_on) == ("CPC-A", PASSED)
    assert credential.from_milestone_id == exam_step(app, plan_id)
    page = text_of(user_browser.get(response.location))
    assert "CPC-A added to your credentials" in page
    assert "2 years of coding experience" in page  # why the apprentice designation


def test_the_pass_starts_the_apprentice_tracker_and_the_cycle(app, user_browser):
    plan_id = create_plan(user_browser, start=START)
    pass_exam(user_browser, plan_id, exam_step(app, plan_id))
    page = text_of(user_browser.get("/credentials/aapc/"))
    assert "CPC-A" in page
    assert "apprentice" in page.lower()


def test_marking_the_exam_step_done_adds_the_credential_and_moves_the_data_version(app, user_browser):
    plan_id = create_plan(user_browser, start=START)
    before = data_version(app)
    dashboard_before = text_of(user_browser.get("/"))
    assert "CPC-A" not in dashboard_before
    step = exam_step(app, plan_id)
    response = user_browser.post(f"/plans/{plan_id}/milestones/{step}/progress", {"action": "done", "on": PASSED.isoformat()})
    assert response.status_code == 302
    assert [c.code for c in credentials(app)] == ["CPC-A"]
    assert data_version(app) != before
    # the cached dashboard shows it at once
    assert "CPC-A" in text_of(user_browser.get("/"))


def test_the_ladder_shows_the_credential_the_exam_added(app, user_browser):
    plan_id = create_plan(user_browser, start=START)
    pass_exam(user_browser, plan_id, exam_step(app, plan_id))
    page = text_of(user_browser.get("/ladder/"))
    assert "You hold CPC-A" in page, page[:1500]


def test_a_cpc_passed_with_two_years_of_coding_experience_adds_cpc(app, user_browser):
    user_browser.post("/ladder/profile", {"rung": "", "coding_started_on": "2024-06-01", "specialties": ""})
    plan_id = create_plan(user_browser, start=START)
    pass_exam(user_browser, plan_id, exam_step(app, plan_id))
    assert [c.code for c in credentials(app)] == ["CPC"]


def test_a_cca_is_added_as_passed_with_a_proposed_ahima_cycle(app, user_browser):
    plan_id = create_plan(user_browser, template="cca", start=START)
    response = pass_exam(user_browser, plan_id, exam_step(app, plan_id))
    assert "CCA added to your credentials" in text_of(user_browser.get(response.location))
    [credential] = credentials(app)
    assert (credential.code, credential.body, credential.earned_on) == ("CCA", "ahima", PASSED)


def test_a_credential_already_held_is_not_added_twice(app, user_browser):
    user_browser.post("/credentials/new", {"code": "CPC", "earned_on": "2025-05-15", "renewal_month": "5"})
    plan_id = create_plan(user_browser, start=START)
    response = pass_exam(user_browser, plan_id, exam_step(app, plan_id))
    assert "You already hold CPC" in text_of(user_browser.get(response.location))
    assert [c.code for c in credentials(app)] == ["CPC"]


def test_a_failed_attempt_adds_nothing(app, user_browser):
    plan_id = create_plan(user_browser, start=START)
    step = exam_step(app, plan_id)
    user_browser.post(f"/plans/{plan_id}/milestones/{step}/exam", {"taken_on": PASSED.isoformat(), "result": "failed"})
    assert credentials(app) == []


def test_undoing_the_step_offers_to_remove_what_it_added_and_removes_it_once_confirmed(app, user_browser):
    plan_id = create_plan(user_browser, start=START)
    step = exam_step(app, plan_id)
    pass_exam(user_browser, plan_id, step)
    response = user_browser.post(f"/plans/{plan_id}/milestones/{step}/undo")
    assert response.location.endswith(f"/plans/{plan_id}/milestones/{step}/remove-credential")
    page = user_browser.get(response.location)
    assert "Remove CPC-A from your credentials?" in text_of(page)
    assert [c.code for c in credentials(app)] == ["CPC-A"]  # nothing removed before the confirmation
    response = user_browser.post(f"/plans/{plan_id}/milestones/{step}/remove-credential")
    assert "CPC-A removed from your credentials" in text_of(user_browser.get(response.location))
    assert credentials(app) == []


def test_a_credential_with_ceus_logged_stays_when_the_step_is_undone(app, user_browser):
    plan_id = create_plan(user_browser, start=START)
    step = exam_step(app, plan_id)
    pass_exam(user_browser, plan_id, step)
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        db.session.add(CeuActivity(user_id=user.id, body="aapc", completed_on=dt.date(2026, 10, 1), title="Webinar",
                                   ceus=Decimal(1), applies_to=""))
        db.session.commit()
    response = user_browser.post(f"/plans/{plan_id}/milestones/{step}/undo")
    assert "remove-credential" not in response.location
    assert "CEUs are logged toward it" in text_of(user_browser.get(response.location))
    assert user_browser.post(f"/plans/{plan_id}/milestones/{step}/remove-credential").status_code == 302
    assert [c.code for c in credentials(app)] == ["CPC-A"]


def test_a_credential_added_by_hand_is_never_offered_for_removal(app, user_browser):
    plan_id = create_plan(user_browser, start=START)
    step = exam_step(app, plan_id)
    user_browser.post(f"/plans/{plan_id}/milestones/{step}/progress", {"action": "done", "on": PASSED.isoformat()})
    with app.app_context():
        db.session.execute(Credential.__table__.update().values(from_milestone_id=None))
        db.session.commit()
    response = user_browser.post(f"/plans/{plan_id}/milestones/{step}/undo")
    assert "remove-credential" not in response.location
    assert [c.code for c in credentials(app)] == ["CPC-A"]


def test_deleting_the_plan_keeps_the_credential(app, user_browser):
    plan_id = create_plan(user_browser, start=START)
    pass_exam(user_browser, plan_id, exam_step(app, plan_id))
    user_browser.post(f"/plans/{plan_id}/delete")
    with app.app_context():
        assert db.session.get(Plan, plan_id) is None
    [credential] = credentials(app)
    assert credential.code == "CPC-A" and credential.from_milestone_id is None


def test_the_api_adds_the_credential_when_the_exam_milestone_is_patched_done_and_says_so(app, user_browser):
    plan_id = create_plan(user_browser, start=START)
    step = exam_step(app, plan_id)
    api = Client(app.test_client(), token_for(app))
    response = api.patch(f"/plans/{plan_id}/milestones/{step}", {"status": "done", "completed_on": PASSED.isoformat()})
    assert response.status_code == 200, response.json
    added = response.json["credential_added"]
    assert (added["code"], added["earned_on"]) == ("CPC-A", PASSED.isoformat())
    assert "CPC-A added to your credentials" in response.json["credential_note"]
    assert [c["code"] for c in api.get("/credentials").json] == ["CPC-A"]


def test_the_api_offers_the_credential_for_removal_when_the_step_is_no_longer_done(app, user_browser):
    plan_id = create_plan(user_browser, start=START)
    step = exam_step(app, plan_id)
    api = Client(app.test_client(), token_for(app))
    added = api.patch(f"/plans/{plan_id}/milestones/{step}", {"status": "done", "completed_on": PASSED.isoformat()}).json["credential_added"]
    response = api.patch(f"/plans/{plan_id}/milestones/{step}", {"status": "in_progress", "started_on": "2026-09-01"})
    assert response.status_code == 200, response.json
    assert response.json["credential_removable"]["id"] == added["id"]
    assert response.json["credential_added"] is None


def test_other_steps_add_no_credential(app, user_browser):
    plan_id = create_plan(user_browser, start=START)
    with app.app_context():
        first = db.session.execute(select(Milestone.id).where(Milestone.plan_id == plan_id, Milestone.position == 1)).scalar_one()
    user_browser.post(f"/plans/{plan_id}/milestones/{first}/progress", {"action": "done", "on": "2026-01-10"})
    assert credentials(app) == []

