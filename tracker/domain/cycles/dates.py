"""Cycle dates: the grid of due dates, first cycles that are never days long, the cycle on a day.

Part of :mod:`tracker.domain.cycles`: plain Python, no Flask.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
import functools

from ..durations import add_months
from .rules import BodyRules, CYCLE_END, Cycle, RENEWAL_MONTH, Setup

# -- dates ----------------------------------------------------------------------------------------

def last_day_of_month(year: int, month: int) -> dt.date:
    """The last day of a month (Feb 29 in leap years)."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _check_setup(rules: BodyRules, setup: Setup) -> None:
    if not setup.credentials:
        raise ValueError("a cycle needs at least one credential")
    if rules.cycle == RENEWAL_MONTH and not (setup.renewal_month and 1 <= setup.renewal_month <= 12):
        raise ValueError("an AAPC-style cycle needs a renewal month from 1 to 12")
    if rules.cycle == CYCLE_END and setup.cycle_end is None:
        raise ValueError("an AHIMA-style cycle needs the current cycle end date")


def _end(rules: BodyRules, setup: Setup, index: int) -> dt.date:
    """The end of cycle number ``index`` on the body's grid (index 0 is an arbitrary anchor)."""
    return _grid_end(rules.cycle, rules.cycle_years, setup.renewal_month, setup.cycle_end, index)


@functools.lru_cache(maxsize=8192)
def _grid_end(kind: str, years: int, renewal_month: int | None, cycle_end: dt.date | None, index: int) -> dt.date:
    # Pure date arithmetic, asked for many times per page (every CEU, every cycle): remembered.
    if kind == RENEWAL_MONTH:
        base = 2001 if renewal_month % 2 else 2000  # CEUs are due in years of the month's parity
        return last_day_of_month(base + years * index, renewal_month)
    return add_months(cycle_end, 12 * years * index)


def _index_on_or_after(rules: BodyRules, setup: Setup, day: dt.date) -> int:
    """The grid index of the first cycle end on or after ``day``."""
    anchor_year = _end(rules, setup, 0).year
    index = (day.year - anchor_year) // rules.cycle_years
    while _end(rules, setup, index) < day:
        index += 1
    while _end(rules, setup, index - 1) >= day:
        index -= 1
    return index


def first_due_on_or_after(rules: BodyRules, setup: Setup) -> dt.date:
    """The earliest day the first cycle may end: the day earned plus the body's minimum months.

    AAPC: a CPC earned May 15 with a May renewal is not due 17 days later; the first due date
    rolls to the next due year. AHIMA: a cycle end entered as the exact anniversary of the pass
    date does not make a one-day first cycle.
    """
    months = rules.first_cycle.minimum_months if rules.first_cycle else 0
    return add_months(setup.earned_on, months) if months else setup.earned_on


def _first_index(rules: BodyRules, setup: Setup) -> int:
    return _index_on_or_after(rules, setup, first_due_on_or_after(rules, setup))


def _cycle_at(rules: BodyRules, setup: Setup, index: int, first_index: int) -> Cycle | None:
    if index < first_index:
        return None
    end = _end(rules, setup, index)
    first = index == first_index
    start = setup.earned_on if first else _end(rules, setup, index - 1) + dt.timedelta(days=1)
    return Cycle(start=start, end=end, first=first)


def cycle_containing(rules: BodyRules, setup: Setup, day: dt.date) -> Cycle | None:
    """The cycle that ``day`` falls in; None before the first credential was earned."""
    _check_setup(rules, setup)
    if day < setup.earned_on:
        return None
    first = _first_index(rules, setup)
    return _cycle_at(rules, setup, max(first, _index_on_or_after(rules, setup, day)), first)


def cycle_finder(rules: BodyRules, setup: Setup) -> Callable[[dt.date], Cycle | None]:
    """:func:`cycle_containing` for many days of one setup: the first cycle's index (date
    arithmetic with relativedelta) worked out once, and each cycle met kept."""
    _check_setup(rules, setup)
    first = _first_index(rules, setup)
    earned_on = setup.earned_on  # a property (the earliest credential): read once
    met: dict[int, Cycle | None] = {}

    def containing(day: dt.date) -> Cycle | None:
        if day < earned_on:
            return None
        index = max(first, _index_on_or_after(rules, setup, day))
        if index not in met:
            met[index] = _cycle_at(rules, setup, index, first)
        return met[index]

    return containing


def cycles_through(rules: BodyRules, setup: Setup, day: dt.date) -> list[Cycle]:
    """Every cycle from the first one to the one containing ``day``, oldest first."""
    _check_setup(rules, setup)
    if day < setup.earned_on:
        return []
    first = _first_index(rules, setup)
    last = max(first, _index_on_or_after(rules, setup, day))
    return [_cycle_at(rules, setup, i, first) for i in range(first, last + 1)]


def latest_cycles(rules: BodyRules, setup: Setup, day: dt.date, count: int) -> list[Cycle]:
    """The last ``count`` cycles of :func:`cycles_through` (the one containing ``day`` and those
    before it), newest first, without working out the older ones."""
    _check_setup(rules, setup)
    if day < setup.earned_on:
        return []
    first = _first_index(rules, setup)
    last = max(first, _index_on_or_after(rules, setup, day))
    return [_cycle_at(rules, setup, i, first) for i in range(last, max(first, last - count + 1) - 1, -1)]


def next_cycle(rules: BodyRules, setup: Setup, cycle: Cycle) -> Cycle:
    """The cycle after ``cycle``."""
    return cycle_containing(rules, setup, cycle.end + dt.timedelta(days=1))


def in_renewal_month_overlap(rules: BodyRules, setup: Setup, day: dt.date) -> bool:
    """True when a CEU completed on ``day`` may count toward either of two cycles (AAPC).

    That is the renewal month of a year in which CEUs are due: the last month of one cycle.
    """
    if not rules.renewal_month_overlap:
        return False
    cycle = cycle_containing(rules, setup, day)
    return cycle is not None and (day.year, day.month) == (cycle.end.year, cycle.end.month)


def proposed_cycle_end(rules: BodyRules, earned_on: dt.date) -> dt.date:
    """The cycle end Rungs proposes for a new AHIMA credential; the user corrects it."""
    return add_months(earned_on - dt.timedelta(days=1), 12 * rules.proposed_end_years)


def submission_opens(rules: BodyRules, cycle: Cycle) -> dt.date | None:
    """The day CEU submission opens for a cycle (AAPC: one month before the due date)."""
    if not rules.requires_submission or not rules.submission_opens_months:
        return None
    return add_months(cycle.end, -rules.submission_opens_months)
