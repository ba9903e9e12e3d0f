"""The sweep: plan for the day, reclaim expired leases, claim due rows in batches and hand
each to :mod:`.batch`; the worker only ticks it (see the package docstring)."""
from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from collections.abc import Callable

from flask import current_app
from sqlalchemy import or_, select

from ...extensions import db
from ...mail import Mailer, mailer_from_config
from ...models import ReminderPreference, User, utcnow
from ..delivery import Delivery
from .batch import _Batch
from .claims import CLAIM_BATCH, _lease, claim, new_claim_token, reclaim
from .health import SweepResult, _record
from .planning import plan_user

log = logging.getLogger("tracker.reminders")

REFRESH_BATCH = 500
MAX_PER_SWEEP = 20_000


def refresh(now: dt.datetime, limit: int = REFRESH_BATCH) -> tuple[int, int]:
    """Plan ahead for users not planned today (new cycles, digests, the calendar moving on)."""
    users = db.session.execute(
        select(User)
        .outerjoin(ReminderPreference, ReminderPreference.user_id == User.id)
        .where(or_(ReminderPreference.id.is_(None), ReminderPreference.planned_on.is_(None),
                   ReminderPreference.planned_on < (now - dt.timedelta(days=1)).date()))
        .order_by(User.id)
        .limit(limit)
    ).scalars().all()
    planned = 0
    for user in users:
        try:
            planned += plan_user(user, now)["planned"]
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("planning reminders for user %s failed", user.id)
    # Users whose local day started since their last planning are caught the next day at worst;
    # writes plan at once.
    return len(users), planned


def sweep(
    now: dt.datetime | None = None, mailer: Mailer | None = None, *, refresh_limit: int = REFRESH_BATCH,
    clock: Callable[[], dt.datetime] | None = None, connections: int | None = None,
) -> SweepResult:
    """One sweep at ``now``: refresh plans, reclaim expired leases, claim due rows, send them.

    ``now`` decides what is due; ``clock`` (default: ``now`` plus the time the sweep has taken)
    dates the leases, so a lease runs from its claim however long the sweep. ``mailer``, when
    given, is the one connection used; otherwise MAIL_CONNECTIONS connections (default 1) are made
    from the configuration."""
    now = now or utcnow()
    if clock is None:
        started = time.monotonic()

        def clock() -> dt.datetime:
            return now + dt.timedelta(seconds=time.monotonic() - started)

    result = SweepResult()
    result.refreshed, result.planned = refresh(now, refresh_limit)
    config = current_app.config
    if mailer is not None:
        make_mailer, connections = (lambda: mailer), 1
    else:
        make_mailer = functools.partial(mailer_from_config, config)
        connections = connections or config.get("MAIL_CONNECTIONS") or 1
    lease = _lease()
    with Delivery(make_mailer, connections) as delivery:
        while result.claimed < MAX_PER_SWEEP and not delivery.unavailable:
            result.reclaimed += reclaim(clock())
            token = new_claim_token()
            claimed_at = clock()
            owned = claim(claimed_at, CLAIM_BATCH, token=token, lease=lease, due_by=now)
            if not owned:
                break
            result.claimed += len(owned)
            _Batch(owned, token, now, clock, lease, claimed_at + lease, delivery, result).run()
    _record(now, result)
    log.info("reminder sweep at %s: %s", now.isoformat(), result.line())
    return result

