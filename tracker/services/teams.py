"""Teams: create, invite, accept, share, leave, remove, and the overview the managers read.

Every function that takes a team id takes the person asking too, and answers NotFound when they
are not in that team (or may not do that there): a stranger, or a member of another team, learns
nothing, not even that the team exists. What a manager sees of a member is built here from the
member's consent (:class:`~tracker.domain.teams.Sharing`) and nothing else; the numbers come from
the same cycle computations the member's own credentials page uses
(:func:`tracker.services.credentials.renewal_overviews`), for all members in a fixed number of
queries.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select, update

from ..domain import teams as rules
from ..domain.limits import EMAIL_MAX, TEAM_NAME_MAX, text_problem
from ..domain.clock import today_in
from ..domain.teams import CeuLine, CredentialLine, MemberView, Sharing
from ..extensions import db
from ..models import (
    ApiToken, CalendarFeed, Reminder, ReminderPreference, Team, TeamInvitation, TeamMembership, User, WorkerStatus,
)
from . import credentials as credential_service
from .accounts import normalize_email
from .errors import Invalid, NotFound
from .transaction import commit

TOKEN_PREFIX = "rungs_inv_"  # the log redaction (tracker/logs.py) hides every rungs_xxx_ secret


# -- the overview's version ------------------------------------------------------------------------
# The overview is cached under its team's version (tracker/views/teams.py). The change tracker
# (services/changes.py) bumps it in the same commit as any change to a member's data; the
# functions below that add, change or remove memberships bump it themselves (a deleted membership
# no longer links its team to the member when the tracker runs).

_IGNORED = (Reminder, WorkerStatus, ApiToken, CalendarFeed, ReminderPreference, Team, TeamInvitation)
NAME = "team_version"


def _bump_teams_of(session, user_ids: set[int]) -> None:
    session.execute(
        update(Team).where(Team.id.in_(select(TeamMembership.team_id).where(TeamMembership.user_id.in_(sorted(user_ids)))))
        .values(version=Team.version + 1).execution_options(synchronize_session=False)
    )


def register() -> None:
    """Bump the version of every team of every user whose data a commit changes (call once at
    start-up, like services.versions.register)."""
    from . import changes

    changes.subscribe(NAME, lambda _session, obj: not isinstance(obj, _IGNORED), _bump_teams_of)


def _bump(team_id: int) -> None:
    db.session.execute(update(Team).where(Team.id == team_id).values(version=Team.version + 1)
                       .execution_options(synchronize_session=False))


# -- teams and roles ------------------------------------------------------------------------------

def check_team_name(name: str | None) -> str:
    """A team name: 1 to 80 characters, no control characters."""
    name = (name or "").strip()
    if not name:
        raise Invalid("name", "Give the team a name.")
    if len(name) > TEAM_NAME_MAX:
        raise Invalid("name", f"Use at most {TEAM_NAME_MAX} characters.")
    problem = text_problem(name)
    if problem:
        raise Invalid("name", problem)
    return name


def create_team(user: User, name: str) -> Team:
    """A new team with ``user`` as its owner (sharing the basic fields only, like anyone)."""
    team = Team(name=check_team_name(name))
    db.session.add(team)
    db.session.flush()
    db.session.add(TeamMembership(team_id=team.id, user_id=user.id, role=rules.OWNER))
    commit()
    return team


def my_teams(user: User) -> list[tuple[Team, TeamMembership]]:
    """The teams ``user`` is in, with their membership, by name."""
    return [tuple(row) for row in db.session.execute(
        select(Team, TeamMembership).join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.user_id == user.id).order_by(Team.name, Team.id)
    ).all()]


def membership(user: User, team_id: int) -> tuple[Team, TeamMembership]:
    """The team and ``user``'s membership in it; NotFound when they are not in it."""
    row = db.session.execute(
        select(Team, TeamMembership).join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(Team.id == team_id, TeamMembership.user_id == user.id)
    ).first()
    if row is None:
        raise NotFound(f"team {team_id}")
    return row[0], row[1]


def managed(user: User, team_id: int) -> tuple[Team, TeamMembership]:
    """Like :func:`membership`, for what only owners and managers do: NotFound for members too
    (a member learns nothing of the others)."""
    team, mine = membership(user, team_id)
    if not rules.manages(mine.role):
        raise NotFound(f"team {team_id} (not a manager)")
    return team, mine


