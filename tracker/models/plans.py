"""Plans and their milestones, with each milestone's checklist, costs and exam attempts."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.clock import utc_now
from ..extensions import db
from .columns import UTCDateTime

if TYPE_CHECKING:  # relationship() finds it by name in the registry at run time
    from .accounts import User


class Plan(db.Model):
    __tablename__ = "plans"
    __table_args__ = (CheckConstraint("pace IN ('full_time', 'part_time')", name="pace"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(120))
    start_date: Mapped[dt.date] = mapped_column(Date)
    pace: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    # The active plan is the one with the highest rank (activated last): no pointer to keep in
    # step when plans are deleted, and no reliance on two clock readings differing.
    active_rank: Mapped[int] = mapped_column(Integer, default=0)

    user: Mapped[User] = relationship(back_populates="plans")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="plan",
        order_by="Milestone.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Milestone(db.Model):
    __tablename__ = "milestones"
    __table_args__ = (
        CheckConstraint("duration_amount >= 0", name="duration_amount"),
        CheckConstraint("duration_unit IN ('days', 'weeks', 'months')", name="duration_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    # The template step this milestone came from; None for a milestone the user added.
    step_key: Mapped[str | None] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    duration_amount: Mapped[int] = mapped_column(Integer)
    duration_unit: Mapped[str] = mapped_column(String(10))
    notes: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)

    plan: Mapped[Plan] = relationship(back_populates="milestones")
    checklist: Mapped[list[ChecklistItem]] = relationship(
        back_populates="milestone",
        order_by="ChecklistItem.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    costs: Mapped[list[Cost]] = relationship(
        back_populates="milestone",
        order_by="Cost.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    exam_attempts: Mapped[list[ExamAttempt]] = relationship(
        back_populates="milestone",
        order_by="ExamAttempt.taken_on",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ChecklistItem(db.Model):
    __tablename__ = "checklist_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(
        ForeignKey("milestones.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    done_on: Mapped[dt.date | None] = mapped_column(Date)

    milestone: Mapped[Milestone] = relationship(back_populates="checklist")


class Cost(db.Model):
    __tablename__ = "costs"
    __table_args__ = (
        CheckConstraint("amount_cents >= 0", name="amount_cents"),
        CheckConstraint("kind IN ('program', 'exam', 'materials', 'other')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(
        ForeignKey("milestones.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(120))
    amount_cents: Mapped[int] = mapped_column(Integer)
    incurred_on: Mapped[dt.date | None] = mapped_column(Date)

    milestone: Mapped[Milestone] = relationship(back_populates="costs")


class ExamAttempt(db.Model):
    __tablename__ = "exam_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(
        ForeignKey("milestones.id", ondelete="CASCADE"), index=True
    )
    taken_on: Mapped[dt.date] = mapped_column(Date)
    passed: Mapped[bool] = mapped_column()
    # When an attempt fails, the date of the retake: the exam step cannot finish before it.
    retake_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    milestone: Mapped[Milestone] = relationship(back_populates="exam_attempts")
