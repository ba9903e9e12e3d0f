"""Database connection settings that Flask-SQLAlchemy leaves to us."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Foreign keys (ON DELETE CASCADE) are off in SQLite unless asked for on each connection;
    # WAL and a busy timeout let the web server and the worker write without "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def engine_options(uri: str) -> dict:
    """A database server's connections go stale (a restart, an idle timeout): each one is checked
    as it leaves the pool. A SQLite file's connections cannot, and the check cost every request
    one more statement, so SQLite goes without."""
    return {} if uri.startswith("sqlite") else {"pool_pre_ping": True}


def configure(app: Flask) -> None:
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_pragmas):
            event.listen(engine, "connect", _sqlite_pragmas)
