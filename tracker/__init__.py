"""Rungs: a career-plan tracker for medical coders."""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from .config import check_limits, ensure_secret_key, from_environment


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, commands, error handlers.

    ``config`` overrides what the environment says (tests pass their database and folders).
    The factory never runs migrations and never starts a scheduler.
    """
    app = Flask(
        __name__,
        template_folder="../templates",
        instance_path=os.environ.get("INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    _configure(app, config)
    _init_extensions(app)
    _register_change_listeners()
    _register_blueprints(app)
    _register_error_handlers(app)
    _register_api(app)
    _register_commands_filters_and_hooks(app)
    return app


def _configure(app: Flask, config: Mapping[str, Any] | None) -> None:
    """Settings: the environment, then ``config``; checked before anything uses them."""
    app.config.from_mapping(from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)
    from .database import engine_options

    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    os.makedirs(app.instance_path, exist_ok=True)
    ensure_secret_key(app.config, app.instance_path)
    check_limits(app.config)
    if app.config.get("PROXY_COUNT"):
        # Behind PROXY_COUNT proxies: the client's address (sign-in limits) and scheme come from
        # their X-Forwarded-* headers. Without the setting those headers are ignored: a client
        # could write anything in them.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def _init_extensions(app: Flask) -> None:
    """The database, migrations, CSRF, sign-in and rate limits."""
    from . import database, extensions

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(_project_path("migrations")))
    extensions.csrf.init_app(app)
    extensions.login_manager.init_app(app)
    extensions.limiter.init_app(app)
    database.configure(app)

    from .auth import SessionInterface, load_user

    extensions.login_manager.user_loader(load_user)
    app.session_interface = SessionInterface()


def _register_change_listeners() -> None:
    """What follows every write, in the same transaction."""
    from .services import reminders as reminder_service

    reminder_service.register()  # outbox rows follow every write, in the same transaction

    from .services import versions

    versions.register()  # each user's data version follows every write (for cached pages)

    from .services import teams as team_service

    team_service.register()  # each team's version follows its members' writes (issue 17)


def _register_blueprints(app: Flask) -> None:
    """The URL converters, then every page's blueprint."""
    from . import urls

    urls.register(app)  # bounded ids in URLs, before any route exists

    from .views import (
        auth, calendar, certificate_reads, ceus, credentials, ladder, main, onboarding, plans, reminders,
        settings, teams,
    )

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(plans.bp)
    app.register_blueprint(onboarding.bp)
    app.register_blueprint(settings.bp)
    app.register_blueprint(credentials.bp)
    app.register_blueprint(ladder.bp)
    app.register_blueprint(reminders.bp)
    app.register_blueprint(calendar.bp)
    app.register_blueprint(ceus.bp)
    app.register_blueprint(teams.bp)
    app.register_blueprint(certificate_reads.bp)


def _register_error_handlers(app: Flask) -> None:
    """Error pages for people, JSON errors under /api/."""
    from .views import errors

    errors.register(app)


def _register_api(app: Flask) -> None:
    """The JSON API (/api/v1) and its OpenAPI document."""
    from . import api

    api.register(app)


def _register_commands_filters_and_hooks(app: Flask) -> None:
    """The flask commands, the Jinja filters, the security headers and logging."""
    from . import cli, logs, security
    from .views import filters

    cli.register(app)
    filters.register(app)
    security.register(app)
    logs.configure(app)


def _project_path(name: str):
    from .config import PROJECT_ROOT

    return PROJECT_ROOT / name
