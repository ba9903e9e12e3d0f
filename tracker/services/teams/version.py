"""The overview's version: each team's number, bumped with every change to what it shows."""
from __future__ import annotations

from sqlalchemy import select, update

from ...extensions import db
from ...models import (
    ApiToken, CalendarFeed, Reminder, ReminderPreference, Team, TeamInvitation, TeamMembership, WorkerStatus,
)

# The overview is cached under its team's version (tracker/views/teams.py). The change tracker
# (services/changes.py) bumps it in the same commit as any change to a member's data; the
# functions of memberships.py and invitations.py that add, change or remove memberships bump it
# themselves with bump() (a deleted membership no longer links its team to the member when the
# tracker runs).

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
    from .. import changes

    changes.subscribe(NAME, lambda _session, obj: not isinstance(obj, _IGNORED), _bump_teams_of)


def bump(team_id: int) -> None:
    """Bump one team's version (its memberships or invitations changed). Does not commit."""
    db.session.execute(update(Team).where(Team.id == team_id).values(version=Team.version + 1)
                       .execution_options(synchronize_session=False))
