"""Import into an empty account: every part of the document restored with the services' own
rules inside one transaction; certificates written only after everything passed.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from sqlalchemy import exists, select
from sqlalchemy.exc import DataError, IntegrityError

from ...domain import reminders as reminder_rules
from ...domain.zones import is_valid_zone
from ...extensions import db
from ...models import (
    CeuActivity, ChecklistItem, Cost, Credential, CycleSubmission, ExamAttempt, ExperienceGap, FocusTick, LadderProfile,
    Milestone, Plan, RenewalSetup, User,
)
from .. import certificates as certificate_files
from .. import submissions
from .. import credentials as credential_service
from .. import ladder as ladder_service
from .. import plans as plan_service
from .. import reminders as reminder_service
from ..accounts import checked_member_number
from ..catalog import current_catalog
from ..errors import Invalid, NotFound
from ..transaction import commit
from .document import CONTENT, CertificatesZip, own_target, read_document, under
from .schemas import load_document

# -- import ---------------------------------------------------------------------------------------

def account_is_empty(user: User) -> bool:
    """Whether the user has made nothing yet (no plan, credential, CEU, ladder data)."""
    return not any(
        db.session.execute(select(exists().where(model.user_id == user.id))).scalar_one() for model in CONTENT
    )


def import_account(user: User, document_bytes: bytes, certificates_zip: bytes | None, today: dt.date) -> dict[str, int]:
    """Restore an export into the user's (empty) account: all of it, or nothing.

    Returns counts of what was restored. Raises Invalid (field: where in the file) on any problem,
    with nothing written to the database or to disk.
    """
    if not account_is_empty(user):
        raise Invalid("account", "This account already has data. Import works into an empty account only, "
                                 "so that nothing is overwritten or doubled: create a new account and import there.")
    document = read_document(document_bytes)
    certificates = CertificatesZip(certificates_zip)
    written: list[Path] = []
    try:
        pending = _restore(user, document, certificates, today)
        for activity, data, extension in pending:
            path = certificate_files.write_certificate(user, data, extension)
            written.append(path)
            activity.certificate_file = path.name
        counts = {
            "plans": len(document["plans"]),
            "credentials": len(document["credentials"]),
            "ceu_activities": len(document["ceu_activities"]),
            "certificates": len(pending),
        }
        commit()
    except Invalid:
        db.session.rollback()
        _remove(written)
        raise
    except (IntegrityError, DataError):
        # The checks above should leave nothing for the database to refuse; if it still does,
        # the file is at fault (say, one thing listed twice), not the server.
        db.session.rollback()
        _remove(written)
        raise Invalid("file", "The database refused the file's contents (something listed twice?): nothing was imported.") from None
    except BaseException:
        db.session.rollback()
        _remove(written)
        raise
    return counts


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _restore(user: User, document: dict, certificates: CertificatesZip, today: dt.date) -> list[tuple[CeuActivity, bytes, str]]:
    """Add every row the document describes to the session (not committed), checking each with the
    services' rules; returns the certificates to write once everything passed."""
    data = load_document(document)  # shape and types first, each part by its schema
    _restore_profile(user, data["profile"])
    plans = _restore_plans(user, data["plans"], today)
    held = _restore_credentials(user, data["credentials"], today, plans)
    _restore_setups(user, data["renewal_setups"], held, today)
    pending = _restore_activities(user, data["ceu_activities"], certificates, today)
    _restore_submissions(user, data["cycle_submissions"], today)
    _restore_ladder(user, data["ladder"], today)
    _restore_preferences(user, data["reminder_preferences"])
    db.session.flush()
    return pending


def _restore_profile(user: User, profile: dict) -> None:
    zone = profile["time_zone"]
    if not is_valid_zone(zone):
        raise Invalid("profile.time_zone", f"{zone!r} is not a time zone Rungs knows.")
    user.time_zone = zone
    user.career_stage = profile["career_stage"]  # absent from files made before it existed
    # Absent from files made before it existed; checked as the profile form checks it.
    try:
        user.member_number = checked_member_number(profile["member_number"])
    except Invalid as error:
        raise Invalid("profile.member_number", error.message) from None


# -- plans ----------------------------------------------------------------------------------------

