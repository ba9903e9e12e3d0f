"""Operator commands: flask --app tracker users|plans ... (db comes from Flask-Migrate)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .catalog import validate_catalog
from .domain.clock import utc_now
from .services import accounts
from .services.errors import Invalid

users = AppGroup("users", help="Manage user accounts.")
reminders = AppGroup("reminders", help="Plan, send and list reminder emails.")
plans = AppGroup("plans", help="Check the plan templates and career data in plans/.")
tokens = AppGroup("tokens", help="Personal access tokens for the JSON API (/api/v1).")
data = AppGroup("data", help="Export a user's data to a file, or import it into an empty account.")


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


def _instant(value: str | None):
    import datetime as dt

    if not value:
        return utc_now()
    try:
        instant = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date and time like 2027-05-01T08:00") from None
    return instant.replace(tzinfo=dt.timezone.utc) if instant.tzinfo is None else instant.astimezone(dt.timezone.utc)


@reminders.command("sweep")
@click.option("--now", "now", default=None, help="Sweep as at this instant (UTC unless an offset is given), e.g. 2027-05-01T08:00.")
def sweep_reminders(now: str | None) -> None:
    """Run one reminder sweep: plan, claim due reminders, send them."""
    from .services import reminders as service

    result = service.sweep(_instant(now))
    click.echo(result.line())


@reminders.command("list")
@click.option("--user", "email", required=True, help="The user's email address.")
def list_reminders(email: str) -> None:
    """List a user's reminders: pending, sent, failed, cancelled."""
    from .services import reminders as service

    for status, rows in service.list_reminders(_user(email)).items():
        for row in rows:
            when = (row.sent_at or row.due_at).isoformat(timespec="minutes")
            error = f"  ({row.last_error})" if row.last_error and status != "sent" else ""
            click.echo(f"{status:9} {when}  {row.kind:17} {row.occurrence}  {row.title}{error}")


def _user(email: str):
    user = accounts.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no user with the email {email!r}")
    return user


@tokens.command("create")
@click.argument("email")
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
def create_token(email: str, name: str) -> None:
    """Make an API token for EMAIL and print it (only this once: Rungs keeps a hash)."""
    from .services import api_tokens

    try:
        token, secret = api_tokens.create_token(_user(email), name)
    except Invalid as error:
        raise click.ClickException(f"{error.field}: {error.message}") from None
    click.echo(f"Token {token.id} ({token.name}) for {email}. Copy it now, it is not shown again:", err=True)
    click.echo(secret)


@tokens.command("list")
@click.argument("email")
def list_tokens(email: str) -> None:
    """List EMAIL's working tokens (their first characters, never the secret)."""
    from .services import api_tokens

    rows = api_tokens.list_tokens(_user(email))
    if not rows:
        click.echo("No tokens.")
    for row in rows:
        used = row.last_used_at.isoformat(timespec="minutes") if row.last_used_at else "never used"
        click.echo(f"{row.id:5}  {row.prefix}…  {row.name}  created {row.created_at:%Y-%m-%d}, {used}")


@tokens.command("revoke")
@click.argument("email")
@click.argument("token_id", type=click.IntRange(min=1))
def revoke_token(email: str, token_id: int) -> None:
    """Revoke one of EMAIL's tokens: it stops working at once."""
    from .services import api_tokens
    from .services.errors import NotFound

    try:
        api_tokens.revoke_token(_user(email), token_id)
    except NotFound:
        raise click.ClickException(f"{email} has no working token {token_id}") from None
    click.echo(f"Revoked token {token_id}.")


def _certificates_beside(path: Path) -> Path:
    """Where the certificates ZIP of an export file goes: data.json → data.certificates.zip."""
    return path.with_name(f"{path.stem}.certificates.zip")


@data.command("export")
@click.argument("email")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export_data(email: str, file: Path) -> None:
    """Write everything of EMAIL's to FILE (JSON), and their certificates to FILE's .certificates.zip."""

    from .services import portability

    user = _user(email)
    file.write_bytes(portability.export_json(user, utc_now()))
    click.echo(f"Wrote {file}")
    if portability.has_certificates(user):
        zip_path = _certificates_beside(file)
        zip_path.write_bytes(portability.export_certificates(user))
        click.echo(f"Wrote {zip_path}")


@data.command("import")
@click.argument("email")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--certificates", "zip_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="The certificates ZIP (default: FILE's .certificates.zip when it exists).")
def import_data(email: str, file: Path, zip_path: Path | None) -> None:
    """Restore FILE (a Rungs export) into EMAIL's account, which must be empty. All or nothing."""

    from .domain.clock import today_in
    from .services import portability

    user = _user(email)
    if zip_path is None and _certificates_beside(file).is_file():
        zip_path = _certificates_beside(file)
    try:
        counts = portability.import_account(
            user, file.read_bytes(), zip_path.read_bytes() if zip_path else None,
            today_in(user.time_zone),
        )
    except Invalid as error:
        raise click.ClickException(f"nothing was imported: {error.field}: {error.message}") from None
    click.echo("Imported " + ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items()) + ".")


@click.command("worker")
@click.option("--every", "seconds", type=click.IntRange(min=1), default=None, help="Seconds between sweeps (default REMINDER_SWEEP_SECONDS, 60).")
def worker(seconds: int | None) -> None:
    """Run the reminder worker: a sweep every minute until stopped (SIGTERM or Ctrl-C)."""
    from . import worker as worker_module

    app = current_app._get_current_object()
    worker_module.run(app, seconds or app.config["REMINDER_SWEEP_SECONDS"])


@click.command("backup")
@with_appcontext
@click.option("--if-behind", is_flag=True, help="Only when migrations are waiting (scripts/run, before db upgrade).")
def backup(if_behind: bool) -> None:
    """Copy the SQLite database to instance/backups/rungs-YYYYmmdd-HHMMSS.sqlite3."""
    import datetime as dt

    from .services.backup import backup_sqlite, sqlite_path

    database = sqlite_path(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if database is None:
        click.echo("Not a SQLite database: back it up with the database's own tools (pg_dump).")
        return
    if not database.exists():
        click.echo("No database file yet: nothing to back up.")
        return
    if if_behind and not _migrations_waiting():
        return
    target = backup_sqlite(database, Path(current_app.instance_path) / "backups", dt.datetime.now())
    click.echo(f"Backed up {database} to {target}")


def _migrations_waiting() -> bool:
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from .extensions import db

    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    db.engine.dispose()
    return current != set(script.get_heads())


def register(app: Flask) -> None:
    app.cli.add_command(backup)
    app.cli.add_command(users)
    app.cli.add_command(plans)
    app.cli.add_command(reminders)
    app.cli.add_command(tokens)
    app.cli.add_command(worker)
    app.cli.add_command(data)
