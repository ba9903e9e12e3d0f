"""The schema comes from the migrations, and the migrations agree with the models."""
from __future__ import annotations

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from tracker import create_app
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
