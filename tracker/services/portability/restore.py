"""Import into an empty account: every part of the document restored with the services' own
rules inside one transaction; certificates written only after everything passed.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.exc import DataError, IntegrityError

from ...domain import career, limits
from ...domain import reminders as reminder_rules
from ...domain.zones import is_valid_zone
from ...extensions import db
from ...models import (
    ChecklistItem,
    CeuActivity,
    Cost,
    Credential,
    CycleSubmission,
    ExamAttempt,
    ExperienceGap,
    FocusTick,
    LadderProfile,
    Milestone,
    Plan,
    RenewalSetup,
    User,
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
from .document import CERTIFICATE_FILE, CONTENT, MAX_CHECKED_AGAINST_ALL, CertificatesZip, Doc, own_target, under, read_document

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
    top = Doc(document, "", {
        "format", "version", "exported_at", "profile", "plans", "credentials", "renewal_setups",
        "ceu_activities", "cycle_submissions", "ladder", "reminder_preferences",
    })
    profile = Doc(top.raw("profile"), "profile", {"email", "time_zone", "career_stage", "member_number"})
    zone = profile.text("time_zone", limit=64)
    if not is_valid_zone(zone):
        raise Invalid("profile.time_zone", f"{zone!r} is not a time zone Rungs knows.")
    user.time_zone = zone
    stage = profile.value.get("career_stage")  # absent from files made before it existed
    if stage is not None and stage not in career.STAGES:
        raise Invalid("profile.career_stage", f"must be one of {', '.join(career.STAGES)} (or null).")
    user.career_stage = stage
    # Absent from files made before it existed; checked as the profile form checks it.
    member_number = profile.text("member_number", optional=True, limit=limits.MEMBER_NUMBER_MAX)
    try:
        user.member_number = checked_member_number(member_number)
    except Invalid as error:
        raise Invalid("profile.member_number", error.message) from None

    plans = _restore_plans(user, top, today)
    _restore_credentials(user, top, today, plans)
    pending = _restore_activities(user, top, certificates, today)
    _restore_submissions(user, top, today)
    _restore_ladder(user, top, today)
    _restore_preferences(user, top)
    db.session.flush()
    return pending


def _restore_plans(user: User, top: Doc, today: dt.date) -> list[Plan]:
    entries = top.items("plans")
    restored = []
    for index, entry in enumerate(entries):
        path = f"plans[{index}]"
        doc = Doc(entry, path, {"template", "title", "start_date", "pace", "milestones"})
        template_id = doc.text("template", limit=40)
        template = plan_service.template_or_none(template_id)
        if template is None and template_id != plan_service.CUSTOM_TEMPLATE_ID:
            raise Invalid(doc.at("template"), f"{template_id!r} is not a plan template Rungs knows.")
        try:
            title = plan_service.check_plan_title(doc.text("title"))
            pace = doc.text("pace", limit=20)
            plan_service.check_pace(pace)
        except Invalid as error:
            raise under(path, error) from None
        plan = Plan(user_id=user.id, template_id=template_id, title=title, start_date=doc.day("start_date"),
                    pace=pace, active_rank=len(entries) - index)
        db.session.add(plan)
        restored.append(plan)
        steps = {step.key for step in template.steps} if template else set()
        for position, item in enumerate(doc.items("milestones"), start=1):
            _restore_milestone(plan, item, f"{path}.milestones[{position - 1}]", position, steps, today)
    return restored


def _restore_milestone(plan: Plan, entry: Any, path: str, position: int, steps: set[str], today: dt.date) -> None:
    doc = Doc(entry, path, {
        "step_key", "title", "description", "duration", "notes", "started_on", "completed_on", "checklist",
        "costs", "exam_attempts",
    })
    step_key = doc.value.get("step_key")
    if step_key is not None and (not isinstance(step_key, str) or step_key not in steps):
        raise Invalid(doc.at("step_key"), f"{step_key!r} is not a step of the plan's template.")
    duration = Doc(doc.raw("duration"), doc.at("duration"), {"amount", "unit"})
    title = doc.text("title")
    try:
        plan_service.check_milestone_title(title)  # kept as written: template titles are stored verbatim
        notes = plan_service.check_notes(doc.text("notes", optional=True))
        amount = duration.number("amount", low=0, high=10**6)
        unit = plan_service.check_duration(amount, duration.text("unit", limit=10))
    except Invalid as error:
        raise under(path if error.field in ("title", "notes") else duration.path, error) from None
    milestone = Milestone(
        position=position, step_key=step_key, title=title, description=doc.text("description", optional=True),
        duration_amount=amount, duration_unit=unit.value, notes=notes,
        started_on=doc.day("started_on", optional=True), completed_on=doc.day("completed_on", optional=True),
    )
    plan.milestones.append(milestone)
    try:
        plan_service.check_milestone_progress(milestone, milestone.started_on, milestone.completed_on, today)
    except Invalid as error:
        raise under(path, error) from None
    for index, item in enumerate(doc.items("checklist")):
        at = f"{path}.checklist[{index}]"
        entry_ = Doc(item, at, {"label", "done_on"})
        label = entry_.text("label")
        try:
            plan_service.check_checklist_label(label)  # kept as written, like template items
        except Invalid as error:
            raise under(at, error) from None
        milestone.checklist.append(ChecklistItem(position=index + 1, label=label, done_on=entry_.day("done_on", optional=True)))
    for index, item in enumerate(doc.items("costs")):
        at = f"{path}.costs[{index}]"
        entry_ = Doc(item, at, {"kind", "label", "amount_cents", "incurred_on"})
        cents = entry_.number("amount_cents", low=0, high=plan_service.MAX_COST_CENTS)
        try:
            kind, label, cents = plan_service.check_cost(entry_.text("kind", limit=20), entry_.text("label"), Decimal(cents) / 100)
        except Invalid as error:
            raise under(at, error) from None
        milestone.costs.append(Cost(kind=kind, label=label, amount_cents=cents, incurred_on=entry_.day("incurred_on", optional=True)))
    for index, item in enumerate(doc.items("exam_attempts")):
        at = f"{path}.exam_attempts[{index}]"
        entry_ = Doc(item, at, {"taken_on", "passed", "retake_on", "notes"})
        taken_on, passed = entry_.day("taken_on"), entry_.flag("passed")
        try:
            retake_on = plan_service.check_exam_attempt(milestone, taken_on, passed, entry_.day("retake_on", optional=True), today)
            notes = plan_service.check_notes(entry_.text("notes", optional=True))
        except Invalid as error:
            raise under(at, error) from None
        milestone.exam_attempts.append(ExamAttempt(taken_on=taken_on, passed=passed, retake_on=retake_on, notes=notes))


def _added_by_step(doc: Doc, plans: list[Plan]):
    """The milestone a credential's ``added_by_step`` names ({"plan": i, "milestone": j}), or None."""
    value = doc.value.get("added_by_step")  # absent from files made before it existed
    if value is None:
        return None
    step = Doc(value, doc.at("added_by_step"), {"plan", "milestone"})
    plan_index = step.number("plan", low=0, high=max(len(plans) - 1, 0))
    if not plans:
        raise Invalid(step.at("plan"), "names a plan, but the file has none.")
    milestones = plans[plan_index].milestones
    milestone_index = step.number("milestone", low=0, high=max(len(milestones) - 1, 0))
    if not milestones:
        raise Invalid(step.at("milestone"), "names a step of a plan that has none.")
    return milestones[milestone_index]


