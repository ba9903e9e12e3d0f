"""A user's agenda (see :mod:`tracker.domain.agenda`), loaded once and computed in one place.

The plan page, the dashboard, reminder planning, the calendar feed and the weekly digest read it,
so each dated thing has one date everywhere, named the same way ("Due" or "Target due").
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta

from ..domain import agenda as domain
from ..domain.agenda import AgendaItem, PlanInput, PlanMilestone
from ..domain.plans import StepInput
from ..models import Plan, User

# How far ahead code-set updates are listed.
CODE_SET_HORIZON = relativedelta(years=2)


def plan_input(plan: Plan) -> PlanInput:
    """What the agenda needs of one plan (its milestones must be loaded)."""
    from . import plans as plan_service

    return PlanInput(plan.id, plan.title, plan.start_date, [
        PlanMilestone(m.id, m.title, StepInput(
            duration=plan_service.duration_of(m), started_on=m.started_on, completed_on=m.completed_on,
            due_not_before=plan_service.retake_date(m),
        ))
        for m in plan.milestones
    ])


def agenda_for(
    user: User, today: dt.date, *, plans: Iterable[Plan] | None = None, overviews: list | None = None,
    code_sets: bool = True,
) -> list[AgendaItem]:
    """The user's dated items as of ``today`` (their local date), by date. ``plans`` and
    ``overviews``, when given, were loaded beforehand (for many users at once, say)."""
    from . import credentials as credential_service
    from . import plans as plan_service

    if plans is None:
        plans = plan_service.list_plans(user)
    if overviews is None:
        overviews = credential_service.renewal_overview(user, today)
    updates = credential_service.code_set_dates_between(today, today + CODE_SET_HORIZON) if code_sets else []
    return domain.agenda([plan_input(p) for p in plans], overviews, updates, today)
