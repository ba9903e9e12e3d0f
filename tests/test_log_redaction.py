"""Secrets in URLs never reach a log: reset, sign-up, email-change and unsubscribe tokens are
redacted in the app's request log, werkzeug's access log (flask run) and gunicorn's, as the
calendar feed's token already is (tests/test_calendar_feed.py)."""
from __future__ import annotations

import pytest

import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import User
from tracker.services import accounts
from tracker.services import reminders as reminder_service

from smtp_server import free_port
from support import Browser, register, rest_of_output, sign_up_link

ROOT = Path(__file__).resolve().parent.parent
# Shaped like the real ones (itsdangerous: payload.timestamp.signature); each ends in a marker.
TOKENS = {
    "/reset/": "eyJ1c2VyIjoxfQ.aW1Q.SECRETRESET",
    "/register/": "eyJlbWFpbCI6InhAeS56In0.aW1Q.SECRETSIGNUP",
    "/email-change/": "eyJ1IjoxfQ.aW1Q.SECRETCHANGE",
    "/reminders/unsubscribe/": "eyJ1IjoxLCJrIjoiYWxsIn0.SECRETUNSUB",
}


def test_the_request_log_never_holds_an_emailed_token(app, clock, caplog):
    browser = Browser(app.test_client())
    with caplog.at_level(logging.INFO, logger="tracker.requests"):
        register(browser, email="coder@example.com")
    real = {sign_up_link(app, "coder@example.com")}
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        real.add("/reset/" + accounts.make_reset_token(user, app.config["SECRET_KEY"]))
        real.add("/reminders/unsubscribe/" + reminder_service.unsubscribe_token(user, "all"))
        real.add("/email-change/" + accounts.request_email_change(user, "new@example.com", "correct horse battery",
                                                                   app.config["SECRET_KEY"]).token)
    with caplog.at_level(logging.INFO, logger="tracker.requests"):
        for path in real:
            app.test_client().get(path)
    records = [r for r in caplog.records if r.name == "tracker.requests"]
    logged = "\n".join(r.getMessage() + str(r.fields) for r in records)
    for path in real:
        token = path.rsplit("/", 1)[1]
        assert token not in logged and token.split(".")[-1] not in logged, path
    for prefix in ("/register/", "/reset/", "/reminders/unsubscribe/", "/email-change/"):
        assert f"{prefix}<redacted>" in logged, prefix
    assert "/register/sent" in logged or "POST /register " in logged  # pages keep their names


def serve_and_request(command: list[str], port: int, tmp_path: Path, migrated_template, ready: str) -> str:
    database = tmp_path / "web.sqlite3"
    database.write_bytes(Path(migrated_template).read_bytes())
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{database}",
           "SECRET_KEY": "log-test", "PORT": str(port), "WEB_CONCURRENCY": "1", "RUNGS_ENV": "production",
           "RUNGS_BASE_URL": f"http://127.0.0.1:{port}", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        for line in process.stdout:
            lines.append(line)
            if ready in line:
                break
        for prefix, token in TOKENS.items():
            for attempt in range(50):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{prefix}{token}?x=1", timeout=20)
                    break
                except urllib.error.HTTPError:
                    break
                except urllib.error.URLError:
                    time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        rest = rest_of_output(process, 30)
    return "".join(lines) + rest


def assert_redacted(output: str) -> None:
    for prefix, token in TOKENS.items():
        assert f"{prefix}<redacted>" in output, (prefix, output)
        assert token.rsplit(".", 1)[-1] not in output, output


@pytest.mark.slow
def test_gunicorns_access_log_never_holds_an_emailed_token(tmp_path, migrated_template):
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    output = serve_and_request([str(gunicorn), "-c", "gunicorn.conf.py"], port, tmp_path, migrated_template, "Listening at")
    assert_redacted(output)


@pytest.mark.slow
def test_werkzeugs_access_log_never_holds_an_emailed_token(tmp_path, migrated_template):
    port = free_port()
    flask = Path(sys.executable).with_name("flask")
    output = serve_and_request([str(flask), "--app", "tracker", "run", "--port", str(port)], port, tmp_path,
                               migrated_template, "Running on")
    assert_redacted(output)
    werkzeug_lines = [line for line in output.splitlines() if "INFO werkzeug:" in line]
    assert any("GET /reset/<redacted>?x=1 HTTP/1.1" in line for line in werkzeug_lines), output
