"""The cached dashboard: never older than the user's data, never someone else's, CSRF per session."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import event, select

from tracker.extensions import db
from tracker.models import Milestone, User
from tracker.services import api_tokens
from tracker.services import reminders as reminder_service
from tracker.services.accounts import find_user_by_email

import builders
from support import Browser, create_plan, text_of


def version(app, email: str = "coder@example.com") -> int:
    with app.app_context():
        return db.session.execute(select(User.data_version).where(User.email == email)).scalar_one()


def second_milestone(app, plan_id: int) -> int:
    with app.app_context():
        return db.session.execute(
            select(Milestone.id).where(Milestone.plan_id == plan_id).order_by(Milestone.position).offset(1)
        ).scalars().first()


def test_every_kind_of_change_moves_the_users_data_version(app, user_browser):
    plan_id = create_plan(user_browser)
    step = second_milestone(app, plan_id)
    changes = [
        ("/plans/%d/milestones/%d/progress" % (plan_id, step), {"action": "start", "on": "2027-01-20"}),
        ("/plans/%d/milestones/%d/costs" % (plan_id, step), {"kind": "program", "amount": "100"}),
        ("/plans/%d/milestones/%d/notes" % (plan_id, step), {"notes": "evenings"}),
        ("/credentials/new", {"code": "CPC", "earned_on": "2024-01-10", "renewal_month": "5"}),
        ("/credentials/ceus/new", {"completed_on": "2026-01-10", "title": "Webinar", "ceus": "1", "counts_toward": "aapc"}),
        ("/ladder/profile", {"rung": "coder", "coding_started_on": "2024-01-01"}),
        ("/ladder/gaps", {"starts_on": "2025-01-01", "ends_on": "2025-01-31"}),
        ("/settings/", {"email": "coder@example.com", "time_zone": "America/Chicago"}),
    ]
    for url, form in changes:
        before = version(app)
        response = user_browser.post(url, form)
        assert response.status_code in (200, 302), (url, response.status_code, text_of(response)[:300])
        assert version(app) > before, url


def test_reminder_sweeps_and_token_use_leave_the_version_alone(app, user_browser):
    create_plan(user_browser)
    before = version(app)
    with app.app_context():
        reminder_service.sweep(dt.datetime(2027, 1, 10, 13, tzinfo=dt.timezone.utc))
        _token, secret = api_tokens.create_token(find_user_by_email("coder@example.com"), "script")
    app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert version(app) == before


def test_the_dashboard_shows_each_change_at_once(app, user_browser):
    # Started in the past: a step cannot be marked done on a day still to come.
    plan_id = create_plan(user_browser, start="2026-11-02")
    assert "0 of 6 steps done" in text_of(user_browser.get("/"))
    with app.app_context():
        first = db.session.execute(
            select(Milestone.id).where(Milestone.plan_id == plan_id).order_by(Milestone.position)
        ).scalars().first()
    user_browser.post(f"/plans/{plan_id}/milestones/{first}/progress", {"action": "done", "on": "2026-11-06"})
    assert "1 of 6 steps done" in text_of(user_browser.get("/"))

    user_browser.post("/credentials/new", {"code": "CPC", "earned_on": "2024-01-10", "renewal_month": "5"})
    page = text_of(user_browser.get("/"))
    assert "0 of 36 CEUs" in page
    user_browser.post("/credentials/ceus/new", {"completed_on": "2026-01-10", "title": "Webinar", "ceus": "2", "counts_toward": "aapc"})
    assert "2 of 36 CEUs" in text_of(user_browser.get("/"))


def test_recording_and_undoing_a_submission_shows_on_the_dashboard(app, user_browser):
    user_browser.post("/credentials/new", {"code": "CPC", "earned_on": "2020-06-15", "renewal_month": "5"})
    user_browser.post("/credentials/ceus/new", {"completed_on": "2026-01-10", "title": "Conference", "ceus": "36", "counts_toward": "aapc"})
    assert "CEUs met: submit them" in text_of(user_browser.get("/"))
    user_browser.post("/credentials/aapc/cycles/2027-05-31/submitted", {"submitted_on": "2026-11-20", "confirm": "y"})
    assert "Complete" in text_of(user_browser.get("/"))
    # Undoing deletes the row with one bulk statement: no ORM object for the version to notice.
    assert user_browser.post("/credentials/aapc/cycles/2027-05-31/unsubmit").status_code == 302
    assert "CEUs met: submit them" in text_of(user_browser.get("/"))


def test_a_change_through_the_api_shows_on_the_dashboard(app, user_browser):
    create_plan(user_browser)
    assert "Medical Coder" not in text_of(user_browser.get("/")).split("Career ladder")[1][:40]
    with app.app_context():
        _token, secret = api_tokens.create_token(find_user_by_email("coder@example.com"), "script")
    response = app.test_client().patch(
        "/api/v1/me", json={"rung": "coder", "coding_started_on": "2024-03-01"}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200
    assert "Medical Coder → Senior" in text_of(user_browser.get("/"))


def test_the_next_day_the_dashboard_counts_from_the_new_day(app, user_browser, clock):
    user_browser.post("/credentials/new", {"code": "CPC", "earned_on": "2024-01-10", "renewal_month": "5"})
    assert "(189 days left)" in text_of(user_browser.get("/"))
    clock.move_to(dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.timezone.utc))
    assert "(188 days left)" in text_of(user_browser.get("/"))


def test_a_cached_dashboard_costs_few_queries(app, user_browser):
    plan_id = create_plan(user_browser)
    create_plan(user_browser, template="cca")
    user_browser.post("/credentials/new", {"code": "CPC", "earned_on": "2024-01-10", "renewal_month": "5"})
    for i in range(20):
        user_browser.post("/credentials/ceus/new", {"completed_on": f"2026-0{1 + i % 9}-1{i % 9}", "title": f"W{i}", "ceus": "1", "counts_toward": "aapc"})
    user_browser.get("/")  # fills the cache
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        page = user_browser.get("/")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert page.status_code == 200 and f"/plans/{plan_id}" in page.text
    assert len(statements) <= 2, statements  # the signed-in user (with its version); nothing else


def test_two_users_never_see_each_others_dashboard(app, clock):
    first, second = Browser(app.test_client()), Browser(app.test_client())
    builders.signed_in(first, email="first@example.com")
    builders.signed_in(second, email="second@example.com")
    create_plan(first, title="First's own plan")
    assert "First's own plan" in text_of(first.get("/"))
    page = text_of(second.get("/"))
    assert "First's own plan" not in page and "Where are you in your coding career?" in page


def active_title(page_text: str) -> str:
    """The title of the plan shown first on the dashboard (the active one)."""
    return re.search(r'<h2><a href="/plans/\d+">([^<]+)</a></h2>', page_text).group(1)


def test_a_new_account_that_gets_a_deleted_accounts_id_sees_its_own_dashboard(app, clock):
    gone = Browser(app.test_client())
    builders.signed_in(gone, email="gone@example.com")
    create_plan(gone, title="The old account's plan")
    assert "The old account's plan" in text_of(gone.get("/"))  # cached
    with app.app_context():
        old_id = find_user_by_email("gone@example.com").id
    assert gone.post("/settings/delete", {"password": "correct horse battery"}).status_code == 302

    # users has AUTOINCREMENT now, so SQLite no longer hands out the id again; a database restored
    # from a backup still could: the new account is given the old id outright.
    from tracker.extensions import db
    from tracker.models import User
    from tracker.passwords import hash_password

    with app.app_context():
        db.session.add(User(id=old_id, email="fresh@example.com", password_hash=hash_password("correct horse battery"),
                            time_zone="America/New_York"))
        db.session.commit()
    fresh = Browser(app.test_client())
    assert fresh.post("/login", {"email": "fresh@example.com", "password": "correct horse battery"}).status_code == 302
    fresh.forget_token()
    create_plan(fresh, title="The new account's plan")  # the same steps as the old account took
    page = text_of(fresh.get("/"))
    assert "The new account's plan" in page and "The old account's plan" not in page
    with app.app_context():
        assert find_user_by_email("fresh@example.com").id == old_id  # the case this test is about


def test_the_cached_dashboards_forms_carry_each_sessions_own_csrf_token(app, clock):
    laptop = Browser(app.test_client())
    builders.signed_in(laptop)
    first_plan = create_plan(laptop, title="Plan A")
    create_plan(laptop, title="Plan B")
    assert active_title(laptop.get("/").text) == "Plan B"  # fills the cache, with the laptop's token

    phone = Browser(app.test_client())  # the same person, signed in on a second device
    response = phone.post("/login", {"email": "coder@example.com", "password": "correct horse battery"})
    assert response.status_code == 302
    page = phone.get("/").text  # served from the cache the laptop filled
    assert f'action="/plans/{first_plan}/activate"' in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    done = phone.client.post(f"/plans/{first_plan}/activate", data={"csrf_token": token})
    assert done.status_code == 302  # the phone's own token: accepted
    assert active_title(phone.get("/").text) == "Plan A"
    assert active_title(laptop.get("/").text) == "Plan A"


def test_the_cache_can_be_turned_off(app, user_browser):
    app.config["PAGE_CACHE_SIZE"] = 0
    app.extensions.pop("rungs.page_cache", None)
    create_plan(user_browser)
    assert "0 of 6 steps done" in text_of(user_browser.get("/"))
    from tracker.views.page_cache import fragment_cache

    with app.test_request_context():
        assert len(fragment_cache()) == 0


def test_with_the_cache_off_the_dashboards_forms_carry_the_sessions_token(app, user_browser):
    app.config["PAGE_CACHE_SIZE"] = 0
    app.extensions.pop("rungs.page_cache", None)
    first_plan = create_plan(user_browser, title="Plan A")
    create_plan(user_browser, title="Plan B")
    page = user_browser.get("/").text
    assert active_title(page) == "Plan B"
    tokens = set(re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', page))
    assert len(tokens) == 1  # every form on the page: the session's one token
    done = user_browser.client.post(f"/plans/{first_plan}/activate", data={"csrf_token": tokens.pop()})
    assert done.status_code == 302
    assert active_title(user_browser.get("/").text) == "Plan A"


def test_a_message_shows_once_on_the_cached_dashboard_and_is_never_kept(app, user_browser):
    first = create_plan(user_browser, title="Plan A")
    create_plan(user_browser, title="Plan B")
    user_browser.get("/")  # the whole page is cached now, with no message on it
    user_browser.post(f"/plans/{first}/activate", {})
    shown = user_browser.get("/").text
    assert "“Plan A” is now on your dashboard." in shown
    again = user_browser.get("/").text
    assert "is now on your dashboard" not in again
    assert active_title(again) == "Plan A"
    user_browser.post(f"/plans/{first}/activate", {})  # the same data version: the page is cached
    assert "“Plan A” is now on your dashboard." in user_browser.get("/").text
    assert "is now on your dashboard" not in user_browser.get("/").text


def test_a_fragment_is_kept_apart_for_each_mount_point(app):
    # The same app served under two paths: each fragment's links start with its own.
    from flask import url_for

    from tracker.views.page_cache import cached_fragment

    app.config["PAGE_CACHE_SIZE"] = 16
    app.extensions.pop("rungs.page_cache", None)
    seen = []
    for root in ("", "/rungs", "", "/rungs"):
        with app.test_request_context("/", base_url=f"http://localhost{root}"):
            seen.append(str(cached_fragment(("links",), lambda: url_for("main.dashboard"))))
    assert seen == ["/", "/rungs/", "/", "/rungs/"]
