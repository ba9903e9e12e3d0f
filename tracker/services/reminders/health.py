"""The worker's status row: when it last swept, and whether that is too long ago (/healthz)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ...extensions import db
from ...models import WorkerStatus

WORKER = "reminders"


@dataclass
class SweepResult:
    refreshed: int = 0
    planned: int = 0
    reclaimed: int = 0
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    unavailable: int = 0  # of the retried: the server's fault, no attempt spent
    lost: int = 0  # sent after the lease ran out (not recorded by this sweeper)
    taken_over: int = 0  # claimed, then taken by another sweeper before this one sent them
    held_back: int = 0  # not sent: the lease was too close to its end; back to pending

    def line(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.__dict__.items())


def _record(now: dt.datetime, result: SweepResult) -> None:
    """Upsert the worker's status: sweepers finishing at once (the first sweep on a new database
    included) must not collide on the row, and a later sweep is never overwritten by an earlier one."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(WorkerStatus).values(name=WORKER, last_sweep_at=now, last_counts=json.dumps(result.__dict__))
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[WorkerStatus.name],
        set_={"last_sweep_at": statement.excluded.last_sweep_at, "last_counts": statement.excluded.last_counts},
        where=or_(WorkerStatus.last_sweep_at.is_(None), WorkerStatus.last_sweep_at <= statement.excluded.last_sweep_at),
    ))
    db.session.commit()


def last_sweep() -> WorkerStatus | None:
    return db.session.get(WorkerStatus, WORKER)


# A sweep may run late (a slow SMTP server, a busy machine); this many intervals without one
# means the worker is down or stuck.
STALE_AFTER_SWEEPS = 3


@dataclass(frozen=True)
class SweepHealth:
    """How recently the reminder worker swept, for /healthz."""

    last_sweep: dt.datetime | None
    age_seconds: int | None
    stale_after_seconds: int
    stale: bool


def sweep_health(now: dt.datetime, sweep_seconds: int) -> SweepHealth:
    """The last sweep's time and age; stale when older than a few sweep intervals, or when no
    worker has ever swept this database."""
    status = last_sweep()
    last = status.last_sweep_at if status else None
    age = round((now - last).total_seconds()) if last else None
    limit = STALE_AFTER_SWEEPS * sweep_seconds
    return SweepHealth(last, age, limit, age is None or age > limit)
