"""What counts toward a cycle: activities placed in cycles, tallied, or set apart with the reason.

Part of :mod:`tracker.domain.cycles`: plain Python, no Flask.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .dates import cycle_containing, cycle_finder, in_renewal_month_overlap, next_cycle
from .requirements import Subset, cycle_requirement
from .rules import Activity, BodyRules, Cycle, Setup, ZERO

_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def reference_key(reference: str) -> str:
    """What makes two index numbers (program ids) the same course: surrounding space and the case
    of ASCII letters do not count. ASCII only, so that SQLite's ``upper()`` and the SQL the
    services write for PostgreSQL agree with it (:mod:`.sums`)."""
    return reference.strip().translate(_ASCII_UPPER)


# -- what counts ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class NotCounted:
    activity: Activity
    reason: str


@dataclass(frozen=True)
class Tally:
    """A cycle's CEUs: what counts toward it, what is stored but does not, and why."""

    cycle: Cycle
    required: Decimal
    counted: tuple[Activity, ...]
    not_counted: tuple[NotCounted, ...]
    subsets: tuple[Subset, ...]
    by_credential: tuple[tuple[str, Decimal], ...]  # AHIMA: CEUs assigned to each credential

    @functools.cached_property
    def earned(self) -> Decimal:
        # Read several times per cycle (needed, pace, the page): summed once. The fields are
        # frozen, so the sum never goes stale.
        return sum((a.ceus for a in self.counted), ZERO)

    @property
    def surplus(self) -> Decimal:
        """CEUs beyond the requirement: they do not carry over to the next cycle."""
        return max(ZERO, self.earned - self.required)

    @property
    def needed(self) -> Decimal:
        """CEUs still to earn: the total's shortfall, or the subsets' if that is larger."""
        subsets = sum((s.needed for s in self.subsets), ZERO)
        return max(ZERO, self.required - self.earned, subsets)


def cycle_of_activity(rules: BodyRules, setup: Setup, activity: Activity) -> Cycle | None:
    """The cycle an activity counts toward (the next one for a renewal-month CEU moved there)."""
    cycle = cycle_containing(rules, setup, activity.completed_on)
    if cycle is not None and activity.next_cycle and in_renewal_month_overlap(rules, setup, activity.completed_on):
        return next_cycle(rules, setup, cycle)
    return cycle


def cycles_of_activities(rules: BodyRules, setup: Setup, activities: Iterable[Activity]) -> dict[int, Cycle | None]:
    """Each activity's cycle (see :func:`cycle_of_activity`), by activity id: work out once, then
    hand to :func:`tally` for every cycle of a history. Activities on the same day share the work."""
    by_day: dict[tuple[dt.date, bool], Cycle | None] = {}
    result: dict[int, Cycle | None] = {}
    activities = list(activities)
    if not activities:
        return result
    containing = cycle_finder(rules, setup)  # the first cycle's index worked out once for all
    for activity in activities:
        key = (activity.completed_on, activity.next_cycle)
        if key not in by_day:
            cycle = containing(activity.completed_on)
            if cycle is not None and activity.next_cycle and in_renewal_month_overlap(rules, setup, activity.completed_on):
                cycle = next_cycle(rules, setup, cycle)
            by_day[key] = cycle
        result[activity.id] = by_day[key]
    return result


def tally(
    rules: BodyRules, setup: Setup, activities: Iterable[Activity], cycle: Cycle,
    cycles_of: dict[int, Cycle | None] | None = None,
) -> Tally:
    """Sort a body's activities into what counts toward ``cycle`` and what does not.

    Activities of other cycles are left out (see :func:`cycle_of_activity`; ``cycles_of``, from
    :func:`cycles_of_activities`, saves working that out again for each cycle). Within the cycle, a
    repeated AAPC index number counts once, across every cycle (a course counts once). Subset CEUs
    count toward both their subset and the total.
    """
    return tallies(rules, setup, activities, [cycle], cycles_of)[0]


