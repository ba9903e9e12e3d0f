"""Teams: create, invite, accept, share, leave, remove, and the overview the managers read.

Every function that takes a team id takes the person asking too, and answers NotFound when they
are not in that team (or may not do that there): a stranger, or a member of another team, learns
nothing, not even that the team exists. What a manager sees of a member is built here from the
member's consent (:class:`~tracker.domain.teams.Sharing`) and nothing else; the numbers come from
the same cycle computations the member's own credentials page uses
(:func:`tracker.services.credentials.renewal_overviews`), for all members in a fixed number of
queries.

One module per part: :mod:`.version` (the overview's cache version), :mod:`.memberships` (teams
and roles), :mod:`.invitations` and :mod:`.overview` (what the team sees); every public name is
imported here, so ``from tracker.services import teams`` and ``teams.invite(...)`` work as before.
"""
from __future__ import annotations

from .invitations import (
    TOKEN_PREFIX, accept, check_invitee, decline, invitation_for_token, invite, my_invitation, open_invitations,
    pending_invitations,
)
from .memberships import (
    change_role, check_team_name, create_team, delete_team, forget_account, leave, managed, membership, my_teams,
    remove_member, sharing_of, team_member, update_sharing,
)
from .overview import credential_codes, member_detail, member_rows, member_views, overview, overview_key, shared_certificate
from .version import NAME, bump, register

__all__ = [
    "NAME", "TOKEN_PREFIX", "accept", "bump", "change_role", "check_invitee", "check_team_name", "create_team",
    "credential_codes", "decline", "delete_team", "forget_account", "invitation_for_token", "invite", "leave", "managed",
    "member_detail", "member_rows", "member_views", "membership", "my_invitation", "my_teams", "open_invitations",
    "overview", "overview_key", "pending_invitations", "register", "remove_member", "shared_certificate", "sharing_of",
    "team_member", "update_sharing",
]
