"""Teams and roles: creating and deleting a team, who is in it, what each member shares."""
from __future__ import annotations

from sqlalchemy import delete, select

from ...domain import teams as rules
from ...domain.limits import TEAM_NAME_MAX, text_problem
from ...domain.teams import Sharing
from ...extensions import db
from ...models import Team, TeamInvitation, TeamMembership, User
from ..errors import Invalid, NotFound
from ..transaction import commit
from .version import bump


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


def team_member(team_id: int, membership_id: int) -> TeamMembership:
    """A membership of this team; NotFound when it is not one (whoever asks may see it: check first)."""
    row = db.session.get(TeamMembership, membership_id)
    if row is None or row.team_id != team_id:
        raise NotFound(f"team member {membership_id}")
    return row


def remove_member(user: User, team_id: int, membership_id: int) -> None:
    """Remove a member: what they shared stops showing at once (the overview is computed on
    every request from current memberships, never cached)."""
    _team, mine = managed(user, team_id)
    target = team_member(team_id, membership_id)
    if target.id == mine.id or not rules.may_remove(mine.role, target.role):
        raise NotFound(f"team member {membership_id} (may not remove)")
    db.session.delete(target)
    bump(team_id)
    commit()


def leave(user: User, team_id: int) -> None:
    """Leave a team: sharing stops at once. The owner cannot leave (they delete the team)."""
    _team, mine = membership(user, team_id)
    if not rules.may_leave(mine.role):
        raise Invalid("team", "You own this team: delete it instead, or it would have no owner.")
    db.session.delete(mine)
    bump(team_id)
    commit()


def change_role(user: User, team_id: int, membership_id: int, role: str) -> None:
    """The owner makes a member a manager, or a manager a member again."""
    _team, mine = membership(user, team_id)
    target = team_member(team_id, membership_id) if rules.manages(mine.role) else None
    if target is None or not rules.may_change_role(mine.role, target.role, role):
        raise NotFound(f"team member {membership_id} (may not change role)")
    target.role = role
    bump(team_id)
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
    bump(team_id)
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
