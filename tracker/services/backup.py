"""Backups of a SQLite database before migrations (scripts/run), with SQLite's online backup API:
a consistent copy even while the web server or the worker is writing."""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


def sqlite_path(database_url: str) -> Path | None:
    """The file behind a SQLite URL; None for other databases or an in-memory one."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def backup_sqlite(database: Path, folder: Path, now: dt.datetime) -> Path:
    """Copy ``database`` to ``folder``/rungs-YYYYmmdd-HHMMSS.sqlite3 and return the copy's path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"rungs-{now:%Y%m%d-%H%M%S}.sqlite3"
    number = 1
    while target.exists():  # two backups in one second
        number += 1
        target = folder / f"rungs-{now:%Y%m%d-%H%M%S}-{number}.sqlite3"
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    return target
