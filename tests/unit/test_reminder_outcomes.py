"""What a failed send means: smtplib's exceptions become plain outcomes (services/delivery.py), and
the domain decides from the outcome alone whether an attempt is spent and how long to wait."""
from __future__ import annotations

import datetime as dt
import random
import smtplib
import socket
import ssl

import pytest

from tracker.domain import reminders as rules
from tracker.domain.reminders import Outcome
from tracker.services.delivery import classify

RCPT = "someone@example.com"


@pytest.mark.parametrize(("error", "outcome"), [
    (smtplib.SMTPRecipientsRefused({RCPT: (550, b"5.1.1 no such mailbox")}), Outcome.RECIPIENT_REFUSED),
    (smtplib.SMTPRecipientsRefused({RCPT: (452, b"4.2.2 mailbox full")}), Outcome.RECIPIENT_DEFERRED),
    (smtplib.SMTPRecipientsRefused({RCPT: (421, b"4.3.2 closing")}), Outcome.SERVER_UNAVAILABLE),
    (smtplib.SMTPDataError(554, b"5.7.1 rejected"), Outcome.RECIPIENT_REFUSED),
    (smtplib.SMTPDataError(451, b"4.3.0 try later"), Outcome.RECIPIENT_DEFERRED),
    (smtplib.SMTPDataError(421, b"4.3.2 closing"), Outcome.SERVER_UNAVAILABLE),
    (smtplib.SMTPSenderRefused(421, b"4.3.2 closing", "no-reply@rungs.test"), Outcome.SERVER_UNAVAILABLE),
    (smtplib.SMTPSenderRefused(550, b"5.7.1 sender refused", "no-reply@rungs.test"), Outcome.SERVER_UNAVAILABLE),
    (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), Outcome.SERVER_UNAVAILABLE),
    (smtplib.SMTPConnectError(554, b"no service"), Outcome.SERVER_UNAVAILABLE),
    (smtplib.SMTPHeloError(421, b"busy"), Outcome.SERVER_UNAVAILABLE),
    (smtplib.SMTPAuthenticationError(535, b"bad credentials"), Outcome.SERVER_UNAVAILABLE),
    (smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server."), Outcome.SERVER_UNAVAILABLE),
    (ConnectionRefusedError(111, "Connection refused"), Outcome.SERVER_UNAVAILABLE),
    (socket.timeout("timed out"), Outcome.SERVER_UNAVAILABLE),
    (ssl.SSLError("certificate verify failed"), Outcome.SERVER_UNAVAILABLE),
])
def test_smtp_errors_become_outcomes(error, outcome):
    assert classify(error) == outcome


def test_only_the_recipients_own_replies_spend_attempts():
    assert rules.counts_attempt(Outcome.RECIPIENT_REFUSED) and rules.counts_attempt(Outcome.RECIPIENT_DEFERRED)
    assert not rules.counts_attempt(Outcome.SERVER_UNAVAILABLE) and not rules.counts_attempt(Outcome.NOT_TRIED)


@pytest.mark.parametrize(("outcome", "attempts", "step"), [
    (Outcome.RECIPIENT_REFUSED, 1, rules.DEAD),
    (Outcome.RECIPIENT_DEFERRED, 1, rules.RETRY),
    (Outcome.RECIPIENT_DEFERRED, rules.MAX_ATTEMPTS, rules.DEAD),
    (Outcome.SERVER_UNAVAILABLE, 0, rules.WAIT),
    (Outcome.SERVER_UNAVAILABLE, rules.MAX_ATTEMPTS + 10, rules.WAIT),  # an outage never dead-letters
    (Outcome.NOT_TRIED, 0, rules.WAIT),
])
def test_next_step(outcome, attempts, step):
    assert rules.next_step(outcome, attempts) == step


@pytest.mark.parametrize("late", [dt.timedelta(0), dt.timedelta(minutes=3), dt.timedelta(hours=6), dt.timedelta(days=30)])
def test_an_outage_waits_between_half_a_minute_and_five_minutes(late):
    rng = random.Random(7)
    for _ in range(200):
        wait = rules.outage_backoff(late, rng)
        assert dt.timedelta(seconds=30) <= wait <= rules.MAX_OUTAGE_BACKOFF


def test_a_reminder_before_a_date_is_moot_once_the_date_has_passed():
    due = dt.date(2026, 11, 24)
    assert rules.moot_reason(1, due, dt.date(2026, 11, 24)) is None  # the day itself: "today"
    assert rules.moot_reason(1, due, dt.date(2026, 11, 25)).startswith("Deadline passed")
    assert rules.moot_reason(-1, due, dt.date(2026, 11, 26)) is None  # an overdue reminder is not
    assert rules.days_left(due, dt.date(2026, 11, 16)) == 8
