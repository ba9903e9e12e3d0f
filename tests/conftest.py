"""Shared fixtures: a fresh migrated database per test, a clock we control, a browser-like client.

The schema comes from the real migrations. On SQLite (the default) they run once per test session
into a template file, which each test copies. With TEST_DATABASE_URL set to a PostgreSQL server
(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) the suite makes a throwaway database on
that server, migrates it once, and empties every table before each test.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from pathlib import Path

import flask_migrate
import jinja2
import pytest
import time_machine

from tracker import create_app
from tracker.extensions import db

from builders import signed_in
from smtp_server import SMTPServer
from support import Browser

# A Monday in late November, in the middle of a normal week for every US zone.
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.timezone.utc)
PASSWORD = "correct horse battery"


def app_config(tmp_path: Path, database: Path, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "MAIL_SERVER": None,
        "CERTIFICATE_DIR": str(tmp_path / "certificates"),
        **extra,
    }


@pytest.fixture(scope="session", autouse=True)
def instance_folder(tmp_path_factory):
    """Keep every app the tests build out of the repository's instance/ folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
        yield


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("template-db")
    database = folder / "template.sqlite3"
    app = create_app(app_config(folder, database))
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return database


POSTGRES = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def postgres_database():
    """A throwaway PostgreSQL database on TEST_DATABASE_URL's server, migrated once; None on SQLite."""
    if not POSTGRES:
        yield None
        return
    from sqlalchemy import create_engine, text

    server, _, _ = POSTGRES.rpartition("/")
    name = f"rungs_suite_{uuid.uuid4().hex[:10]}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{server}/{name}"
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_migrated(postgres_database, tmp_path_factory):
    if postgres_database is None:
        return None
    folder = tmp_path_factory.mktemp("pg")
    app = create_app({**app_config(folder, folder / "unused.sqlite3"), "SQLALCHEMY_DATABASE_URI": postgres_database})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return postgres_database


class TemplateCode(jinja2.BytecodeCache):
    """Compiled templates kept in memory for every app of this process. Each test builds its own
    app, and each app's Jinja environment would compile the same templates again (a fifth of a
    page test's time); a template whose source changed is compiled afresh (Jinja checks a
    checksum of the source)."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = TemplateCode()


@pytest.fixture
def app(tmp_path, migrated_template, postgres_migrated):
    if postgres_migrated:
        app = create_app({**app_config(tmp_path, tmp_path / "unused.sqlite3"), "SQLALCHEMY_DATABASE_URI": postgres_migrated})
        with app.app_context():
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            db.session.execute(db.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.session.commit()
    else:
        database = tmp_path / "rungs.sqlite3"
        shutil.copy(migrated_template, database)
        app = create_app(app_config(tmp_path, database))
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def clock():
    """The clock, frozen at NOW; move it with clock.move_to(...)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def browser(app, clock):
    return Browser(app.test_client())


@pytest.fixture
def user_browser(browser):
    """A browser signed in as a freshly registered user (made through the services: tests of
    sign-up itself use ``register`` from support.py)."""
    return signed_in(browser)


@pytest.fixture
def smtp(app):
    """A real SMTP server (aiosmtpd on 127.0.0.1) that the app sends through, recording what arrives."""
    server = SMTPServer()
    server.start()
    app.config.update(server.config)
    yield server
    server.stop()
