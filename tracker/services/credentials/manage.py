"""Adding, editing and deleting credentials and their renewal setup (part of :mod:`.credentials`)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, func, select

from ...domain import cycles
from ...domain.cycles import BodyRules
from ...extensions import db
from ...models import CeuActivity, Credential, CycleSubmission, RenewalSetup, User
from ..catalog import current_catalog
from .. import certificates, versions
from ..transaction import commit
from ..errors import Invalid, NotFound
from .ceus import list_activities
from .reading import EARLIEST_DATE, OTHER, body_key, get_setup, parse_ceus, rules_for



# -- credentials ----------------------------------------------------------------------------------

def check_earned_on(earned_on: dt.date | None, today: dt.date) -> dt.date:
    if earned_on is None:
        raise Invalid("earned_on", "Enter the date you earned this credential.")
    if earned_on > today:
        raise Invalid("earned_on", "The date earned is in the future: add a credential once you hold it.")
    if earned_on < EARLIEST_DATE:
        raise Invalid("earned_on", f"Enter a date from {EARLIEST_DATE:%Y} on.")
    return earned_on


def apply_setup(
    rules: BodyRules, row: RenewalSetup, *, renewal_month: int | None, cycle_end: dt.date | None,
    first_cycle_ceus: Decimal | None, earned_on: dt.date, today: dt.date, keep_first_cycle: bool = False,
) -> None:
    """Set how a body's cycles run on ``row``; ``keep_first_cycle`` leaves an entered first-cycle
    figure alone when none is given (adding a second credential must not forget it)."""
    if rules.cycle == cycles.RENEWAL_MONTH:
        if renewal_month is None:
            if row.renewal_month is None:
                raise Invalid("renewal_month", f"Choose your {rules.name} membership renewal month.")
        elif not 1 <= renewal_month <= 12:
            raise Invalid("renewal_month", "Choose a month from January to December.")
        else:
            row.renewal_month = renewal_month
        if first_cycle_ceus is not None:
            row.first_cycle_ceus = parse_ceus(first_cycle_ceus, "first_cycle_ceus", allow_zero=True)
        elif not keep_first_cycle:
            row.first_cycle_ceus = None
    else:
        if cycle_end is None:
            cycle_end = row.cycle_end or cycles.proposed_cycle_end(rules, earned_on)
        if cycle_end < earned_on:
            raise Invalid("cycle_end", "The cycle end is before the date you earned the credential.")
        if cycle_end > today + relativedelta(years=rules.cycle_years, days=1) and cycle_end > earned_on + relativedelta(years=rules.cycle_years, days=1):
            raise Invalid("cycle_end", f"A cycle lasts {rules.cycle_years} years: enter the end date your {rules.name} account shows for the current cycle.")
        row.cycle_end = cycle_end


@dataclass(frozen=True)
class OtherCredential:
    """What the user tells Rungs about a credential its catalogue lacks."""

    body: str  # the certifying body's name, e.g. "ACDIS"
    name: str  # the credential's full name
    ceus: object  # CEUs per cycle
    cycle_years: int | None


def check_other(code: str, other: OtherCredential, earned_on: dt.date, cycle_end: dt.date | None, today: dt.date) -> dict:
    """The columns of a valid credential outside the catalogue, or Invalid naming the field.

    Without ``cycle_end`` the first cycle ends a cycle length after the day earned, less a day
    (as Rungs proposes for AHIMA); the user corrects it from what the body shows.
    """
    if not re.fullmatch(r"[A-Z][A-Z0-9-]{0,11}", code):
        raise Invalid("code", "Enter the credential's letters (up to 12, like CCDS).")
    body = (other.body or "").strip()
    if not body or len(body) > 60:
        raise Invalid("other_body", "Enter the certifying body's name (up to 60 characters).")
    name = (other.name or "").strip()
    if not name or len(name) > 120:
        raise Invalid("name", "Enter the credential's full name (up to 120 characters).")
    ceus = parse_ceus(other.ceus, "other_ceus")
    if ceus != ceus.to_integral_value():
        raise Invalid("other_ceus", "Enter whole CEUs per cycle, as the body states them.")
    years = other.cycle_years
    if years is None or not 1 <= years <= 10:
        raise Invalid("other_cycle_years", "Enter the cycle length: 1 to 10 years.")
    end = cycle_end or (earned_on - dt.timedelta(days=1)) + relativedelta(years=years)
    if end <= earned_on:
        raise Invalid("cycle_end", "The cycle end is not after the date you earned the credential.")
    if end > today + relativedelta(years=years, days=1) and end > earned_on + relativedelta(years=years, days=1):
        raise Invalid("cycle_end", f"A cycle lasts {years} years: enter the end date your body shows for the current cycle.")
    return dict(other_body=body, name=name, other_ceus=ceus, other_cycle_years=years, other_cycle_end=end)


def add_credential(
    user: User, code: str, earned_on: dt.date | None, today: dt.date, *,
    renewal_month: int | None = None, cycle_end: dt.date | None = None, first_cycle_ceus: Decimal | None = None,
    other: OtherCredential | None = None, source: str = "manual",
) -> Credential:
    """Add a credential the user holds; the first of a body also sets how its cycles run.

    A code the catalogue lacks is added with ``other`` (its body, name, CEUs per cycle, cycle
    length; ``cycle_end`` is its current cycle end), never refused for being unknown. ``source``
    records what added it ("manual", "exam", "onboarding", "import": up to 20 characters), so
    that undoing what added it can offer to remove it. Adding one that replaces another (RHIA
    over RHIT) retires the other on the day earned.
    """
    if not source or len(source) > 20:
        raise ValueError("source: a short word saying what added the credential")
    code = (code or "").strip().upper()
    rules = current_catalog().body_of(code)
    earned_on = check_earned_on(earned_on, today) if rules is not None or other is not None else earned_on
    if rules is None and other is None:
        raise Invalid("code", (
            f"{code or 'That'} is not in Rungs' list: add it as another credential, with its certifying body, "
            "its CEUs per cycle and the cycle length."
        ))
    if db.session.execute(select(Credential.id).where(Credential.user_id == user.id, Credential.code == code)).first():
        raise Invalid("code", f"You already hold {code}: edit it instead.")
    if rules is None:
        credential = Credential(
            user_id=user.id, body=OTHER, code=code, earned_on=earned_on, experience_months=0, source=source,
            **check_other(code, other, earned_on, cycle_end, today),
        )
        db.session.add(credential)
        commit()
        return credential
    row = get_setup(user, rules.id) or RenewalSetup(user_id=user.id, body=rules.id)
    apply_setup(rules, row, renewal_month=renewal_month, cycle_end=cycle_end,
                 first_cycle_ceus=first_cycle_ceus, earned_on=earned_on, today=today, keep_first_cycle=True)
    credential = Credential(user_id=user.id, body=rules.id, code=code, earned_on=earned_on, experience_months=0, source=source)
    db.session.add_all([row, credential])
    _retire_replaced(user, rules, credential)
    commit()
    return credential


def _retire_replaced(user: User, rules: BodyRules, credential: Credential) -> None:
    """Retire what ``credential`` replaces (RHIA replaces RHIT) on the day it was earned."""
    replaces = rules.credentials[credential.code].replaces
    if not replaces:
        return
    for old in db.session.execute(select(Credential).where(
        Credential.user_id == user.id, Credential.code.in_(replaces),
        (Credential.replaced_by.is_(None)) | (Credential.replaced_by == credential.code),
    )).scalars():
        old.replaced_by = credential.code
        old.replaced_on = max(credential.earned_on, old.earned_on)


def update_credential(credential: Credential, earned_on: dt.date | None, today: dt.date) -> None:
    """Correct the day a credential was earned (what it replaced is retired from the new day)."""
    credential.earned_on = check_earned_on(earned_on, today)
    rules = current_catalog().body_of(credential.code)
    if rules is not None:
        _retire_replaced(db.session.get(User, credential.user_id), rules, credential)
    commit()

def update_setup(
    user: User, body: str, today: dt.date, *, renewal_month: int | None = None,
    cycle_end: dt.date | None = None, first_cycle_ceus: Decimal | None = None,
) -> None:
    """Change how a body's cycles run (renewal month; cycle end; first-cycle requirement)."""
    rules = rules_for(body)
    row = get_setup(user, body)
    if row is None:
        raise NotFound(f"no {body} credential")
    earliest = db.session.execute(
        select(func.min(Credential.earned_on)).where(Credential.user_id == user.id, Credential.body == body)
    ).scalar_one()
    apply_setup(rules, row, renewal_month=renewal_month, cycle_end=cycle_end,
                 first_cycle_ceus=first_cycle_ceus, earned_on=earliest, today=today)
    commit()


