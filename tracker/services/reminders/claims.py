"""Claims and leases: a due row belongs to one sweeper, under a random claim token, until its
lease runs out (a conditional UPDATE; FOR UPDATE SKIP LOCKED on PostgreSQL)."""
from __future__ import annotations

import datetime as dt
import secrets

from flask import current_app
from sqlalchemy import or_, select, update

from ...extensions import db
from ...models import Reminder

LEASE = dt.timedelta(minutes=5)
CLAIM_BATCH = 200


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.config.get("REMINDER_LEASE_SECONDS") or LEASE.total_seconds())


def new_claim_token() -> str:
    """A random token naming one claim: only the sweeper holding it may record those rows."""
    return secrets.token_hex(16)


def claim(
    now: dt.datetime, limit: int = CLAIM_BATCH, *, token: str | None = None, lease: dt.timedelta | None = None,
    due_by: dt.datetime | None = None,
) -> list[int]:
    """Own up to ``limit`` rows due by ``due_by`` (default ``now``), leased from ``now`` (the
    moment of the claim) and marked with ``token``; returns their ids, committed.

    On PostgreSQL the ids are picked first (``SELECT id ... ORDER BY ... LIMIT n FOR UPDATE SKIP
    LOCKED``, a materialised list, so the limit holds whatever plan the UPDATE gets and concurrent
    sweepers take different rows without waiting); on SQLite (no row locks: one writer at a time)
    one conditional UPDATE over a limited subquery. Either way a row is owned only if it was still
    pending when the UPDATE reached it."""
    token = token or new_claim_token()
    lease = lease or _lease()
    due_by = due_by or now
    candidates = (
        select(Reminder.id)
        .where(Reminder.status == "pending", Reminder.due_at <= due_by,
               or_(Reminder.next_attempt_at.is_(None), Reminder.next_attempt_at <= due_by))
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        ids = list(db.session.execute(candidates.with_for_update(skip_locked=True)).scalars())
        if not ids:
            db.session.commit()
            return []
        chosen = Reminder.id.in_(ids)
    else:
        chosen = Reminder.id.in_(candidates.scalar_subquery())
    owned = db.session.execute(
        update(Reminder)
        .where(chosen, Reminder.status == "pending")
        .values(status="sending", lease_until=now + lease, claim_token=token, updated_at=now)
        .returning(Reminder.id)
        .execution_options(synchronize_session=False)
    ).scalars().all()
    db.session.commit()
    return list(owned)


def renew(token: str, until: dt.datetime) -> set[int]:
    """Extend the lease of the rows this claim still holds to ``until``; their ids (committed).
    A row missing from the answer was taken back (the lease had run out): not ours to send."""
    held = set(db.session.execute(
        update(Reminder)
        .where(Reminder.claim_token == token, Reminder.status == "sending")
        .values(lease_until=until)
        .returning(Reminder.id)
        .execution_options(synchronize_session=False)
    ).scalars())
    db.session.commit()
    return held


def reclaim(now: dt.datetime) -> int:
    """Rows left 'sending' past their lease (a worker died) are in doubt: back to pending. No
    attempt is spent: a worker stopped by a restart is not the reminder's fault."""
    result = db.session.execute(
        update(Reminder)
        .where(Reminder.status == "sending", Reminder.lease_until < now)
        .values(status="pending", lease_until=None, claim_token=None,
                last_error="The worker stopped while sending; retried.", updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount or 0

