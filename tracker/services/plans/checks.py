"""The rules for each piece of a plan, shared by the forms, the API and import (part of :mod:`.plans`)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal


from ...domain import limits
from ...catalog.pathways import PACE_LABELS, PACES
from ...domain.durations import Unit
from ...domain.plans import (
    PlanError,
    check_progress,
)
from ...models import Milestone
from ..errors import Invalid

MAX_DURATION = {Unit.DAYS: 3650, Unit.WEEKS: 520, Unit.MONTHS: 120}
MAX_COST_CENTS = 100_000_000  # $1,000,000: anything above is a typo
COST_KINDS = {"program": "Program fee", "exam": "Exam fee", "materials": "Books & materials", "other": "Other"}


# -- plans ------------------------------------------------------------------------------------

# The checks below are the rules for each piece of a plan; the forms, the API and the import of an
# export (services/portability.py) all go through them.

def check_pace(pace: str) -> None:
    """Full time or part time (the paces templates scale durations by)."""
    if pace not in PACES:
        raise Invalid("pace", f"Choose a pace: {', '.join(PACE_LABELS[p] for p in PACES)}.")


def _named(field: str, text: str, limit: int, empty: str) -> str:
    """Text that names something, trimmed; Invalid (``empty`` or the limit's message) otherwise."""
    text = text.strip()
    if not text:
        raise Invalid(field, empty)
    if len(text) > limit:
        raise Invalid(field, limits.too_long(limit))
    return text


def check_plan_title(title: str) -> str:
    """The plan's name, trimmed; Invalid when empty or too long."""
    return _named("title", title, limits.PLAN_TITLE, "Give the plan a name.")


def check_duration(amount: int, unit: str) -> Unit:
    """A step's duration: a known unit, from 0 up to ten years."""
    try:
        unit_ = Unit(unit)
    except ValueError:
        raise Invalid("unit", "Choose days, weeks or months.") from None
    if amount < 0:
        raise Invalid("amount", "A duration cannot be negative.")
    if amount > MAX_DURATION[unit_]:
        raise Invalid("amount", f"At most {MAX_DURATION[unit_]} {unit_.value} (ten years).")
    return unit_


def check_milestone_title(title: str) -> str:
    """A milestone's name, trimmed; Invalid when empty or longer than :data:`~tracker.domain.limits.MILESTONE_TITLE`."""
    return _named("title", title, limits.MILESTONE_TITLE, "Give the milestone a name.")


def check_notes(notes: str) -> str:
    """A step's notes, trimmed; at most :data:`~tracker.domain.limits.NOTES` characters."""
    if len(notes) > limits.NOTES:
        raise Invalid("notes", f"Notes can be at most {limits.NOTES:,} characters.")
    return notes.strip()


def check_checklist_label(label: str) -> str:
    """A checklist item's text, trimmed; Invalid when empty or longer than :data:`~tracker.domain.limits.CHECKLIST_LABEL`."""
    return _named("label", label, limits.CHECKLIST_LABEL, "Say what the item is.")


def check_cost(kind: str, label: str, amount: Decimal) -> tuple[str, str, int]:
    """A cost's kind, label (the kind's name when empty) and amount in cents."""
    if kind not in COST_KINDS:
        raise Invalid("kind", "Choose what kind of cost this is.")
    if amount < 0:
        raise Invalid("amount", "An amount cannot be negative.")
    cents = int((amount * 100).to_integral_value())
    if cents != amount * 100:
        raise Invalid("amount", "Use dollars and cents, like 399.00.")
    if cents > MAX_COST_CENTS:
        raise Invalid("amount", "That is more than $1,000,000; check the amount.")
    label = label.strip() or COST_KINDS[kind]
    if len(label) > limits.COST_LABEL:
        raise Invalid("label", limits.too_long(limits.COST_LABEL))
    return kind, label, cents


def check_exam_attempt(
    milestone: Milestone, taken_on: dt.date, passed: bool, retake_on: dt.date | None, today: dt.date
) -> dt.date | None:
    """An exam attempt's dates against the step; returns the retake date to keep (none after a pass)."""
    check_milestone_progress(milestone, milestone.started_on, taken_on, today)
    if passed:
        return None
    if retake_on is not None and retake_on <= taken_on:
        raise Invalid("retake_on", "The retake must come after the attempt.")
    if retake_on is not None:
        check_milestone_progress(milestone, milestone.started_on, retake_on, today)
    return retake_on


def check_milestone_progress(milestone: Milestone, started_on: dt.date | None, completed_on: dt.date | None, today: dt.date) -> None:
    """A step's start and completion dates against its plan's start and today (domain rules)."""
    try:
        check_progress(started_on, completed_on, plan_start=milestone.plan.start_date, today=today)
    except PlanError as error:
        raise Invalid(error.field, error.message) from None


def check_milestone_description(description: str) -> str:
    """A milestone's description, trimmed; at most :data:`~tracker.domain.limits.MILESTONE_DESCRIPTION`."""
    description = (description or "").strip()
    if len(description) > limits.MILESTONE_DESCRIPTION:
        raise Invalid("description", limits.too_long(limits.MILESTONE_DESCRIPTION))
    return description
