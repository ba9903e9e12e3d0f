"""Invitations: a single-use, expiring link emailed to one address, accepted or declined."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select

from ...domain import teams as rules
from ...domain.limits import EMAIL_MAX, text_problem
from ...domain.teams import Sharing
from ...extensions import db
from ...models import Team, TeamInvitation, TeamMembership, User
from ..accounts import normalize_email
from ..errors import Invalid, NotFound
from ..transaction import commit
from .memberships import managed
from .version import bump

TOKEN_PREFIX = "rungs_inv_"  # the log redaction (tracker/logs.py) hides every rungs_xxx_ secret


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_invitee(email: str | None) -> str:
    """An address to invite, normalized; Invalid when it cannot be one."""
    address = normalize_email(email or "")
    if not address:
        raise Invalid("email", "Enter the coder's email address.")
    if len(address) > EMAIL_MAX or text_problem(address):
        raise Invalid("email", "Enter a valid email address, like name@example.com.")
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or " " in address:
        raise Invalid("email", "Enter a valid email address, like name@example.com.")
    return address


def invite(user: User, team_id: int, email: str, now: dt.datetime) -> tuple[TeamInvitation, str]:
    """Invite an address: a new single-use link (an earlier unused one for the same address stops
    working). Returns the invitation and the link's secret, which is never stored."""
    team, _mine = managed(user, team_id)
    address = check_invitee(email)
    already = db.session.execute(
        select(TeamMembership.id).join(User, User.id == TeamMembership.user_id)
        .where(TeamMembership.team_id == team.id, User.email == address)
    ).first()
    if already:
        raise Invalid("email", "This coder is already in the team.")
    db.session.execute(delete(TeamInvitation).where(
        TeamInvitation.team_id == team.id, TeamInvitation.email == address, TeamInvitation.used_at.is_(None)
    ))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    invitation = TeamInvitation(
        team_id=team.id, invited_by_id=user.id, email=address, token_hash=_hash(token),
        expires_at=now + dt.timedelta(days=rules.INVITATION_DAYS),
    )
    db.session.add(invitation)
    bump(team.id)  # the overview lists open invitations
    commit()
    return invitation, token


def invitation_for_token(token: str, now: dt.datetime) -> TeamInvitation | None:
    """The open invitation a link's secret names; None when unknown, used or expired."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    found = db.session.execute(select(TeamInvitation).where(TeamInvitation.token_hash == _hash(token))).scalar_one_or_none()
    if found is None or found.used_at is not None or found.expires_at <= now:
        return None
    return found


def pending_invitations(user: User, now: dt.datetime) -> list[tuple[TeamInvitation, Team]]:
    """Open invitations to ``user``'s address (so an invitee who signed up in between finds them)."""
    return [tuple(row) for row in db.session.execute(
        select(TeamInvitation, Team).join(Team, Team.id == TeamInvitation.team_id)
        .where(TeamInvitation.email == user.email, TeamInvitation.used_at.is_(None), TeamInvitation.expires_at > now)
        .order_by(TeamInvitation.created_at)
    ).all()]


def my_invitation(user: User, invitation_id: int, now: dt.datetime) -> tuple[TeamInvitation, Team]:
    """An open invitation to ``user``'s address; NotFound otherwise (someone else's, used, expired)."""
    for invitation, team in pending_invitations(user, now):
        if invitation.id == invitation_id:
            return invitation, team
    raise NotFound(f"team invitation {invitation_id}")


def accept(user: User, invitation_id: int, sharing: Sharing, now: dt.datetime) -> TeamMembership:
    """Join the team as a member, sharing the basic fields and what ``sharing`` turns on. The
    invitation is used up (a second click finds nothing)."""
    invitation, team = my_invitation(user, invitation_id, now)
    invitation.used_at = now
    row = db.session.execute(
        select(TeamMembership).where(TeamMembership.team_id == team.id, TeamMembership.user_id == user.id)
    ).scalar_one_or_none()
    if row is None:
        row = TeamMembership(team_id=team.id, user_id=user.id, role=rules.MEMBER)
        db.session.add(row)
    row.share_ceus, row.share_plans, row.share_ladder = sharing.ceus, sharing.plans, sharing.ladder
    bump(team.id)
    commit()
    return row


def decline(user: User, invitation_id: int, now: dt.datetime) -> None:
    """Say no: the invitation is used up."""
    invitation, team = my_invitation(user, invitation_id, now)
    invitation.used_at = now
    bump(team.id)
    commit()


def open_invitations(user: User, team_id: int, now: dt.datetime) -> list[TeamInvitation]:
    """A team's invitations not yet accepted or expired (managers only)."""
    managed(user, team_id)
    return list(db.session.execute(
        select(TeamInvitation).where(
            TeamInvitation.team_id == team_id, TeamInvitation.used_at.is_(None), TeamInvitation.expires_at > now
        ).order_by(TeamInvitation.created_at)
    ).scalars())
