"""The reminder centre: the user's reminders by status, what each date is, retrying a failed one."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ...domain.zones import local_today
from ...extensions import db
from ...models import Reminder, User, utcnow


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


def reminder_centre(user: User, now: dt.datetime, limit: int = 200) -> dict[str, list]:
    """The reminder centre: the user's reminders by status (failed, pending, sent, skipped,
    cancelled), each status grouped by what the reminders are about (a plan step, a CEU cycle,
    dues...; see :func:`tracker.domain.reminders.group_reminders`). Every row carries ``label``
    (its lead time in words) and, when still to come, ``snooze_options`` (days it may be snoozed)."""
    from ...domain import reminders as rules

    by_status = list_reminders(user, limit)
    by_status["skipped"] = [r for r in by_status["cancelled"] if r.skipped_at is not None]
    by_status["cancelled"] = [r for r in by_status["cancelled"] if r.skipped_at is None][:30]
    today = local_today(user.time_zone, now)
    for status, rows in by_status.items():
        for row in rows:
            row.label = rules.describe_reminder(row.kind, row.offset_days)
            row.snooze_options = []
            if status == "pending" and row.status == "pending" and row.kind != rules.DIGEST:
                planned = row.snoozed_to or row.occurrence - dt.timedelta(days=row.offset_days)
                row.snooze_options = rules.snooze_choices(row.offset_days, row.occurrence, planned, today)
    return {status: rules.group_reminders(rows) for status, rows in by_status.items()}


def name_dates(user: User, rows: list[Reminder]) -> list[Reminder]:
    """Give each row ``occurrence_means``: which date the agenda says its date is ("target",
    "projected", "fixed"; "" once the agenda no longer lists it on that date), so the reminder
    centre and the API say what the plan page and the feed say."""
    from .. import agenda as agenda_service

    items = {}
    if rows:
        today = local_today(user.time_zone, utcnow())
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
        from ..errors import NotFound

        raise NotFound(f"failed reminder {reminder_id}")
    row.status, row.attempts, row.next_attempt_at, row.due_at = "pending", 0, None, now
    row.claim_token = None
    db.session.commit()


# -- the user's word on one reminder: snooze, skip ------------------------------------------------

def _own_pending(user: User, reminder_id: int) -> Reminder:
    from ..errors import NotFound

    row = db.session.execute(
        select(Reminder).where(Reminder.id == reminder_id, Reminder.user_id == user.id)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"reminder {reminder_id}")
    return row


def snooze(user: User, reminder_id: int, days: int, now: dt.datetime) -> dt.date:
    """Send a reminder still to come ``days`` days later (after its planned day, or after today
    if that has passed): it goes once, on that day at the user's send hour. Kept on the row
    (``snoozed_to``), so re-planning and worker restarts keep it. Returns the new day."""
    from ...domain import reminders as rules
    from ..errors import Invalid
    from ..transaction import commit
    from .planning import plan_user
    from .preferences import preference_row

    row = _own_pending(user, reminder_id)
    if row.status != "pending":
        raise Invalid("days", "Only a reminder still to come can be snoozed.")
    today = local_today(user.time_zone, now)
    planned = row.snoozed_to or row.occurrence - dt.timedelta(days=row.offset_days)
    if days not in rules.snooze_choices(row.offset_days, row.occurrence, planned, today):
        raise Invalid("days", "Choose 1, 3 or 7 days, before the date it reminds you of.")
    day = rules.snooze_day(planned, today, days)
    # Conditional, like every write to an outbox row: a sweeper that claimed it meanwhile keeps it.
    _still_pending(row, snoozed_to=day, next_attempt_at=None, last_error="",
                   due_at=rules.send_instant(day, preference_row(user).send_hour, user.time_zone))
    plan_user(user, now)
    commit()
    return day


def _still_pending(row: Reminder, **values) -> None:
    """Change a pending row only while it is still pending (one conditional UPDATE); Invalid when
    a sweeper claimed or sent it in the meantime."""
    from sqlalchemy import update

    from ..errors import Invalid

    done = db.session.execute(
        update(Reminder).where(Reminder.id == row.id, Reminder.status == "pending").values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(row)
    if done != 1:
        raise Invalid("reminder", "This reminder is being sent right now; it can no longer be changed.")


def skip(user: User, reminder_id: int, now: dt.datetime) -> None:
    """Never send this one reminder (the others of the same thing still go): cancelled, and marked
    skipped so that re-planning never brings it back."""
    from ..errors import Invalid
    from ..transaction import commit

    row = _own_pending(user, reminder_id)
    if row.status != "pending":
        raise Invalid("reminder", "Only a reminder still to come can be skipped.")
    _still_pending(row, status="cancelled", skipped_at=now, snoozed_to=None,
                   last_error="Skipped: you chose not to get this one.")
    commit()


def unskip(user: User, reminder_id: int, now: dt.datetime) -> bool:
    """Undo a skip: the reminder is planned again if it is still wanted and its time is still to
    come. Returns whether it is coming up again."""
    from ..errors import Invalid
    from ..transaction import commit
    from .planning import plan_user

    row = _own_pending(user, reminder_id)
    if row.skipped_at is None:
        raise Invalid("reminder", "This reminder was not skipped.")
    row.skipped_at = None
    row.last_error = "No longer needed: done, changed, superseded by a later reminder, or turned off."
    plan_user(user, now)
    commit()
    return row.status == "pending"
