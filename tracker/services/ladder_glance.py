"""The dashboard's ladder card: where the user stands against the next rung, worked out as
:func:`tracker.services.ladder.standing` does, from one query.

The card shows only the comparison, the credentials held and the plan's finish: the profile, the
experience gaps and the focus ticks it is worked out from are read as rows in one statement (the
ladder page's four ORM queries cost the dashboard more than the rules), and the codes held come
from the credentials the page has loaded already.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Boolean, Date, String, bindparam, literal, literal_column, select, union_all

from ..domain.ladder import Comparison, Gap, compare
from ..models import Credential, ExperienceGap, FocusTick, LadderProfile, User
from . import credentials as credential_service
from .credentials import CredentialRow
from .ladder import current_ladder, placement, typed_null
from .transaction import read


@dataclass(frozen=True)
class Glance:
    """What the dashboard's ladder card shows (the names of :class:`.ladder.Standing` it reads)."""

    comparison: Comparison
    held: list[str]
    plan_finish: dt.date | None


_USER = bindparam("user_id")
# Table columns, not the models' attributes (the ORM's per-column machinery costs more than the
# rows); the profile first: its column types name the union's. Gaps by their start, as gaps_of
# reads them; the ticks of every rung (a few dozen at most): the rung is known only once the rest
# is read.
_PROFILE, _GAP, _TICK = LadderProfile.__table__.c, ExperienceGap.__table__.c, FocusTick.__table__.c
_STANDING_OF = union_all(
    select(literal("profile").label("kind"), _PROFILE.rung_key.label("rung_key"),
           _PROFILE.coding_started_on.label("starts_on"), typed_null(Date).label("ends_on"),
           typed_null(String).label("area"), typed_null(Boolean).label("done")).where(_PROFILE.user_id == _USER),
    select(literal("gap"), typed_null(String), _GAP.starts_on, _GAP.ends_on, typed_null(String), typed_null(Boolean))
    .where(_GAP.user_id == _USER),
    select(literal("tick"), _TICK.rung_key, typed_null(Date), typed_null(Date), _TICK.area, _TICK.done)
    .where(_TICK.user_id == _USER),
).order_by(literal_column("kind"), literal_column("starts_on"))


def glance(user: User, today: dt.date, credentials: Sequence[Credential | CredentialRow], stage: str | None,
           plan_finish: dt.date | None) -> Glance:
    """The user's place on the ladder against the next rung, on ``today``, as
    :func:`.ladder.standing` works it out. ``credentials``: all the user's (replaced ones too);
    ``stage``: their career stage; ``plan_finish``: the active plan's projected finish (None
    without a plan), shown to someone still on the pathway."""
    ladder = current_ladder()
    rung_key = started_on = None
    gaps: list[Gap] = []
    ticks: dict[str, dict[str, bool]] = {}
    for kind, rung, starts_on, ends_on, area, done in read(_STANDING_OF, {"user_id": user.id}):
        if kind == "profile":
            rung_key, started_on = rung, starts_on
        elif kind == "gap":
            gaps.append(Gap(starts_on, ends_on))
        else:
            ticks.setdefault(rung, {})[area] = done
    held = credential_service.held_codes_of(credentials)
    rung_key, _placed = placement(ladder, rung_key, started_on, gaps, held, stage, today)
    comparison = compare(ladder, rung_key, started_on, gaps, held, ticks.get(rung_key, {}) if rung_key else {}, today)
    return Glance(comparison, held, plan_finish if rung_key is None else None)
