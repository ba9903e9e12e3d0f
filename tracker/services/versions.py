"""Each user's data version: bumped in the same transaction as any change to their own data.

Pages computed from a user's data (the dashboard) are cached under ``(user, data_version, ...)``
(see :mod:`tracker.views.page_cache`): a commit that changes the data changes the version, so a cached
page can never outlive the data it shows. Every model counts, except the ones that say nothing on
those pages and change on their own (reminder rows and worker status, API token use, calendar
feed addresses, reminder preferences): new models are covered without anyone remembering to.
"""
from __future__ import annotations

from sqlalchemy import event, select, update

from ..models import ApiToken, CalendarFeed, ChecklistItem, Cost, ExamAttempt, Milestone, Plan, Reminder, ReminderPreference, User, WorkerStatus

_IGNORED = (Reminder, WorkerStatus, ApiToken, CalendarFeed, ReminderPreference)
_USERS, _PLANS, _MILESTONES = "version_users", "version_plans", "version_milestones"


def _after_flush(session, _context) -> None:
    users: set[int] = session.info.setdefault(_USERS, set())
    plans: set[int] = session.info.setdefault(_PLANS, set())
    milestones: set[int] = session.info.setdefault(_MILESTONES, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, _IGNORED):
            continue
        if isinstance(obj, User):
            if obj.id is not None:
                users.add(obj.id)
        elif isinstance(obj, Milestone):
            plans.add(obj.plan_id)
        elif isinstance(obj, (ChecklistItem, Cost, ExamAttempt)):
            milestones.add(obj.milestone_id)
        elif getattr(obj, "user_id", None) is not None:
            users.add(obj.user_id)


def changed(session, user_id: int) -> None:
    """Say that a bulk statement (``delete(...)``, ``update(...)``: no ORM object to watch)
    changed this user's data; the version moves at commit like for any other change."""
    session.info.setdefault(_USERS, set()).add(user_id)


def _before_commit(session) -> None:
    session.flush()
    users: set[int] = session.info.pop(_USERS, set())
    plans: set[int] = session.info.pop(_PLANS, set())
    milestones: set[int] = session.info.pop(_MILESTONES, set())
    plans.discard(None)
    milestones.discard(None)
    if milestones:
        plans |= set(session.execute(select(Milestone.plan_id).where(Milestone.id.in_(milestones))).scalars())
    if plans:
        users |= set(session.execute(select(Plan.user_id).where(Plan.id.in_(plans))).scalars())
    users.discard(None)
    if users:
        session.execute(
            update(User).where(User.id.in_(sorted(users))).values(data_version=User.data_version + 1)
            .execution_options(synchronize_session=False)
        )
        # The users in this session now hold an old version: read it again when next asked.
        for obj in session.identity_map.values():
            if isinstance(obj, User) and obj.id in users:
                session.expire(obj, ["data_version"])
    session.info.pop(_USERS, None)


def _after_rollback(session) -> None:
    for key in (_USERS, _PLANS, _MILESTONES):
        session.info.pop(key, None)


def register() -> None:
    """Bump the data version of every user whose data a commit changes (call once at start-up)."""
    from flask_sqlalchemy.session import Session

    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_soft_rollback", lambda session, _tx: _after_rollback(session))
