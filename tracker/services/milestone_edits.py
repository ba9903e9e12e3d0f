"""Small edits to a plan's milestones from the plan pages: rename, move up or down, and put back
a cost deleted a moment ago (the Undo of the toast).

The undo keeps nothing on the server: the deleted cost's fields travel in a :class:`DeletedCost`
that the view keeps in the signed session cookie for :data:`UNDO_WINDOW`. Restoring puts the cost
back under its old id when that id is free, so the same Undo sent twice restores it once.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from ..domain import limits
from ..extensions import db
from ..models import Cost, Milestone
from .errors import Invalid, NotFound
from .plans import check_milestone_title
from .transaction import commit

UNDO_WINDOW = dt.timedelta(minutes=5)


def rename_milestone(milestone: Milestone, title: str) -> None:
    """Give a step a new name (a template step's too: the plan is the person's own)."""
    milestone.title = check_milestone_title(title)
    commit()


def move_milestone(milestone: Milestone, direction: str) -> None:
    """Swap a step with the one before it ("up") or after it ("down"); targets follow the new order."""
    if direction not in ("up", "down"):
        raise Invalid("direction", "Choose up or down.")
    steps = sorted(milestone.plan.milestones, key=lambda m: m.position)
    index = steps.index(milestone)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(steps):
        raise Invalid("direction", "This step is already at that end of the plan.")
    steps[index], steps[other] = steps[other], steps[index]
    for position, step in enumerate(steps, start=1):
        step.position = position
    milestone.plan.milestones.sort(key=lambda m: m.position)
    commit()


@dataclass(frozen=True)
class DeletedCost:
    """What Undo needs to put a cost back, and until when it may."""

    cost_id: int
    milestone_id: int
    kind: str
    label: str
    amount_cents: int
    incurred_on: str | None  # ISO date
    until: str  # ISO instant (UTC)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: object) -> DeletedCost | None:
        try:
            return cls(**data)  # type: ignore[arg-type]
        except TypeError:
            return None


def delete_cost(milestone: Milestone, cost_id: int, now: dt.datetime) -> DeletedCost:
    """Delete one of the step's costs; returns what Undo needs to restore it until ``now`` + window."""
    cost = next((c for c in milestone.costs if c.id == cost_id), None)
    if cost is None:
        raise NotFound(f"cost {cost_id}")
    deleted = DeletedCost(
        cost_id=cost.id, milestone_id=milestone.id, kind=cost.kind, label=cost.label,
        amount_cents=cost.amount_cents,
        incurred_on=cost.incurred_on.isoformat() if cost.incurred_on else None,
        until=(now + UNDO_WINDOW).isoformat(),
    )
    milestone.costs.remove(cost)
    commit()
    return deleted


def restore_cost(milestone: Milestone, deleted: DeletedCost, now: dt.datetime) -> Cost:
    """Put a deleted cost back on ``milestone`` (the one it came from), within the undo window."""
    if deleted.milestone_id != milestone.id:
        raise NotFound(f"deleted cost of milestone {deleted.milestone_id}")
    if now > dt.datetime.fromisoformat(deleted.until):
        raise Invalid("undo", "Too late to undo: add the cost again.")
    existing = db.session.get(Cost, deleted.cost_id)
    if existing is not None and existing.milestone_id == milestone.id:
        return existing  # already back
    incurred_on = dt.date.fromisoformat(deleted.incurred_on) if deleted.incurred_on else None
    if incurred_on is not None and limits.date_problem(incurred_on):
        raise Invalid("undo", limits.DATE_MESSAGE)
    cost = Cost(kind=deleted.kind, label=deleted.label, amount_cents=deleted.amount_cents, incurred_on=incurred_on)
    if existing is None:
        cost.id = deleted.cost_id
    milestone.costs.append(cost)
    commit()
    return cost
