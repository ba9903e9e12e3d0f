"""Reminders: the database decides what is sent, the worker only ticks.

- **Planning** (:func:`plan_user`): a user's wanted occurrences (see :mod:`tracker.domain.reminders`)
  become outbox rows with a unique key, inserted with ``ON CONFLICT DO NOTHING``; pending rows no
  longer wanted are cancelled, and pending rows whose send instant moved (time zone, send hour) are
  updated. It runs in the same transaction as any write that changes a user's plans, credentials,
  CEUs or time zone (a before-commit hook, :func:`register`), and daily for every user (the sweep).
- **Sweeping** (:func:`sweep`): leases that expired go back to pending; due rows are claimed in
  batches (:func:`claim`: a conditional UPDATE ... RETURNING, over an id list locked with SKIP
  LOCKED on PostgreSQL) under a random claim token and a lease from the moment of the claim,
  committed, then sent over MAIL_CONNECTIONS connections (:mod:`.delivery`, one thread each; every
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

import datetime as dt
import functools
import json
import logging
import secrets
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..domain import agenda as agenda_domain
from ..domain import reminders as rules
from ..domain.reminders import Occurrence, Outcome, Preferences, Subject
from ..domain.limits import MAX_ID
from ..domain.zones import local_today
from ..extensions import db
from ..mail import Mailer, build_message, mailer_from_config
from ..models import (
    CeuActivity,
    Credential,
    CycleSubmission,
    ExamAttempt,
    Milestone,
    Plan,
    Reminder,
    ReminderPreference,
    RenewalSetup,
    User,
    WorkerStatus,
    utcnow,
)
from .delivery import LEASE_LOST_TEXT, NOT_TRIED_TEXT, Delivered, Delivery
from . import changes, identity
from .errors import Invalid
from .transaction import commit

log = logging.getLogger("tracker.reminders")

LEASE = dt.timedelta(minutes=5)
REFRESH_BATCH = 500
CLAIM_BATCH = 200
MAX_PER_SWEEP = 20_000
WORKER = "reminders"
DUTY_KINDS = {"aapc": rules.AAPC_DUES, "ahima": rules.AHIMA_FEE}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# -- preferences ----------------------------------------------------------------------------------

def preference_row(user: User) -> ReminderPreference:
    """The user's preferences row (made with the defaults when missing; not committed)."""
    row = db.session.execute(
        select(ReminderPreference).where(ReminderPreference.user_id == user.id)
    ).scalar_one_or_none()
    if row is None:
        row = ReminderPreference(user_id=user.id, paused=False, disabled_kinds=rules.DIGEST, offsets="",
                                 send_hour=8, digest_weekday=0)
        db.session.add(row)
    return row


def preferences(row: ReminderPreference) -> Preferences:
    disabled = {k for k in (row.disabled_kinds or "").split(",") if k}
    offsets = dict(rules.DEFAULT_OFFSETS)
    for kind, text in (json.loads(row.offsets) if row.offsets else {}).items():
        if kind in rules.KINDS:
            offsets[kind] = tuple(text)
    return Preferences(
        enabled=frozenset(rules.KINDS) - disabled, offsets=offsets, send_hour=row.send_hour,
        digest_weekday=row.digest_weekday, paused=row.paused,
    )


def save_preferences(
    user: User, *, enabled: set[str], offsets: dict[str, str], send_hour: int | None,
    digest_weekday: int | None, paused: bool, now: dt.datetime | None = None,
) -> None:
    """Change how the user is reminded; pending rows follow in the same transaction."""
    apply_preferences(preference_row(user), enabled=enabled, offsets=offsets, send_hour=send_hour,
                      digest_weekday=digest_weekday, paused=paused)
    plan_user(user, now or _now())
    commit()


