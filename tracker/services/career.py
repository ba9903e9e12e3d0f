"""One career from the first plan to every renewal: the stage a person is at, and the exam step
that becomes a credential.

Progress on a plan's steps goes through here (pages and API alike) so that passing an exam step
adds the credential it earns in the same transaction, and undoing it can offer to remove exactly
what it added. The rules are in :mod:`tracker.domain.career`; the credential itself is added and
removed by :mod:`tracker.services.credentials`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlalchemy import exists, select

from ..catalog.pathways import ExamInfo
from ..domain import career
from ..domain.ladder import Gap, experience_years
from ..extensions import db
from ..models import CeuActivity, Credential, ExamAttempt, Milestone, User
from . import credentials as credential_service
from . import ladder as ladder_service
from . import stages
from . import plans as plan_service
from .catalog import current_catalog
from .errors import Invalid, NotFound
from .transaction import atomic, commit

MAX_YEARS = 60


# -- the stage ------------------------------------------------------------------------------------

stage_of = stages.stage_of
set_stage = stages.set_stage


def save_place(user: User, rung_key: str | None, years: float | None, today: dt.date) -> None:
    """Onboarding's "where you are on the ladder": a rung (None: let Rungs place you by your
    credentials and experience) and years of coding experience, kept as the day coding work
    started (years before today) so that experience grows by itself."""
    if years is None:
        raise Invalid("years", "Enter your years of coding experience (0 if you are just starting).")
    if not 0 <= years <= MAX_YEARS:
        raise Invalid("years", f"Enter 0 to {MAX_YEARS} years.")
    started_on = today - relativedelta(months=round(years * 12))
    profile = ladder_service.profile_of(user)
    ladder_service.save_profile(user, rung_key or None, started_on, profile.specialties if profile else "", today)


# -- the exam step becomes a credential -----------------------------------------------------------

@dataclass(frozen=True)
class StepOutcome:
    """What a change to a step did to the user's credentials, for the flash message and the API."""

    added: Credential | None = None
    reason: str = ""  # why that credential (CPC-A: the experience AAPC asks)
    already_held: str | None = None  # the code the pass would add, held already
    problem: str | None = None  # the credential could not be added (said, never hidden)
    removable: Credential | None = None  # the step was undone: what it added, which may go
    kept: str | None = None  # the step was undone, but what it added stays: why

    @property
    def message(self) -> str:
        """One calm sentence (or none) about the credential."""
        if self.added is not None:
            return f"{self.added.code} added to your credentials. {self.reason}".strip()
        if self.already_held:
            return f"You already hold {self.already_held}: your credentials are unchanged."
        if self.problem:
            return self.problem
        if self.kept:
            return self.kept
        return ""


def exam_of(milestone: Milestone) -> ExamInfo | None:
    """The exam a plan step is about, when passing it adds a credential (from the pathway data)."""
    if milestone.step_key is None:
        return None
    template = plan_service.template_or_none(milestone.plan.template_id)
    if template is None:
        return None
    step = next((s for s in template.steps if s.key == milestone.step_key), None)
    if step is None or step.exam is None or step.exam.credential is None:
        return None
    return step.exam


def experience_months(user: User, on: dt.date) -> int:
    """Whole months of coding experience on ``on``, from the ladder profile (start, less gaps)."""
    profile = ladder_service.profile_of(user)
    if profile is None or profile.coding_started_on is None:
        return 0
    gaps = [Gap(g.starts_on, g.ends_on) for g in ladder_service.gaps_of(user)]
    return int(experience_years(profile.coding_started_on, gaps, on) * 12)


def _award(user: User, milestone: Milestone, passed_on: dt.date, today: dt.date) -> StepOutcome:
    exam = exam_of(milestone)
    if exam is None:
        return StepOutcome()
    catalog = current_catalog()
    rules = catalog.body_of(exam.credential)
    if rules is None:
        return StepOutcome(problem=f"Rungs does not track {exam.credential} yet: add it on the credentials page.")
    months = experience_months(user, passed_on)
    rule = rules.apprentice
    choice = career.credential_for_pass(
        exam.credential, exam.apprentice_credential, months, rule.experience_months if rule else None,
    )
    family = {exam.credential, exam.apprentice_credential} - {None}
    held = set(credential_service.held_codes(user))
    if family & held:
        return StepOutcome(already_held=sorted(family & held)[0])
    setup = credential_service.get_setup(user, rules.id)
    # A first AAPC credential needs a renewal month: AAPC sets it from the membership, which a
    # candidate holds by the exam; the pass month is the best guess, and the message says to check.
    renewal_month = None if setup is not None and setup.renewal_month else passed_on.month
    try:
        credential = credential_service.add_credential(
            user, choice.code, passed_on, today, renewal_month=renewal_month, source="exam",
        )
    except Invalid as error:
        return StepOutcome(problem=f"{choice.code} was not added to your credentials: {error.message}")
    credential.from_milestone_id = milestone.id
    reason = choice.reason if choice.apprentice else ""
    if choice.apprentice:
        credential.experience_months = min(months, 600)
    if renewal_month is not None and rules.cycle == "renewal_month":
        reason = (reason + f" Renewal month set to {passed_on:%B}; change it if your {rules.name} account shows another.").strip()
    commit()
    return StepOutcome(added=credential, reason=reason)


