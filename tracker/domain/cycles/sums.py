"""Tallies from sums: a cycle's totals from CEUs the database summed, not from every activity.

The dashboard and the credentials page show each body's current cycle (and the previous one while
it is unfinished): earned, required, still needed, subsets. The database can sum those if it is
told where each cycle's activities lie: :func:`windows` gives, for each wanted cycle, the days of
its own and the days it takes over from the previous cycle (AAPC renewal-month CEUs moved to the
next cycle), exactly as :func:`.tally.cycle_of_activity` places one activity. The database then
groups a body's activities by window, by the codes they count toward and by whether they repeat an
earlier course (:func:`.tally.reference_key`), and :func:`tallies_from_sums` turns those groups into the
same :class:`.Tally` totals :func:`.tally.tallies` gives from the activities one by one.

Part of :mod:`tracker.domain.cycles`: plain Python, no Flask.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .dates import cycle_finder
from .rules import Activity, BodyRules, Cycle, Setup
from .tally import Tally, _tally_of

@dataclass(frozen=True)
class Window:
    """Where the activities of one cycle lie.

    An activity dated ``start``..``end`` belongs to the cycle, unless it carries the next-cycle
    flag and is dated ``moves_from`` or later (it moved to the next cycle). A flagged activity dated
    within ``takes_over`` (the previous cycle's renewal month) belongs to this cycle too.
    """

    cycle: Cycle
    start: dt.date
    end: dt.date
    moves_from: dt.date | None  # None: the body has no renewal-month overlap
    takes_over: tuple[dt.date, dt.date] | None

    def holds(self, completed_on: dt.date, next_cycle: bool) -> bool:
        """Whether an activity dated ``completed_on`` (with the flag ``next_cycle``) counts here:
        the rule the database applies, written once in Python for the tests to check it against
        :func:`.tally.cycle_of_activity`."""
        if self.start <= completed_on <= self.end:
            return not (next_cycle and self.moves_from is not None and completed_on >= self.moves_from)
        return bool(next_cycle and self.takes_over and self.takes_over[0] <= completed_on <= self.takes_over[1])


def _overlap_start(cycle: Cycle) -> dt.date:
    return max(cycle.start, cycle.end.replace(day=1))


def windows(rules: BodyRules, setup: Setup, wanted: Sequence[Cycle]) -> list[Window]:
    """Each wanted cycle's :class:`Window`, in the same order."""
    found = []
    # A cycle's previous one ends the day before it starts: often the next wanted one (the
    # current cycle and the one before), else worked out (the first cycle's index once).
    by_end = {cycle.end: cycle for cycle in wanted}
    containing = cycle_finder(rules, setup) if rules.renewal_month_overlap else None
    for cycle in wanted:
        moves_from = takes_over = None
        if containing is not None:
            moves_from = _overlap_start(cycle)
            day_before = cycle.start - dt.timedelta(days=1)
            previous = None if cycle.first else (by_end.get(day_before) or containing(day_before))
            if previous is not None:
                takes_over = (_overlap_start(previous), previous.end)
        found.append(Window(cycle, cycle.start, cycle.end, moves_from, takes_over))
    return found


@dataclass(frozen=True)
class Sum:
    """The CEUs of one group of a body's activities: one window (its index in the wanted list),
    the codes they count toward (empty: the body's credentials as a whole), and whether they repeat
    an earlier course's reference."""

    index: int
    codes: tuple[str, ...]
    repeat: bool
    ceus: Decimal


def tallies_from_sums(rules: BodyRules, setup: Setup, wanted: Sequence[Cycle], sums: Iterable[Sum]) -> list[Tally]:
    """The wanted cycles' tallies from summed groups: the same ``earned``, ``required``,
    ``needed``, ``subsets`` and ``by_credential`` as :func:`.tally.tallies` on the activities
    themselves. ``counted`` and ``not_counted`` hold one summed entry per group (ids below zero),
    not the activities: a page that lists activities tallies them one by one."""
    placed: dict[int, list[tuple[Activity, None]]] = {index: [] for index in range(len(wanted))}
    merged: dict[tuple[int, tuple[str, ...]], Decimal] = {}
    for group in sums:
        if group.repeat and rules.unique_reference:
            continue  # a course counts once: its first completion is in another group
        key = (group.index, tuple(sorted(set(group.codes))))
        merged[key] = merged.get(key, Decimal(0)) + group.ceus
    for number, ((index, codes), ceus) in enumerate(sorted(merged.items())):
        cycle = wanted[index]
        placed[index].append((Activity(-(number + 1), cycle.end, ceus, applies_to=codes), None))
    return [_tally_of(rules, setup, cycle, placed[index]) for index, cycle in enumerate(wanted)]