def apply_preferences(
    row: ReminderPreference, *, enabled: set[str], offsets: dict[str, str], send_hour: int | None,
    digest_weekday: int | None, paused: bool,
) -> None:
    """Check preferences and set them on ``row`` (no commit); Invalid names the bad field."""
    if send_hour is None or not 0 <= send_hour <= 23:
        raise Invalid("send_hour", "Choose an hour from 0 to 23.")
    if digest_weekday is None or not 0 <= digest_weekday <= 6:
        raise Invalid("digest_weekday", "Choose a day of the week.")
    unknown = enabled - set(rules.KINDS)
    if unknown:
        raise Invalid("enabled", "Choose reminder kinds from the list.")
    parsed: dict[str, list[int]] = {}
    for kind, text in offsets.items():
        if kind not in rules.KINDS or kind in (rules.DIGEST, rules.APPRENTICE):
            continue
        try:
            value = rules.parse_offsets(text)
        except ValueError as error:
            raise Invalid(f"offsets_{kind}", f"Lead times: {error}. Write days before as 90, after as -1.") from None
        if value != rules.DEFAULT_OFFSETS[kind]:
            parsed[kind] = list(value)
    row.paused = paused
    row.disabled_kinds = ",".join(sorted(set(rules.KINDS) - enabled))
    row.offsets = json.dumps(parsed, sort_keys=True) if parsed else ""
    row.send_hour = send_hour
    row.digest_weekday = digest_weekday


def offsets_text(prefs: Preferences, kind: str) -> str:
    return ", ".join(str(o) for o in prefs.offsets.get(kind, rules.DEFAULT_OFFSETS[kind]))


# -- what a user should be reminded of ----------------------------------------------------------

def subjects_for(
    user: User, today: dt.date, prefs: Preferences, *, plans: list[Plan] | None = None, overviews: list | None = None,
) -> list[Subject]:
    """Everything of the user's with a date worth a reminder, as of ``today`` (local).

    ``plans`` and ``overviews`` (the user's plans and renewal overview on ``today``), when given,
    were loaded beforehand for many users at once (see :func:`_recheck`)."""
    from . import agenda as agenda_service
    from . import credentials as credential_service

    if overviews is None:
        overviews = credential_service.renewal_overview(user, today)
    subjects: list[Subject] = []
    items = agenda_service.agenda_for(user, today, plans=plans, overviews=overviews, code_sets=False)
    for item in items:
        if item.kind == agenda_domain.MILESTONE and item.done_on is None:
            for kind in (rules.MILESTONE_DUE, rules.MILESTONE_OVERDUE):
                subjects.append(Subject(kind, item.key, item.on, item.title, item.link, means=item.means_text))
        elif item.kind == agenda_domain.CEU_CYCLE and item.extra["standing"].tally.needed > 0:
            subjects.append(Subject(rules.CEU_CYCLE, item.key, item.on, item.title, item.link, item.detail,
                                    means=item.means_text))
        elif item.kind == agenda_domain.DUTY and item.extra["body"].id in DUTY_KINDS:
            subjects.append(Subject(DUTY_KINDS[item.extra["body"].id], item.key, item.on, item.title, item.link,
                                    item.detail, means=item.means_text))
    for overview in overviews:
        body = overview.rules
        for credential, status in overview.apprentices:
            if status.done:
                continue
            months = 3
            check_in = credential.earned_on
            while check_in < today:
                check_in += relativedelta(months=months)
            subjects.append(Subject(
                rules.APPRENTICE, f"apprentice:{credential.id}", check_in,
                f"{credential.code}: removing the apprentice designation",
                f"/credentials/{body.id}/#apprentice",
                f"Closest route: {status.closest.label}. Still missing: {', '.join(status.closest.missing)}.",
            ))
    for day in rules.digest_days(prefs, today):
        subjects.append(Subject(rules.DIGEST, "digest", day, "Your week ahead in Rungs", "/reminders/"))
    return subjects


def _key(row: Reminder) -> tuple[str, str, dt.date, int]:
    return (row.kind, row.subject_key, row.occurrence, row.offset_days)


def wanted_now(
    user: User, now: dt.datetime, *, prefs_row: ReminderPreference | None = None,
    plans: list[Plan] | None = None, overviews: list | None = None,
) -> tuple[dict[tuple, Occurrence], ReminderPreference]:
    """The occurrences the user wants as of ``now``, by key, and their preferences row. The
    keyword arguments hand over what was loaded beforehand for many users (see :func:`_recheck`)."""
    row = prefs_row if prefs_row is not None else preference_row(user)
    prefs = preferences(row)
    today = local_today(user.time_zone, now)
    occurrences = rules.wanted(subjects_for(user, today, prefs, plans=plans, overviews=overviews), prefs, today)
    return {o.key: o for o in occurrences}, row


