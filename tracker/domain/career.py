"""Where a person is in their career, and what that changes: the order of the dashboard, the
credential a passed exam gives, the rung a working coder stands on when they have not chosen one.

Plain Python, no Flask: the person's facts and the rules from plans/ come in as arguments.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .ladder import Ladder, Rung

STARTING = "starting"
CERTIFIED = "certified"
BOTH = "both"
STAGES = (STARTING, CERTIFIED, BOTH)
# A working coder: renewals matter, and the ladder places them in the field.
WORKING = (CERTIFIED, BOTH)

STAGE_LABELS = {
    STARTING: "Starting out",
    CERTIFIED: "Already certified",
    BOTH: "Both",
}
STAGE_HINTS = {
    STARTING: "I'm working toward my first credential and coding job.",
    CERTIFIED: "I hold a credential (CPC, CCS, RHIT…) and keep it renewed.",
    BOTH: "I hold a credential and I'm working toward another one or a next job.",
}

# Dashboard sections, in the order each stage sees them.
PLAN, RENEWALS, LADDER = "plan", "renewals", "ladder"
_ORDER = {
    None: (PLAN, LADDER, RENEWALS),
    STARTING: (PLAN, LADDER, RENEWALS),
    CERTIFIED: (RENEWALS, LADDER, PLAN),
    BOTH: (RENEWALS, PLAN, LADDER),
}


def effective_stage(chosen: str | None, has_plans: bool, has_credentials: bool) -> str | None:
    """The stage a person chose; for someone who never said (accounts older than the question),
    what their data shows; None for an empty account (the dashboard then asks)."""
    if chosen in STAGES:
        return chosen
    if has_credentials and has_plans:
        return BOTH
    if has_credentials:
        return CERTIFIED
    if has_plans:
        return STARTING
    return None


def dashboard_order(stage: str | None) -> tuple[str, ...]:
    """What the dashboard shows first: renewals for a working coder, the plan for someone
    starting out, renewals then the plan for someone who is both."""
    return _ORDER.get(stage, _ORDER[None])


def is_working(stage: str | None) -> bool:
    """A working coder (certified, or certified and planning more)."""
    return stage in WORKING


# -- the exam step becomes a credential -----------------------------------------------------------

@dataclass(frozen=True)
class ExamCredential:
    """What a pass of an exam step gives: the credential code and why that one."""

    code: str
    apprentice: bool
    reason: str


def credential_for_pass(
    credential: str, apprentice_credential: str | None, experience_months: int, months_required: int | None,
) -> ExamCredential:
    """The credential a pass adds: the apprentice designation (CPC-A) when the pathway names one and
    the person has less verified coding experience than the body's apprentice rule asks
    (``months_required``), else the full credential (CPC, CCA, CCS)."""
    if apprentice_credential and months_required is not None and experience_months < months_required:
        return ExamCredential(
            apprentice_credential, True,
            f"The apprentice designation comes off after {months_required // 12} years of coding experience; "
            f"you have {_months(experience_months)}.",
        )
    return ExamCredential(credential, False, f"{credential} as passed.")


def _months(months: int) -> str:
    if months <= 0:
        return "none yet"
    if months < 12:
        return f"{months} month{'s' if months != 1 else ''}"
    years, rest = divmod(months, 12)
    text = f"{years} year{'s' if years != 1 else ''}"
    return text + (f" {rest} month{'s' if rest != 1 else ''}" if rest else "")


# -- placing a working coder on the ladder --------------------------------------------------------

def placed_rung(ladder: Ladder, years: float, held: Sequence[str]) -> Rung:
    """The rung a working coder stands on when they have not chosen one: the highest rung whose
    years they have reached and whose favoured credentials they hold, climbing from the first
    (someone in the field stands at least on the first rung)."""
    placed = ladder.rungs[0]
    for rung in ladder.rungs[1:]:
        if years < rung.min_years:
            break
        if not all(group.met_by(held) for group in rung.credentials):
            break
        placed = rung
    return placed
