"""SQLite in WAL mode with a busy timeout: several processes writing through the app at once (web
workers, a reminder worker) wait their turn instead of failing with "database is locked".

Always SQLite, whatever TEST_DATABASE_URL says: this is about SQLite's locking.
"""
from __future__ import annotations

import pytest

import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from sqlalchemy import func, select, text

from tracker import create_app
from tracker.extensions import db
from tracker.models import CeuActivity, User
from tracker.services import accounts

from conftest import app_config
from support import PASSWORD

WRITERS = 4
CEUS_EACH = 15

# One web worker's life: its own app and engine on the shared file, signing in and posting CEUs
# (each post also re-plans the user's reminders in the same transaction).
WRITER = textwrap.dedent(
    """
    import json, sys
    from tracker import create_app
    config = json.loads(sys.argv[1])
    app = create_app(config)
    client = app.test_client()
    email, count = sys.argv[2], int(sys.argv[3])
    statuses = []
    statuses.append(client.post("/login", data={"email": email, "password": config["PASSWORD"]}).status_code)
    statuses.append(client.post("/credentials/new", data={"code": "CPC", "earned_on": "2024-01-10", "renewal_month": "5"}).status_code)
    for n in range(count):
        answer = client.post("/credentials/ceus/new", data={
            "completed_on": "2026-01-10", "title": f"Webinar {n} of {email}", "ceus": "1", "counts_toward": "aapc",
        })
        statuses.append(answer.status_code)
    print(json.dumps(statuses))
    """
)


def shared_database(tmp_path: Path, migrated_template: Path) -> tuple[dict, Path]:
    database = tmp_path / "shared.sqlite3"
    shutil.copy(migrated_template, database)
    config = {**app_config(tmp_path, database), "WTF_CSRF_ENABLED": False}
    return config, database


def test_sqlite_is_opened_in_wal_mode_with_a_busy_timeout(tmp_path, migrated_template):
    config, _ = shared_database(tmp_path, migrated_template)
    app = create_app(config)
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


@pytest.mark.slow
def test_several_processes_writing_at_once_all_succeed(tmp_path, migrated_template):
    config, _ = shared_database(tmp_path, migrated_template)
    app = create_app(config)
    emails = [f"writer{n}@example.com" for n in range(WRITERS)]
    with app.app_context():
        for email in emails:
            accounts.register(email, PASSWORD, "America/New_York")
        db.engine.dispose()

    child_config = json.dumps({**config, "PASSWORD": PASSWORD})
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, child_config, email, str(CEUS_EACH)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
        for email in emails
    ]
    results = [writer.communicate(timeout=180) for writer in writers]

    for writer, (out, err) in zip(writers, results):
        assert "database is locked" not in err
        assert writer.returncode == 0, err[-3000:]
        statuses = json.loads(out.strip().splitlines()[-1])
        assert statuses == [302] * (CEUS_EACH + 2), (statuses, err[-3000:])
    with app.app_context():
        counts = dict(db.session.execute(
            select(User.email, func.count(CeuActivity.id)).join(CeuActivity, CeuActivity.user_id == User.id).group_by(User.email)
        ).all())
        db.engine.dispose()
    assert counts == {email: CEUS_EACH for email in emails}, "no write was lost"


@pytest.mark.slow
def test_threads_of_one_process_writing_at_once_all_succeed(tmp_path, migrated_template):
    """Like one threaded web server: each thread its own request and connection from the pool."""
    config, _ = shared_database(tmp_path, migrated_template)
    app = create_app(config)
    emails = [f"thread{n}@example.com" for n in range(WRITERS)]
    with app.app_context():
        for email in emails:
            accounts.register(email, PASSWORD, "UTC")
    statuses: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def write(email: str) -> None:
        try:
            client = app.test_client()
            mine = [client.post("/login", data={"email": email, "password": PASSWORD}).status_code,
                    client.post("/credentials/new", data={"code": "CPC", "earned_on": "2024-01-10", "renewal_month": "5"}).status_code]
            for n in range(CEUS_EACH):
                mine.append(client.post("/credentials/ceus/new", data={
                    "completed_on": "2026-01-10", "title": f"Course {n}", "ceus": "0.5", "counts_toward": "aapc",
                }).status_code)
            statuses[email] = mine
        except BaseException as error:  # reported below, with the thread's email
            errors.append(error)

    threads = [threading.Thread(target=write, args=(email,)) for email in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not errors, errors
    assert statuses == {email: [302] * (CEUS_EACH + 2) for email in emails}
    with app.app_context():
        assert db.session.scalar(select(func.count(CeuActivity.id))) == WRITERS * CEUS_EACH
        db.session.remove()
        db.engine.dispose()
