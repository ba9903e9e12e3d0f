"""The career ladder through the web app."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ExperienceGap, LadderProfile, Milestone, Plan

from support import create_plan, text_of


def place(browser, rung="coder", started="2024-03-01", specialties=""):
    return browser.post("/ladder/profile", {"rung": rung, "coding_started_on": started, "specialties": specialties})


def test_medical_coder_since_march_2024_with_a_cpc_sees_senior_and_plans_the_gap(app, user_browser):
    user_browser.post("/credentials/new", {"code": "CPC", "earned_on": "2023-11-10", "renewal_month": "5"})
    assert place(user_browser).status_code == 302
    page = text_of(user_browser.get("/ladder/"))
    assert "Medical Coder → Senior Medical Coder" in page
    assert "you reach 3 years on Mar 1, 2027" in page
    assert "median $52,000" in page and "median $65,000" in page and "+$13,000 median" in page
    assert "Focus areas to reach Senior Medical Coder" in page
    assert "Advanced guidelines across specialties" in page
    assert "CPC" in page

    response = user_browser.post("/ladder/plan", {"plan": "new"})
    assert response.status_code == 302
    plan_page = text_of(user_browser.get(response.location))
    assert "Next rung: Senior Medical Coder" in plan_page
    assert "Earn CCS (or CPC-I)" in plan_page
    assert "Reach 3 years of coding experience" in plan_page
    with app.app_context():
        milestones = db.session.execute(select(Milestone).order_by(Milestone.position)).scalars().all()
        assert len(milestones) == 1 + 5 + 1  # a credential, five focus areas, the years
        assert milestones[0].title == "Reach 3 years of coding experience"
        assert milestones[0].duration_amount == (dt.date(2027, 3, 1) - dt.date(2026, 11, 23)).days


def test_ticking_focus_areas_raises_readiness(app, user_browser):
    place(user_browser)
    before = text_of(user_browser.get("/ladder/"))
    user_browser.post("/ladder/focus", {"done": ["Advanced guidelines across specialties"],
                                        "evidence:Advanced guidelines across specialties": "Completed the 2026 guidelines course"})
    after = text_of(user_browser.get("/ladder/"))
    assert "1 of 5 focus areas" in after
    assert "Completed the 2026 guidelines course" in user_browser.get("/ladder/").text
    assert before != after
    refused = user_browser.post("/ladder/focus", {"done": ["Mentoring"]}, follow_redirects=True)
    assert "not on your rung's list" in text_of(refused)
    assert "1 of 5 focus areas" in text_of(refused)


def test_someone_on_the_pathway_sees_the_first_rung_with_their_plan_finish(app, user_browser):
    create_plan(user_browser)
    page = text_of(user_browser.get("/ladder/"))
    assert "Next: Junior Medical Coder, your first rung" in page
    assert "projects you to finish on" in page and "median $42,000" in page


def test_the_top_rung_shows_lateral_moves(app, user_browser):
    place(user_browser, rung="director", started="2005-01-01")
    page = text_of(user_browser.get("/ladder/"))
    assert "There is no next rung" in page and "HIM education" in page
    assert "Turn this gap into a plan" not in page


def test_gaps_push_the_date_and_bad_gaps_are_refused(app, user_browser):
    place(user_browser)
    assert user_browser.post("/ladder/gaps", {"starts_on": "2025-01-01", "ends_on": "2025-01-31"}).status_code == 302
    assert "you reach 3 years on Apr 1, 2027" in text_of(user_browser.get("/ladder/"))
    for data, message in [
        ({"starts_on": "2025-01-15", "ends_on": "2025-02-15"}, "overlap"),
        ({"starts_on": "2023-01-01", "ends_on": "2023-02-01"}, "before you started coding work"),
        ({"starts_on": "2025-05-01", "ends_on": "2025-04-01"}, "ends before it starts"),
        ({"starts_on": "2026-11-01", "ends_on": "2027-01-01"}, "cannot end in the future"),
    ]:
        response = user_browser.post("/ladder/gaps", data)
        assert response.status_code == 422 and message in text_of(response), data
    with app.app_context():
        assert len(db.session.execute(select(ExperienceGap)).scalars().all()) == 1


def test_bad_profile_input_changes_nothing(app, user_browser):
    for data, message in [
        ({"rung": "astronaut", "coding_started_on": "2024-01-01"}, "Choose a rung from the list"),
        ({"rung": "coder", "coding_started_on": "2030-01-01"}, "in the future"),
        ({"rung": "coder", "coding_started_on": ""}, "Enter when you started coding work"),
    ]:
        response = user_browser.post("/ladder/profile", data)
        assert response.status_code == 422 and message in text_of(response), data
    with app.app_context():
        assert db.session.execute(select(LadderProfile)).first() is None


def test_gap_milestones_can_go_into_an_existing_plan_and_foreign_plans_are_404(app, user_browser):
    plan_id = create_plan(user_browser)
    place(user_browser)
    assert user_browser.post("/ladder/plan", {"plan": str(plan_id)}).status_code == 302
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        # the CPC plan ends after March 2027, so the years need no milestone of their own
        assert len(plan.milestones) == 6 + 1 + 5
    assert user_browser.post("/ladder/plan", {"plan": "999"}).status_code == 404


def test_after_a_gap_error_the_profile_form_still_shows_the_saved_profile(app, user_browser):
    place(user_browser, specialties="Cardiology")
    response = user_browser.post("/ladder/gaps", {"starts_on": "2025-05-01", "ends_on": "2025-04-01"})
    assert response.status_code == 422
    assert '<option selected value="coder">' in response.text
    assert 'value="2024-03-01"' in response.text and "Cardiology" in response.text


def test_the_gap_in_an_existing_pathway_plan_does_not_add_the_credential_the_plan_earns(app, user_browser):
    plan_id = create_plan(user_browser)  # the CPC pathway, ending with the CPC exam
    response = user_browser.post("/ladder/plan", {"plan": str(plan_id)})
    assert response.status_code == 422
    # CPC is missing, and the plan earns it: said so, never "nothing is missing"
    assert "CPC is still missing for Junior Medical Coder" in text_of(response)
    assert "already earns it" in text_of(response)
    assert "Nothing is missing" not in text_of(response)
    with app.app_context():
        assert len(db.session.get(Plan, plan_id).milestones) == 6


def test_saving_an_empty_profile_without_one_writes_nothing(app, user_browser):
    from tracker.models import User

    with app.app_context():
        before = db.session.execute(select(User.data_version)).scalar_one()
    assert place(user_browser, rung="", started="").status_code == 302
    with app.app_context():
        assert db.session.execute(select(LadderProfile)).scalars().all() == []
        assert db.session.execute(select(User.data_version)).scalar_one() == before


def test_a_coder_who_already_has_the_next_rungs_years_is_not_told_a_past_date(app, user_browser):
    """Six years in, Senior Medical Coder's 3 years are behind them: no "you reach 3 years on" a
    date in 2023, on the ladder or the dashboard."""
    user_browser.post("/credentials/new", {"code": "CPC", "earned_on": "2019-05-15", "renewal_month": "5"})
    assert place(user_browser, started="2020-11-01").status_code == 302
    ladder, dashboard = text_of(user_browser.get("/ladder/")), text_of(user_browser.get("/"))
    assert "Medical Coder → Senior Medical Coder" in dashboard
    for page in (ladder, dashboard):
        assert "you reach 3 years" not in page
    assert "You have 6.1 years; Senior Medical Coder starts at 3." in ladder
