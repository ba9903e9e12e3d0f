"""Team emails through the reminder outbox: a weekly team digest and an at-risk alert, for each
team's owner and managers.

They are reminders of the manager's like any other (:func:`team_subjects` adds them to what the
manager wants, see :func:`.planning.wanted_now`), so they take the same path: one outbox row per
occurrence under the unique key, the same claim, lease, sweep and SMTP, the manager's send hour,
digest weekday, pause and unsubscribe, and the re-check before sending.

- **Weekly team digest** (``team-digest:<team>``, on the manager's digest weekday): the members
  whose shared cycles are behind pace, at risk or overdue, riskiest first; planned only while there
  is someone to list, and cancelled at sending if nobody is left to list.
- **At-risk alert** (``team-at-risk:<team>:<member>:<cycle end>``): one per manager, member and
  cycle end, when a shared cycle is at risk (or overdue) with 0 to 60 days left and CEUs still
  needed (:func:`tracker.domain.teams.alerting`). Its one occurrence is dated from the first day of
  the 60-day window, so whenever the manager's plan first finds it (their daily planning, or any
  write of theirs) it is due at once; the row's unique key keeps it from coming again, whatever
  the sweeps, workers or re-planning. At sending, the re-check cancels it when the member left or
  was removed, the manager no longer manages the team, or the cycle is no longer at risk.

Only the basic fields every member shares by joining (code, cycle end, CEUs still needed, status)
are ever emailed; CEU details, plans and the ladder never are.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ...domain import reminders as rules
from ...domain import teams as team_rules
from ...domain.reminders import Preferences, Subject
from ...extensions import db
from ...models import Reminder, Team, TeamMembership, User

TEAM_KINDS = (rules.TEAM_DIGEST, rules.TEAM_AT_RISK)


def managed_teams(user: User) -> list[Team]:
    """The teams ``user`` owns or manages (one query)."""
    return list(db.session.execute(
        select(Team).join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.user_id == user.id,
               TeamMembership.role.in_((team_rules.OWNER, team_rules.MANAGER)))
        .order_by(Team.id)
    ).scalars())


def _members(team_id: int, viewer_id: int) -> list[team_rules.MemberView]:
    """Everyone in the team but the manager, as the team sees them (the basic fields)."""
    from ..teams import member_rows, member_views

    return [m for m in member_views(member_rows(team_id)) if m.user_id != viewer_id]


def digest_key(team_id: int) -> str:
    return f"team-digest:{team_id}"


def alert_key(team_id: int, member_id: int, cycle_end: dt.date) -> str:
    return f"team-at-risk:{team_id}:{member_id}:{cycle_end.isoformat()}"


def team_subjects(user: User, today: dt.date, prefs: Preferences) -> list[Subject]:
    """The team digests and at-risk alerts ``user`` wants as of ``today`` (their local date), for
    the teams they own or manage; nothing when both kinds are off or reminders are paused."""
    wanted = set(TEAM_KINDS) & prefs.enabled
    if prefs.paused or not wanted:
        return []
    subjects: list[Subject] = []
    for team in managed_teams(user):
        members = _members(team.id, user.id)
        link = f"/teams/{team.id}"
        if rules.TEAM_DIGEST in wanted and team_rules.digest_members(members, user.id):
            for day in rules.digest_days(prefs, today):
                subjects.append(Subject(rules.TEAM_DIGEST, digest_key(team.id), day,
                                        f"{team.name}: your weekly team digest", link))
        if rules.TEAM_AT_RISK not in wanted:
            continue
        for member in members:
            for cycle_end, lines in team_rules.alerts_of(member).items():
                codes = ", ".join(line.code for line in lines)
                subjects.append(Subject(
                    rules.TEAM_AT_RISK, alert_key(team.id, member.user_id, cycle_end), cycle_end,
                    f"{member.email}: {codes} at risk", f"{link}/members/{member.membership_id}",
                ))
    return subjects


def subject_line(row: Reminder, title: str) -> str:
    """The subject of a team email."""
    if row.kind == rules.TEAM_DIGEST:
        return title.replace(": your weekly team digest", ": this week's team digest")
    return f"At risk: {title.removesuffix(' at risk')}"


def email_context(row: Reminder, user: User, sent_on: dt.date) -> tuple[str, dict]:
    """The template (without extension) and what it shows, from the team's data at sending:
    the digest's members, or the alert's member and cycles (the basic fields only)."""
    parts = row.subject_key.split(":")
    shown = {"ceus": _number}
    team_id = int(parts[1])
    team = db.session.get(Team, team_id)
    team_name = team.name if team is not None else ""
    if row.kind == rules.TEAM_DIGEST:
        members = team_rules.digest_members(_members(team_id, user.id), user.id)
        return "email/team_digest", {**shown, "team_name": team_name, "members": members}
    member_id = int(parts[2])
    member = next((m for m in _members(team_id, user.id) if m.user_id == member_id), None)
    lines = [] if member is None else team_rules.alerts_of(member).get(row.occurrence, [])
    return "email/team_at_risk", {
        **shown, "team_name": team_name, "member_email": member.email if member is not None else "", "lines": lines,
    }


def _number(value) -> str:
    """CEUs as people write them: 20, 2.5 (never 2E+1)."""
    return f"{value.normalize():f}"