def plan_user(user: User, now: dt.datetime) -> dict[str, int]:
    """Bring the user's outbox rows in line with what they want now (no commit: the caller's
    transaction). Returns counts of rows planned, cancelled and moved."""
    wanted, prefs_row = wanted_now(user, now)
    counts = {"planned": 0, "cancelled": 0, "moved": 0}
    existing = {
        _key(r): r for r in db.session.execute(select(Reminder).where(Reminder.user_id == user.id)).scalars()
    }
    hour = prefs_row.send_hour
    for key, occurrence in wanted.items():
        due_at = rules.send_instant(occurrence.send_on, hour, user.time_zone)
        row = existing.get(key)
        if row is None:
            counts["planned"] += _insert(user, occurrence, due_at)
        elif row.status == "pending":
            if row.due_at != due_at and row.attempts == 0:
                row.due_at = due_at
                counts["moved"] += 1
            if row.title != occurrence.subject.title:
                row.title = occurrence.subject.title[:300]
        elif row.status == "cancelled" and row.sent_at is None and due_at > now:
            # Wanted again (say, a step marked done by mistake and undone): plan it afresh.
            row.status, row.due_at, row.last_error, row.attempts = "pending", due_at, "", 0
            counts["planned"] += 1
    for key, row in existing.items():
        if row.status == "pending" and key not in wanted:
            row.status = "cancelled"
            row.last_error = "No longer needed: done, changed, superseded by a later reminder, or turned off."
            counts["cancelled"] += 1
    prefs_row.planned_on = local_today(user.time_zone, now)
    db.session.flush()
    return counts


def _insert(user: User, occurrence: Occurrence, due_at: dt.datetime) -> int:
    """Insert one occurrence unless its key exists (two processes may plan the same one)."""
    values = dict(
        user_id=user.id, kind=occurrence.kind, subject_key=occurrence.subject.key,
        occurrence=occurrence.subject.due, offset_days=occurrence.offset,
        title=occurrence.subject.title[:300], link=occurrence.subject.link[:300], due_at=due_at,
        status="pending", attempts=0, last_error="", message_id=_message_id(),
        created_at=utcnow(), updated_at=utcnow(),
    )
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(Reminder).values(**values).on_conflict_do_nothing(
        index_elements=["user_id", "kind", "subject_key", "occurrence", "offset_days"]
    )
    return db.session.execute(statement).rowcount or 0


def _message_id() -> str:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    domain = sender.rsplit("@", 1)[-1].strip("> ") or "localhost"
    return f"<reminder.{uuid.uuid4().hex}@{domain}>"


# -- keeping rows in step with writes (same transaction) ------------------------------------------

_WATCHED = (Plan, Milestone, ExamAttempt, Credential, CeuActivity, CycleSubmission, RenewalSetup, User)
NAME = "reminders"


def _concerns(session, obj) -> bool:
    """Whether a changed object can change what its user should be reminded of: their plans,
    credentials, CEUs, a new account or a new time zone."""
    if isinstance(obj, User):
        return obj in session.new or (obj not in session.deleted and changes.attribute_changed(obj, "time_zone"))
    return isinstance(obj, _WATCHED)


def _replan(session, users: set[int]) -> None:
    now = _now()
    for user_id in sorted(users):
        user = session.get(User, user_id)
        if user is not None:
            plan_user(user, now)


def register() -> None:
    """Keep outbox rows in step with every commit that changes what a user should be reminded of."""
    changes.subscribe(NAME, _concerns, _replan)


# -- the sweep ------------------------------------------------------------------------------------

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

    def line(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.__dict__.items())


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


def sweep(
    now: dt.datetime | None = None, mailer: Mailer | None = None, *, refresh_limit: int = REFRESH_BATCH,
    clock: Callable[[], dt.datetime] | None = None, connections: int | None = None,
) -> SweepResult:
    """One sweep at ``now``: refresh plans, reclaim expired leases, claim due rows, send them.

    ``now`` decides what is due; ``clock`` (default: ``now`` plus the time the sweep has taken)
    dates the leases, so a lease runs from its claim however long the sweep. ``mailer``, when
    given, is the one connection used; otherwise MAIL_CONNECTIONS connections (default 1) are made
    from the configuration."""
    now = now or _now()
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
            owned = claim(clock(), CLAIM_BATCH, token=token, lease=lease, due_by=now)
            if not owned:
                break
            result.claimed += len(owned)
            _Batch(owned, token, now, clock, lease, delivery, result).run()
    _record(now, result)
    log.info("reminder sweep at %s: %s", now.isoformat(), result.line())
    return result


