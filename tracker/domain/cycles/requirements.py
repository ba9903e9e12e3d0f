"""What a cycle requires: CEUs for a combination of credentials, credential-specific subsets,
and the pro-rated first cycle.

Part of :mod:`tracker.domain.cycles`: plain Python, no Flask.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .rules import BodyRules, Cycle, Setup, ZERO

# -- requirements ---------------------------------------------------------------------------------

def required_ceus(rules: BodyRules, codes: Sequence[str]) -> int:
    """CEUs per cycle for holding ``codes`` together.

    AAPC: a table by the number of credentials (36/40/44/48/52, the last for five or more).
    AHIMA: the largest single-credential figure (20 or 30) plus 10 per additional credential, 50
    at most.
    """
    codes = list(dict.fromkeys(codes))
    if not codes:
        return 0
    if rules.by_count:
        return rules.by_count[min(len(codes), len(rules.by_count)) - 1]
    bases = sorted((rules.credentials[c].ceus or 0 for c in codes), reverse=True)
    total = bases[0] + rules.per_additional * (len(bases) - 1)
    return min(total, rules.maximum) if rules.maximum is not None else total


@dataclass(frozen=True)
class Subset:
    code: str  # the credential that asks for it
    label: str
    required: Decimal
    earned: Decimal

    @property
    def needed(self) -> Decimal:
        return max(ZERO, self.required - self.earned)


def months_between(start: dt.date, end: dt.date) -> int:
    """Calendar months from the month of ``start`` to the month of ``end`` (May to May = 24)."""
    return (end.year * 12 + end.month) - (start.year * 12 + start.month)


def first_cycle_estimate(rules: BodyRules, setup: Setup, cycle: Cycle) -> Decimal | None:
    """Rungs' estimate of a pro-rated first requirement (AAPC), or None when the body does not
    pro-rate or ``cycle`` is not the first.

    The full requirement times the calendar months from the month earned to the due month, over
    the months of a full cycle, rounded up to a whole CEU and never above the full requirement.
    AAPC publishes no formula (one coder reports 27 instead of 36 after passing mid-year, which
    this reproduces for 18 months): the figure the user's AAPC tracker shows replaces it.
    """
    if not (cycle.first and rules.first_cycle_prorated and rules.first_cycle and rules.first_cycle.prorate):
        return None
    full = required_ceus(rules, setup.codes_held_on(cycle.end))
    months = months_between(cycle.start, cycle.end)
    cycle_months = 12 * rules.cycle_years
    estimate = -(-full * months // cycle_months)  # ceiling division
    return Decimal(min(full, max(estimate, 0)))


def cycle_requirement(rules: BodyRules, setup: Setup, cycle: Cycle) -> Decimal:
    """What a cycle requires: for a pro-rated first cycle, the figure the user entered or else
    Rungs' estimate; otherwise the multi-credential total for the credentials held at the end."""
    if cycle.first and rules.first_cycle_prorated:
        if setup.first_cycle_ceus is not None:
            return Decimal(setup.first_cycle_ceus)
        estimate = first_cycle_estimate(rules, setup, cycle)
        if estimate is not None:
            return estimate
    return Decimal(required_ceus(rules, setup.codes_held_on(cycle.end)))


def requirement_is_estimate(rules: BodyRules, setup: Setup, cycle: Cycle) -> bool:
    """True when :func:`cycle_requirement` is Rungs' estimate (no figure entered by the user)."""
    return setup.first_cycle_ceus is None and first_cycle_estimate(rules, setup, cycle) is not None
