"""Operator commands: one readable line and a non-zero exit on bad input."""
from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from tracker.config import PROJECT_ROOT
from tracker.extensions import db
from tracker.models import User


def test_users_create_makes_an_account_that_can_sign_in(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "ops@example.com", "--time-zone", "America/Denver"],
        input="a long operator password\na long operator password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created ops@example.com" in result.output
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        assert user.time_zone == "America/Denver"


def test_users_create_refuses_a_duplicate_with_one_line(app):
    runner = app.test_cli_runner()
    args = ["users", "create", "ops@example.com", "--password", "a long operator password"]
    assert runner.invoke(args=args).exit_code == 0
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["Error: email: An account with this email already exists. Sign in, or reset your password."]


def test_users_create_refuses_a_bad_email_a_short_password_and_an_unknown_zone(app):
    runner = app.test_cli_runner()
    for args in (
        ["users", "create", "not-an-email", "--password", "a long operator password"],
        ["users", "create", "ops@example.com", "--password", "short"],
        ["users", "create", "ops@example.com", "--password", "a long operator password", "--time-zone", "Moon/Base"],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 1, args
        assert len(result.output.strip().splitlines()) == 1
    with app.app_context():
        assert db.session.execute(select(User)).first() is None


def test_plans_validate_accepts_the_shipped_data(app):
    result = app.test_cli_runner().invoke(args=["plans", "validate"])
    assert result.exit_code == 0, result.output
    assert "cpc" in result.output and "ccs" in result.output


def test_plans_validate_names_the_file_field_and_problem(app, tmp_path):
    plans = tmp_path / "plans"
    shutil.copytree(PROJECT_ROOT / "plans", plans)
    text = (plans / "pathway-cpc.toml").read_text().replace('unit = "weeks"', 'unit = "fortnights"', 1)
    (plans / "pathway-cpc.toml").write_text(text)
    app.config["PLANS_DIR"] = str(plans)
    result = app.test_cli_runner().invoke(args=["plans", "validate"])
    assert result.exit_code == 1
    assert "pathway-cpc.toml" in result.output
    assert "duration.unit" in result.output and "fortnights" in result.output


def test_a_template_dropped_into_plans_appears_in_the_app(app, tmp_path):
    plans = tmp_path / "plans"
    shutil.copytree(PROJECT_ROOT / "plans", plans)
    text = (plans / "crc.toml").read_text().replace('id = "crc"', 'id = "cic"').replace("CRC", "CIC")
    Path(plans / "cic.toml").write_text(text)
    app.config["PLANS_DIR"] = str(plans)
    from builders import signed_in
    from support import Browser

    browser = signed_in(Browser(app.test_client()))
    assert 'value="cic"' in browser.get("/plans/new").text


def test_a_broken_data_file_shows_its_problem_instead_of_a_server_error(app, tmp_path):
    plans = tmp_path / "plans"
    shutil.copytree(PROJECT_ROOT / "plans", plans)
    (plans / "pathway-cca.toml").write_text('kind = "pathway"\ntitle = ')
    app.config["PLANS_DIR"] = str(plans)
    from builders import signed_in
    from support import Browser

    browser = signed_in(Browser(app.test_client()))
    response = browser.get("/plans/new")
    assert response.status_code == 503
    assert "pathway-cca.toml" in response.text and "plans validate" in response.text
