"""What the team sees: the overview the owner and managers read, and one member's detail."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ...domain import teams as rules
from ...domain.clock import today_in
from ...domain.teams import CeuLine, CredentialLine, MemberView
from ...extensions import db
from ...models import Team, TeamMembership, User
from .. import credentials as credential_service
from ..errors import NotFound
from .memberships import managed, sharing_of, team_member


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
    target = team_member(team_id, membership_id)
    person = db.session.get(User, target.user_id)
    view = rules.by_risk(member_views([(target, person)]))[0]
    if target.share_plans:
        view.plan = _plan_summary(person)
    if target.share_ladder:
        view.rung = _rung_name(person)
    return view


def _plan_summary(person: User) -> dict | None:
    from .. import plans as plan_service

    plan = plan_service.active_plan(person)
    if plan is None:
        return None
    milestones = plan.milestones
    done = sum(1 for m in milestones if m.completed_on is not None)
    upcoming = next((m.title for m in milestones if m.completed_on is None), None)
    return {"title": plan.title, "done": done, "total": len(milestones), "next": upcoming}


def _rung_name(person: User) -> str | None:
    from .. import ladder as ladder_service

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
    from .. import certificates

    managed(user, team_id)
    target = team_member(team_id, membership_id)
    if not target.share_ceus:
        raise NotFound(f"certificate of team member {membership_id} (not shared)")
    person = db.session.get(User, target.user_id)
    activity = credential_service.get_activity(person, activity_id)
    return activity, certificates.certificate_path(person, activity)


def credential_codes(members: list[MemberView]) -> list[str]:
    """The codes the overview's credential filter offers."""
    return sorted({line.code for m in members for line in m.credentials})
