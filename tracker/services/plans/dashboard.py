"""The dashboard's plans (part of :mod:`.plans`): the active plan, as much of it as its dates
need, and the other plans' names, in one query of plain rows.

The dashboard only shows a plan (its dates, the step to do now, the others' titles); it never
changes one. Loading it as ORM objects cost more than the query (identity map, relationship
collections, three statements' worth of bookkeeping), so it is read as rows into the plan page's
read-only records (:class:`.reading.PagePlan`), which :func:`.reading.plan_view` reads.
"""
from __future__ import annotations

from sqlalchemy import and_, bindparam, select

from ...models import Milestone, Plan, User
from .reading import LATEST_RETAKE, PageMilestone, PagePlan, PlanTitle
from ..transaction import read

# Table columns, not the models' attributes: a select of ORM attributes runs through the ORM's
# per-column machinery even for plain rows (twice this query's cost).
_PLANS, _STEPS = Plan.__table__, Milestone.__table__
_P, _M = _PLANS.c, _STEPS.c
_ACTIVE_ID = (
    select(_P.id).where(_P.user_id == bindparam("user_id"))
    .order_by(_P.active_rank.desc(), _P.id.desc()).limit(1).scalar_subquery()
)
# Every plan of the user (one row each), the active one joined to its milestones (a row each,
# with its retake date). Same order as the ORM's loading: plans as the dashboard lists them,
# milestones by position.
_DASHBOARD_OF = (
    select(
        _P.id, _P.title, _P.start_date, _P.pace, _P.template_id,
        _M.id, _M.position, _M.step_key, _M.title, _M.duration_amount, _M.duration_unit, _M.started_on,
        _M.completed_on, LATEST_RETAKE,
    )
    .select_from(_PLANS)
    .outerjoin(_STEPS, and_(_M.plan_id == _P.id, _P.id == _ACTIVE_ID))
    .where(_P.user_id == bindparam("user_id"))
    .order_by(_P.active_rank.desc(), _P.id.desc(), _M.position, _M.id)
)


def dashboard_plans(user: User) -> tuple[PagePlan | None, list[PlanTitle]]:
    """The active plan, with what its schedule needs (milestones and their retake dates), and
    the user's other plans by title, in :func:`.reading.list_plans` order. One query whatever the
    plans hold: the dashboard shows the active plan's dates and the others' names."""
    rows = read(_DASHBOARD_OF, {"user_id": user.id}).all()
    if not rows:
        return None, []
    active = rows[0][0]
    steps = [PageMilestone(*row[5:13], retake_on=row[13]) for row in rows if row[0] == active and row[5] is not None]
    others = [PlanTitle(row[0], row[1]) for row in rows if row[0] != active]
    return PagePlan(*rows[0][:5], milestones=tuple(steps)), others
