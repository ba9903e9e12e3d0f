"""Each user's data version: bumped in the same transaction as any change to their own data.

Pages computed from a user's data (the dashboard) are cached under ``(user, data_version, ...)``
(see :mod:`tracker.views.page_cache`): a commit that changes the data changes the version, so a cached
page can never outlive the data it shows. Every model counts, except the ones that say nothing on
those pages and change on their own (reminder rows and worker status, API token use, calendar
feed addresses, reminder preferences): new models are covered without anyone remembering to.
"""
from __future__ import annotations

from sqlalchemy import update

from ..models import ApiToken, CalendarFeed, Reminder, ReminderPreference, User, WorkerStatus
from . import changes

_IGNORED = (Reminder, WorkerStatus, ApiToken, CalendarFeed, ReminderPreference)
NAME = "data_version"


def _concerns(_session, obj) -> bool:
    return not isinstance(obj, _IGNORED)


def changed(session, user_id: int) -> None:
    """Say that a bulk statement (``delete(...)``, ``update(...)``: no ORM object to watch)
    changed this user's data; the version moves at commit like for any other change."""
    changes.changed(session, NAME, user_id)


def _bump(session, users: set[int]) -> None:
    session.execute(
        update(User).where(User.id.in_(sorted(users))).values(data_version=User.data_version + 1)
        .execution_options(synchronize_session=False)
    )
    # The users in this session now hold an old version: read it again when next asked.
    for obj in session.identity_map.values():
        if isinstance(obj, User) and obj.id in users:
            session.expire(obj, ["data_version"])


def register() -> None:
    """Bump the data version of every user whose data a commit changes (call once at start-up)."""
    changes.subscribe(NAME, _concerns, _bump)