def tallies(
    rules: BodyRules, setup: Setup, activities: Iterable[Activity], cycles: Sequence[Cycle],
    cycles_of: dict[int, Cycle | None] | None = None,
) -> list[Tally]:
    """:func:`tally` for several cycles of one body (a history), in one pass over the activities.

    The same result as calling :func:`tally` once per cycle: the activities are sorted once, a
    repeated reference is found once (it repeats across every cycle), and each cycle then reads
    only its own activities instead of every one of the body's.
    """
    if cycles_of is None:
        activities = list(activities)
        cycles_of = cycles_of_activities(rules, setup, activities)
    wanted = set(cycles)
    seen: dict[str, Activity] = {}
    # Each wanted cycle's activities in (date, id) order, with the earlier one it repeats (or None).
    placed: dict[Cycle, list[tuple[Activity, Activity | None]]] = {}
    unique = rules.unique_reference
    for activity in sorted(activities, key=lambda a: (a.completed_on, a.id)):
        reference = reference_key(activity.reference)
        duplicate_of = seen.get(reference) if unique and reference else None
        if reference and reference not in seen:
            seen[reference] = activity
        of = cycles_of[activity.id]
        if of in wanted:
            placed.setdefault(of, []).append((activity, duplicate_of))
    return [_tally_of(rules, setup, cycle, placed.get(cycle, ())) for cycle in cycles]


def _tally_of(
    rules: BodyRules, setup: Setup, cycle: Cycle, placed: Iterable[tuple[Activity, Activity | None]]
) -> Tally:
    counted: list[Activity] = []
    not_counted: list[NotCounted] = []
    held = setup.codes_held_on(cycle.end)
    for activity, duplicate_of in placed:
        if duplicate_of is not None:
            not_counted.append(NotCounted(activity, (
                f"Same {rules.reference_label} ({activity.reference}) as “{duplicate_of.title}” "
                f"on {duplicate_of.completed_on.isoformat()}: a course counts once."
            )))
            continue
        if activity.applies_to and not any(code in held for code in activity.applies_to):
            not_counted.append(NotCounted(activity, (
                f"Assigned to {' and '.join(activity.applies_to)}, which you did not hold by the end of this cycle."
            )))
            continue
        counted.append(activity)

    subsets = tuple(
        Subset(
            code=code,
            label=rules.credentials[code].subset_label or code,
            required=Decimal(rules.credentials[code].subset_ceus),
            earned=sum((a.ceus for a in counted if code in a.applies_to), ZERO),
        )
        for code in held
        if rules.credentials[code].subset_ceus
    )
    by_credential: tuple[tuple[str, Decimal], ...] = ()
    if rules.one_credential_per_activity:
        by_credential = tuple(
            (code, sum((a.ceus for a in counted if code in a.applies_to), ZERO)) for code in held
        )
    return Tally(
        cycle=cycle,
        required=cycle_requirement(rules, setup, cycle),
        counted=tuple(counted),
        not_counted=tuple(not_counted),
        subsets=subsets,
        by_credential=by_credential,
    )


def check_activity(
    rules: BodyRules, setup: Setup, completed_on: dt.date, applies_to: str | Sequence[str], today: dt.date
) -> str | None:
    """Why an activity cannot be logged toward ``applies_to`` (a code, several, or none for
    general CEUs), or None when it can."""
    if completed_on > today:
        return "The completion date is in the future: log a CEU once you have completed it."
    if completed_on < setup.earned_on:
        return (
            f"Completed before your first {rules.name} credential was earned "
            f"({setup.earned_on.isoformat()}): CEUs earned before certification do not count."
        )
    held = {c.code: c for c in setup.credentials}
    codes = (applies_to,) if isinstance(applies_to, str) else tuple(applies_to)
    for code in filter(None, codes):
        if code not in held:
            return f"You do not hold {code}."
        if completed_on < held[code].earned_on:
            return (
                f"Completed before you earned {code} ({held[code].earned_on.isoformat()}): "
                "it cannot count toward it."
            )
    return None
