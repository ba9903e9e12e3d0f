"""Credentials and CEUs: what the user holds, their renewal setups, CEU activities, submissions,
and the certificate reads that fill the CEU form."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.clock import utc_now
from ..extensions import db
from .columns import Hundredths, UTCDateTime

# CEUs are stored in hundredths (0.25 CEU = 25) by the Hundredths type; Python sees Decimals.


class Credential(db.Model):
    """A credential the user holds (CPC, CRC, RHIT...), of one certifying body (aapc, ahima)."""

    __tablename__ = "credentials"
    __table_args__ = (UniqueConstraint("user_id", "code", name="uq_credentials_user_id_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(12))
    earned_on: Mapped[dt.date] = mapped_column(Date)
    # CPC-A / COC-A: progress toward removing the apprentice designation.
    experience_months: Mapped[int] = mapped_column(Integer, default=0)
    course_done_on: Mapped[dt.date | None] = mapped_column(Date)
    practicode_done_on: Mapped[dt.date | None] = mapped_column(Date)
    # CPC-A became CPC on this day: the same credential (number, CEUs, cycle), its code changed.
    converted_from: Mapped[str | None] = mapped_column(String(12))
    converted_on: Mapped[dt.date | None] = mapped_column(Date)
    # Retired on this day by a credential that replaces it (RHIT by RHIA): kept, no longer counted.
    replaced_by: Mapped[str | None] = mapped_column(String(12))
    replaced_on: Mapped[dt.date | None] = mapped_column(Date)
    # A credential the catalogue lacks (body "other"): the user enters its name, body and rule.
    name: Mapped[str | None] = mapped_column(String(120))
    other_body: Mapped[str | None] = mapped_column(String(60))
    other_ceus: Mapped[Decimal | None] = mapped_column("other_ceus_hundredths", Hundredths)
    other_cycle_years: Mapped[int | None] = mapped_column(Integer)
    other_cycle_end: Mapped[dt.date | None] = mapped_column(Date)
    # What added it: "manual" (the user), "exam" (a passed exam step), "onboarding", "import".
    source: Mapped[str] = mapped_column(String(20), default="manual", server_default="manual")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    # The plan's exam step whose pass added this credential (None: added by hand, or the plan is
    # gone): undoing that step may offer to remove it.
    from_milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("milestones.id", ondelete="SET NULL"), index=True
    )


# Which credentials a CEU counts toward: several of one body (as AAPC's tracker allows), or of two
# bodies when the activity carries approvals from both. No row: all of its body's credentials
# (AAPC general CEUs).
ceu_credentials = db.Table(
    "ceu_credentials",
    db.Column("activity_id", ForeignKey("ceu_activities.id", ondelete="CASCADE"), primary_key=True),
    db.Column("credential_id", ForeignKey("credentials.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class RenewalSetup(db.Model):
    """How one certifying body sets the user's cycles: AAPC's renewal month, AHIMA's cycle end."""

    __tablename__ = "renewal_setups"
    __table_args__ = (
        UniqueConstraint("user_id", "body", name="uq_renewal_setups_user_id_body"),
        CheckConstraint("renewal_month IS NULL OR renewal_month BETWEEN 1 AND 12", name="renewal_month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(String(20))
    renewal_month: Mapped[int | None] = mapped_column(Integer)
    cycle_end: Mapped[dt.date | None] = mapped_column(Date)
    # AAPC pro-rates the first cycle without publishing how: the user enters the figure.
    first_cycle_ceus: Mapped[Decimal | None] = mapped_column("first_cycle_hundredths", Hundredths)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)


class CeuActivity(db.Model):
    """A continuing-education activity the user completed, with its optional certificate."""

    __tablename__ = "ceu_activities"
    __table_args__ = (
        CheckConstraint("ceus_hundredths > 0", name="ceus_hundredths"),
        # Quick capture's suggestions and the log's provider list: a user's titles and providers,
        # each with the ids of its CEUs, read from the index alone (the id named for PostgreSQL;
        # SQLite keeps it in every index anyway).
        Index("ix_ceu_activities_user_id_title", "user_id", "title", "id"),
        Index("ix_ceu_activities_user_id_provider", "user_id", "provider", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(String(20))
    completed_on: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200), default="")
    # AAPC index number or AHIMA program id.
    reference: Mapped[str] = mapped_column(String(60), default="")
    # The second body's approval when the CEU counts toward both (AHIMA program id beside the AAPC
    # index number).
    second_reference: Mapped[str] = mapped_column(String(60), default="", server_default="")
    ceus: Mapped[Decimal] = mapped_column("ceus_hundredths", Hundredths)
    # A credential code: an AAPC subset (CPMA auditing...) or the AHIMA credential it counts for.
    applies_to: Mapped[str] = mapped_column(String(12), default="")
    # An AAPC CEU from the renewal month that the user counts toward the next cycle.
    next_cycle: Mapped[bool] = mapped_column(default=False)
    certificate_name: Mapped[str | None] = mapped_column(String(255))
    certificate_file: Mapped[str | None] = mapped_column(String(80))
    certificate_type: Mapped[str | None] = mapped_column(String(40))
    certificate_size: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)

    credentials: Mapped[list[Credential]] = relationship(secondary=ceu_credentials, order_by="Credential.id")


class CycleSubmission(db.Model):
    """The day the user submitted a cycle's CEUs to the certifying body."""

    __tablename__ = "cycle_submissions"
    __table_args__ = (
        UniqueConstraint("user_id", "body", "cycle_end", name="uq_cycle_submissions_user_id_body_cycle_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(String(20))
    cycle_end: Mapped[dt.date] = mapped_column(Date)
    submitted_on: Mapped[dt.date] = mapped_column(Date)


# -- certificate reading (issue 16): a certificate read for the CEU form -------------------------------


class CertificateRead(db.Model):
    """A certificate file sent to be read, the reading's state and what it read.

    The file waits in the owner's certificate folder until a CEU is saved with it (then it is
    stored with the CEU like any upload) or the read is dropped.
    """

    __tablename__ = "certificate_reads"
    __table_args__ = (CheckConstraint("status IN ('pending', 'done', 'failed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    # JSON: {"fields": {name: {"value", "confidence"}}, "source"} when done, {"message"} when failed.
    result: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str] = mapped_column(String(120))
    stored_file: Mapped[str] = mapped_column(String(40))
    file_type: Mapped[str] = mapped_column(String(40))
    file_size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