def _recheck(user_ids: list[int], now: dt.datetime) -> dict[int, tuple[User, dict, ReminderPreference] | Exception]:
    """What each user of a batch still wants (or why that could not be worked out), from data
    loaded for the whole batch in a fixed number of queries; user by user if that load fails."""
    try:
        loaded = _load_for_recheck(user_ids, now)
    except Exception:
        log.exception("loading the re-check data of %s users failed; re-checking them one by one", len(user_ids))
        db.session.rollback()
        loaded = {}
    checks: dict[int, tuple[User, dict, ReminderPreference] | Exception] = {}
    for user_id in user_ids:
        try:
            if user_id in loaded:
                user, prefs_row, plans, overviews = loaded[user_id]
                wanted, prefs_row = wanted_now(user, now, prefs_row=prefs_row or preference_row(user),
                                               plans=plans, overviews=overviews)
            else:
                user = db.session.get(User, user_id)
                if user is None:
                    raise LookupError(f"user {user_id} is gone")
                wanted, prefs_row = wanted_now(user, now)
            checks[user_id] = (user, wanted, prefs_row)
        except Exception as error:  # one user's data must not stall the others
            log.exception("re-checking reminders of user %s failed", user_id)
            checks[user_id] = error
    return checks


def _load_for_recheck(user_ids: list[int], now: dt.datetime) -> dict[int, tuple]:
    """Users, preferences, plans and renewal overviews of many users: about ten queries in all."""
    from . import credentials as credential_service
    from . import plans as plan_service

    users = {u.id: u for u in db.session.execute(select(User).where(User.id.in_(user_ids))).scalars()}
    prefs = {r.user_id: r for r in db.session.execute(
        select(ReminderPreference).where(ReminderPreference.user_id.in_(list(users)))).scalars()}
    plans = plan_service.plans_of(users)
    overviews = credential_service.renewal_overviews({i: local_today(u.time_zone, now) for i, u in users.items()})
    return {i: (u, prefs.get(i), plans[i], overviews[i]) for i, u in users.items()}


def _sent_before(user_ids: list[int]) -> dict[tuple, dt.datetime]:
    """When each occurrence (user, kind, subject, date) of these users was last sent, whatever
    its lead time: a late reminder of a date already reminded of since is superseded."""
    found = db.session.execute(
        select(Reminder.user_id, Reminder.kind, Reminder.subject_key, Reminder.occurrence, func.max(Reminder.sent_at))
        .where(Reminder.user_id.in_(user_ids), Reminder.status == "sent")
        .group_by(Reminder.user_id, Reminder.kind, Reminder.subject_key, Reminder.occurrence)
    ).all()
    return {tuple(r[:4]): r[4] for r in found}


def why_not_send(row: Reminder, wanted: dict, today: dt.date, sent_before: dict[tuple, dt.datetime]) -> str | None:
    """Why a due row must be cancelled rather than sent (the reason kept on the row), or None.
    ``today`` is the user's local date at sending."""
    key = _key(row)
    deadline = rules.moot_reason(row.offset_days, row.occurrence, today)
    if key not in wanted:
        if deadline:
            return deadline
        if any(other[:3] == key[:3] for other in wanted):
            return "Superseded: a later reminder of the same date goes instead."
        planned_day = row.occurrence - dt.timedelta(days=row.offset_days)
        if (today - planned_day).days > rules.CATCH_UP_DAYS:
            return f"Too late: its day was {planned_day:%b %-d, %Y}, more than {rules.CATCH_UP_DAYS} days ago."
        return "No longer needed when it was due: done, CEUs met, changed or turned off."
    if deadline:
        return deadline
    last = sent_before.get((row.user_id, *key[:3]))
    if row.offset_days > 0 and last is not None and last >= row.due_at:
        # Lead times changed after a send: the date was already reminded of, later than this one
        # was planned for; sending it now would be a second email with the wrong lead.
        return f"Superseded: a reminder of the same date was already sent on {last:%b %-d, %Y}."
    return None


SENT_COMMIT_ROWS = 100  # outcomes recorded per commit...
SENT_COMMIT_SECONDS = 1.0  # ...or after this long, whichever comes first
RESULT_POLL_SECONDS = 0.05
AHEAD_PER_CONNECTION = 2  # messages rendered and waiting, per connection