def _restore_credentials(user: User, top: Doc, today: dt.date, plans: list[Plan]) -> None:
    catalog = current_catalog()
    held: dict[str, list[Credential]] = {}
    for index, item in enumerate(top.items("credentials")):
        path = f"credentials[{index}]"
        doc = Doc(item, path, {
            "code", "earned_on", "added_at", "experience_months", "course_done_on", "practicode_done_on",
            "converted_from", "converted_on", "replaced_by", "replaced_on", "other", "added_by_step",
        })
        code = doc.text("code", limit=12).strip().upper()
        rules = catalog.body_of(code)
        if any(c.code == code for group in held.values() for c in group):
            raise Invalid(doc.at("code"), f"{code} is listed twice.")
        if rules is None and "other" in doc.value:
            held.setdefault(credential_service.OTHER, []).append(_restore_other(user, doc, code, today))
            continue
        if rules is None:
            raise Invalid(doc.at("code"), f"{code!r} is not a credential Rungs knows.")
        try:
            earned_on = credential_service.check_earned_on(doc.day("earned_on"), today)
            months = doc.number("experience_months", low=-10**6, high=10**6)
            course, practicode = doc.day("course_done_on", optional=True), doc.day("practicode_done_on", optional=True)
            credential_service.check_apprentice(months, course, practicode, today)
        except Invalid as error:
            raise under(path, error) from None
        credential = Credential(
            user_id=user.id, body=rules.id, code=code, earned_on=earned_on, experience_months=months,
            course_done_on=course, practicode_done_on=practicode, created_at=doc.instant("added_at"),
        )
        # Conversions (CPC-A → CPC) and replacements (RHIT by RHIA), in files from this version on.
        for key in ("converted_from", "replaced_by"):
            other = doc.text(key, optional=True, limit=12).strip().upper() or None
            if other is not None and catalog.body_of(other) is not rules:
                raise Invalid(doc.at(key), f"{other!r} is not a {rules.name} credential.")
            setattr(credential, key, other)
        credential.converted_on = doc.day("converted_on", optional=True) if credential.converted_from else None
        credential.replaced_on = doc.day("replaced_on", optional=True) if credential.replaced_by else None
        if credential.replaced_by and credential.replaced_on is None:
            raise Invalid(doc.at("replaced_on"), "is missing: the day it was replaced.")
        step = _added_by_step(doc, plans)
        if step is not None:
            db.session.flush()  # the step's id, to point at it
            credential.from_milestone_id = step.id
        db.session.add(credential)
        held.setdefault(rules.id, []).append(credential)
    seen: set[str] = set()
    for index, item in enumerate(top.items("renewal_setups")):
        path = f"renewal_setups[{index}]"
        doc = Doc(item, path, {"body", "renewal_month", "cycle_end", "first_cycle_ceus"})
        body = doc.text("body", limit=20)
        if body not in held:
            raise Invalid(doc.at("body"), f"{body!r} is not the certifying body of any credential in the file.")
        if body in seen:
            raise Invalid(doc.at("body"), f"{body} is listed twice.")
        seen.add(body)
        first = doc.value.get("first_cycle_ceus")
        if first is not None and not isinstance(first, str):
            raise Invalid(doc.at("first_cycle_ceus"), "must be text, like \"12.5\".")
        row = RenewalSetup(user_id=user.id, body=body)
        try:
            credential_service.apply_setup(
                credential_service.rules_for(body), row,
                renewal_month=doc.number("renewal_month", optional=True, low=-10**6, high=10**6),
                cycle_end=doc.day("cycle_end", optional=True), first_cycle_ceus=first,
                earned_on=min(c.earned_on for c in held[body]), today=today,
            )
        except Invalid as error:
            raise under(path, error) from None
        db.session.add(row)
    missing = sorted(set(held) - seen - {credential_service.OTHER})
    if missing:
        raise Invalid("renewal_setups", f"has no entry for {missing[0]}, whose credentials are in the file.")


