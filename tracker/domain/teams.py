"""Teams: who may do what, what each member's consent lets the team see, and the risk order.

Plain Python, no Flask. A team has one owner, any number of managers and members. Owners and
managers see the team overview; every member (owners and managers included) chooses what the team
sees of them. Joining shares each credential's code, cycle end, CEUs required, earned and still
needed, and status (:data:`BASIC_FIELDS`), nothing else; CEU details and certificates, plans and the
ladder are shared only while the member turns them on, and stop the moment they turn them off or
leave.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from .cycles import AT_RISK, BEHIND_PACE, OVERDUE, STATUS_LABELS

OWNER, MANAGER, MEMBER = "owner", "manager", "member"
ROLES = (OWNER, MANAGER, MEMBER)
ROLE_LABELS = {OWNER: "Owner", MANAGER: "Manager", MEMBER: "Member"}

# What every member shares by joining: per credential, these and nothing more.
BASIC_FIELDS = ("code", "cycle_end", "required", "earned", "needed", "status")

# An invitation link works this long (and once).
INVITATION_DAYS = 7
# "No CEU in the last 6 months" looks this far back.
QUIET_MONTHS = 6
# The overview shows this many members a page (riskiest first); the CSV and summary show all.
PER_PAGE = 50


def manages(role: str) -> bool:
    """Whether the role sees the overview and invites (owner and managers)."""
    return role in (OWNER, MANAGER)


def may_remove(actor_role: str, target_role: str) -> bool:
    """Whether someone with ``actor_role`` may remove a member with ``target_role`` from the team.

    The owner removes anyone but themselves; a manager removes members only; the owner is never
    removed (they delete the team instead). Leaving is separate: anyone but the owner may leave.
    """
    if target_role == OWNER:
        return False
    if actor_role == OWNER:
        return True
    return actor_role == MANAGER and target_role == MEMBER


def may_change_role(actor_role: str, target_role: str, new_role: str) -> bool:
    """Only the owner makes members managers (and back); nobody becomes or stops being owner."""
    return actor_role == OWNER and target_role != OWNER and new_role in (MANAGER, MEMBER)


def may_leave(role: str) -> bool:
    """Anyone but the owner may leave at any time (the owner deletes the team)."""
    return role != OWNER


@dataclass(frozen=True)
class Sharing:
    """What a member lets the team see beyond the basic fields."""

    ceus: bool = False  # CEU details (titles, dates, providers) and certificates
    plans: bool = False
    ladder: bool = False


@dataclass(frozen=True)
class CredentialLine:
    """One credential as the team sees it: the basic fields, from the cycle the coder sees."""

    code: str
    cycle_end: dt.date
    required: Decimal
    earned: Decimal
    needed: Decimal
    status: str
    days_left: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def shared(self) -> dict:
        """Exactly the basic fields, by name (API, CSV)."""
        return {name: getattr(self, name) for name in BASIC_FIELDS}


@dataclass(frozen=True)
class CeuLine:
    """One CEU activity, shared only with CEU details on."""

    id: int
    completed_on: dt.date
    title: str
    provider: str
    ceus: Decimal
    has_certificate: bool


@dataclass
class MemberView:
    """One member as the team's managers see them: only what the member shares."""

    membership_id: int
    user_id: int
    email: str
    role: str
    sharing: Sharing
    credentials: list[CredentialLine]
    ceus: list[CeuLine] | None = None  # None: not shared
    last_ceu_on: dt.date | None = None  # only known when CEU details are shared
    plan: dict | None = None  # None: not shared (or no plan)
    rung: str | None = None  # None: not shared (or not on the ladder)
    extras: dict = field(default_factory=dict)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


def line_risk(line: CredentialLine) -> tuple:
    """Lapsing soonest with the most still needed first; finished cycles after every open one."""
    return (line.needed <= 0, line.cycle_end, -line.needed, line.code)


_LAST = (True, dt.date.max, Decimal(0), "")


def member_risk(member: MemberView) -> tuple:
    """A member's place in the risk order: their riskiest credential's (no credential: last)."""
    return min((line_risk(line) for line in member.credentials), default=_LAST)


