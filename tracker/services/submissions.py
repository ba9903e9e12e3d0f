"""Recording that a cycle's CEUs were submitted to the certifying body (a cycle is complete once
submitted), with guard rails: before the window opens or with CEUs still needed, only on confirmation.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select

from ..domain.dates import long_date
from ..domain.cycles import BodyRules, Standing
from ..extensions import db
from ..models import CycleSubmission, User
from . import versions
from .credentials import body_overview, find_cycle, rules_for
from .errors import Invalid
from .transaction import commit


def check_submission(user: User, body: str, cycle_end: dt.date, submitted_on: dt.date | None, today: dt.date) -> None:
    """A submission names one of the user's cycles (NotFound otherwise) and a date within reason."""
    overview = body_overview(user, body, today)
    standing = find_cycle(overview, cycle_end)
    if submitted_on is None:
        raise Invalid("submitted_on", "Enter the date you submitted your CEUs.")
    if submitted_on > today:
        raise Invalid("submitted_on", "That date is in the future.")
    if submitted_on < standing.tally.cycle.start:
        raise Invalid("submitted_on", "That date is before this cycle started.")


class NeedsConfirmation(Invalid):
    """A submission that may be a slip (before the window opens, CEUs still needed): recorded only
    once the user confirms ("Record anyway"); ``message`` says what is missing."""


def submission_warnings(rules: BodyRules, standing: Standing, submitted_on: dt.date) -> list[str]:
    """What looks wrong about recording a submission on ``submitted_on``, in words (none: fine)."""
    warnings = []
    tally = standing.tally
    if standing.submission_opens and submitted_on < standing.submission_opens:
        warnings.append(
            f"{rules.name} opens submission for this cycle on {long_date(standing.submission_opens)}, "
            f"after {long_date(submitted_on)}."
        )
    if tally.needed > 0:
        warnings.append(
            f"{tally.needed.normalize():f} of {tally.required.normalize():f} CEUs are still needed for this cycle."
        )
    return warnings


def record_submission(
    user: User, body: str, cycle_end: dt.date, submitted_on: dt.date | None, today: dt.date, *,
    confirm: bool = False, fee_paid: bool = False,
) -> None:
    """Record the day the user submitted a cycle's CEUs (a cycle is complete once submitted).

    Before the body's submission window opens, or with CEUs still needed, it raises
    :class:`NeedsConfirmation` saying what is missing unless ``confirm``. A body whose cycle is
    complete only once its fee is paid too (AHIMA) needs ``fee_paid``.
    """
    check_submission(user, body, cycle_end, submitted_on, today)
    rules = rules_for(body)
    if rules.submission_needs_fee and not fee_paid:
        raise Invalid("fee_paid", (
            f"{rules.name} completes a cycle once your CEUs are reported and the recertification fee is paid: "
            "record it once you have done both."
        ))
    standing = find_cycle(body_overview(user, body, today), cycle_end)
    warnings = submission_warnings(rules, standing, submitted_on)
    if warnings and not confirm:
        raise NeedsConfirmation("confirm", " ".join(warnings) + " Record anyway?")
    row = db.session.execute(select(CycleSubmission).where(
        CycleSubmission.user_id == user.id, CycleSubmission.body == body, CycleSubmission.cycle_end == cycle_end
    )).scalar_one_or_none() or CycleSubmission(user_id=user.id, body=body, cycle_end=cycle_end)
    row.submitted_on = submitted_on
    db.session.add(row)
    commit()


def undo_submission(user: User, body: str, cycle_end: dt.date) -> None:
    db.session.execute(delete(CycleSubmission).where(
        CycleSubmission.user_id == user.id, CycleSubmission.body == body, CycleSubmission.cycle_end == cycle_end
    ))
    versions.changed(db.session, user.id)
    commit()
