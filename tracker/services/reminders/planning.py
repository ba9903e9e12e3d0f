"""Outbox planning: the user's agenda becomes reminder rows (one per occurrence, unique key,
inserted idempotently), in the same transaction as the write that changed it (see
:mod:`tracker.services.changes`)."""
from __future__ import annotations

import datetime as dt
import uuid

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ...domain import agenda as agenda_domain
from ...domain import reminders as rules
from ...domain.reminders import Occurrence, Preferences, Subject
from ...domain.zones import local_today
from ...extensions import db
from ...models import (
    CeuActivity,
    Credential,
    CycleSubmission,
    ExamAttempt,
    Milestone,
    Plan,
    Reminder,
    ReminderPreference,
    RenewalSetup,
    TeamMembership,
    User,
    utcnow,
)
from .. import changes
from .preferences import preference_row, preferences

DUTY_KINDS = {"aapc": rules.AAPC_DUES, "ahima": rules.AHIMA_FEE}


def subjects_for(
    user: User, today: dt.date, prefs: Preferences, *, plans: list[Plan] | None = None, overviews: list | None = None,
) -> list[Subject]:
    """Everything of the user's with a date worth a reminder, as of ``today`` (local).

    ``plans`` and ``overviews`` (the user's plans and renewal overview on ``today``), when given,
    were loaded beforehand for many users at once (see :func:`_recheck`)."""
    from .. import agenda as agenda_service
    from .. import credentials as credential_service

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
    plans: list[Plan] | None = None, overviews: list | None = None, snoozed: set[tuple] | None = None,
) -> tuple[dict[tuple, Occurrence], ReminderPreference]:
    """The occurrences the user wants as of ``now``, by key, and their preferences row. The
    keyword arguments hand over what was loaded beforehand for many users (see :func:`_recheck`);
    ``snoozed`` are the keys of the user's snoozed rows (loaded here when not given)."""
    row = prefs_row if prefs_row is not None else preference_row(user)
    prefs = preferences(row)
    today = local_today(user.time_zone, now)
    if snoozed is None:
        snoozed = snoozed_keys([user.id]).get(user.id, set())
    from .teams import team_subjects  # the team emails: see tracker/services/reminders/teams.py

    subjects = subjects_for(user, today, prefs, plans=plans, overviews=overviews) + team_subjects(user, today, prefs)
    occurrences = rules.wanted(subjects, prefs, today, snoozed)
    return {o.key: o for o in occurrences}, row


def snoozed_keys(user_ids: list[int]) -> dict[int, set[tuple]]:
    """The keys of the snoozed rows still to send, per user (one query for many users)."""
    found: dict[int, set[tuple]] = {}
    for row in db.session.execute(
        select(Reminder.user_id, Reminder.kind, Reminder.subject_key, Reminder.occurrence, Reminder.offset_days)
        .where(Reminder.user_id.in_(user_ids), Reminder.snoozed_to.is_not(None),
               Reminder.status.in_(("pending", "sending")))
    ):
        found.setdefault(row[0], set()).add(tuple(row[1:]))
    return found


def send_day(row: Reminder, occurrence: Occurrence) -> dt.date:
    """The local day a row goes: its snoozed day, else its occurrence's planned day."""
    return row.snoozed_to if row is not None and row.snoozed_to is not None else occurrence.send_on


def plan_user(user: User, now: dt.datetime) -> dict[str, int]:
    """Bring the user's outbox rows in line with what they want now (no commit: the caller's
    transaction). Returns counts of rows planned, cancelled and moved.

    The user's own word on a row is kept: a snoozed row stays on its snoozed day (and wanted while
    its subject is), a skipped one stays cancelled however often the plan changes back."""
    existing = {
        _key(r): r for r in db.session.execute(select(Reminder).where(Reminder.user_id == user.id)).scalars()
    }
    snoozed = {key for key, r in existing.items() if r.snoozed_to is not None and r.status in ("pending", "sending")}
    wanted, prefs_row = wanted_now(user, now, snoozed=snoozed)
    counts = {"planned": 0, "cancelled": 0, "moved": 0}
    hour = prefs_row.send_hour
    for key, occurrence in wanted.items():
        row = existing.get(key)
        due_at = rules.send_instant(send_day(row, occurrence), hour, user.time_zone)
        if row is None:
            counts["planned"] += _insert(user, occurrence, due_at)
        elif row.status == "pending":
            if row.due_at != due_at and row.attempts == 0:
                row.due_at = due_at
                counts["moved"] += 1
            if row.title != occurrence.subject.title:
                row.title = occurrence.subject.title[:300]
        elif row.status == "cancelled" and row.sent_at is None and row.skipped_at is None and due_at > now:
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

# A membership's user is re-planned when it changes: an owner or a new manager gets the team
# emails at once (see teams.py); the other managers pick a change up at their daily planning.
_WATCHED = (Plan, Milestone, ExamAttempt, Credential, CeuActivity, CycleSubmission, RenewalSetup, TeamMembership, User)
NAME = "reminders"


def _concerns(session, obj) -> bool:
    """Whether a changed object can change what its user should be reminded of: their plans,
    credentials, CEUs, team roles, a new account or a new time zone."""
    if isinstance(obj, User):
        return obj in session.new or (obj not in session.deleted and changes.attribute_changed(obj, "time_zone"))
    return isinstance(obj, _WATCHED)


def _replan(session, users: set[int]) -> None:
    now = utcnow()
    for user_id in sorted(users):
        user = session.get(User, user_id)
        if user is not None:
            plan_user(user, now)


def register() -> None:
    """Keep outbox rows in step with every commit that changes what a user should be reminded of."""
    changes.subscribe(NAME, _concerns, _replan)
