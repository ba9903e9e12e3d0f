"""The database schema. Created only by the migrations in migrations/ (flask db upgrade)."""
from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from flask_login import UserMixin
from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Index,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .domain.clock import utc_now
from .domain.clock import utc_now as utcnow  # noqa: F401 (services/reminders.py imports it from here)
from .extensions import db


class UTCDateTime(TypeDecorator):
    """An instant stored in UTC that always comes back timezone-aware (SQLite returns naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class Hundredths(TypeDecorator):
    """A quantity with at most two decimals (CEUs), stored as an INTEGER count of hundredths
    (0.25 = 25): exact, and the same on SQLite and PostgreSQL. Python sees a Decimal, never the
    storage unit. Non-zero values come back normalized (1.50 as 1.5), as before this type."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_value())

    def process_result_value(self, value, dialect):
        return None if value is None else (Decimal(value) / 100).normalize()


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
        from .services.identity import session_id

        return session_id(self)


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


# -- credentials and CEUs ------------------------------------------------------------------------
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
    __table_args__ = (CheckConstraint("ceus_hundredths > 0", name="ceus_hundredths"),)

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


# -- the career ladder -----------------------------------------------------------------------------


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


# -- reminders -------------------------------------------------------------------------------------


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


# -- teams (issue 17) ------------------------------------------------------------------------------
# A team lets a supervisor see who is on track to renew, with each coder's consent: a membership
# carries what its member chose to share (tracker/domain/teams.py says what each choice shows).


class Team(db.Model):
    """A group of coders whose owner and managers see what each member shares."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    # Bumped in the same transaction as any change to a member's data or to the memberships
    # (tracker/services/teams.py): the overview is cached under it, so it is never stale.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class TeamMembership(db.Model):
    """One person in one team: their role and what they share with its owner and managers."""

    __tablename__ = "team_memberships"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id", name="uq_team_memberships_team_id_user_id"),
        CheckConstraint("role IN ('owner', 'manager', 'member')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    # Each credential's code, cycle end, required, earned, still needed and status are always
    # shared with the team (that is what joining means); the rest only while these are on.
    share_ceus: Mapped[bool] = mapped_column(default=False)  # CEU details and certificates
    share_plans: Mapped[bool] = mapped_column(default=False)
    share_ladder: Mapped[bool] = mapped_column(default=False)
    joined_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)


class TeamInvitation(db.Model):
    """An emailed invitation: single use, expiring, for one address. Only a SHA-256 of the link's
    secret is kept."""

    __tablename__ = "team_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)



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