def by_risk(members: Iterable[MemberView]) -> list[MemberView]:
    """Members riskiest first (ties by email), each with their credentials riskiest first."""
    ordered = []
    for member in members:
        member.credentials = sorted(member.credentials, key=line_risk)
        ordered.append(member)
    return sorted(ordered, key=lambda m: (member_risk(m), m.email))


def quiet_since(today: dt.date) -> dt.date:
    """The first day of the "no CEU in the last 6 months" window."""
    return today - relativedelta(months=QUIET_MONTHS)


def is_quiet(member: MemberView, today: dt.date) -> bool | None:
    """Whether a member earned no CEU in the last 6 months; None when they do not share CEU
    details (the team cannot tell, and is not told)."""
    if member.ceus is None:
        return None
    return member.last_ceu_on is None or member.last_ceu_on < quiet_since(today)


@dataclass(frozen=True)
class Filters:
    """The overview's filters: a credential code, a status, members without a recent CEU."""

    code: str = ""
    status: str = ""
    quiet: bool = False


def apply_filters(members: Sequence[MemberView], filters: Filters, today: dt.date) -> list[MemberView]:
    """The members (and of each, the credentials) that match ``filters``, in the same order.

    A credential or status filter keeps a member with at least one matching credential and shows
    only those; "no CEU in 6 months" keeps members who share CEU details and earned none since.
    """
    kept = []
    for member in members:
        lines = [
            line for line in member.credentials
            if (not filters.code or line.code == filters.code) and (not filters.status or line.status == filters.status)
        ]
        if (filters.code or filters.status) and not lines:
            continue
        if filters.quiet and is_quiet(member, today) is not True:
            continue
        if lines != member.credentials:
            member = MemberView(**{**member.__dict__, "credentials": lines})
        kept.append(member)
    return kept


def csv_header() -> list[str]:
    """The columns of the overview's CSV export (``last_ceu_on`` empty for members who do not
    share CEU details)."""
    return ["email", "role", *BASIC_FIELDS, "last_ceu_on"]


def csv_rows(members: Sequence[MemberView]) -> list[list[str]]:
    """One row per member credential (a member without credentials: one row with the basics
    empty), holding exactly what the member shares; ``last_ceu_on`` only for those sharing CEUs."""
    rows = []
    for member in members:
        last = "" if member.ceus is None else (member.last_ceu_on.isoformat() if member.last_ceu_on else "none")
        lines = member.credentials or [None]
        for line in lines:
            basics = ["" for _ in BASIC_FIELDS] if line is None else [
                line.code, line.cycle_end.isoformat(), _number(line.required), _number(line.earned),
                _number(line.needed), line.status,
            ]
            rows.append([member.email, member.role, *basics, last])
    return rows


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


# -- what the managers are emailed (tracker/services/reminders/teams.py) ---------------------------

# A member's cycle is worth an email to the managers when it is at risk (or overdue) with this many
# days left or fewer and CEUs still needed; the weekly team digest lists these statuses.
ALERT_DAYS = 60
ALERT_STATUSES = (AT_RISK, OVERDUE)
DIGEST_STATUSES = (BEHIND_PACE, AT_RISK, OVERDUE)


def alerting(line: CredentialLine) -> bool:
    """Whether one shared credential line calls for an at-risk email to the team's managers."""
    return line.status in ALERT_STATUSES and 0 <= line.days_left <= ALERT_DAYS and line.needed > 0


def alerts_of(member: MemberView) -> dict[dt.date, list[CredentialLine]]:
    """A member's alerting lines by cycle end (one email per member and cycle end)."""
    found: dict[dt.date, list[CredentialLine]] = {}
    for line in sorted(member.credentials, key=line_risk):
        if alerting(line):
            found.setdefault(line.cycle_end, []).append(line)
    return found


def digest_members(members: Iterable[MemberView], viewer_id: int) -> list[MemberView]:
    """The members a manager's weekly digest lists, riskiest first: everyone but the manager with
    a shared cycle at risk, behind pace or overdue, showing only those cycles."""
    listed = []
    for member in by_risk(members):
        lines = [line for line in member.credentials if line.status in DIGEST_STATUSES]
        if member.user_id != viewer_id and lines:
            listed.append(MemberView(**{**member.__dict__, "credentials": lines}))
    return listed
