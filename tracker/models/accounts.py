"""Accounts: the user, and the secrets that open their data elsewhere (API tokens, calendar feeds)."""
from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.clock import utc_now
from ..extensions import db
from .columns import UTCDateTime

if TYPE_CHECKING:  # relationship() finds it by name in the registry at run time
    from .plans import Plan


def new_auth_secret() -> str:
    """32 random bytes (hex) for one account: never shared with another account."""
    return secrets.token_hex(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    # AUTOINCREMENT: SQLite never hands a deleted account's id to a new one.
    __table_args__ = (
        CheckConstraint("career_stage IS NULL OR career_stage IN ('starting', 'certified', 'both')", name="career_stage"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Mixed into every cookie, link and token made for this account (tracker/services/identity.py):
    # a new account never shares it, so nothing of a deleted account works on the next one that
    # gets its id (SQLite without AUTOINCREMENT, or a restored database).
    auth_secret: Mapped[str] = mapped_column(String(64), default=new_auth_secret)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Bumped on sign-out, password change and reset: every cookie that carries an older
    # version stops working, so a copied session cookie dies with the session.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # Bumped in the same transaction as any change to the user's own data (plans, credentials,
    # CEUs, ladder...): pages computed from that data are cached under it (tracker/views/page_cache.py).
    # It starts at a random number: a new account that gets a deleted account's id (SQLite reuses
    # the highest id) never meets the old account's cached pages.
    data_version: Mapped[int] = mapped_column(Integer, default=lambda: secrets.randbits(30), server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    # Where the person said they are: "starting" (aiming for a first credential and job),
    # "certified" (a working coder with credentials) or "both"; None until they say (the dashboard
    # then asks). The dashboard leads with what matters at that stage (tracker/domain/career.py).
    career_stage: Mapped[str | None] = mapped_column(String(12))
    # The AAPC member ID or AHIMA ID the user gives (optional): printed on the audit packet.
    member_number: Mapped[str | None] = mapped_column(String(60))

    plans: Mapped[list[Plan]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def get_id(self) -> str:
        # Flask-Login keeps this in the session and the remember cookie; tracker/auth.py checks it.
        from ..services.identity import session_id

        return session_id(self)


# -- open data: API tokens and calendar feeds --------------------------------------------------------


class ApiToken(db.Model):
    """A personal access token for the JSON API. Only a SHA-256 of the secret is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # The first characters of the token, shown in lists so a user can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class CalendarFeed(db.Model):
    """The secret address of a user's iCalendar feed. Rotating it replaces the hash."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    # What the feed carries (comma-separated event kinds) and an alarm this many days before each
    # deadline (None: no alarms). Kept when the address is rotated.
    kinds: Mapped[str] = mapped_column(String(200), default="milestone,ceu_cycle,duty,code_set",
                                       server_default="milestone,ceu_cycle,duty,code_set")
    alarm_days: Mapped[int | None] = mapped_column(Integer)
