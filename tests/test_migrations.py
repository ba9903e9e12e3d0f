"""The schema comes from the migrations, and the migrations agree with the models."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from tracker import create_app
from tracker.config import PROJECT_ROOT
from tracker.extensions import db

from conftest import app_config


def test_migrations_build_exactly_the_schema_the_models_describe(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_migrations_downgrade_to_nothing_and_upgrade_again(tmp_path):
    app = create_app(app_config(tmp_path, tmp_path / "fresh.sqlite3"))
    with app.app_context():
        flask_migrate.upgrade()
        assert "plans" in inspect(db.engine).get_table_names()
        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
        assert {"users", "plans", "milestones"} <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_the_app_factory_does_not_create_tables(tmp_path):
    app = create_app(app_config(tmp_path, tmp_path / "empty.sqlite3"))
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        db.engine.dispose()


def test_0009_links_each_ceu_to_the_credential_it_counted_toward(tmp_path):
    app = create_app(app_config(tmp_path, tmp_path / "old.sqlite3"))
    with app.app_context():
        flask_migrate.upgrade(revision="0006_data_version")
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO users (id, email, password_hash, time_zone, session_version, data_version, created_at) "
                "VALUES (1, 'a@example.com', 'x', 'UTC', 1, 0, '2026-01-01 00:00:00')")
            for id_, code in ((1, "CPC"), (2, "CPMA")):
                connection.exec_driver_sql(
                    "INSERT INTO credentials (id, user_id, body, code, earned_on, experience_months, created_at) "
                    f"VALUES ({id_}, 1, 'aapc', '{code}', '2020-06-15', 0, '2026-01-01 00:00:00')")
            for id_, applies_to in ((1, ""), (2, "CPMA")):
                connection.exec_driver_sql(
                    "INSERT INTO ceu_activities (id, user_id, body, completed_on, title, provider, reference, "
                    "ceus_hundredths, applies_to, next_cycle, created_at) "
                    f"VALUES ({id_}, 1, 'aapc', '2026-01-10', 'Course', '', '', 100, '{applies_to}', 0, '2026-01-10 00:00:00')")
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            links = connection.exec_driver_sql("SELECT activity_id, credential_id FROM ceu_credentials").fetchall()
            references = connection.exec_driver_sql("SELECT second_reference FROM ceu_activities").fetchall()
        assert [tuple(row) for row in links] == [(2, 2)]  # the general CEU stays general
        assert [tuple(row) for row in references] == [("",), ("",)]
        db.engine.dispose()


def test_account_secrets_migration_keeps_every_row_and_stops_id_reuse(tmp_path):
    """0008 rebuilds users on SQLite (AUTOINCREMENT): foreign keys are off meanwhile, so the rebuild
    cascades into nothing; every existing account gets its own secret."""
    app = create_app(app_config(tmp_path, tmp_path / "old.sqlite3"))
    with app.app_context():
        flask_migrate.upgrade(revision="0006_data_version")
        db.session.execute(text(
            "INSERT INTO users (id, email, password_hash, time_zone, session_version, data_version, created_at) "
            "VALUES (1, 'a@example.com', 'x', 'UTC', 1, 0, '2026-01-01'), (2, 'b@example.com', 'x', 'UTC', 1, 0, '2026-01-01')"))
        db.session.execute(text(
            "INSERT INTO plans (user_id, template_id, title, start_date, pace, created_at, active_rank) "
            "VALUES (2, 'cpc', 'Mine', '2027-01-04', 'full_time', '2026-01-01', 1)"))
        db.session.commit()
        db.session.remove()
        flask_migrate.upgrade()
        assert db.session.execute(text("SELECT count(*) FROM plans WHERE user_id = 2")).scalar_one() == 1
        secrets = db.session.execute(text("SELECT auth_secret FROM users")).scalars().all()
        assert len(set(secrets)) == 2 and all(len(s) == 64 for s in secrets)
        if db.engine.dialect.name == "sqlite":
            schema = db.session.execute(text("SELECT sql FROM sqlite_master WHERE name = 'users'")).scalar_one()
            assert "AUTOINCREMENT" in schema
            assert db.session.execute(text("PRAGMA foreign_keys")).scalar_one() == 1  # on again for the app
        db.session.execute(text("DELETE FROM users WHERE id = 2"))
        db.session.execute(text(
            "INSERT INTO users (email, password_hash, time_zone, session_version, data_version, created_at, auth_secret) "
            "VALUES ('c@example.com', 'x', 'UTC', 1, 0, '2026-01-01', 'ab')"))
        assert db.session.execute(text("SELECT id FROM users WHERE email = 'c@example.com'")).scalar_one() == 3
        db.session.remove()
        db.engine.dispose()


FAILING_MIGRATION = '''
from alembic import op
import sqlalchemy as sa

revision = "9999_fails"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    with op.batch_alter_table("users", recreate="always") as batch_op:
        batch_op.add_column(sa.Column("half", sa.Integer, nullable=True))
    op.execute("UPDATE users SET half = 1")
    raise RuntimeError("this migration fails half way")


def downgrade():
    pass
'''


def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path):
    from alembic.script import ScriptDirectory

    migrations = tmp_path / "migrations"
    shutil.copytree(PROJECT_ROOT / "migrations", migrations, ignore=shutil.ignore_patterns("__pycache__"))
    head = ScriptDirectory(str(migrations)).get_current_head()
    app = create_app(app_config(tmp_path, tmp_path / "db.sqlite3"))
    with app.app_context():
        flask_migrate.upgrade(directory=str(migrations))
        (migrations / "versions" / "9999_fails.py").write_text(FAILING_MIGRATION.format(head=head))
        db.session.execute(text(
            "INSERT INTO users (email, password_hash, time_zone, session_version, data_version, created_at, auth_secret) "
            "VALUES ('a@example.com', 'x', 'UTC', 1, 0, '2026-01-01', 'ab')"))
        db.session.execute(text(
            "INSERT INTO plans (user_id, template_id, title, start_date, pace, created_at, active_rank) "
            "VALUES (1, 'cpc', 'Mine', '2027-01-04', 'full_time', '2026-01-01', 1)"))
        db.session.commit()
        db.session.remove()
        before = {t: [c["name"] for c in inspect(db.engine).get_columns(t)] for t in inspect(db.engine).get_table_names()}
        with pytest.raises(SystemExit):  # Flask-Migrate's answer to a failed migration
            flask_migrate.upgrade(directory=str(migrations))
        db.session.remove()
        db.engine.dispose()
        after = {t: [c["name"] for c in inspect(db.engine).get_columns(t)] for t in inspect(db.engine).get_table_names()}
        assert after == before
        assert db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head
        assert db.session.execute(text("SELECT count(*) FROM plans")).scalar_one() == 1
        db.session.remove()
        db.engine.dispose()


def test_backup_copies_the_database_only_when_migrations_wait(tmp_path):
    app = create_app(app_config(tmp_path, tmp_path / "db.sqlite3"))
    runner = app.test_cli_runner()
    assert "nothing to back up" in runner.invoke(args=["backup"]).output
    with app.app_context():
        flask_migrate.upgrade(revision="0006_data_version")
        db.session.execute(text(
            "INSERT INTO users (email, password_hash, time_zone, session_version, data_version, created_at) "
            "VALUES ('a@example.com', 'x', 'UTC', 1, 0, '2026-01-01')"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    result = runner.invoke(args=["backup", "--if-behind"])
    assert result.exit_code == 0 and "Backed up" in result.output, result.output
    copies = list((Path(app.instance_path) / "backups").glob("rungs-*.sqlite3"))
    assert len(copies) == 1
    copy = sqlite3.connect(copies[0])
    assert copy.execute("SELECT email FROM users").fetchall() == [("a@example.com",)]
    assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [("0006_data_version",)]
    copy.close()
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    assert runner.invoke(args=["backup", "--if-behind"]).output == ""  # up to date: no copy
    assert len(list((Path(app.instance_path) / "backups").glob("rungs-*.sqlite3"))) == 1
