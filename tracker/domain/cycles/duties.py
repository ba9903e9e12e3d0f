"""Annual duties (dues, fees) and the apprentice designation (CPC-A / COC-A) and its conversion.

Part of :mod:`tracker.domain.cycles`: plain Python, no Flask.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..durations import add_months
from .dates import _check_setup, _end, last_day_of_month
from .rules import ApprenticeRule, BodyRules, Duty, RENEWAL_MONTH, Setup

# -- annual duties ------------------------------------------------------------------------------

@dataclass(frozen=True)
class DutyDate:
    duty: Duty
    due_on: dt.date
    amount: int


def duties_between(
    rules: BodyRules, setup: Setup, start: dt.date, end: dt.date
) -> list[DutyDate]:
    """The dated duties (AAPC dues each year; AHIMA fee each cycle) due from ``start`` to ``end``.

    Yearly duties fall at the end of the renewal month (AAPC) or on the cycle end's anniversary;
    duties every cycle fall on each cycle end. Amounts grow per additional credential held.
    """
    _check_setup(rules, setup)
    anchor = _end(rules, setup, 0)
    found: list[DutyDate] = []
    for duty in rules.duties:

        def due(k: int) -> dt.date:
            year = anchor.year + duty.every_years * k
            if rules.cycle == RENEWAL_MONTH:
                return last_day_of_month(year, setup.renewal_month)
            return add_months(anchor, 12 * duty.every_years * k)

        k = (start.year - anchor.year) // duty.every_years - 1
        while due(k) <= end:
            day = due(k)
            if day >= start and day >= setup.earned_on:
                codes = setup.codes_held_on(day)
                amount = duty.amount + duty.amount_per_additional * max(len(codes) - 1, 0)
                found.append(DutyDate(duty, day, amount))
            k += 1
    return sorted(found, key=lambda d: d.due_on)


# -- apprentice designation (CPC-A / COC-A) -----------------------------------------------------

@dataclass(frozen=True)
class ApprenticeRoute:
    label: str
    missing: tuple[str, ...]
    months_short: int = 0  # months of experience still missing on this route

    @property
    def done(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class ApprenticeStatus:
    routes: tuple[ApprenticeRoute, ...]

    @property
    def done(self) -> bool:
        return any(route.done for route in self.routes)

    @property
    def closest(self) -> ApprenticeRoute:
        """The route with the least left to do: months of experience short, counting the course or
        Practicode as about two months each (a rough weight, for ordering only)."""
        return min(self.routes, key=lambda r: (r.months_short + 2 * (len(r.missing) - bool(r.months_short)), len(r.missing)))


def apprentice_status(
    rule: ApprenticeRule, experience_months: int, course_done: bool, practicode_done: bool
) -> ApprenticeStatus:
    """What is still missing to remove the apprentice designation, route by route."""
    full, reduced = rule.experience_months, rule.reduced_experience_months

    def months(target: int) -> tuple[str, ...]:
        short = target - experience_months
        return (f"{short} more month{'s' if short != 1 else ''} of verified coding experience",) if short > 0 else ()

    course = () if course_done else (f"the {rule.course_hours}-contact-hour coding course",)
    practicode = () if practicode_done else ("Practicode",)
    short_full, short_reduced = max(full - experience_months, 0), max(reduced - experience_months, 0)
    return ApprenticeStatus(routes=(
        ApprenticeRoute(f"{full // 12} years of verified coding experience", months(full), short_full),
        ApprenticeRoute(f"{reduced // 12} year of experience + the {rule.course_hours}-hour course", months(reduced) + course, short_reduced),
        ApprenticeRoute(f"{reduced // 12} year of experience + Practicode", months(reduced) + practicode, short_reduced),
        ApprenticeRoute(f"the {rule.course_hours}-hour course + Practicode", course + practicode, 0),
    ))
