"""Where a user is in their career: the stage they chose at onboarding, or what their data shows."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, exists, select

from ..domain import career
from ..extensions import db
from ..models import Credential, Plan, User
from .errors import Invalid
from .transaction import commit

if TYPE_CHECKING:
    from .credentials import CredentialRow


# Both in one query, built once: the dashboard and the ladder ask it on every uncached view.
_WHAT_DATA_SHOWS = select(
    exists().where(Plan.user_id == bindparam("user_id")),
    exists().where(Credential.user_id == bindparam("user_id"), Credential.from_milestone_id.is_(None)),
)


def stage_of(user: User) -> str | None:
    """The stage the user chose; for an account that was never asked, what its data shows (a
    credential added by hand makes a working coder; one a plan's exam step added does not); None
    for an empty account, which the dashboard then asks."""
    if user.career_stage in career.STAGES:
        return user.career_stage
    has_plans, has_credentials = db.session.execute(_WHAT_DATA_SHOWS, {"user_id": user.id}).one()
    return career.effective_stage(None, bool(has_plans), bool(has_credentials))


def stage_from(user: User, has_plans: bool, credentials: Sequence[Credential | CredentialRow]) -> str | None:
    """:func:`stage_of`, from what a page has loaded already (whether the user has a plan, and
    all their credentials): no query."""
    return career.effective_stage(user.career_stage, has_plans, any(c.from_milestone_id is None for c in credentials))


def set_stage(user: User, stage: str) -> None:
    """Record where the user is: starting out, already certified, or both."""
    if stage not in career.STAGES:
        raise Invalid("career_stage", "Choose starting out, already certified, or both.")
    user.career_stage = stage
    commit()
