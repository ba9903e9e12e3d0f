"""The reminder worker: its own process, one APScheduler job that sweeps the outbox.

APScheduler only ticks; the database decides what is sent (see services/reminders.py). The job has
no app context of its own, so each tick pushes one. ``coalesce`` and ``max_instances=1`` keep a slow
sweep from piling up; ``misfire_grace_time=None`` runs a late tick rather than skipping it. SIGTERM
and SIGINT stop the scheduler after the sweep under way.
"""
from __future__ import annotations

import datetime as dt
import logging
import signal

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from .domain.clock import utc_now

log = logging.getLogger("tracker.worker")


def tick(app: Flask) -> None:
    from .services import reminders

    with app.app_context():
        try:
            reminders.sweep()
        except Exception:
            from .extensions import db

            db.session.rollback()
            log.exception("reminder sweep failed; the next tick tries again")


def run(app: Flask, seconds: int) -> None:
    """Sweep now and every ``seconds`` until SIGTERM or SIGINT."""
    # APScheduler logs every run at INFO; the sweep logs its own counts.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = BlockingScheduler(timezone=dt.timezone.utc)
    scheduler.add_job(
        tick, "interval", args=[app], seconds=seconds, id="reminder-sweep",
        next_run_time=utc_now(), coalesce=True, max_instances=1,
        misfire_grace_time=None, replace_existing=True,
    )

    def stop(signum, _frame) -> None:
        log.info("signal %s: stopping the reminder worker after the sweep under way", signum)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("reminder worker started: a sweep every %s s", seconds)
    scheduler.start()
    log.info("reminder worker stopped")
