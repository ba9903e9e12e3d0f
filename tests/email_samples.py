"""Every email Rungs sends, made through the services and caught by the real SMTP fixture: the
account emails and the reminder kinds, with long unbroken text where a person can type it (a plan
title, an email address), for the tests of their layout (test_reminder_emails.py and the browser
check in e2e/test_e2e_emails.py)."""
from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

from tracker.extensions import db
from tracker.models import User
from tracker.services import account_emails
from tracker.services import credentials as credential_service
from tracker.services import plans as plan_service
from tracker.services import reminders as reminder_service

UTC = dt.timezone.utc
TODAY = dt.date(2026, 11, 23)  # the clock fixture's day (a Monday), 10:00 in New York
BASE = "http://127.0.0.1:5000"
LONG_WORD = "Recertification" * 6  # 90 letters without a space
LONG_EMAIL = f"{'medical.coder.' * 6}name@example.com"


def make_user(email: str = "coder@example.com", zone: str = "America/New_York", digest: bool = False) -> User:
    user = User(email=email, password_hash="not-a-real-hash", time_zone=zone, session_version=1)
    db.session.add(user)
    db.session.commit()
    if digest:
        row = reminder_service.preference_row(user)
        row.disabled_kinds = ""
        db.session.commit()
    return user


def plan_with(user: User, start: dt.date, *steps: tuple[str, int], title: str = "My plan"):
    """A plan starting ``start`` whose steps take the given numbers of days, one after another."""
    plan = plan_service.create_custom_plan(user, title, start)
    plan_service.append_milestones(plan, [(name, "", days, "days") for name, days in steps])
    return plan


def account_samples(smtp) -> dict[str, EmailMessage]:
    """The account emails, by name (call inside an app context, with the smtp fixture on)."""
    user = make_user(LONG_EMAIL)
    link = f"{BASE}/reset/{'x' * 80}"
    before = len(smtp.recorder.messages)
    account_emails.send_password_reset(user, link)
    account_emails.send_sign_up(LONG_EMAIL, finish_link=link, sign_in_link=f"{BASE}/login", reset_link=link)
    account_emails.send_sign_up(LONG_EMAIL, finish_link=None, sign_in_link=f"{BASE}/login", reset_link=link)
    account_emails.send_no_account(LONG_EMAIL, f"{BASE}/register")
    account_emails.send_email_change_link(LONG_EMAIL, "old@example.com", link)
    account_emails.send_email_change_notice("old@example.com", LONG_EMAIL, done=False, reset_link=link)
    account_emails.send_email_change_notice("old@example.com", LONG_EMAIL, done=True, reset_link=link)
    names = ["password_reset", "sign_up", "already_registered", "no_account", "email_change",
             "email_change_notice", "email_change_done"]
    return dict(zip(names, smtp.recorder.messages[before:], strict=True))


def reminder_samples(smtp) -> dict[str, EmailMessage]:
    """A "due soon", a CEU cycle and a weekly digest email, sent by a sweep at 08:00 New York on
    TODAY (call inside an app context with the clock fixture and the smtp fixture on)."""
    user = make_user("reminded@example.com", digest=True)
    plan_with(user, TODAY, (f"Finish the {LONG_WORD} course", 1), ("Pass the exam", 3), ("Apply for jobs", 30),
              title=f"Certified {LONG_WORD}")
    credential_service.add_credential(user, "RHIT", dt.date(2025, 1, 8), TODAY, cycle_end=TODAY + dt.timedelta(days=45))
    before = len(smtp.recorder.messages)
    reminder_service.sweep(dt.datetime(2026, 11, 23, 13, 0, tzinfo=UTC))
    found = {}
    for message in smtp.recorder.messages[before:]:
        kind = message["X-Rungs-Reminder"].split(":")[0]
        found.setdefault(kind, message)
    return found
