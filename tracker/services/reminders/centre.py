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
