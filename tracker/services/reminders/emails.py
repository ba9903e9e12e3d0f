"""The email of one reminder: subject line, text and HTML, fixed Message-ID, unsubscribe headers."""
from __future__ import annotations

import datetime as dt

from flask import current_app

from ...domain.dates import weekday_date_year
from ...domain import reminders as rules
from ...domain.reminders import Occurrence
from ...mail import build_message
from ...models import Reminder, ReminderPreference, User
from .planning import subjects_for
from .preferences import preferences
from . import teams as team_reminders
from .unsubscribe import unsubscribe_token

def _absolute(path: str) -> str:
    return current_app.config["RUNGS_BASE_URL"].rstrip("/") + path


def subject_line(row: Reminder, occurrence: Occurrence, sent_on: dt.date | None = None) -> str:
    """The subject of one reminder's email; dates carry their year only when it is not the year of
    ``sent_on`` (the local day it is sent, default its planned day)."""
    due = rules.dated(occurrence.subject.due, sent_on or occurrence.send_on)
    if row.kind == rules.MILESTONE_DUE:
        return f"Due {due}: {occurrence.subject.title}"
    if row.kind == rules.MILESTONE_OVERDUE:
        return f"Overdue since {due}: {occurrence.subject.title}"
    if row.kind == rules.CEU_CYCLE:
        return f"{occurrence.subject.title}: CEUs still needed" if occurrence.offset > 0 else f"Past due: {occurrence.subject.title}"
    if row.kind == rules.DIGEST:
        return "Your week ahead in Rungs"
    if row.kind in team_reminders.TEAM_KINDS:
        return team_reminders.subject_line(row, occurrence.subject.title)
    return f"{occurrence.subject.title}: due {due}"


def _template(name: str):
    return current_app.jinja_env.get_template(name)


def render(row: Reminder, user: User, occurrence: Occurrence, prefs_row: ReminderPreference,
           sent_on: dt.date | None = None):
    """The email for one row: plain text and HTML, fixed Message-ID, one-click unsubscribe.

    ``sent_on`` (the user's local date at sending, default the planned day) decides "in N days":
    N is counted from the day it is sent to the row's own date (its key), so a reminder sent late
    never claims more days than are left."""
    sent_on = sent_on or occurrence.send_on
    weekly = row.kind in (rules.DIGEST, rules.TEAM_DIGEST)
    days = occurrence.offset if weekly else rules.days_left(occurrence.subject.due, sent_on)
    digest = None
    if row.kind == rules.DIGEST:
        # What is due from the day it is sent (a digest sent late lists from then), not planned.
        digest = rules.digest_of(subjects_for(user, sent_on, preferences(prefs_row)), sent_on)
    subject = subject_line(row, occurrence, sent_on)
    unsubscribe_url = _absolute(f"/reminders/unsubscribe/{unsubscribe_token(user, row.kind)}")
    context = {
        "row": row, "user": user, "occurrence": occurrence, "subject": occurrence.subject,
        "when": rules.describe_offset(days), "kind_label": rules.KINDS[row.kind],
        "link": _absolute(occurrence.subject.link), "digest": digest, "subject_line": subject,
        "sent_on": sent_on, "week_end": sent_on + dt.timedelta(days=rules.DIGEST_SOON_DAYS - 1),
        "later_days": rules.DIGEST_LATER_DAYS,
        "dated": lambda day: rules.dated(day, sent_on),
        "long_dated": lambda day: weekday_date_year(day, sent_on),
        "unsubscribe_url": unsubscribe_url,
        "unsubscribe_all_url": _absolute(f"/reminders/unsubscribe/{unsubscribe_token(user, 'all')}"),
        "preferences_url": _absolute("/reminders/preferences"),
    }
    template = "email/reminder"
    if row.kind in team_reminders.TEAM_KINDS:
        template, more = team_reminders.email_context(row, user, sent_on)
        context.update(more)
    return build_message(
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        to=user.email,
        subject=subject,
        # The templates use only this context: rendered by Jinja directly, without Flask's
        # per-call context processors and signals (a sweep renders two per reminder).
        text=_template(f"{template}.txt").render(context),
        html=_template(f"{template}.html").render(context),
        message_id=row.message_id,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Rungs-Reminder": f"{row.kind}:{row.id}",
        },
    )