def step_credential(user: User, milestone: Milestone) -> Credential | None:
    """The credential this step's pass added, if the user still holds it."""
    return db.session.execute(
        select(Credential).where(Credential.user_id == user.id, Credential.from_milestone_id == milestone.id)
    ).scalar_one_or_none()


def ceus_logged(user: User, credential: Credential) -> bool:
    """Whether any CEU of the credential's body counts toward it (general CEUs count toward all)."""
    return db.session.scalar(select(exists().where(
        CeuActivity.user_id == user.id, CeuActivity.body == credential.body,
        CeuActivity.applies_to.in_(["", credential.code]),
    ))) or False


def _offer_removal(user: User, milestone: Milestone) -> StepOutcome:
    if milestone.completed_on is not None:
        return StepOutcome()
    credential = step_credential(user, milestone)
    if credential is None:
        return StepOutcome()
    if ceus_logged(user, credential):
        return StepOutcome(kept=(
            f"{credential.code} stays in your credentials: CEUs are logged toward it. "
            "Remove it from the credentials page if you mean to."
        ))
    return StepOutcome(removable=credential)


def mark_done(user: User, milestone: Milestone, on: dt.date, today: dt.date) -> StepOutcome:
    """Mark a step done on ``on``; an exam step adds the credential it earns, dated ``on``."""
    with atomic():
        was_done = milestone.completed_on is not None
        plan_service.mark_done(milestone, on, today)
        return StepOutcome() if was_done else _award(user, milestone, on, today)


def set_progress(
    user: User, milestone: Milestone, state: str, started_on: dt.date | None, completed_on: dt.date | None,
    today: dt.date,
) -> StepOutcome:
    """:func:`tracker.services.plans.set_progress`, plus the credential an exam step adds when it
    becomes done, or the offer to remove it when it stops being done."""
    with atomic():
        was_done = milestone.completed_on is not None
        plan_service.set_progress(milestone, state, started_on, completed_on, today)
        if milestone.completed_on is not None and not was_done:
            return _award(user, milestone, milestone.completed_on, today)
        if was_done and milestone.completed_on is None:
            return _offer_removal(user, milestone)
        return StepOutcome()


def undo_progress(user: User, milestone: Milestone) -> StepOutcome:
    """Step back one state; a done exam step that added a credential offers to remove it."""
    with atomic():
        was_done = milestone.completed_on is not None
        plan_service.undo_progress(milestone)
        return _offer_removal(user, milestone) if was_done else StepOutcome()


def record_exam_attempt(
    user: User, milestone: Milestone, taken_on: dt.date, passed: bool, retake_on: dt.date | None, today: dt.date,
) -> tuple[ExamAttempt, StepOutcome]:
    """Record an exam attempt; a pass adds the credential, dated the exam day."""
    with atomic():
        was_done = milestone.completed_on is not None
        attempt = plan_service.record_exam_attempt(milestone, taken_on, passed, retake_on, today)
        if passed:
            outcome = _award(user, milestone, taken_on, today)
        elif was_done:
            outcome = _offer_removal(user, milestone)
        else:
            outcome = StepOutcome()
        return attempt, outcome


def removal_offer(user: User, milestone: Milestone) -> StepOutcome:
    """What undoing this step left to remove (for the confirmation page)."""
    return _offer_removal(user, milestone)


def remove_step_credential(user: User, milestone: Milestone) -> str:
    """Remove the credential this (no longer done) step added; Invalid when it must stay.
    Returns its code."""
    if milestone.completed_on is not None:
        raise Invalid("milestone", "The step is still done: what it added stays.")
    credential = step_credential(user, milestone)
    if credential is None:
        raise NotFound("no credential added by this step")
    if ceus_logged(user, credential):
        raise Invalid("milestone", f"{credential.code} has CEUs logged toward it: remove it from the credentials page if you mean to.")
    code = credential.code
    credential_service.delete_credential(user, credential)
    return code
