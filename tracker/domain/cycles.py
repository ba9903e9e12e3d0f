"""CEU renewal cycles: their dates, what they require, what counts, and where one stands.

Plain Python, no Flask: the rules of each certifying body (AAPC, AHIMA) are data from plans/
(parsed into :class:`BodyRules` by the catalog), the user's facts come in as arguments, and every
function that depends on the date takes ``today``.

Two ways a body sets its cycles:

- ``renewal_month`` (AAPC): CEUs are due at the end of the membership renewal month, in the years
  whose parity matches the month's number (March = 3, odd: 2027, 2029...). The first cycle starts
  on the day the first credential was earned and is pro-rated: Rungs estimates the figure from the
  months it runs (data in plans/), and the figure the user's AAPC tracker shows replaces it.
- ``cycle_end`` (AHIMA): the user enters the current cycle end date their account shows; cycles
  are two years long, and the first one starts on the day the exam was passed.

Either way a first cycle is never days long: a due date closer to the day earned than the body's
``first_cycle.minimum_months`` rolls to the next one.
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta

RENEWAL_MONTH = "renewal_month"
CYCLE_END = "cycle_end"
CYCLE_KINDS = (RENEWAL_MONTH, CYCLE_END)
AVERAGE_MONTH_DAYS = Decimal("30.436875")  # 365.2425 / 12
ZERO = Decimal("0")

# Statuses a person reads at a glance, worst last.
COMPLETE, MET, ON_TRACK, BEHIND_PACE, AT_RISK, OVERDUE, INACTIVE, LAPSED = (
    "complete", "met", "on_track", "behind_pace", "at_risk", "overdue", "inactive", "lapsed",
)
STATUS_LABELS: Mapping[str, str] = {
    COMPLETE: "Complete",
    MET: "CEUs met: submit them",
    ON_TRACK: "On track",
    BEHIND_PACE: "Behind pace",
    AT_RISK: "At risk",
    OVERDUE: "Overdue",
    INACTIVE: "Inactive",
    LAPSED: "Lapsed",
}


# -- the rules (data from plans/) ---------------------------------------------------------------

@dataclass(frozen=True)
class CredentialRule:
    code: str
    name: str
    ceus: int | None = None  # AHIMA: the CEUs this credential needs on its own
    subset_ceus: int | None = None  # AAPC: CEUs of a specific kind inside the total
    subset_label: str | None = None
    subset_note: str = ""  # e.g. CIRCC: 8 a year, from named vendors only
    kind: str = "core"  # core, specialty, apprentice, instructor
    # An apprentice designation (CPC-A) becomes the full credential (CPC): the same credential.
    becomes: str | None = None
    # Earning this credential retires these (AHIMA: RHIA replaces RHIT).
    replaces: tuple[str, ...] = ()
    # Where the body publishes no rule for ``becomes`` / ``replaces``: what Rungs assumes.
    change_assumption: str = ""
    change_confidence: str = "high"
    change_source: str = ""
    confidence: str = "high"  # of this credential's figures (name, CEUs, subset)
    source: str = ""


@dataclass(frozen=True)
class FirstCycleRule:
    """How a body sets the first cycle after the first credential is earned.

    ``minimum_months``: a due date closer than this to the day earned is not the first one (the
    first cycle runs to the next). ``prorate``: AAPC pro-rates the first requirement by the months
    the first cycle runs (Rungs' estimate; the user enters the figure their tracker shows).
    """

    minimum_months: int
    prorate: bool
    note: str
    confidence: str
    source: str


@dataclass(frozen=True)
class StatusRule:
    """When a cycle reads "on track", "behind pace" or "at risk" (CEUs per month still needed).

    ``steady_per_month``: a pace a working coder keeps alongside the job; CEUs still needed that
    this pace reaches by the due date are on track. Above it: behind pace (calm); above
    ``at_risk_per_month``: at risk (loud). Never behind or at risk for pace alone in the first
    ``quiet_fraction`` of a cycle.
    """

    steady_per_month: Decimal
    at_risk_per_month: Decimal
    quiet_fraction: Decimal
    note: str
    confidence: str


@dataclass(frozen=True)
class Lapse:
    grace_days: int
    during_grace: str  # "overdue" (AAPC) or "inactive" (AHIMA)
    what_to_do: str
    after: str
    confidence: str
    source: str


@dataclass(frozen=True)
class Duty:
    key: str
    title: str
    every_years: int
    amount: int
    amount_per_additional: int
    approximate: bool
    note: str
    confidence: str
    source: str


@dataclass(frozen=True)
class ApprenticeRule:
    designations: tuple[str, ...]
    experience_months: int
    reduced_experience_months: int
    course_hours: int
    note: str
    confidence: str
    source: str


@dataclass(frozen=True)
class BodyRules:
    """One certifying body's renewal rules, as plans/<body>.toml gives them."""

    id: str
    name: str
    title: str
    cycle: str
    cycle_years: int
    renewal_month_overlap: bool
    unique_reference: bool
    reference_label: str
    submission_opens_months: int
    requires_submission: bool
    first_cycle_prorated: bool
    one_credential_per_activity: bool
    confidence: str
    source: str
    credentials: Mapping[str, CredentialRule]
    by_count: tuple[int, ...] = ()
    per_additional: int = 0
    maximum: int | None = None
    requirement_note: str = ""
    requirement_confidence: str = "high"
    requirement_source: str = ""
    proposed_end_years: int = 2
    proposed_end_confidence: str = "unknown"
    proposed_end_note: str = ""
    lapse: Lapse | None = None
    duties: tuple[Duty, ...] = ()
    notice_days: tuple[int, ...] = ()
    notice_note: str = ""
    rules: tuple[tuple[str, str], ...] = ()  # (text, confidence): guidance shown, not enforced
    apprentice: ApprenticeRule | None = None
    first_cycle: FirstCycleRule | None = None
    status: StatusRule | None = None
    submission_needs_fee: bool = False  # AHIMA: complete once CEUs are reported and the fee paid
    submission_action: str = ""  # what submitting means with this body ("Submit your CEUs to AAPC")

    def __hash__(self) -> int:
        return hash(self.id)


@dataclass(frozen=True)
class OtherRules:
    """How Rungs treats a credential its catalogue lacks, which the user describes (body, name,
    CEUs per cycle, cycle length): pace thresholds and the first-cycle minimum, plus what to say."""

    id: str
    status: StatusRule
    first_cycle: FirstCycleRule
    note: str
    reference_label: str


def other_body_rules(
    rules: OtherRules, key: str, body_name: str, code: str, name: str, ceus: int, cycle_years: int,
) -> BodyRules:
    """The rules of one credential outside the catalogue, from what the user entered: its own
    cycle (ending on the date the user enters, ``cycle_years`` long) and its own requirement."""
    return BodyRules(
        id=key, name=body_name, title=f"{body_name} ({code})", cycle=CYCLE_END, cycle_years=cycle_years,
        renewal_month_overlap=False, unique_reference=False, reference_label=rules.reference_label,
        submission_opens_months=0, requires_submission=False, first_cycle_prorated=False,
        one_credential_per_activity=False, confidence="unknown", source="",
        credentials={code: CredentialRule(code=code, name=name, ceus=ceus, confidence="unknown")},
        per_additional=0, maximum=None,
        requirement_note=f"{ceus} CEUs every {cycle_years} year{'s' if cycle_years != 1 else ''}, as you entered them. {rules.note}",
        requirement_confidence="unknown", first_cycle=rules.first_cycle, status=rules.status,
    )


# -- the user's facts ---------------------------------------------------------------------------

@dataclass(frozen=True)
class HeldCredential:
    code: str
    earned_on: dt.date
    replaced_on: dt.date | None = None  # retired by a credential that replaces it (RHIT by RHIA)

    def held_on(self, day: dt.date) -> bool:
        return self.earned_on <= day and (self.replaced_on is None or day < self.replaced_on)


@dataclass(frozen=True)
class Setup:
    """What a user told us about one body: credentials held and how its cycle is set."""

    credentials: tuple[HeldCredential, ...]
    renewal_month: int | None = None  # AAPC
    cycle_end: dt.date | None = None  # AHIMA: the end date the member's account shows
    first_cycle_ceus: Decimal | None = None  # AAPC: the pro-rated first requirement, if entered

    @property
    def earned_on(self) -> dt.date:
        """The day the first credential of this body was earned: the first cycle starts here."""
        return min(c.earned_on for c in self.credentials)

    def codes_held_on(self, day: dt.date) -> list[str]:
        """The codes that count on ``day``: earned by then and not replaced by then."""
        return [c.code for c in self.credentials if c.held_on(day)]


@dataclass(frozen=True)
class Activity:
    id: int
    completed_on: dt.date
    ceus: Decimal
    title: str = ""
    reference: str = ""  # AAPC index number / AHIMA program id
    # The credential codes of this body it counts toward (AAPC subsets; the AHIMA credential);
    # empty: general (all of the body's credentials). One code may be given as a string.
    applies_to: tuple[str, ...] = ()
    next_cycle: bool = False  # AAPC renewal-month CEU counted toward the next cycle

    def __post_init__(self):
        if isinstance(self.applies_to, str):
            object.__setattr__(self, "applies_to", (self.applies_to,) if self.applies_to else ())


@dataclass(frozen=True)
class Cycle:
    start: dt.date
    end: dt.date  # inclusive: CEUs are due by the end of this day
    first: bool  # the first cycle after earning the first credential

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


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
    return cycle_end + relativedelta(years=years * index)


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
    return setup.earned_on + relativedelta(months=months) if months else setup.earned_on


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


def cycles_through(rules: BodyRules, setup: Setup, day: dt.date) -> list[Cycle]:
    """Every cycle from the first one to the one containing ``day``, oldest first."""
    _check_setup(rules, setup)
    if day < setup.earned_on:
        return []
    first = _first_index(rules, setup)
    last = max(first, _index_on_or_after(rules, setup, day))
    return [_cycle_at(rules, setup, i, first) for i in range(first, last + 1)]


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
    return (earned_on - dt.timedelta(days=1)) + relativedelta(years=rules.proposed_end_years)


def submission_opens(rules: BodyRules, cycle: Cycle) -> dt.date | None:
    """The day CEU submission opens for a cycle (AAPC: one month before the due date)."""
    if not rules.requires_submission or not rules.submission_opens_months:
        return None
    return cycle.end - relativedelta(months=rules.submission_opens_months)


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

    @property
    def earned(self) -> Decimal:
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
    result = {}
    activities = list(activities)
    if not activities:
        return result
    # What cycle_containing works out per call, once for all the activities: the first cycle's
    # index (date arithmetic with relativedelta) and each grid cycle met.
    _check_setup(rules, setup)
    earned_on = setup.earned_on
    first = _first_index(rules, setup)
    at: dict[int, Cycle | None] = {}
    for activity in activities:
        key = (activity.completed_on, activity.next_cycle)
        if key not in by_day:
            day = activity.completed_on
            if day < earned_on:
                cycle = None
            else:
                index = max(first, _index_on_or_after(rules, setup, day))
                if index not in at:
                    at[index] = _cycle_at(rules, setup, index, first)
                cycle = at[index]
                if activity.next_cycle and in_renewal_month_overlap(rules, setup, day):
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
    ordered = sorted(activities, key=lambda a: (a.completed_on, a.id))
    seen: dict[str, Activity] = {}
    counted: list[Activity] = []
    not_counted: list[NotCounted] = []
    held = setup.codes_held_on(cycle.end)
    for activity in ordered:
        reference = activity.reference.strip().upper()
        duplicate_of = seen.get(reference) if rules.unique_reference and reference else None
        if reference and reference not in seen:
            seen[reference] = activity
        of = cycles_of[activity.id] if cycles_of is not None else cycle_of_activity(rules, setup, activity)
        if of != cycle:
            continue
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
    due = f"{cycle.end:%b %-d, %Y}"
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
        action = rules.submission_action or f"Submit your CEUs to {rules.name}"
        if opens and today < opens:
            next_step = f"{action} when submission opens on {opens:%b %-d, %Y}, then record it here."
        else:
            next_step = f"{action} by {cycle.end:%b %-d, %Y}, then record the date here."
    elif today > cycle.end:
        if lapses_on is not None and today > lapses_on:
            status = LAPSED
            next_step = lapse.after
        else:
            status = lapse.during_grace if lapse else OVERDUE
            next_step = lapse.what_to_do if lapse else "The due date has passed."
    else:
        months_left = _months(days_left + 1)
        pace_needed = (needed / months_left).quantize(Decimal("0.01"))
        elapsed = (min(today, cycle.end) - cycle.start).days + 1
        pace_so_far = (tally_.earned / _months(elapsed)).quantize(Decimal("0.01"))
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
            return anchor + relativedelta(years=duty.every_years * k)

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


# -- the code-set calendar ------------------------------------------------------------------------

@dataclass(frozen=True)
class CalendarEvent:
    key: str
    title: str
    months: tuple[int, ...]
    day: int
    confidence: str
    source: str


@dataclass(frozen=True)
class CodeSetCalendar:
    id: str
    title: str
    events: tuple[CalendarEvent, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CalendarDate:
    event: CalendarEvent
    on: dt.date

    @property
    def uid(self) -> str:
        """Stable per occurrence (for calendar feeds)."""
        return f"{self.event.key}-{self.on.isoformat()}"


def code_set_dates(calendar_: CodeSetCalendar, start: dt.date, end: dt.date) -> list[CalendarDate]:
    """The code-set updates taking effect from ``start`` to ``end`` (inclusive), by date."""
    found = []
    for year in range(start.year, end.year + 1):
        for event in calendar_.events:
            for month in event.months:
                day = dt.date(year, month, min(event.day, calendar.monthrange(year, month)[1]))
                if start <= day <= end:
                    found.append(CalendarDate(event, day))
    return sorted(found, key=lambda d: (d.on, d.event.title))
