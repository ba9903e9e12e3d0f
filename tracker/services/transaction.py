"""One transaction around several service calls, and reads of plain rows within it.

Each service commits its own change, which suits a form that does one thing. An API request may
ask for several changes at once (a PATCH with a status, a duration and notes): inside
:func:`atomic`, the services' :func:`commit` only flushes, and the block commits once at the end
or rolls everything back, so a request that fails half-way writes nothing.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import CursorResult, Executable

from ..extensions import db

_deferred: ContextVar[bool] = ContextVar("rungs_deferred_commit", default=False)


def commit() -> None:
    """Commit the session, or only flush it inside :func:`atomic`."""
    if _deferred.get():
        db.session.flush()
    else:
        db.session.commit()


@contextmanager
def atomic() -> Iterator[None]:
    """Run the block's service calls as one transaction: all of them, or none."""
    if _deferred.get():  # already inside one: the outer block commits
        yield
        return
    token = _deferred.set(True)
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _deferred.reset(token)
    db.session.commit()


def read(statement: Executable, parameters: Mapping[str, object]) -> CursorResult:
    """The rows of a statement of table columns (no ORM entity), run on the session's
    connection, in its transaction: what ``db.session.execute`` gives for such a statement,
    without the ORM's execution path around it (a tenth of a small read's cost, on every page).
    Changes not yet flushed are flushed first, as the session's own execute does."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection().execute(statement, parameters)
