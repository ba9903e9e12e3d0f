"""Onboarding asks where you are; the dashboard and the ladder lead with what matters at that stage."""
from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import LadderProfile, User

from support import Browser, create_plan, register, text_of
from test_api import Client, token_for


def stage_of(app) -> str | None:
    with app.app_context():
        return db.session.execute(select(User.career_stage)).scalar_one()


def dashboard_of(browser) -> str:
    """The dashboard's text, without the messages left by the last action."""
    browser.get("/")
    return text_of(browser.get("/"))


def add(browser, code, earned_on, **setup):
    response = browser.post("/start/credentials", {"code": code, "earned_on": earned_on, "renewal_month": "0", **setup})
    assert response.status_code == 302, text_of(response)
    return response


def working_coder(browser):
    """Sign-up answers of a coder holding CPC (May renewal) and CRC, two and a half years in."""
    browser.post("/start/", {"career_stage": "certified"})
    add(browser, "CPC", "2024-05-15", renewal_month="5")
    add(browser, "CRC", "2025-02-10")
    return browser.post("/start/ladder", {"rung": "", "years": "2.5"})


def test_sign_up_asks_where_you_are_instead_of_starting_with_a_plan(app, browser):
    response = register(browser)
    assert response.location == "/start/"
    page = text_of(browser.get(response.location))
    assert "Where are you in your coding career?" in page
    assert "Start with a plan for your first coding job" not in page
    for answer in ("Starting out", "Already certified", "Both"):
        assert answer in page


def test_starting_out_goes_to_the_track_chooser(app, user_browser):
    response = user_browser.post("/start/", {"career_stage": "starting"})
    assert response.location == "/plans/new"
    assert stage_of(app) == "starting"


def test_an_unknown_stage_is_refused(app, user_browser):
    response = user_browser.post("/start/", {"career_stage": "retired"})
    assert response.status_code == 422
    assert stage_of(app) is None


def test_a_working_coder_adds_credentials_then_their_place_and_sees_renewals_first(app, user_browser):
    assert user_browser.post("/start/", {"career_stage": "certified"}).location == "/start/credentials"
    add(user_browser, "CPC", "2024-05-15", renewal_month="5")
    page = text_of(user_browser.get("/start/credentials"))
    assert "CPC earned May 15, 2024 · renews in May" in page
    add(user_browser, "CRC", "2025-02-10")
    response = user_browser.post("/start/ladder", {"rung": "", "years": "2.5"})
    assert response.location == "/"
    dashboard = dashboard_of(user_browser)
    assert "No plan yet" not in dashboard
    assert "Start with a plan" not in dashboard
    # renewals lead: the AAPC card comes before the ladder and anything about plans
    assert dashboard.index("AAPC CEUs") < dashboard.index("Career ladder")
    assert "CPC · CRC" in dashboard
    assert "40 CEUs" in dashboard or "of 40 CEUs" in dashboard


def test_a_working_coders_experience_is_kept_as_a_start_date(app, user_browser):
    working_coder(user_browser)
    with app.app_context():
        profile = db.session.execute(select(LadderProfile)).scalar_one()
        # the clock is Nov 23, 2026: two and a half years before
        assert profile.coding_started_on.isoformat() == "2024-05-23"
        assert profile.rung_key is None


def test_the_ladder_places_a_working_coder_by_credentials_and_experience(app, user_browser):
    user_browser.post("/start/", {"career_stage": "certified"})
    for code, day, extra in (("CPC", "2024-05-15", {"renewal_month": "5"}), ("CRC", "2025-02-10", {}),
                             ("RHIT", "2023-06-01", {}), ("CCS", "2024-01-10", {})):
        add(user_browser, code, day, **extra)
    user_browser.post("/start/ladder", {"rung": "", "years": "0"})
    page = text_of(user_browser.get("/ladder/"))
    assert "On the pathway" not in page and "100% ready" not in page
    assert "Junior Medical Coder → Medical Coder" in page
    assert "Placed as Junior Medical Coder" in page
    dashboard = dashboard_of(user_browser)
    assert "On the pathway" not in dashboard
    assert "Junior Medical Coder → Medical Coder" in dashboard


def test_a_chosen_rung_wins_over_the_placement(app, user_browser):
    user_browser.post("/start/", {"career_stage": "certified"})
    add(user_browser, "CPC", "2020-05-15", renewal_month="5")
    user_browser.post("/start/ladder", {"rung": "senior", "years": "6"})
    page = text_of(user_browser.get("/ladder/"))
    assert "Senior Medical Coder → Lead Medical Coder" in page
    assert "Placed as" not in page


