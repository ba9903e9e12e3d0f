"""A page costs the same number of SQL queries whatever the amount of the user's data (no N+1)."""
from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import event, select

from tracker import create_app
from tracker.extensions import db
from tracker.models import CeuActivity, ExperienceGap, User
from tracker.services import credentials as credential_service
from tracker.services import plans as plan_service

import builders
from conftest import NOW, POSTGRES, app_config
from support import Browser

TODAY = dt.date(2026, 11, 23)  # the clock fixture's day


def user_named(email: str) -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def small_data(user: User) -> None:
    """One plan from a template, one credential, one CEU."""
    plan_service.create_plan(user, "cpc", TODAY - dt.timedelta(days=30), "full_time", TODAY)
    credential_service.add_credential(user, "CPC", dt.date(2020, 6, 15), TODAY, renewal_month=6)
    add_ceus(user, 1)


def large_data(user: User) -> None:
    """Four plans (one with extra steps, progress, costs and exam attempts), three credentials,
    200 CEUs, experience gaps."""
    plan = plan_service.create_plan(user, "cpc", TODAY - dt.timedelta(days=200), "full_time", TODAY)
    steps = plan.milestones
    plan_service.mark_done(steps[0], TODAY - dt.timedelta(days=170), TODAY)
    plan_service.save_checklist(steps[1], [item.id for item in steps[1].checklist], TODAY)
    for n in range(3):
        plan_service.add_cost(steps[1], "materials", f"Book {n}", Decimal("49.00"), TODAY - dt.timedelta(days=150))
    plan_service.mark_done(steps[1], TODAY - dt.timedelta(days=40), TODAY)
    plan_service.record_exam_attempt(steps[2], TODAY - dt.timedelta(days=30), False, TODAY - dt.timedelta(days=10), TODAY)
    plan_service.record_exam_attempt(steps[2], TODAY - dt.timedelta(days=10), False, TODAY + dt.timedelta(days=30), TODAY)
    plan_service.append_milestones(plan, [(f"Extra step {n}", "", 7, "days") for n in range(12)])
    for title in ("CCA track", "Second try"):
        other = plan_service.create_plan(user, "cca", TODAY, "part_time", TODAY, title=title)
        plan_service.append_milestones(other, [(f"Step {n}", "", 7, "days") for n in range(5)])
    custom = plan_service.create_custom_plan(user, "My own", TODAY)
    plan_service.append_milestones(custom, [(f"Step {n}", "", 3, "days") for n in range(8)])
    plan_service.activate_plan(plan)
    credential_service.add_credential(user, "CPC", dt.date(2020, 6, 15), TODAY, renewal_month=6)
    credential_service.add_credential(user, "CRC", dt.date(2022, 3, 1), TODAY)
    credential_service.add_credential(user, "RHIT", dt.date(2021, 9, 10), TODAY)
    add_ceus(user, 200)
    db.session.add_all([
        ExperienceGap(user_id=user.id, starts_on=dt.date(2023, 1, 1), ends_on=dt.date(2023, 2, 1)),
        ExperienceGap(user_id=user.id, starts_on=dt.date(2024, 5, 1), ends_on=dt.date(2024, 6, 1)),
    ])
    db.session.commit()


def add_ceus(user: User, count: int) -> None:
    held = {c.body for c in credential_service.list_credentials(user)}
    for n in range(count):
        ahima = "ahima" in held and n % 3 == 2
        db.session.add(CeuActivity(
            user_id=user.id, body="ahima" if ahima else "aapc", completed_on=TODAY - dt.timedelta(days=1 + (n * 7) % 700),
            title=f"Webinar {n}", provider="Provider", reference=f"IDX{n}", ceus=Decimal("0.5"),
            applies_to="RHIT" if ahima else "", next_cycle=False,
        ))
    db.session.commit()


def queries_for(app, browser: Browser, path: str) -> int:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = browser.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, (path, response.status_code)
    return len(statements)


def make_two_users(app) -> None:
    """An account with a little data and one with much (make_user, then the data)."""
    for email in ("small@example.com", "large@example.com"):
        builders.make_user(app, email)
    with app.app_context():
        small_data(user_named("small@example.com"))
        large_data(user_named("large@example.com"))


@pytest.fixture(scope="session")
def migrated_template(migrated_template, tmp_path_factory):
    """For this module's tests on SQLite: the migrated database with both users' data already in
    it, built once per process (the data is the slow part), and each test's app starts from a
    copy. On PostgreSQL the tables are emptied before each test, so two_users builds the data
    every time. (Session scope: pytest-xdist hands a process this module's tests in batches.)"""
    if POSTGRES:
        return migrated_template
    folder = tmp_path_factory.mktemp("query-counts")
    database = folder / "rungs.sqlite3"
    shutil.copy(migrated_template, database)
    app = create_app(app_config(folder, database))
    with time_machine.travel(NOW, tick=False):
        make_two_users(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return database


@pytest.fixture
def two_users(app, clock):
    with app.app_context():
        built = db.session.execute(select(User.id).where(User.email == "small@example.com")).first() is not None
    if not built:
        make_two_users(app)
    with app.app_context():
        ids = {email: user_named(email).id for email in ("small@example.com", "large@example.com")}
        plans = {email: plan_service.active_plan(user_named(email)).id for email in ids}
    small, large = (builders.sign_in(Browser(app.test_client()), ids[email]) for email in ids)
    return {"small": (small, plans["small@example.com"]), "large": (large, plans["large@example.com"])}


@pytest.mark.parametrize("page", ["/", "/plans/", "/plans/{plan}", "/credentials/", "/credentials/aapc/", "/ladder/"])
def test_a_page_costs_the_same_queries_with_little_or_much_data(app, two_users, page):
    counts = {}
    for size, (browser, plan_id) in two_users.items():
        path = page.format(plan=plan_id)
        queries_for(app, browser, path)  # first visit: anything cached per process is warm
        counts[size] = queries_for(app, browser, path)
    assert counts["small"] == counts["large"], counts