def check_apprentice(
    experience_months: int | None, course_done_on: dt.date | None, practicode_done_on: dt.date | None, today: dt.date,
) -> None:
    """Apprentice progress: months of experience within reason, no dates in the future."""
    if experience_months is None or not 0 <= experience_months <= 600:
        raise Invalid("experience_months", "Enter the months of verified coding experience (0 or more).")
    for field, day in (("course_done_on", course_done_on), ("practicode_done_on", practicode_done_on)):
        if day is not None and day > today:
            raise Invalid(field, "That date is in the future.")


def update_apprentice(
    credential: Credential, experience_months: int | None, course_done_on: dt.date | None,
    practicode_done_on: dt.date | None, today: dt.date,
) -> None:
    """Record progress toward removing the apprentice designation (CPC-A / COC-A)."""
    check_apprentice(experience_months, course_done_on, practicode_done_on, today)
    credential.experience_months = experience_months
    credential.course_done_on = course_done_on
    credential.practicode_done_on = practicode_done_on
    commit()


def delete_credential(user: User, credential: Credential) -> int:
    """Delete a credential. The last one of a body takes that body's CEU log, certificates and
    submissions with it (the confirmation page says so). Returns the activities removed."""
    others = 0 if credential.body == OTHER else db.session.execute(
        select(func.count()).select_from(Credential).where(
            Credential.user_id == user.id, Credential.body == credential.body, Credential.id != credential.id
        )
    ).scalar_one()
    key = body_key(credential)
    removed: list[CeuActivity] = []
    if not others:
        removed = []
        for activity in list_activities(user, key):
            elsewhere = [c for c in activity.credentials if body_key(c) != key]
            if elsewhere:
                # It counts toward the other body too: it stays there, with that body's approval.
                activity.body, activity.reference, activity.second_reference = body_key(elsewhere[0]), activity.second_reference, ""
                keeps_code = elsewhere[0].body != OTHER and rules_for(elsewhere[0].body).one_credential_per_activity
                activity.applies_to = elsewhere[0].code if keeps_code else ""
                activity.credentials = elsewhere
            else:
                removed.append(activity)
                db.session.delete(activity)
        versions.changed(db.session, user.id)
        db.session.execute(delete(CycleSubmission).where(CycleSubmission.user_id == user.id, CycleSubmission.body == key))
        db.session.execute(delete(RenewalSetup).where(RenewalSetup.user_id == user.id, RenewalSetup.body == key))
    else:
        db.session.execute(
            CeuActivity.__table__.update()
            .where(CeuActivity.user_id == user.id, CeuActivity.applies_to == credential.code)
            .values(applies_to="")
        )
    # Deleting RHIA (added by mistake) brings back the RHIT it had retired.
    for old in db.session.execute(select(Credential).where(
        Credential.user_id == user.id, Credential.replaced_by == credential.code,
    )).scalars():
        old.replaced_by = old.replaced_on = None
    files = [a.certificate_file for a in removed if a.certificate_file]
    db.session.delete(credential)
    commit()
    for name in files:
        certificates.stored_path(user, name).unlink(missing_ok=True)
    return len(removed)