def test_both_adds_credentials_then_goes_to_the_track_chooser_and_shows_both(app, user_browser):
    user_browser.post("/start/", {"career_stage": "both"})
    add(user_browser, "CCA", "2025-03-01")
    response = user_browser.post("/start/ladder", {"rung": "junior", "years": "1"})
    assert response.location == "/plans/new"
    create_plan(user_browser, template="ccs")
    dashboard = dashboard_of(user_browser)
    assert dashboard.index("AHIMA CEUs") < dashboard.index("CCS — Certified Coding Specialist") < dashboard.index("Career ladder")


def test_an_aspiring_coder_sees_the_plan_first(app, user_browser):
    user_browser.post("/start/", {"career_stage": "starting"})
    create_plan(user_browser)
    dashboard = dashboard_of(user_browser)
    assert dashboard.index("CPC — Certified Professional Coder") < dashboard.index("Career ladder")
    assert "On the pathway" in dashboard


def test_an_empty_dashboard_asks_where_you_are(app, user_browser):
    dashboard = dashboard_of(user_browser)
    assert "Where are you in your coding career?" in dashboard
    assert "No plan yet" not in dashboard
    user_browser.post("/start/", {"career_stage": "starting"})
    dashboard = dashboard_of(user_browser)
    assert "Where are you in your coding career?" not in dashboard
    assert "No plan yet" in dashboard


def test_a_working_coder_without_credentials_yet_is_asked_for_them_not_for_a_plan(app, user_browser):
    user_browser.post("/start/", {"career_stage": "certified"})
    dashboard = dashboard_of(user_browser)
    assert "No plan yet" not in dashboard
    assert "Add my credentials" in dashboard
    assert dashboard.index("Your renewals") < dashboard.index("Career ladder")


def test_the_stage_can_be_changed_in_settings_and_the_dashboard_follows_at_once(app, user_browser):
    user_browser.post("/start/", {"career_stage": "starting"})
    create_plan(user_browser)
    user_browser.post("/credentials/new", {"code": "CPC", "earned_on": "2025-05-15", "renewal_month": "5"})
    dashboard = dashboard_of(user_browser)
    assert dashboard.index("CPC — Certified Professional Coder") < dashboard.index("AAPC CEUs")
    assert "Starting out" in text_of(user_browser.get("/settings/"))
    response = user_browser.post("/settings/career", {"career_stage": "both"})
    assert response.status_code == 302 and stage_of(app) == "both"
    dashboard = dashboard_of(user_browser)
    assert dashboard.index("AAPC CEUs") < dashboard.index("CPC — Certified Professional Coder")


def test_an_account_never_asked_is_judged_by_its_data(app, user_browser):
    user_browser.post("/credentials/new", {"code": "CPC", "earned_on": "2025-05-15", "renewal_month": "5"})
    dashboard = dashboard_of(user_browser)
    assert "Where are you in your coding career?" not in dashboard
    assert "No plan yet" not in dashboard
    assert dashboard.index("AAPC CEUs") < dashboard.index("Career ladder")


def test_bad_onboarding_answers_are_refused_at_the_field(app, user_browser):
    user_browser.post("/start/", {"career_stage": "certified"})
    response = user_browser.post("/start/ladder", {"rung": "", "years": "-1"})
    assert response.status_code == 422 and "Enter 0 to 60 years" in text_of(response)
    response = user_browser.post("/start/ladder", {"rung": "astronaut", "years": "2"})
    assert response.status_code == 422 and "Choose a rung from the list" in text_of(response)
    response = user_browser.post("/start/credentials", {"code": "CPC", "earned_on": "2024-05-15", "renewal_month": "0"})
    assert response.status_code == 422 and "renewal month" in text_of(response)


def test_onboarding_needs_sign_in(app, clock):
    stranger = Browser(app.test_client())
    for path in ("/start/", "/start/credentials", "/start/ladder"):
        response = stranger.get(path)
        assert response.status_code == 302 and "/login" in response.location


def test_the_api_reads_and_changes_the_career_stage(app, user_browser):
    api = Client(app.test_client(), token_for(app))
    assert api.get("/me").json["career_stage"] is None
    response = api.patch("/me", {"career_stage": "certified"})
    assert response.status_code == 200 and response.json["career_stage"] == "certified"
    assert api.patch("/me", {"career_stage": "retired"}).status_code == 422
