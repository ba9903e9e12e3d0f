"""The email of one reminder: subject line, text and HTML, fixed Message-ID, unsubscribe headers."""
from __future__ import annotations

import datetime as dt

from flask import current_app

from ...domain.dates import short_weekday_date
from ...domain import reminders as rules
from ...domain.reminders import Occurrence
from ...mail import build_message
from ...models import Reminder, ReminderPreference, User
from .planning import subjects_for
from .preferences import preferences
from .unsubscribe import unsubscribe_token

def _absolute(path: str) -> str:
    return current_app.config["RUNGS_BASE_URL"].rstrip("/") + path


def subject_line(row: Reminder, occurrence: Occurrence) -> str:
    due = f"{short_weekday_date(occurrence.subject.due)}, {occurrence.subject.due.year}"
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
