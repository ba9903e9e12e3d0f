"""Every email reads well on a phone: plain text and HTML, a viewport, one column of at most
600 px, absolute links, one large button, dates with the year only when it is not this year, no
developer words. And the weekly digest: the next 7 days, "Later" apart, through the outbox."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from tracker.domain import reminders as rules
from tracker.extensions import db
from tracker.models import Reminder
from tracker.services import reminders as service

from email_samples import BASE, LONG_WORD, UTC, account_samples, make_user, plan_with, reminder_samples

DEVELOPER_WORDS = ("plans/", "seed", "confidence:", "sweep", "worker", "None", "True", "False", "{{", "{%")


def parts(message) -> tuple[str, str]:
    assert message.get_content_type() == "multipart/alternative"
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def visible(html: str) -> str:
    body = re.sub(r"<(style|title)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


def check_structure(name: str, message) -> None:
    text, html = parts(message)
    assert text.strip(), name
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html, name
    assert "max-width:600px" in html and 'role="presentation"' in html, name
    assert "<script" not in html and "<style" not in html, name  # inline styles only: what mail clients keep
    links = re.findall(r'href="([^"]*)"', html)
    assert links, name
    assert all(link.startswith(BASE + "/") for link in links), (name, links)
    # The one action is a block button with a finger-sized tap area (15 px padding, 22 px line).
    assert re.search(r'<a href="http[^"]+" style="display:block;padding:15px 20px;[^"]*line-height:22px', html), name
    words = re.sub(r"https?://\S+", "", text)  # links may say /plans/: what a person reads may not
    for word in DEVELOPER_WORDS:
        assert word not in visible(html) and word not in words, (name, word)


def test_every_account_email_has_text_and_a_phone_sized_html_part(app, clock, smtp):
    with app.app_context():
        samples = account_samples(smtp)
    assert len(samples) == 7
    for name, message in samples.items():
        check_structure(name, message)


def test_reminder_and_digest_emails_have_text_and_a_phone_sized_html_part(app, clock, smtp):
    with app.app_context():
        samples = reminder_samples(smtp)
    assert set(samples) == {rules.MILESTONE_DUE, rules.CEU_CYCLE, rules.DIGEST}
    for name, message in samples.items():
        check_structure(name, message)
        assert message["List-Unsubscribe"].startswith(f"<{BASE}/reminders/unsubscribe/")
    due_text, due_html = parts(samples[rules.MILESTONE_DUE])
    # This year's dates go without the year; the button says what it does.
    assert "Due: Tuesday, November 24 (in 1 day)" in due_text
    assert samples[rules.MILESTONE_DUE]["Subject"] == f"Due Tue Nov 24: Finish the {LONG_WORD} course (Certified {LONG_WORD})"
    assert "Open in Rungs</a>" in due_html
    ceu_text, _ = parts(samples[rules.CEU_CYCLE])
    assert "Due: Thursday, January 7, 2027 (in 45 days)" in ceu_text  # next year: with the year


def digest_of(smtp) -> tuple[str, str]:
    (message,) = [m for m in smtp.recorder.messages if m["X-Rungs-Reminder"].startswith("digest:")]
    return parts(message)


def test_the_digest_lists_the_next_7_days_with_later_apart_and_nothing_far_off(app, clock, smtp):
    with app.app_context():
        user = make_user(digest=True)
        # Steps due Nov 24 and Nov 29 (this week), Dec 29 (later), then 2027 and 2028 (far off).
        plan_with(user, dt.date(2026, 11, 23), ("Step soon", 1), ("Step this week", 5), ("Step next month", 30),
                  ("Step next year", 200), ("Step in 18 months", 340))
        from tracker.services import credentials as credential_service

        credential_service.add_credential(user, "CPC", dt.date(2025, 5, 1), dt.date(2026, 11, 23), renewal_month=5)
        service.sweep(dt.datetime(2026, 11, 23, 13, 0, tzinfo=UTC))
    text, html = digest_of(smtp)
    week, _, later = text.partition("Later:")
    assert "Mon Nov 23 to Sun Nov 29" in text
    assert "Tue Nov 24: Step soon" in week and "Sun Nov 29: Step this week" in week
    assert "Tue Dec 29: Step next month" in later
    for far in ("Step next year", "Step in 18 months", "CEU cycle"):
        assert far not in text and far not in html, far
    assert visible(html).index("Step this week") < visible(html).index("Later") < visible(html).index("Step next month")


def test_the_digest_across_the_year_end_dates_next_years_items_with_their_year(app, clock, smtp):
    monday = dt.datetime(2026, 12, 28, 13, 0, tzinfo=UTC)  # 08:00 in New York
    clock.move_to(monday)
    with app.app_context():
        user = make_user(digest=True)
        plan_with(user, dt.date(2026, 12, 28), ("Step in December", 2), ("Step in January", 3), ("Step in February", 40))
        service.sweep(monday)
    text, html = digest_of(smtp)
    assert "Mon Dec 28 to Sun Jan 3, 2027" in text
    assert "Wed Dec 30: Step in December" in text
    assert "Sat Jan 2, 2027: Step in January" in text and "Sat Jan 2, 2027" in visible(html)
    later = text.partition("Later:")[2]
    assert "Thu Feb 11, 2027: Step in February" in later


def test_the_digest_goes_at_8_local_on_both_sides_of_a_dst_change_once_each(app, clock, smtp):
    # New York leaves daylight time on Sunday Nov 1, 2026: 08:00 is 12:00 UTC on Oct 26, 13:00 on Nov 2.
    with app.app_context():
        clock.move_to(dt.datetime(2026, 10, 25, 15, 0, tzinfo=UTC))
        user = make_user(digest=True)
        plan_with(user, dt.date(2026, 10, 20), ("A long step", 60))
        for instant, expected in [("2026-10-26T11:59", 0), ("2026-10-26T12:00", 1), ("2026-10-26T18:00", 1),
                                  ("2026-11-02T12:00", 1), ("2026-11-02T13:00", 2), ("2026-11-02T20:00", 2)]:
            now = dt.datetime.fromisoformat(instant).replace(tzinfo=UTC)
            clock.move_to(now)
            service.sweep(now)
            digests = [m for m in smtp.recorder.messages if m["X-Rungs-Reminder"].startswith("digest:")]
            assert len(digests) == expected, instant
        assert len({m["Message-ID"] for m in digests}) == 2
        sent = db.session.execute(select(Reminder).where(Reminder.kind == rules.DIGEST, Reminder.status == "sent")).scalars().all()
        assert sorted(r.occurrence for r in sent) == [dt.date(2026, 10, 26), dt.date(2026, 11, 2)]


def test_a_digest_while_smtp_is_down_waits_in_the_outbox_and_goes_once(app, clock, smtp):
    now = dt.datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
    with app.app_context():
        user = make_user(digest=True)
        plan_with(user, dt.date(2026, 11, 23), ("Step soon", 2))
        smtp.stop()
        down = service.sweep(now)
        assert down.sent == 0
        row = db.session.execute(select(Reminder).where(Reminder.kind == rules.DIGEST, Reminder.occurrence == dt.date(2026, 11, 23))).scalar_one()
        assert row.status == "pending" and row.last_error and row.attempts == 0
        smtp.start()
        for minutes in (10, 20, 30):
            later = now + dt.timedelta(minutes=minutes)
            clock.move_to(later)
            service.sweep(later)
    digests = [m for m in smtp.recorder.messages if m["X-Rungs-Reminder"].startswith("digest:")]
    assert len(digests) == 1
