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

# Concurrency on the real PostgreSQL server (sweepers and workers at once, a second connection
# holding row locks while a claim runs) over hundreds of rows: the full suite runs these.
pytestmark = pytest.mark.slow

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
        # One database for the module: each test starts from empty tables.
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()
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


SCALE = 25  # simulated seconds per real second in the lease test (a 30 s lease is 1.2 s)


def test_two_workers_on_a_slow_server_send_250_rows_once_with_leases_shorter_than_a_batch(pg_app, clock):
    """A server taking 2 s a message, a 30 s lease, 250 due rows, two workers started 10 s apart,
    each sweeping again as soon as it is done, with its own clock (the second one 1 s ahead).
    Simulated time runs SCALE times faster than the test (2 s a message is 80 ms here). A batch of
    200 takes 400 s: without renewal the second worker takes over rows the first is still sending."""
    import threading
    import time

    from tracker.services import reminders

    smtp = SMTPServer()
    smtp.recorder.delay = 2 / SCALE
    smtp.start()
    pg_app.config.update({**smtp.config, "REMINDER_LEASE_SECONDS": 30})
    start = dt.datetime(2026, 11, 23, 13, 0, tzinfo=UTC)  # 08:00 in New York
    try:
        with pg_app.app_context():
            seed_due_rows(25, 10, dt.date(2026, 11, 24))
        real_start = time.monotonic()
        errors: list[BaseException] = []

        def worker(skew: dt.timedelta, delay: float) -> None:
            def clock() -> dt.datetime:
                return start + skew + dt.timedelta(seconds=(time.monotonic() - real_start) * SCALE)

            time.sleep(delay / SCALE)
            try:
                with pg_app.app_context():
                    while time.monotonic() - real_start < 60:
                        reminders.sweep(clock(), clock=clock)
                        left = db.session.execute(
                            select(func.count()).select_from(Reminder).where(Reminder.status.in_(("pending", "sending")),
                                                                            Reminder.due_at <= start)
                        ).scalar_one()
                        db.session.commit()
                        if left == 0:
                            return
                        time.sleep(1 / SCALE)
            except Exception as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=worker, args=(dt.timedelta(0), 0)),
                   threading.Thread(target=worker, args=(dt.timedelta(seconds=1), 10))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)
        assert errors == []
        ids = smtp.recorder.message_ids
        assert len(set(ids)) == 250
        assert len(ids) == 250  # none twice
        with pg_app.app_context():
            statuses = dict(db.session.execute(select(Reminder.status, func.count()).where(
                Reminder.due_at <= start).group_by(Reminder.status)).all())
            assert statuses == {"sent": 250}
    finally:
        smtp.stop()


@pytest.mark.parametrize("planner", [
    "", "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL enable_material = off",
    # A nested-loop semi-join that re-runs a LIMIT ... FOR UPDATE SKIP LOCKED subquery for every
    # outer row: each re-run skips the rows this UPDATE already changed and hands out 200 more
    # (an UPDATE ... WHERE id IN (that subquery) claimed all 500 due rows under this plan).
    "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL enable_material = off; "
    "SET LOCAL enable_hashagg = off; SET LOCAL enable_sort = off",
])
def test_a_claim_on_postgresql_takes_exactly_the_batch_size_whatever_the_plan(pg_app, clock, planner):
    from tracker.services import reminders

    now = dt.datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
    with pg_app.app_context():
        seed_due_rows(50, 10, dt.date(2026, 11, 24))
        db.session.execute(text("ANALYZE reminders"))
        db.session.commit()
        # Another sweeper holds the first 50 due rows: a claim skips them and still takes 200.
        other = db.engine.connect()
        held = other.execute(text(
            "SELECT id FROM reminders WHERE status = 'pending' ORDER BY due_at, id LIMIT 50 FOR UPDATE")).scalars().all()
        try:
            for statement in filter(None, planner.split("; ")):
                db.session.execute(text(statement))
            owned = reminders.claim(now, 200)
            assert len(owned) == 200 and not set(owned) & set(held)
            sending = db.session.execute(
                select(func.count()).select_from(Reminder).where(Reminder.status == "sending")).scalar_one()
            assert sending == 200
            tokens = db.session.execute(select(Reminder.claim_token).where(Reminder.status == "sending").distinct()).all()
            assert len(tokens) == 1 and tokens[0][0]
        finally:
            other.rollback()
            other.close()
