"""The certifying bodies' rules (data from plans/), the user's facts, and the statuses a cycle can have.

Part of :mod:`tracker.domain.cycles`: plain Python, no Flask.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

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
