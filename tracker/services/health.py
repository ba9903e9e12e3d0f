"""Whether the database answers, and when the reminder worker last swept: for /healthz."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from ..extensions import db
from . import reminders as reminder_service


class DatabaseUnreachable(Exception):
    """The database did not answer; the original error is the ``__cause__``."""


def check(now: dt.datetime, sweep_seconds: int):
    """The reminder sweeps' health once the database has answered a trivial query; raises
    :class:`DatabaseUnreachable` (after rolling the session back) when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
        return reminder_service.sweep_health(now, sweep_seconds)
    except Exception as error:
        db.session.rollback()
        raise DatabaseUnreachable(f"{type(error).__name__}: {error}") from error
