"""Re-check before sending: what each user of a batch still wants, from data loaded for the
whole batch at once, and why a row must not be sent (done, CEUs met, unsubscribed, superseded)."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import func, select

from ...domain.dates import long_date
from ...domain import reminders as rules
from ...domain.zones import local_today
from ...extensions import db
from ...models import Reminder, ReminderPreference, User
from .planning import _key, snoozed_keys, wanted_now
from .preferences import preference_row

log = logging.getLogger("tracker.reminders")


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
    try:
        snoozed = snoozed_keys(user_ids)
    except Exception:
        log.exception("loading the snoozed reminders of %s users failed; loading them one by one", len(user_ids))
        db.session.rollback()
        snoozed = None
    for user_id in user_ids:
        try:
            if user_id in loaded:
                user, prefs_row, plans, overviews = loaded[user_id]
                wanted, prefs_row = wanted_now(user, now, prefs_row=prefs_row or preference_row(user),
                                               plans=plans, overviews=overviews,
                                               snoozed=None if snoozed is None else snoozed.get(user_id, set()))
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
    from .. import credentials as credential_service
    from .. import plans as plan_service

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
            return f"Too late: its day was {long_date(planned_day)}, more than {rules.CATCH_UP_DAYS} days ago."
        return "No longer needed when it was due: done, CEUs met, changed or turned off."
    if deadline:
        return deadline
    last = sent_before.get((row.user_id, *key[:3]))
    if row.offset_days > 0 and last is not None and last >= row.due_at:
        # Lead times changed after a send: the date was already reminded of, later than this one
        # was planned for; sending it now would be a second email with the wrong lead.
        return f"Superseded: a reminder of the same date was already sent on {long_date(last)}."
    return None
