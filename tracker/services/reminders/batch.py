"""One claimed batch: re-check, render, deliver over the connection pool, record outcomes under
the claim token, renew the lease."""
from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict

from sqlalchemy import bindparam, select, update

from ...domain import reminders as rules
from ...domain.reminders import Outcome
from ...domain.zones import local_today
from ...extensions import db
from ...models import Reminder
from ..delivery import HELD_BACK_TEXT, LEASE_LOST_TEXT, NOT_TRIED_TEXT, Delivered, Delivery
from .claims import renew
from .health import SweepResult
from .planning import _key
from .recheck import _recheck, _sent_before, why_not_send

log = logging.getLogger("tracker.reminders")


SENT_COMMIT_ROWS = 100  # outcomes recorded per commit...
SENT_COMMIT_SECONDS = 1.0  # ...or after this long, whichever comes first
RESULT_POLL_SECONDS = 0.05
AHEAD_PER_CONNECTION = 2  # messages rendered and waiting, per connection
# The lease is renewed once this share of it has gone by, and a connection starts a send only
# while at least SEND_WITHIN of it is left: a send that starts then ends before another sweeper
# (its clock a little ahead) could reclaim the row, even if this sweeper stalls meanwhile.
RENEW_AFTER = 0.25
SEND_WITHIN = 0.5