def _member(team_id: int, membership_id: int) -> TeamMembership:
    row = db.session.get(TeamMembership, membership_id)
    if row is None or row.team_id != team_id:
        raise NotFound(f"team member {membership_id}")
    return row


def remove_member(user: User, team_id: int, membership_id: int) -> None:
    """Remove a member: what they shared stops showing at once (the overview is computed on
    every request from current memberships, never cached)."""
    _team, mine = managed(user, team_id)
    target = _member(team_id, membership_id)
    if target.id == mine.id or not rules.may_remove(mine.role, target.role):
        raise NotFound(f"team member {membership_id} (may not remove)")
    db.session.delete(target)
    _bump(team_id)
    commit()


def leave(user: User, team_id: int) -> None:
    """Leave a team: sharing stops at once. The owner cannot leave (they delete the team)."""
    _team, mine = membership(user, team_id)
    if not rules.may_leave(mine.role):
        raise Invalid("team", "You own this team: delete it instead, or it would have no owner.")
    db.session.delete(mine)
    _bump(team_id)
    commit()


def change_role(user: User, team_id: int, membership_id: int, role: str) -> None:
    """The owner makes a member a manager, or a manager a member again."""
    _team, mine = membership(user, team_id)
    target = _member(team_id, membership_id) if rules.manages(mine.role) else None
    if target is None or not rules.may_change_role(mine.role, target.role, role):
        raise NotFound(f"team member {membership_id} (may not change role)")
    target.role = role
    _bump(team_id)
    commit()


def delete_team(user: User, team_id: int) -> None:
    """The owner deletes the team: memberships and invitations go with it."""
    team, mine = membership(user, team_id)
    if mine.role != rules.OWNER:
        raise NotFound(f"team {team_id} (not the owner)")
    db.session.delete(team)
    commit()


def update_sharing(user: User, team_id: int, sharing: Sharing) -> None:
    """What ``user`` shares with this team from now on (turning something off hides it at once)."""
    _team, mine = membership(user, team_id)
    mine.share_ceus, mine.share_plans, mine.share_ladder = sharing.ceus, sharing.plans, sharing.ladder
    _bump(team_id)
    commit()


def sharing_of(row: TeamMembership) -> Sharing:
    return Sharing(ceus=row.share_ceus, plans=row.share_plans, ladder=row.share_ladder)


def forget_account(user: User) -> None:
    """Before an account is deleted: the teams it owns go (with every membership and invitation:
    a team is never left without an owner), and so do open invitations to its address. Its own
    memberships go with the ``users`` row (ON DELETE CASCADE). Does not commit."""
    owned = select(TeamMembership.team_id).where(TeamMembership.user_id == user.id, TeamMembership.role == rules.OWNER)
    db.session.execute(delete(TeamInvitation).where(TeamInvitation.team_id.in_(owned)))
    db.session.execute(delete(TeamMembership).where(TeamMembership.team_id.in_(owned.scalar_subquery())))
    db.session.execute(delete(TeamInvitation).where(TeamInvitation.email == user.email))
    db.session.execute(delete(Team).where(~select(TeamMembership.id).where(TeamMembership.team_id == Team.id).exists()))


# -- invitations ----------------------------------------------------------------------------------

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
    _bump(team.id)  # the overview lists open invitations
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
    _bump(team.id)
    commit()
    return row


def decline(user: User, invitation_id: int, now: dt.datetime) -> None:
    """Say no: the invitation is used up."""
    invitation, team = my_invitation(user, invitation_id, now)
    invitation.used_at = now
    _bump(team.id)
    commit()


def open_invitations(user: User, team_id: int, now: dt.datetime) -> list[TeamInvitation]:
    """A team's invitations not yet accepted or expired (managers only)."""
    managed(user, team_id)
    return list(db.session.execute(
        select(TeamInvitation).where(
            TeamInvitation.team_id == team_id, TeamInvitation.used_at.is_(None), TeamInvitation.expires_at > now
        ).order_by(TeamInvitation.created_at)
    ).scalars())


# -- what the team sees ---------------------------------------------------------------------------

def _lines(overviews) -> list[CredentialLine]:
    """Each credential with its body's cycle that needs the coder most (as their page shows it)."""
    lines = []
    for overview in overviews:
        standing = overview.attention
        tally = standing.tally
        for credential in overview.credentials:
            if credential.replaced_by:
                continue
            lines.append(CredentialLine(
                code=credential.code, cycle_end=tally.cycle.end, required=tally.required,
                earned=tally.earned, needed=tally.needed, status=standing.status, days_left=standing.days_left,
            ))
    return lines