def _restore_plans(user: User, entries: list[dict], today: dt.date) -> list[Plan]:
    restored = []
    for index, entry in enumerate(entries):
        path = f"plans[{index}]"
        template_id = entry["template"]
        template = plan_service.template_or_none(template_id)
        if template is None and template_id != plan_service.CUSTOM_TEMPLATE_ID:
            raise Invalid(f"{path}.template", f"{template_id!r} is not a plan template Rungs knows.")
        try:
            title = plan_service.check_plan_title(entry["title"])
            plan_service.check_pace(entry["pace"])
        except Invalid as error:
            raise under(path, error) from None
        plan = Plan(user_id=user.id, template_id=template_id, title=title, start_date=entry["start_date"],
                    pace=entry["pace"], active_rank=len(entries) - index)
        db.session.add(plan)
        restored.append(plan)
        steps = {step.key for step in template.steps} if template else set()
        for position, item in enumerate(entry["milestones"], start=1):
            _restore_milestone(plan, item, f"{path}.milestones[{position - 1}]", position, steps, today)
    return restored


def _restore_milestone(plan: Plan, entry: dict, path: str, position: int, steps: set[str], today: dt.date) -> None:
    step_key, duration = entry["step_key"], entry["duration"]
    if step_key is not None and step_key not in steps:
        raise Invalid(f"{path}.step_key", f"{step_key!r} is not a step of the plan's template.")
    try:
        plan_service.check_milestone_title(entry["title"])  # kept as written: template titles are stored verbatim
        notes = plan_service.check_notes(entry["notes"])
        unit = plan_service.check_duration(duration["amount"], duration["unit"])
    except Invalid as error:
        raise under(path if error.field in ("title", "notes") else f"{path}.duration", error) from None
    milestone = Milestone(
        position=position, step_key=step_key, title=entry["title"], description=entry["description"],
        duration_amount=duration["amount"], duration_unit=unit.value, notes=notes,
        started_on=entry["started_on"], completed_on=entry["completed_on"],
    )
    plan.milestones.append(milestone)
    try:
        plan_service.check_milestone_progress(milestone, milestone.started_on, milestone.completed_on, today)
    except Invalid as error:
        raise under(path, error) from None
    _restore_step_lists(milestone, entry, path, today)


def _restore_step_lists(milestone: Milestone, entry: dict, path: str, today: dt.date) -> None:
    """A milestone's checklist, costs and exam attempts."""
    for index, item in enumerate(entry["checklist"]):
        try:
            plan_service.check_checklist_label(item["label"])  # kept as written, like template items
        except Invalid as error:
            raise under(f"{path}.checklist[{index}]", error) from None
        milestone.checklist.append(ChecklistItem(position=index + 1, label=item["label"], done_on=item["done_on"]))
    for index, item in enumerate(entry["costs"]):
        try:
            kind, label, cents = plan_service.check_cost(item["kind"], item["label"], Decimal(item["amount_cents"]) / 100)
        except Invalid as error:
            raise under(f"{path}.costs[{index}]", error) from None
        milestone.costs.append(Cost(kind=kind, label=label, amount_cents=cents, incurred_on=item["incurred_on"]))
    for index, item in enumerate(entry["exam_attempts"]):
        taken_on, passed = item["taken_on"], item["passed"]
        try:
            retake_on = plan_service.check_exam_attempt(milestone, taken_on, passed, item["retake_on"], today)
            notes = plan_service.check_notes(item["notes"])
        except Invalid as error:
            raise under(f"{path}.exam_attempts[{index}]", error) from None
        milestone.exam_attempts.append(ExamAttempt(taken_on=taken_on, passed=passed, retake_on=retake_on, notes=notes))


# -- credentials ----------------------------------------------------------------------------------

def _restore_credentials(user: User, entries: list[dict], today: dt.date, plans: list[Plan]) -> dict[str, list[Credential]]:
    """The file's credentials; returns them by certifying body."""
    catalog = current_catalog()
    held: dict[str, list[Credential]] = {}
    for index, entry in enumerate(entries):
        path = f"credentials[{index}]"
        code = entry["code"].strip().upper()
        rules = catalog.body_of(code)
        if any(c.code == code for group in held.values() for c in group):
            raise Invalid(f"{path}.code", f"{code} is listed twice.")
        if rules is None and entry["other"] is not None:
            held.setdefault(credential_service.OTHER, []).append(_restore_other(user, entry, path, code, today))
        elif rules is None:
            raise Invalid(f"{path}.code", f"{code!r} is not a credential Rungs knows.")
        else:
            held.setdefault(rules.id, []).append(_restore_held(user, entry, path, code, rules, today, plans))
    return held


