"""Teams (issue 17): the team, its memberships and its invitations."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.clock import utc_now
from ..extensions import db
from .columns import UTCDateTime

# A team lets a supervisor see who is on track to renew, with each coder's consent: a membership
# carries what its member chose to share (tracker/domain/teams.py says what each choice shows).


class Team(db.Model):
    """A group of coders whose owner and managers see what each member shares."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    # Bumped in the same transaction as any change to a member's data or to the memberships
    # (tracker/services/teams/): the overview is cached under it, so it is never stale.
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