def _restore_other(user: User, doc: Doc, code: str, today: dt.date) -> Credential:
    """A credential outside the catalogue, with the rule the user had entered."""
    at = doc.at("other")
    other = Doc(doc.value["other"], at, {"body", "name", "ceus", "cycle_years", "cycle_end"})
    ceus = other.raw("ceus")
    if not isinstance(ceus, str):
        raise Invalid(other.at("ceus"), "must be text, like \"30\".")
    try:
        earned_on = credential_service.check_earned_on(doc.day("earned_on"), today)
        values = credential_service.check_other(code, credential_service.OtherCredential(
            body=other.text("body", limit=60), name=other.text("name", limit=120), ceus=ceus,
            cycle_years=other.number("cycle_years", low=-10**6, high=10**6),
        ), earned_on, other.day("cycle_end"), today)
    except Invalid as error:
        raise under(doc.path, error) from None
    credential = Credential(
        user_id=user.id, body=credential_service.OTHER, code=code, earned_on=earned_on, experience_months=0,
        created_at=doc.instant("added_at"), **values,
    )
    db.session.add(credential)
    return credential


def _restore_activities(user: User, top: Doc, certificates: CertificatesZip, today: dt.date) -> list[tuple[CeuActivity, bytes, str]]:
    pending: list[tuple[CeuActivity, bytes, str]] = []
    total = 0
    db.session.flush()  # credentials outside the catalogue get the ids their CEUs refer to
    others = {c.code: credential_service.body_key(c) for c in credential_service.list_credentials(user) if c.body == credential_service.OTHER}
    for index, item in enumerate(top.items("ceu_activities")):
        path = f"ceu_activities[{index}]"
        doc = Doc(item, path, {
            "completed_on", "title", "provider", "reference", "second_reference", "ceus", "counts_toward",
            "next_cycle", "certificate",
        })
        ceus = doc.raw("ceus")
        if not isinstance(ceus, str):
            raise Invalid(doc.at("ceus"), "must be text, like \"1.5\".")
        targets = doc.raw("counts_toward")
        if isinstance(targets, list):
            if not 0 < len(targets) <= 20 or any(not isinstance(t, str) or len(t) > 40 for t in targets):
                raise Invalid(doc.at("counts_toward"), "must be text like \"aapc:CPMA\", or a list of 1 to 20 of them.")
        else:
            targets = doc.text("counts_toward", limit=40)
        targets = [own_target(t, others) for t in ([targets] if isinstance(targets, str) else targets)]
        data = credential_service.ActivityInput(
            completed_on=doc.day("completed_on"), title=doc.text("title"), provider=doc.text("provider", optional=True),
            reference=doc.text("reference", optional=True), ceus=ceus, counts_toward=targets,
            next_cycle=doc.flag("next_cycle"), second_reference=doc.text("second_reference", optional=True, limit=60),
        )
        try:
            values = credential_service.checked_activity(user, data, today, allow_unassigned=True)
        except Invalid as error:
            raise under(path, error) from None
        activity = CeuActivity(user_id=user.id, **values)
        certificate = doc.value.get("certificate")
        if certificate is not None:
            at = doc.at("certificate")
            ref = Doc(certificate, at, {"file", "name"})
            name = ref.text("file", limit=40)
            if not CERTIFICATE_FILE.fullmatch(name):
                raise Invalid(ref.at("file"), f"{name[:60]!r} is not a certificate name from a Rungs export (like 0001.pdf).")
            content = certificates.read(name, ref.at("file"))
            try:
                mime, extension = certificate_files.check_certificate(content)
            except Invalid as error:
                raise Invalid(ref.at("file"), f"{name}: {error.message}") from None
            total += len(content)
            try:
                certificate_files.check_certificate_quota(total)
            except Invalid as error:
                raise Invalid("certificates", error.message) from None
            activity.certificate_name = certificate_files.safe_certificate_name(ref.text("name", limit=255))
            activity.certificate_type, activity.certificate_size = mime, len(content)
            pending.append((activity, content, extension))
        db.session.add(activity)
    return pending