def _restore_held(user: User, entry: dict, path: str, code: str, rules, today: dt.date, plans: list[Plan]) -> Credential:
    """A credential of the catalogue, with its conversion or replacement and the step that added it."""
    course, practicode = entry["course_done_on"], entry["practicode_done_on"]
    try:
        earned_on = credential_service.check_earned_on(entry["earned_on"], today)
        credential_service.check_apprentice(entry["experience_months"], course, practicode, today)
    except Invalid as error:
        raise under(path, error) from None
    credential = Credential(
        user_id=user.id, body=rules.id, code=code, earned_on=earned_on, experience_months=entry["experience_months"],
        course_done_on=course, practicode_done_on=practicode, created_at=entry["added_at"],
    )
    # Conversions (CPC-A → CPC) and replacements (RHIT by RHIA), in files from this version on.
    for key in ("converted_from", "replaced_by"):
        other = entry[key].strip().upper() or None
        if other is not None and current_catalog().body_of(other) is not rules:
            raise Invalid(f"{path}.{key}", f"{other!r} is not a {rules.name} credential.")
        setattr(credential, key, other)
    credential.converted_on = entry["converted_on"] if credential.converted_from else None
    credential.replaced_on = entry["replaced_on"] if credential.replaced_by else None
    if credential.replaced_by and credential.replaced_on is None:
        raise Invalid(f"{path}.replaced_on", "is missing: the day it was replaced.")
    step = _added_by_step(entry["added_by_step"], f"{path}.added_by_step", plans)
    if step is not None:
        db.session.flush()  # the step's id, to point at it
        credential.from_milestone_id = step.id
    db.session.add(credential)
    return credential


def _added_by_step(step: dict | None, path: str, plans: list[Plan]) -> Milestone | None:
    """The milestone a credential's ``added_by_step`` names ({"plan": i, "milestone": j}), or None."""
    if step is None:  # absent from files made before it existed
        return None
    _within(step["plan"], len(plans), f"{path}.plan")
    if not plans:
        raise Invalid(f"{path}.plan", "names a plan, but the file has none.")
    milestones = plans[step["plan"]].milestones
    _within(step["milestone"], len(milestones), f"{path}.milestone")
    if not milestones:
        raise Invalid(f"{path}.milestone", "names a step of a plan that has none.")
    return milestones[step["milestone"]]


def _within(index: int, count: int, path: str) -> None:
    if index > max(count - 1, 0):
        raise Invalid(path, f"must be from 0 to {max(count - 1, 0)}.")


def _restore_other(user: User, entry: dict, path: str, code: str, today: dt.date) -> Credential:
    """A credential outside the catalogue, with the rule the user had entered."""
    other = entry["other"]
    try:
        earned_on = credential_service.check_earned_on(entry["earned_on"], today)
        values = credential_service.check_other(code, credential_service.OtherCredential(
            body=other["body"], name=other["name"], ceus=other["ceus"], cycle_years=other["cycle_years"],
        ), earned_on, other["cycle_end"], today)
    except Invalid as error:
        raise under(path, error) from None
    credential = Credential(
        user_id=user.id, body=credential_service.OTHER, code=code, earned_on=earned_on, experience_months=0,
        created_at=entry["added_at"], **values,
    )
    db.session.add(credential)
    return credential


def _restore_setups(user: User, entries: list[dict], held: dict[str, list[Credential]], today: dt.date) -> None:
    """Each certifying body's renewal setup: one for every body of the file's credentials."""
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        path, body = f"renewal_setups[{index}]", entry["body"]
        if body not in held:
            raise Invalid(f"{path}.body", f"{body!r} is not the certifying body of any credential in the file.")
        if body in seen:
            raise Invalid(f"{path}.body", f"{body} is listed twice.")
        seen.add(body)
        row = RenewalSetup(user_id=user.id, body=body)
        try:
            credential_service.apply_setup(
                credential_service.rules_for(body), row, renewal_month=entry["renewal_month"],
                cycle_end=entry["cycle_end"], first_cycle_ceus=entry["first_cycle_ceus"],
                earned_on=min(c.earned_on for c in held[body]), today=today,
            )
        except Invalid as error:
            raise under(path, error) from None
        db.session.add(row)
    missing = sorted(set(held) - seen - {credential_service.OTHER})
    if missing:
        raise Invalid("renewal_setups", f"has no entry for {missing[0]}, whose credentials are in the file.")


# -- CEUs, submissions, ladder, preferences -------------------------------------------------------