class _Batch:
    """One claimed batch: re-check and render each row (this thread), hand it to the delivery
    pool, record outcomes as they come back, renew the lease while any row is unrecorded.

    Every write is conditional on the claim (``status='sending' AND claim_token=mine``): a row
    whose lease ran out and went to another sweeper is never recorded by this one. Outcomes are
    recorded in commits of up to SENT_COMMIT_ROWS rows (or SENT_COMMIT_SECONDS): a worker killed
    between a 250 reply and that commit leaves those rows 'sending', and they go again, once,
    with the same Message-ID, after the lease (at least once)."""

    def __init__(self, owned, token, now, clock, lease, delivery: Delivery, result: SweepResult):
        self.owned, self.token, self.now, self.clock, self.lease = owned, token, now, clock, lease
        self.delivery, self.result = delivery, result
        self.inflight: dict[int, Reminder] = {}
        self.sent: list[int] = []
        self.changes: list[dict] = []
        self.last_commit = time.monotonic()
        self.renew_at = clock() + lease / 3

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
        try:
            message = render(row, user, wanted[_key(row)], prefs_row, today)
        except Exception as error:  # this row waits (an attempt spent); the sweep goes on
            log.exception("rendering reminder %s failed", row.id)
            self._failed(row, Outcome.RECIPIENT_DEFERRED, f"{type(error).__name__}: {error}"[:1000])
            return
        self.inflight[row.id] = row
        self.delivery.submit(row.id, message)
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
                pass  # another sweeper holds it now
            else:
                self._failed(row, item.outcome, item.detail)
        if self.clock() >= self.renew_at:
            self._flush()
            held = renew(self.token, self.clock() + self.lease)
            lost = [i for i in self.inflight if i not in held]
            if lost:
                log.warning("lease lost on %s reminder(s) not yet sent; another sweeper has them", len(lost))
                self.delivery.revoke(lost)
            self.renew_at = self.clock() + self.lease / 3
            self.last_commit = time.monotonic()
        elif (len(self.sent) + len(self.changes) >= SENT_COMMIT_ROWS
              or time.monotonic() - self.last_commit >= SENT_COMMIT_SECONDS):
            self._flush()

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


# -- emails ---------------------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="rungs.unsubscribe")


def unsubscribe_token(user: User, kind: str) -> str:
    """A signed token that turns off ``kind`` (or "all") for this user, without signing in."""
    return _token(current_app.config["SECRET_KEY"], user.id, kind, identity.proof(user, "unsubscribe"))