class _Batch:
    """One claimed batch: re-check and render each row (this thread), hand it to the delivery
    pool, record outcomes as they come back, renew the lease while any row is unrecorded.

    Every write is conditional on the claim (``status='sending' AND claim_token=mine``): a row
    whose lease ran out and went to another sweeper is never recorded by this one, and once a
    renewal shows a row gone, this sweeper neither sends it nor anything else it had not sent.
    A connection starts a send only while the lease has SEND_WITHIN of its length left (by this
    sweeper's clock), so a sweeper that stalls past its lease holds its messages back instead of
    sending them beside the sweeper that took them over. Outcomes are recorded in commits of up
    to SENT_COMMIT_ROWS rows (or SENT_COMMIT_SECONDS, and before every renewal): a worker killed
    between a 250 reply and that commit leaves those rows 'sending', and they go again, once,
    with the same Message-ID, after the lease (at least once)."""

    def __init__(self, owned, token, now, clock, lease, lease_until, delivery: Delivery, result: SweepResult):
        self.owned, self.token, self.now, self.clock, self.lease = owned, token, now, clock, lease
        self.delivery, self.result = delivery, result
        self.held: set[int] = set(owned)  # ours as of the last renewal
        self.lease_until: dt.datetime = lease_until  # read by the connections' threads
        self.inflight: dict[int, Reminder] = {}
        self.sent: list[int] = []
        self.changes: list[dict] = []
        self.last_commit = time.monotonic()

    def run(self) -> None:
        by_user: dict[int, list[Reminder]] = defaultdict(list)
        for row in db.session.execute(
            select(Reminder).where(Reminder.id.in_(self.owned)).order_by(Reminder.due_at)
        ).scalars():
            by_user[row.user_id].append(row)
        checks = _recheck(list(by_user), self.now)
        sent_before = _sent_before(list(by_user))
        session = db.session()
        # Commits inside the batch must not expire what was loaded for it (every row and user would
        # be read again, one query each); the rows are ours (claimed) until they are recorded.
        expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
        try:
            for user_id, rows in by_user.items():
                check = checks[user_id]
                for row in rows:
                    self._prepare(row, check, sent_before)
                    self._collect(self.delivery.results())
            while self.delivery.outstanding:
                self._collect(self.delivery.results(timeout=RESULT_POLL_SECONDS))
            self._flush()
        finally:
            session.expire_on_commit = expire_on_commit
        db.session.expire_all()

    def _prepare(self, row: Reminder, check, sent_before) -> None:
        if isinstance(check, Exception):
            self._failed(row, Outcome.RECIPIENT_DEFERRED, f"{type(check).__name__}: {check}"[:1000])
            return
        user, wanted, prefs_row = check
        today = local_today(user.time_zone, self.now)
        reason = why_not_send(row, wanted, today, sent_before)
        if reason:
            self._change(row.id, status="cancelled", last_error=reason)
            self.result.cancelled += 1
            return
        if self.delivery.unavailable:  # no connection left: not worth rendering
            self._failed(row, Outcome.NOT_TRIED, NOT_TRIED_TEXT)
            return
        self._keep_lease()  # rechecks and rendering take time: is the row still ours?
        if row.id not in self.held:
            self.result.taken_over += 1
            return
        try:
            message = _package().render(row, user, wanted[_key(row)], prefs_row, today)
        except Exception as error:  # this row waits (an attempt spent); the sweep goes on
            log.exception("rendering reminder %s failed", row.id)
            self._failed(row, Outcome.RECIPIENT_DEFERRED, f"{type(error).__name__}: {error}"[:1000])
            return
        self.inflight[row.id] = row
        self.delivery.submit(row.id, message, self._may_send)
        # Render only a few messages ahead of the connections: while this thread renders it holds
        # the GIL, and a connection waiting for it to read a reply would wait up to the
        # interpreter's switch interval (5 ms) each time; waiting here hands it over at once.
        while self.delivery.outstanding >= AHEAD_PER_CONNECTION * self.delivery.connections:
            self._collect(self.delivery.results(timeout=RESULT_POLL_SECONDS))

    def _collect(self, delivered: list[Delivered]) -> None:
        for item in delivered:
            row = self.inflight.pop(item.key)
            if item.outcome == Outcome.SENT:
                self.sent.append(row.id)
                self.result.sent += 1
            elif item.detail == LEASE_LOST_TEXT:
                self.result.taken_over += 1  # another sweeper holds it now
            elif item.detail == HELD_BACK_TEXT:
                # Unsent and no one's fault: back to pending (if still ours) for the next claim.
                self._change(row.id, status="pending")
                self.result.held_back += 1
            else:
                self._failed(row, item.outcome, item.detail)
        if not self._keep_lease() and (
            len(self.sent) + len(self.changes) >= SENT_COMMIT_ROWS
            or time.monotonic() - self.last_commit >= SENT_COMMIT_SECONDS
        ):
            self._flush()

    def _may_send(self) -> bool:
        """Whether a connection may start a send now: enough of the lease left (any thread)."""
        return self.clock() + self.lease * SEND_WITHIN <= self.lease_until

    def _keep_lease(self) -> bool:
        """Once RENEW_AFTER of the lease has gone: record what came back, renew, and forget the
        rows another sweeper took (those waiting for a connection are not sent). True if renewed."""
        if self.clock() < self.lease_until - self.lease * (1 - RENEW_AFTER):
            return False
        self._flush()
        until = self.clock() + self.lease
        self.held = renew(self.token, until)
        self.lease_until = until
        lost = [i for i in self.inflight if i not in self.held]
        if lost:
            log.warning("lease lost on %s reminder(s) not yet sent; another sweeper has them", len(lost))
            self.delivery.revoke(lost)
        return True

    def _failed(self, row: Reminder, outcome: Outcome, detail: str) -> None:
        attempts = row.attempts + (1 if rules.counts_attempt(outcome) else 0)
        step = rules.next_step(outcome, attempts)
        if step == rules.DEAD:
            self._change(row.id, status="failed", attempts=attempts, last_error=detail)
            self.result.failed += 1
            log.warning("reminder %s dead-lettered after %s attempt(s): %s", row.id, attempts, detail)
            return
        if step == rules.WAIT:
            wait = rules.outage_backoff(max(self.now - row.due_at, dt.timedelta(0)))
            self.result.unavailable += 1
        else:
            wait = rules.backoff(attempts)
        self._change(row.id, status="pending", attempts=attempts, next_attempt_at=self.now + wait, last_error=detail)
        self.result.retried += 1
        log.info("reminder %s will retry at %s: %s", row.id, (self.now + wait).isoformat(), detail)

    def _change(self, row_id: int, **values) -> None:
        self.changes.append({"b_id": row_id, **values})

    def _flush(self) -> None:
        """Record what came back, only on rows this claim still holds; commit."""
        held = (Reminder.status == "sending") & (Reminder.claim_token == self.token)
        if self.sent:
            recorded = set(db.session.execute(
                update(Reminder).where(Reminder.id.in_(self.sent), held)
                .values(status="sent", sent_at=self.now, lease_until=None, claim_token=None, last_error="")
                .returning(Reminder.id).execution_options(synchronize_session=False)
            ).scalars())
            if len(recorded) < len(self.sent):
                self.result.lost += len(self.sent) - len(recorded)
                log.warning("%s reminder(s) were sent after their lease ran out; not recorded by this sweeper",
                            len(self.sent) - len(recorded))
            self.sent = []
        by_shape: dict[tuple, list[dict]] = defaultdict(list)
        for change in self.changes:
            by_shape[tuple(sorted(change))].append(change)
        for shape, changes in by_shape.items():
            table = Reminder.__table__
            names = [n for n in shape if n != "b_id"]
            db.session.execute(
                update(table).where(table.c.id == bindparam("b_id"), table.c.status == "sending",
                                    table.c.claim_token == self.token)
                .values(lease_until=None, claim_token=None, updated_at=self.now,
                        **{n: bindparam(f"b_{n}") for n in names}),
                [{"b_id": c["b_id"], **{f"b_{n}": c[n] for n in names}} for c in changes],
            )
        self.changes = []
        db.session.commit()
        self.last_commit = time.monotonic()


def _package():
    """The package: rendering is looked up on it at call time, so replacing
    ``tracker.services.reminders.render`` (a test making one row fail) reaches the sweep."""
    from .. import reminders

    return reminders