def _restore_activities(user: User, entries: list[dict], certificates: CertificatesZip, today: dt.date) -> list[tuple[CeuActivity, bytes, str]]:
    pending: list[tuple[CeuActivity, bytes, str]] = []
    total = 0
    db.session.flush()  # credentials outside the catalogue get the ids their CEUs refer to
    others = {c.code: credential_service.body_key(c) for c in credential_service.list_credentials(user) if c.body == credential_service.OTHER}
    for index, entry in enumerate(entries):
        path = f"ceu_activities[{index}]"
        data = credential_service.ActivityInput(
            completed_on=entry["completed_on"], title=entry["title"], provider=entry["provider"],
            reference=entry["reference"], ceus=entry["ceus"], next_cycle=entry["next_cycle"],
            counts_toward=[own_target(t, others) for t in entry["counts_toward"]],
            second_reference=entry["second_reference"],
        )
        try:
            values = credential_service.checked_activity(user, data, today, allow_unassigned=True)
        except Invalid as error:
            raise under(path, error) from None
        activity = CeuActivity(user_id=user.id, **values)
        ref = entry["certificate"]
        if ref is not None:
            content, mime, extension = certificates.certificate(ref["file"], f"{path}.certificate.file")
            total += len(content)
            try:
                certificate_files.check_certificate_quota(total)
            except Invalid as error:
                raise Invalid("certificates", error.message) from None
            activity.certificate_name = certificate_files.safe_certificate_name(ref["name"])
            activity.certificate_type, activity.certificate_size = mime, len(content)
            pending.append((activity, content, extension))
        db.session.add(activity)
    return pending


def _restore_submissions(user: User, entries: list[dict], today: dt.date) -> None:
    seen: set[tuple[str, dt.date]] = set()
    for index, entry in enumerate(entries):
        path = f"cycle_submissions[{index}]"
        body, cycle_end, submitted_on = entry["body"], entry["cycle_end"], entry["submitted_on"]
        if (body, cycle_end) in seen:
            raise Invalid(path, f"The {body} cycle ending {cycle_end} is listed twice.")
        seen.add((body, cycle_end))
        try:
            submissions.check_submission(user, body, cycle_end, submitted_on, today)
        except Invalid as error:
            raise under(path, error) from None
        except NotFound:
            raise Invalid(path, f"names no cycle of the credentials in the file ({body}, ending {cycle_end}).") from None
        db.session.add(CycleSubmission(user_id=user.id, body=body, cycle_end=cycle_end, submitted_on=submitted_on))


def _restore_ladder(user: User, ladder: dict, today: dt.date) -> None:
    started_on = None
    profile = ladder["profile"]
    if profile is not None:
        started_on = profile["coding_started_on"]
        try:
            rung, specialties = ladder_service.check_profile(profile["rung"], started_on, profile["specialties"], today)
        except Invalid as error:
            raise under("ladder.profile", error) from None
        db.session.add(LadderProfile(user_id=user.id, rung_key=rung, coding_started_on=started_on, specialties=specialties))
    gaps: list[ExperienceGap] = []
    for index, entry in enumerate(ladder["gaps"]):
        gap = ExperienceGap(user_id=user.id, starts_on=entry["starts_on"], ends_on=entry["ends_on"])
        try:
            ladder_service.check_new_gap(started_on, gaps, gap.starts_on, gap.ends_on, today)
        except Invalid as error:
            raise under(f"ladder.gaps[{index}]", error) from None
        gaps.append(gap)
        db.session.add(gap)
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(ladder["focus"]):
        path, rung, area, evidence = f"ladder.focus[{index}]", entry["rung"], entry["area"], entry["evidence"].strip()
        if (rung, area) in seen:
            raise Invalid(path, f"The focus area “{area}” is listed twice.")
        seen.add((rung, area))
        try:
            ladder_service.check_focus(rung, {area}, {area: evidence})
        except Invalid as error:
            raise under(path, error) from None
        db.session.add(FocusTick(user_id=user.id, rung_key=rung, area=area, done=entry["done"], evidence=evidence))


def _restore_preferences(user: User, preferences: dict) -> None:
    try:
        reminder_service.apply_preferences(
            reminder_service.preference_row(user),
            enabled=set(reminder_rules.KINDS) - set(preferences["disabled_kinds"]),
            offsets={kind: ", ".join(str(n) for n in values) for kind, values in preferences["offsets"].items()},
            send_hour=preferences["send_hour"], digest_weekday=preferences["digest_weekday"],
            paused=preferences["paused"],
        )
    except Invalid as error:
        raise under("reminder_preferences", error) from None