@functools.lru_cache(maxsize=4096)
def _token(secret_key: str, user_id: int, kind: str, proof: str) -> str:
    # The same inputs always sign to the same token: a sweep signs each one once. The account's
    # proof makes a deleted account's link dead for the next account that gets its id.
    return URLSafeSerializer(secret_key, salt="rungs.unsubscribe").dumps({"u": user_id, "k": kind, "p": proof})


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    try:
        data = _serializer().loads(token)
        user = db.session.get(User, int(data["u"])) if 0 < int(data["u"]) <= MAX_ID else None
        kind = str(data["k"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if user is None or (kind != "all" and kind not in rules.KINDS):
        return None
    if not identity.proves(user, "unsubscribe", data.get("p")):
        return None
    return user, kind


def unsubscribe(user: User, kind: str) -> None:
    """Turn off one kind (or pause everything); pending rows are cancelled in the same commit."""
    row = preference_row(user)
    if kind == "all":
        row.paused = True
    else:
        disabled = {k for k in (row.disabled_kinds or "").split(",") if k} | {kind}
        row.disabled_kinds = ",".join(sorted(disabled))
    plan_user(user, _now())
    db.session.commit()


def _absolute(path: str) -> str:
    return current_app.config["RUNGS_BASE_URL"].rstrip("/") + path


def subject_line(row: Reminder, occurrence: Occurrence) -> str:
    due = f"{occurrence.subject.due:%a %b %-d, %Y}"
    if row.kind == rules.MILESTONE_DUE:
        return f"Due {due}: {occurrence.subject.title}"
    if row.kind == rules.MILESTONE_OVERDUE:
        return f"Overdue since {due}: {occurrence.subject.title}"
    if row.kind == rules.CEU_CYCLE:
        return f"{occurrence.subject.title}: CEUs still needed" if occurrence.offset > 0 else f"Past due: {occurrence.subject.title}"
    if row.kind == rules.DIGEST:
        return "Your week ahead in Rungs"
    return f"{occurrence.subject.title}: due {due}"


def _template(name: str):
    return current_app.jinja_env.get_template(name)


def render(row: Reminder, user: User, occurrence: Occurrence, prefs_row: ReminderPreference,
           sent_on: dt.date | None = None):
    """The email for one row: plain text and HTML, fixed Message-ID, one-click unsubscribe.

    ``sent_on`` (the user's local date at sending, default the planned day) decides "in N days":
    N is counted from the day it is sent to the row's own date (its key), so a reminder sent late
    never claims more days than are left."""
    today = occurrence.send_on
    sent_on = sent_on or today
    days = occurrence.offset if row.kind == rules.DIGEST else rules.days_left(occurrence.subject.due, sent_on)
    digest = []
    if row.kind == rules.DIGEST:
        prefs = preferences(prefs_row)
        horizon = today + dt.timedelta(days=14)
        digest = [s for s in rules.sort_subjects(subjects_for(user, today, prefs))
                  if s.kind in (rules.MILESTONE_DUE, rules.CEU_CYCLE, rules.AAPC_DUES, rules.AHIMA_FEE)
                  and today <= s.due <= horizon or s.kind == rules.CEU_CYCLE]
    unsubscribe_url = _absolute(f"/reminders/unsubscribe/{unsubscribe_token(user, row.kind)}")
    context = {
        "row": row, "user": user, "occurrence": occurrence, "subject": occurrence.subject,
        "when": rules.describe_offset(days), "kind_label": rules.KINDS[row.kind],
        "link": _absolute(occurrence.subject.link), "digest": digest,
        "unsubscribe_url": unsubscribe_url,
        "unsubscribe_all_url": _absolute(f"/reminders/unsubscribe/{unsubscribe_token(user, 'all')}"),
        "preferences_url": _absolute("/reminders/preferences"),
    }
    return build_message(
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        to=user.email,
        subject=subject_line(row, occurrence),
        # The templates use only this context: rendered by Jinja directly, without Flask's
        # per-call context processors and signals (a sweep renders two per reminder).
        text=_template("email/reminder.txt").render(context),
        html=_template("email/reminder.html").render(context),
        message_id=row.message_id,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Rungs-Reminder": f"{row.kind}:{row.id}",
        },
    )


# -- the reminder centre --------------------------------------------------------------------------

def list_reminders(user: User, limit: int = 200) -> dict[str, list[Reminder]]:
    """The user's reminders by status: pending (soonest first), sent, failed, cancelled (newest first)."""
    rows = db.session.execute(
        select(Reminder).where(Reminder.user_id == user.id).order_by(Reminder.due_at.desc()).limit(limit * 4)
    ).scalars().all()
    grouped: dict[str, list[Reminder]] = {"pending": [], "sending": [], "sent": [], "failed": [], "cancelled": []}
    for row in rows:
        grouped[row.status].append(row)
    grouped["pending"] = sorted(grouped["pending"] + grouped.pop("sending"), key=lambda r: r.due_at)[:limit]
    for status in ("sent", "failed", "cancelled"):
        grouped[status] = grouped[status][:limit]
    name_dates(user, rows)
    return grouped


def name_dates(user: User, rows: list[Reminder]) -> list[Reminder]:
    """Give each row ``occurrence_means``: which date the agenda says its date is ("target",
    "projected", "fixed"; "" once the agenda no longer lists it on that date), so the reminder
    centre and the API say what the plan page and the feed say."""
    from . import agenda as agenda_service

    items = {}
    if rows:
        today = local_today(user.time_zone, _now())
        items = {i.key: i for i in agenda_service.agenda_for(user, today, code_sets=False)}
    for row in rows:
        item = items.get(row.subject_key)
        row.occurrence_means = item.means if item is not None and item.on == row.occurrence else ""
    return rows


def reminders_of(user: User, status: str | None = None, limit: int = 500) -> list[Reminder]:
    """The user's reminders, soonest send time first (of one status when given), at most ``limit``."""
    query = select(Reminder).where(Reminder.user_id == user.id)
    if status:
        query = query.where(Reminder.status == status)
    return name_dates(user, list(db.session.execute(query.order_by(Reminder.due_at, Reminder.id).limit(limit)).scalars()))


def retry_failed(user: User, reminder_id: int, now: dt.datetime) -> None:
    """Send a dead-lettered reminder again (the user fixed their address, say)."""
    row = db.session.execute(
        select(Reminder).where(Reminder.id == reminder_id, Reminder.user_id == user.id, Reminder.status == "failed")
    ).scalar_one_or_none()
    if row is None:
        from .errors import NotFound

        raise NotFound(f"failed reminder {reminder_id}")
    row.status, row.attempts, row.next_attempt_at, row.due_at = "pending", 0, None, now
    row.claim_token = None
    db.session.commit()

