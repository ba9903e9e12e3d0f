"""The gap to the next rung as plan milestones: the years still to work, each credential still
missing and each focus area not yet checked off, placed end to end in a new plan or after an
existing one's last step (part of :mod:`.ladder`)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..domain.dates import full_date
from ..domain.plans import target_dates
from ..models import Plan, User
from . import plans as plan_service
from .catalog import current_catalog
from .errors import Invalid
from .ladder import Standing, standing

# Durations for gap milestones that no template gives (marked as assumptions in their text).
FOCUS_AREA_WEEKS = 6
CREDENTIAL_MONTHS_WITHOUT_TEMPLATE = 6


@dataclass(frozen=True)
class GapMilestone:
    title: str
    description: str
    amount: int
    unit: str


def _credential_duration(code: str) -> tuple[int, str, str]:
    """How long earning ``code`` takes: the total of a pathway template ending with it, if any."""
    for template in current_catalog().templates.values():
        if template.credential == code:
            start = dt.date(2000, 1, 1)
            dates = target_dates(start, [step.duration_for("full_time") for step in template.steps])
            days = (dates[-1][1] - start).days if dates else 0
            return days, "days", f"Duration from the “{template.title}” plan template."
    return CREDENTIAL_MONTHS_WITHOUT_TEMPLATE, "months", (
        f"No plan template covers {code}: {CREDENTIAL_MONTHS_WITHOUT_TEMPLATE} months is an assumption; edit it."
    )


def gap_milestones(state: Standing, start: dt.date, planned: frozenset[str] = frozenset()) -> list[GapMilestone]:
    """What is missing for the next rung, as milestones placed end to end from ``start``: first
    reaching the years (due the day they are reached; counted from ``start`` when Rungs does not
    know when coding work began), then each unmet credential (except those the target plan
    already earns, ``planned``), then each focus area not yet checked off."""
    comparison = state.comparison
    upcoming = comparison.next
    if upcoming is None:
        return []
    items: list[GapMilestone] = []
    if upcoming.min_years and comparison.experience < upcoming.min_years:
        if comparison.reaches_next_on is None:
            items.append(GapMilestone(
                f"Reach {upcoming.min_years:g} years of coding experience",
                f"{upcoming.title} starts at {upcoming.years_label}. Rungs does not know when you started "
                f"coding work, so this counts {upcoming.min_years:g} years from the plan's start: enter your "
                "start date on the ladder page for the real date.",
                round(upcoming.min_years * 12), "months",
            ))
        elif comparison.reaches_next_on > start:
            items.append(GapMilestone(
                f"Reach {upcoming.min_years:g} years of coding experience",
                f"{upcoming.title} starts at {upcoming.years_label}; you reach {upcoming.min_years:g} years on "
                f"{full_date(comparison.reaches_next_on)}.",
                (comparison.reaches_next_on - start).days, "days",
            ))
    for group, met in comparison.credentials:
        if met or planned & set(group.any_of):
            continue
        code = group.any_of[0]
        amount, unit, why = _credential_duration(code)
        others = f" (or {', '.join(group.any_of[1:])})" if len(group.any_of) > 1 else ""
        items.append(GapMilestone(f"Earn {code}{others}", f"For {upcoming.title}: {group.note} {why}", amount, unit))
    for area, ticked in comparison.focus:
        if not ticked:
            items.append(GapMilestone(
                f"Focus area: {area}", f"For {upcoming.title}. {FOCUS_AREA_WEEKS} weeks is an assumption; edit it.",
                FOCUS_AREA_WEEKS, "weeks",
            ))
    return items


def nothing_to_add(state: Standing, plan_title: str | None, planned: frozenset[str], start: dt.date) -> str:
    """Why turning the gap into a plan adds no milestone, in words that are true: the target plan
    already earns a missing credential, or the next rung asks for nothing more."""
    upcoming = state.comparison.next
    covered = sorted({code for group, met in state.comparison.credentials if not met for code in planned & set(group.any_of)})
    if covered and plan_title:
        return (f"{' and '.join(covered)} is still missing for {upcoming.title}, and “{plan_title}” already "
                "earns it: follow that plan. There is nothing else to add.")
    # Experience reached only by the plan's end (not yet today) is said with its date.
    when = "" if state.comparison.experience >= upcoming.min_years else f" by {full_date(start)}"
    return f"You have everything {upcoming.title} asks for{when}: there are no milestones to add."


def turn_gap_into_plan(user: User, plan_id: int | None, today: dt.date) -> tuple[Plan, int]:
    """Add what is missing for the next rung to a plan: a new one (``plan_id`` None) or an
    existing one of the user's (appended at its end). Returns the plan and the milestones added."""
    state = standing(user, today)
    if state.comparison.next is None:
        raise Invalid("plan", "You are on the top rung: there is no next rung to plan for.")
    if plan_id is None:
        items = gap_milestones(state, today)
        if not items:
            raise Invalid("plan", nothing_to_add(state, None, frozenset(), today))
        plan = plan_service.create_custom_plan(user, f"Next rung: {state.comparison.next.title}", today)
    else:
        plan = plan_service.get_plan(user, plan_id)
        view = plan_service.plan_view(plan, today)
        start = max(view.schedule.projected_finish, today) if view.milestones else max(plan.start_date, today)
        template = current_catalog().templates.get(plan.template_id)
        planned = frozenset([template.credential]) if template is not None and template.credential else frozenset()
        items = gap_milestones(state, start, planned)
        if not items:
            raise Invalid("plan", nothing_to_add(state, plan.title, planned, start))
    plan_service.append_milestones(plan, [(i.title, i.description, i.amount, i.unit) for i in items])
    return plan, len(items)
