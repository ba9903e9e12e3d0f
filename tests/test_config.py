"""Configuration from the environment, with safe defaults."""
from __future__ import annotations

import pytest

from tracker import create_app
from tracker.config import ConfigError


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("RUNGS_ENV", "SECRET_KEY", "DATABASE_URL", "MAIL_SERVER", "MAIL_PORT", "PLANS_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    return monkeypatch


def test_production_refuses_to_start_without_a_secret_key(clean_env, tmp_path):
    clean_env.setenv("RUNGS_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"})


def test_production_with_a_secret_key_sets_secure_cookies(clean_env, tmp_path):
    clean_env.setenv("RUNGS_ENV", "production")
    clean_env.setenv("SECRET_KEY", "s" * 64)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_keeps_a_generated_secret_key_across_restarts(clean_env, tmp_path):
    config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"}
    first = create_app(config)
    second = create_app(config)
    assert first.config["SECRET_KEY"] and first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert not first.config["SESSION_COOKIE_SECURE"]


def test_an_unknown_environment_name_is_refused(clean_env):
    clean_env.setenv("RUNGS_ENV", "staging")
    with pytest.raises(ConfigError, match="RUNGS_ENV"):
        create_app()


def test_database_url_overrides_the_instance_sqlite_file(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/elsewhere.sqlite3")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("elsewhere.sqlite3")


def test_the_default_database_is_a_file_in_the_instance_folder(clean_env, tmp_path):
    app = create_app()
    assert app.instance_path == str(tmp_path / "instance")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/instance/rungs.sqlite3"


def test_a_garbled_mail_port_is_a_clear_error(clean_env):
    clean_env.setenv("MAIL_PORT", "twenty-five")
    with pytest.raises(ConfigError, match="MAIL_PORT must be a whole number"):
        create_app()


def test_mail_connections_default_to_one_and_zero_is_refused(clean_env, tmp_path):
    config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"}
    assert create_app(config).config["MAIL_CONNECTIONS"] == 1
    clean_env.setenv("MAIL_CONNECTIONS", "4")
    assert create_app(config).config["MAIL_CONNECTIONS"] == 4
    clean_env.setenv("MAIL_CONNECTIONS", "0")
    with pytest.raises(ConfigError, match="MAIL_CONNECTIONS"):
        create_app(config)


def test_a_sqlite_file_is_not_pinged_and_a_database_server_is(clean_env, tmp_path):
    """Each request takes a connection from the pool: a server's may have gone stale and is
    checked first; a SQLite file's cannot, so a request runs no statement it did not ask for."""
    from sqlalchemy import event, text

    from tracker.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/a.sqlite3"})
    with app.app_context():
        assert db.engine.pool._pre_ping is False
        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        for _ in range(2):
            db.session.execute(text("SELECT 41 + 1")).scalar_one()
            db.session.remove()
        assert statements == ["SELECT 41 + 1", "SELECT 41 + 1"]
        db.engine.dispose()
    server = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:5432/test"})
    with server.app_context():
        assert db.engine.pool._pre_ping is True
        db.engine.dispose()


def test_a_request_after_the_database_server_dropped_the_connection_gets_a_fresh_one(clean_env):
    from sqlalchemy import create_engine, text

    from tracker.extensions import db

    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with app.app_context():
            first = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            db.session.remove()  # back to the pool
            with admin.connect() as connection:  # the server ends it (a restart, an idle timeout)
                assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar_one()
            second = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            assert second != first
            db.session.remove()
            db.engine.dispose()
    finally:
        admin.dispose()
