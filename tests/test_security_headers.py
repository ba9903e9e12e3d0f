"""Security headers on every response, and the health endpoint."""
from __future__ import annotations

import datetime as dt

from tracker.extensions import db
from tracker.services import reminders


def test_every_page_has_a_strict_csp_and_the_other_security_headers(browser, user_browser):
    for url in ("/", "/login", "/credentials/", "/ladder/", "/reminders/", "/no-such-page"):
        response = user_browser.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_healthz_reports_the_database_and_the_last_sweep(app, clock, browser):
    first = browser.get("/healthz")
    assert first.status_code == 200
    assert first.json == {"status": "ok", "database": "ok", "last_sweep": None, "last_sweep_age_seconds": None,
                          "last_sweep_stale": True, "stale_after_seconds": 180}
    with app.app_context():
        reminders.sweep(dt.datetime(2026, 11, 23, 14, 59, tzinfo=dt.timezone.utc))
    after = browser.get("/healthz").json
    assert after["last_sweep"] == "2026-11-23T14:59:00+00:00" and after["last_sweep_age_seconds"] == 60
    assert after["last_sweep_stale"] is False


def test_healthz_says_when_the_last_sweep_is_stale(app, clock, browser):
    app.config["REMINDER_SWEEP_SECONDS"] = 60
    with app.app_context():
        reminders.sweep(dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.timezone.utc))
    clock.shift(dt.timedelta(seconds=180))  # three sweep intervals: late, but still within bounds
    at_limit = browser.get("/healthz")
    assert at_limit.json["last_sweep_stale"] is False and at_limit.json["last_sweep_age_seconds"] == 180
    clock.shift(dt.timedelta(seconds=1))
    stale = browser.get("/healthz")
    assert stale.status_code == 200  # the web still works: a monitor alerts on the field
    assert stale.json["last_sweep_stale"] is True and stale.json["stale_after_seconds"] == 180
    app.config["REMINDER_SWEEP_SECONDS"] = 300  # a slower worker: the same age is fine
    assert browser.get("/healthz").json == {**stale.json, "last_sweep_stale": False, "stale_after_seconds": 900}


def test_healthz_answers_503_when_the_database_is_unreachable_and_logs_why(tmp_path, caplog):
    from tracker import create_app

    from conftest import app_config

    # Nothing listens on port 1: the connection is refused at once.
    unreachable = {**app_config(tmp_path, tmp_path / "x.sqlite3"), "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/none"}
    app = create_app(unreachable)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}, "the reason is not shown"
    [logged] = [r for r in caplog.records if "health check" in r.getMessage()]
    assert logged.levelname == "ERROR"
    assert "OperationalError" in logged.getMessage() and "127.0.0.1" in logged.getMessage()
    with app.app_context():
        db.engine.dispose()


def test_json_logs_have_one_record_per_request_without_query_strings(app, user_browser, caplog):
    import json
    import logging

    from tracker.logs import JSONFormatter

    with caplog.at_level(logging.INFO, logger="tracker.requests"):
        user_browser.get("/credentials/?token=secret-value")
    (record,) = [r for r in caplog.records if r.name == "tracker.requests"]
    line = json.loads(JSONFormatter().format(record))
    assert line["method"] == "GET" and line["path"] == "/credentials/" and line["status"] == 200
    assert line["user_id"] == 1 and line["duration_ms"] >= 0 and line["level"] == "info"
    assert "secret-value" not in json.dumps(line)