def _restore_submissions(user: User, top: Doc, today: dt.date) -> None:
    seen: set[tuple[str, dt.date]] = set()
    for index, item in enumerate(top.items("cycle_submissions", MAX_CHECKED_AGAINST_ALL)):
        path = f"cycle_submissions[{index}]"
        doc = Doc(item, path, {"body", "cycle_end", "submitted_on"})
        body, cycle_end, submitted_on = doc.text("body", limit=20), doc.day("cycle_end"), doc.day("submitted_on")
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


def _restore_ladder(user: User, top: Doc, today: dt.date) -> None:
    ladder = Doc(top.raw("ladder"), "ladder", {"profile", "gaps", "focus"})
    started_on = None
    if ladder.raw("profile") is not None:
        doc = Doc(ladder.raw("profile"), "ladder.profile", {"rung", "coding_started_on", "specialties"})
        rung = doc.value.get("rung")
        if rung is not None and not isinstance(rung, str):
            raise Invalid(doc.at("rung"), "must be text or null.")
        started_on = doc.day("coding_started_on", optional=True)
        try:
            rung, specialties = ladder_service.check_profile(rung, started_on, doc.text("specialties", optional=True), today)
        except Invalid as error:
            raise under(doc.path, error) from None
        db.session.add(LadderProfile(user_id=user.id, rung_key=rung, coding_started_on=started_on, specialties=specialties))
    gaps: list[ExperienceGap] = []
    for index, item in enumerate(ladder.items("gaps", MAX_CHECKED_AGAINST_ALL)):
        path = f"ladder.gaps[{index}]"
        doc = Doc(item, path, {"starts_on", "ends_on"})
        gap = ExperienceGap(user_id=user.id, starts_on=doc.day("starts_on"), ends_on=doc.day("ends_on"))
        try:
            ladder_service.check_new_gap(started_on, gaps, gap.starts_on, gap.ends_on, today)
        except Invalid as error:
            raise under(path, error) from None
        gaps.append(gap)
        db.session.add(gap)
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(ladder.items("focus")):
        path = f"ladder.focus[{index}]"
        doc = Doc(item, path, {"rung", "area", "done", "evidence"})
        rung, area = doc.text("rung", limit=40), doc.text("area", limit=200)
        evidence = doc.text("evidence", optional=True).strip()
        if (rung, area) in seen:
            raise Invalid(path, f"The focus area “{area}” is listed twice.")
        seen.add((rung, area))
        try:
            ladder_service.check_focus(rung, {area}, {area: evidence})
        except Invalid as error:
            raise under(path, error) from None
        db.session.add(FocusTick(user_id=user.id, rung_key=rung, area=area, done=doc.flag("done"), evidence=evidence))


