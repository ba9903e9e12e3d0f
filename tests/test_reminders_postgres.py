"""Four reminder sweepers at once on PostgreSQL (127.0.0.1:5432): every due row sent exactly once.

Uses a throwaway database on the server named by TEST_POSTGRES_SERVER (default: the local server,
trust auth), created and migrated for this module and dropped afterwards.
"""
from __future__ import annotations

import datetime as dt
import os
import uuid

import flask_migrate
import pytest
from sqlalchemy import create_engine, func, select, text

from tracker import create_app
from tracker.extensions import db
from tracker.models import Reminder

from conftest import app_config
from smtp_server import SMTPServer, concurrent_sweeps, seed_due_rows

SERVER = os.environ.get("TEST_POSTGRES_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def postgres_url():
    name = f"rungs_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_app(tmp_path, postgres_url):
    app = create_app({**app_config(tmp_path, tmp_path / "unused.sqlite3"), "SQLALCHEMY_DATABASE_URI": postgres_url})
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_four_sweepers_on_postgresql_send_1000_rows_exactly_once(pg_app, clock):
    smtp = SMTPServer()
    smtp.start()
    pg_app.config.update(smtp.config)
    today = dt.date(2026, 11, 23)
    now = dt.datetime(2026, 11, 23, 13, 0, tzinfo=UTC)  # 08:00 in New York
    try:
        with pg_app.app_context():
            seed_due_rows(100, 10, today + dt.timedelta(days=1))
            due = db.session.execute(
                select(func.count()).select_from(Reminder).where(Reminder.status == "pending", Reminder.due_at <= now)
            ).scalar_one()
            assert due == 1000
        assert concurrent_sweeps(pg_app, now, 4) == []
        assert len(smtp.recorder.messages) == 1000
        assert len(set(smtp.recorder.message_ids)) == 1000
        with pg_app.app_context():
            statuses = db.session.execute(select(Reminder.status, func.count()).group_by(Reminder.status)).all()
            assert dict(statuses)["sent"] == 1000
            assert "sending" not in dict(statuses)
    finally:
        smtp.stop()
