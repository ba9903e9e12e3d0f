"""Where a cycle stands: status and pace, with the reason in words.

Part of :mod:`tracker.domain.cycles`: plain Python, no Flask.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..dates import long_date
from .dates import submission_opens
from .rules import (
    AT_RISK, AVERAGE_MONTH_DAYS, BEHIND_PACE, COMPLETE, LAPSED, MET, ON_TRACK, OVERDUE, STATUS_LABELS,
    BodyRules, Cycle,
)
from .tally import Tally

# -- where a cycle stands -------------------------------------------------------------------------

@dataclass(frozen=True)
class Standing:
    """A cycle as a person reads it: status, days left, the pace that finishes on time."""

    tally: Tally
    status: str
    days_left: int  # negative once the due date has passed
    pace_needed: Decimal | None  # CEUs per month still needed to finish on time
    pace_so_far: Decimal | None  # CEUs per month earned since the cycle started
    submission_opens: dt.date | None
    submitted_on: dt.date | None
    lapses_on: dt.date | None  # after this day the credential is revoked
    next_step: str

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def _months(days: int) -> Decimal:
    return Decimal(max(days, 1)) / AVERAGE_MONTH_DAYS


def _nearest_half(value: Decimal) -> Decimal:
    return (value * 2).to_integral_value(rounding="ROUND_HALF_UP") / 2


def pace_reason(needed: Decimal, days_left: int) -> str:
    """CEUs still needed and the time left, in words: "18 CEUs in 6 months left: about 3 a month"."""
    days = max(days_left + 1, 1)
    amount = f"{needed.normalize():f} CEU{'' if needed == 1 else 's'}"
    if days < 45:
        return f"{amount} in {days} day{'' if days == 1 else 's'} left"
    months = _months(days)
    whole = int(months.to_integral_value(rounding="ROUND_HALF_UP"))
    pace = max(_nearest_half(needed / months), Decimal("0.5")).normalize()
    return f"{amount} in {whole} months left: about {pace:f} a month"


def pace_status(
    rules: BodyRules, cycle: Cycle, today: dt.date, needed: Decimal, days_left: int
) -> tuple[str, str]:
    """On track, behind pace or at risk, with the reason in words, for a cycle still running.

    On track while the CEUs still needed are within the body's steady pace times the months
    left; behind pace (calm) above that; at risk (loud) above the at-risk pace. In the first part
    of a cycle (``quiet_fraction``) pace alone never makes a cycle behind or at risk.
    """
    reason = pace_reason(needed, days_left)
    due = f"{long_date(cycle.end)}"
    rule = rules.status
    if rule is None:
        return ON_TRACK, f"{reason}, by {due}."
    months_left = _months(days_left + 1)
    pace = needed / months_left
    elapsed = Decimal((today - cycle.start).days + 1) / Decimal(max(cycle.days, 1))
    if elapsed < rule.quiet_fraction or pace <= rule.steady_per_month:
        return ON_TRACK, f"{reason}, by {due}."
    if pace > rule.at_risk_per_month:
        return AT_RISK, (
            f"{reason}, by {due}: more than {rule.at_risk_per_month.normalize():f} a month is hard "
            "to keep up alongside work. Plan a conference, a boot camp or a bundle of webinars now."
        )
    return BEHIND_PACE, (
        f"{reason}, by {due}: a little more than the {rule.steady_per_month.normalize():f} a month "
        "most coders keep up. Add a webinar or two a month and you are back on track."
    )


def standing(
    rules: BodyRules, tally_: Tally, today: dt.date, submitted_on: dt.date | None = None
) -> Standing:
    """Where a cycle stands on ``today``.

    - complete: CEUs met (subsets too) and, where the body asks for it (AAPC), submitted;
    - met: CEUs met, not yet submitted;
    - on track / behind pace / at risk: before the due date, from the CEUs per month still
      needed against the body's thresholds (see :func:`pace_status`);
    - overdue (AAPC) or inactive (AHIMA): due date passed, within the body's grace period;
    - lapsed: past the grace period (AAPC cancels the credential; AHIMA revokes it).
    """
    cycle = tally_.cycle
    days_left = (cycle.end - today).days
    needed = tally_.needed
    opens = submission_opens(rules, cycle)
    lapse = rules.lapse
    lapses_on = cycle.end + dt.timedelta(days=lapse.grace_days) if lapse else None
    pace_needed = pace_so_far = None
    if needed == 0 and (submitted_on is not None or not rules.requires_submission):
        status = COMPLETE
        next_step = "Nothing more this cycle. Surplus CEUs do not carry over to the next one."
    elif needed == 0:
        status = MET
        next_step = _submission_step(rules, cycle, opens, today)
    elif today > cycle.end:
        if lapses_on is not None and today > lapses_on:
            status = LAPSED
            next_step = lapse.after
        else:
            status = lapse.during_grace if lapse else OVERDUE
            next_step = lapse.what_to_do if lapse else "The due date has passed."
    else:
        pace_needed, pace_so_far = _paces(tally_, today, days_left)
        status, next_step = pace_status(rules, cycle, today, needed, days_left)
    return Standing(
        tally=tally_,
        status=status,
        days_left=days_left,
        pace_needed=pace_needed,
        pace_so_far=pace_so_far,
        submission_opens=opens,
        submitted_on=submitted_on,
        lapses_on=lapses_on,
        next_step=next_step,
    )


def _submission_step(rules: BodyRules, cycle: Cycle, opens: dt.date | None, today: dt.date) -> str:
    """What to do once the CEUs are met: submit them (when submission opens), then record it."""
    action = rules.submission_action or f"Submit your CEUs to {rules.name}"
    if opens and today < opens:
        return f"{action} when submission opens on {long_date(opens)}, then record it here."
    return f"{action} by {long_date(cycle.end)}, then record the date here."


def _paces(tally_: Tally, today: dt.date, days_left: int) -> tuple[Decimal, Decimal]:
    """CEUs a month still needed until the due date, and CEUs a month earned so far."""
    cycle = tally_.cycle
    months_left = _months(days_left + 1)
    pace_needed = (tally_.needed / months_left).quantize(Decimal("0.01"))
    elapsed = (min(today, cycle.end) - cycle.start).days + 1
    pace_so_far = (tally_.earned / _months(elapsed)).quantize(Decimal("0.01"))
    return pace_needed, pace_so_far