def _restore_preferences(user: User, top: Doc) -> None:
    doc = Doc(top.raw("reminder_preferences"), "reminder_preferences",
               {"paused", "disabled_kinds", "offsets", "send_hour", "digest_weekday"})
    disabled = doc.items("disabled_kinds")
    unknown = [k for k in disabled if not isinstance(k, str) or k not in reminder_rules.KINDS]
    if unknown:
        raise Invalid(doc.at("disabled_kinds"), f"{unknown[0]!r} is not a kind of reminder Rungs knows.")
    offsets = doc.raw("offsets")
    if not isinstance(offsets, dict) or not all(
        isinstance(v, list) and len(v) <= 50 and all(isinstance(n, int) and not isinstance(n, bool) for n in v)
        for v in offsets.values()
    ):
        raise Invalid(doc.at("offsets"), "must map reminder kinds to lists of whole numbers of days.")
    for kind in offsets:
        if kind not in reminder_rules.KINDS:
            raise Invalid(doc.at("offsets"), f"{kind!r} is not a kind of reminder Rungs knows.")
    try:
        reminder_service.apply_preferences(
            reminder_service.preference_row(user),
            enabled=set(reminder_rules.KINDS) - set(disabled),
            offsets={kind: ", ".join(str(n) for n in values) for kind, values in offsets.items()},
            send_hour=doc.number("send_hour", low=-10**6, high=10**6),
            digest_weekday=doc.number("digest_weekday", low=-10**6, high=10**6),
            paused=doc.flag("paused"),
        )
    except Invalid as error:
        raise under(doc.path, error) from None
