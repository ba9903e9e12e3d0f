"""Operator commands: flask --app tracker users|plans ... (db comes from Flask-Migrate)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .catalog import validate_catalog
from .services import accounts
from .services.errors import Invalid

users = AppGroup("users", help="Manage user accounts.")
plans = AppGroup("plans", help="Check the plan templates and career data in plans/.")


@users.command("create")
@click.argument("email")
@click.option("--time-zone", default="America/New_York", show_default=True, help="IANA time zone name.")
@click.password_option(help="The new user's password (asked for when not given).")
def create_user(email: str, time_zone: str, password: str) -> None:
    """Create an account for EMAIL."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.ClickException(f"{email!r} is not a valid email address: {error}") from None
    try:
        user = accounts.register(email, password, time_zone)
    except Invalid as error:
        raise click.ClickException(f"{error.field}: {error.message}") from None
    click.echo(f"Created {user.email} (time zone {user.time_zone}).")


@plans.command("validate")
def validate_plans() -> None:
    """Check every data file in plans/; exit non-zero on the first problem found in each file."""
    directory = Path(current_app.config["PLANS_DIR"])
    errors = validate_catalog(directory)
    if errors:
        for error in errors:
            click.echo(f"error: {error}", err=True)
        raise SystemExit(1)
    from .catalog import load_catalog

    catalog = load_catalog(directory)
    files = sorted(p.name for p in directory.glob("*.toml"))
    click.echo(
        f"OK: {len(files)} file(s) in {directory}; plan templates: {', '.join(catalog.templates)}"
    )


def register(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(plans)
