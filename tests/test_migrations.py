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
