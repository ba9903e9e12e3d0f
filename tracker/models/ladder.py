"""The career ladder: where the user stands, gaps in their experience, focus areas ticked off."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class LadderProfile(db.Model):
    """Where the user stands on the career ladder (credentials come from the credentials feature)."""

    __tablename__ = "ladder_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # A rung key from plans/ladder.toml; None: not yet in the field (on the pathway).
    rung_key: Mapped[str | None] = mapped_column(String(40))
    coding_started_on: Mapped[dt.date | None] = mapped_column(Date)
    specialties: Mapped[str] = mapped_column(Text, default="")


class ExperienceGap(db.Model):
    """A period without coding work: it does not count as experience."""

    __tablename__ = "experience_gaps"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)


class FocusTick(db.Model):
    """A focus area of a rung the user has checked off, with their evidence."""

    __tablename__ = "focus_ticks"
    __table_args__ = (UniqueConstraint("user_id", "rung_key", "area", name="uq_focus_ticks_user_id_rung_key_area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rung_key: Mapped[str] = mapped_column(String(40))
    area: Mapped[str] = mapped_column(String(200))
    done: Mapped[bool] = mapped_column(default=False)
    evidence: Mapped[str] = mapped_column(Text, default="")
