"""Reminders: each user's preferences, the outbox of occurrences, and what the worker last did."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.clock import utc_now
from ..extensions import db
from .columns import UTCDateTime


class ReminderPreference(db.Model):
    """How a user wants to be reminded: kinds on/off, lead times, send hour in their zone."""

    __tablename__ = "reminder_preferences"
    __table_args__ = (
        CheckConstraint("send_hour BETWEEN 0 AND 23", name="send_hour"),
        CheckConstraint("digest_weekday BETWEEN 0 AND 6", name="digest_weekday"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    paused: Mapped[bool] = mapped_column(default=False)
    # Comma-separated kinds the user turned off (the digest is off unless turned on).
    disabled_kinds: Mapped[str] = mapped_column(String(200), default="digest")
    # Per kind, comma-separated days before (+) / after (-) the due date; empty: the defaults.
    offsets: Mapped[str] = mapped_column(Text, default="")
    send_hour: Mapped[int] = mapped_column(Integer, default=8)
    digest_weekday: Mapped[int] = mapped_column(Integer, default=0)
    # The last local day the user's reminders were planned ahead (the worker refreshes daily).
    planned_on: Mapped[dt.date | None] = mapped_column(Date)


class Reminder(db.Model):
    """One reminder occurrence: the outbox row that the worker claims, sends and records."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "subject_key", "occurrence", "offset_days", name="uq_reminders_occurrence"),
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')", name="status"),
        Index("ix_reminders_status_due_at", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject_key: Mapped[str] = mapped_column(String(120))
    occurrence: Mapped[dt.date] = mapped_column(Date)  # the subject's due date (local)
    offset_days: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(300), default="")
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The random token of the claim holding the row while 'sending': outcomes are recorded only
    # under it (see services/reminders.py).
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
    # Snooze and skip (the user's own word on one reminder; planning keeps both): the local day a
    # snoozed row is sent on, and when the user skipped it (a skipped row stays cancelled).
    snoozed_to: Mapped[dt.date | None] = mapped_column(Date)
    skipped_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class WorkerStatus(db.Model):
    """What the reminder worker last did (for /healthz and operators)."""

    __tablename__ = "worker_status"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_sweep_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_counts: Mapped[str] = mapped_column(Text, default="")
