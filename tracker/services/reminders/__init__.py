"""Reminders: the database decides what is sent, the worker only ticks.

One subject per module: :mod:`.preferences` (how a user wants to be reminded), :mod:`.planning`
(the agenda becomes outbox rows), :mod:`.sweep` with :mod:`.claims`, :mod:`.recheck` and
:mod:`.batch` (sending), :mod:`.emails` (rendering), :mod:`.unsubscribe` (signed tokens),
:mod:`.centre` (the user's list) and :mod:`.health` (the worker's status). The names other
modules use are re-exported here.

- **Planning** (:func:`plan_user`): a user's wanted occurrences (see :mod:`tracker.domain.reminders`)
  become outbox rows with a unique key, inserted with ``ON CONFLICT DO NOTHING``; pending rows no
  longer wanted are cancelled, and pending rows whose send instant moved (time zone, send hour) are
  updated. It runs in the same transaction as any write that changes a user's plans, credentials,
  CEUs or time zone (a before-commit hook, :func:`register`), and daily for every user (the sweep).
- **Sweeping** (:func:`sweep`): leases that expired go back to pending; due rows are claimed in
  batches (:func:`claim`: a conditional UPDATE ... RETURNING, over an id list locked with SKIP
  LOCKED on PostgreSQL) under a random claim token and a lease from the moment of the claim,
  committed, then sent over MAIL_CONNECTIONS connections (:mod:`tracker.services.delivery`, one thread each; every
  database write stays in the sweeping thread). Before sending, each row is checked against what
  the user wants at that moment (:func:`why_not_send`: done, CEUs met, unsubscribed, deadline
  passed, superseded: cancelled with the reason), from data loaded for the whole batch at once.
  Outcomes are recorded in commits of up to SENT_COMMIT_ROWS rows or SENT_COMMIT_SECONDS, each a
  conditional UPDATE on the claim token (a sweeper whose lease ran out writes nothing), and the
  lease is renewed every third of it while any row of the batch is unrecorded. A recipient's 4xx
  retries with backoff and a 5xx (or the attempt limit) dead-letters that row alone; a server
  fault spends no attempt and waits at most a few minutes. A row that fails never stalls the others.
"""

from __future__ import annotations

from .centre import list_reminders, name_dates, reminder_centre, reminders_of, retry_failed, skip, snooze, unskip
from .claims import CLAIM_BATCH, LEASE, claim, new_claim_token, reclaim, renew
from .emails import render, subject_line
from .health import STALE_AFTER_SWEEPS, SweepHealth, SweepResult, _record, last_sweep, sweep_health
from .planning import plan_user, register, subjects_for, wanted_now
from .preferences import apply_preferences, offsets_text, preference_row, preferences, save_preferences
from .recheck import why_not_send
from .sweep import MAX_PER_SWEEP, refresh, sweep
from .unsubscribe import read_unsubscribe_token, unsubscribe, unsubscribe_token

__all__ = [
    "CLAIM_BATCH", "LEASE", "MAX_PER_SWEEP", "STALE_AFTER_SWEEPS", "SweepHealth", "SweepResult",
    "apply_preferences", "claim", "last_sweep", "list_reminders", "name_dates", "new_claim_token",
    "offsets_text", "plan_user", "preference_row", "preferences", "read_unsubscribe_token", "reclaim",
    "refresh", "register", "reminder_centre", "reminders_of", "skip", "snooze", "unskip", "render", "renew", "retry_failed", "save_preferences",
    "subject_line", "subjects_for", "sweep", "sweep_health", "unsubscribe", "unsubscribe_token",
    "wanted_now", "why_not_send", "_record",
]