def _ceus(overviews) -> list[CeuLine]:
    seen: dict[int, CeuLine] = {}
    for overview in overviews:
        for a in overview.activities:
            seen.setdefault(a.id, CeuLine(
                id=a.id, completed_on=a.completed_on, title=a.title, provider=a.provider, ceus=a.ceus,
                has_certificate=a.certificate_file is not None,
            ))
    return sorted(seen.values(), key=lambda c: (c.completed_on, c.id), reverse=True)


def member_rows(team_id: int) -> list[tuple[TeamMembership, User]]:
    return [tuple(row) for row in db.session.execute(
        select(TeamMembership, User).join(User, User.id == TeamMembership.user_id)
        .where(TeamMembership.team_id == team_id).order_by(User.email)
    ).all()]


def member_views(rows: list[tuple[TeamMembership, User]]) -> list[MemberView]:
    """What the team sees of each member, in one batch: the basic fields always, CEU details only
    for those who share them. Seven queries whatever the team's size."""
    days = {user.id: today_in(user.time_zone) for _row, user in rows}
    overviews = credential_service.renewal_overviews(days)
    views = []
    for row, user in rows:
        sharing = sharing_of(row)
        mine = overviews.get(user.id, [])
        view = MemberView(
            membership_id=row.id, user_id=user.id, email=user.email, role=row.role, sharing=sharing,
            credentials=_lines(mine),
        )
        if sharing.ceus:
            view.ceus = _ceus(mine)
            view.last_ceu_on = view.ceus[0].completed_on if view.ceus else None
        views.append(view)
    return views


def overview_key(team: Team, now: dt.datetime) -> tuple:
    """What the cached overview depends on besides the viewer's filters: the team's version
    (bumped with every change to its members' data or memberships) and the quarter hour, since each
    member's cycles are judged on their own local day and every zone's midnight falls on one."""
    return (team.id, team.version, now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0))


def overview(user: User, team_id: int, filters: rules.Filters | None = None) -> tuple[Team, TeamMembership, list[MemberView]]:
    """The team overview (owners and managers): every member riskiest first, filtered."""
    team, mine = managed(user, team_id)
    members = rules.by_risk(member_views(member_rows(team.id)))
    if filters:
        members = rules.apply_filters(members, filters, today_in(user.time_zone))
    return team, mine, members


def member_detail(user: User, team_id: int, membership_id: int) -> MemberView:
    """One member as a manager sees them: the overview's fields, and their CEUs, plan and rung
    only when shared."""
    managed(user, team_id)
    target = _member(team_id, membership_id)
    person = db.session.get(User, target.user_id)
    view = rules.by_risk(member_views([(target, person)]))[0]
    if target.share_plans:
        view.plan = _plan_summary(person)
    if target.share_ladder:
        view.rung = _rung_name(person)
    return view


def _plan_summary(person: User) -> dict | None:
    from . import plans as plan_service

    plan = plan_service.active_plan(person)
    if plan is None:
        return None
    milestones = plan.milestones
    done = sum(1 for m in milestones if m.completed_on is not None)
    upcoming = next((m.title for m in milestones if m.completed_on is None), None)
    return {"title": plan.title, "done": done, "total": len(milestones), "next": upcoming}


def _rung_name(person: User) -> str | None:
    from . import ladder as ladder_service

    profile = ladder_service.profile_of(person)
    if profile is None or not profile.rung_key:
        return None
    try:
        return ladder_service.current_ladder().rung(profile.rung_key).name
    except (KeyError, NotFound):
        return None


def shared_certificate(user: User, team_id: int, membership_id: int, activity_id: int):
    """A member's CEU and the path of its certificate, for a manager, only while the member
    shares CEU details; NotFound otherwise."""
    from . import certificates

    managed(user, team_id)
    target = _member(team_id, membership_id)
    if not target.share_ceus:
        raise NotFound(f"certificate of team member {membership_id} (not shared)")
    person = db.session.get(User, target.user_id)
    activity = credential_service.get_activity(person, activity_id)
    return activity, certificates.certificate_path(person, activity)


def credential_codes(members: list[MemberView]) -> list[str]:
    """The codes the overview's credential filter offers."""
    return sorted({line.code for m in members for line in m.credentials})

