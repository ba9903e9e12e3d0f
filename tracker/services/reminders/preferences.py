"""How each user wants to be reminded: kinds, lead times, send hour, digest day, pause."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from sqlalchemy import select

from ...domain import reminders as rules
from ...domain.reminders import Preferences
from ...extensions import db
from ...models import ReminderPreference, User, utcnow
from ..errors import Invalid
from ..transaction import commit


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
    user: User, *, enabled: set[str], offsets: dict[str, str | Sequence[int]], send_hour: int | None,
    digest_weekday: int | None, paused: bool, now: dt.datetime | None = None,
) -> None:
    """Change how the user is reminded; pending rows follow in the same transaction. Lead times
    per kind are days before the date (0 on the day, negative after), as whole numbers or as text
    ("90, 45, -1")."""
    from .planning import plan_user  # planning reads preferences

    apply_preferences(preference_row(user), enabled=enabled, offsets=offsets, send_hour=send_hour,
                      digest_weekday=digest_weekday, paused=paused)
    plan_user(user, now or utcnow())
    commit()


def apply_preferences(
    row: ReminderPreference, *, enabled: set[str], offsets: dict[str, str | Sequence[int]], send_hour: int | None,
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
        if kind not in rules.KINDS or kind in rules.FIXED_LEAD_KINDS:
            continue
        if not isinstance(text, str):  # days as whole numbers (ticked boxes, the API)
            days = list(text)
            if not days:
                raise Invalid(f"offsets_{kind}", "Tick at least one lead time, or turn these reminders off.")
            text = ", ".join(str(day) for day in days)
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
