"""Export and import: everything of a user's as one JSON document, certificates as a ZIP beside it.

The document (``"format": "rungs-export"``, ``"version": 1``) nests what belongs together (a plan
holds its milestones, a milestone its checklist, costs and exam attempts) and names things by what
they are, never by database id: a CEU counts toward ``"aapc:CPMA"``, a certificate is the file
``"0001.pdf"`` of the ZIP. Lists come in a fixed order, so exporting an imported export gives the
same document (only ``exported_at`` differs).

Import goes into an empty account only. The whole file is read and checked with the services' own
rules (each raises :class:`Invalid` naming the field, here with its place in the file, e.g.
``plans[0].milestones[2].completed_on``) inside one transaction; certificates are written only
after everything passed, and the transaction commits last. Anything wrong: rolled back, no file
left, and the error says what and where.

No Flask import here: the app's settings (certificate folder and limits) come through
:mod:`tracker.services.credentials`.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.exc import DataError, IntegrityError

from ..domain import career
from ..domain import limits
from ..domain import reminders as reminder_rules
from ..domain.zones import is_valid_zone
from ..extensions import db
from ..models import (
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
from . import certificates as certificate_files
from . import submissions
from . import credentials as credential_service
from . import ladder as ladder_service
from . import plans as plan_service
from . import reminders as reminder_service
from .catalog import current_catalog
from .errors import Invalid, NotFound

FORMAT = "rungs-export"
VERSION = 1
MAX_DOCUMENT_BYTES = 8_000_000
MAX_ITEMS = 5_000  # per list: far above any real account, far below a memory problem
# Lists whose every entry is checked against all the others (cycles, overlapping gaps): kept shorter.
MAX_CHECKED_AGAINST_ALL = 500
MAX_TEXT = 10_000
MAX_ZIP_ENTRIES = 5_000
CERTIFICATE_FILE = re.compile(r"[0-9]{4,6}\.(pdf|png|jpg)")

# Tables that hold what a user made; a row in any of them means the account is not empty.
# (Reminder rows and preferences are made for every new account, so they do not count.)
CONTENT = (Plan, Credential, RenewalSetup, CeuActivity, CycleSubmission, LadderProfile, ExperienceGap, FocusTick)


# -- export ---------------------------------------------------------------------------------------

def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _certificates(user: User) -> list[tuple[CeuActivity, str, Path]]:
    """(activity, name in the ZIP, stored file) for every activity whose certificate is on disk."""
    found = []
    for activity in _activities_in_order(user):
        if not activity.certificate_file:
            continue
        try:
            path = certificate_files.certificate_path(user, activity)
        except NotFound:
            continue
        extension = activity.certificate_file.rsplit(".", 1)[-1]
        found.append((activity, f"{len(found) + 1:04d}.{extension}", path))
    return found


def _activities_in_order(user: User) -> list[CeuActivity]:
    return list(db.session.execute(
        select(CeuActivity).where(CeuActivity.user_id == user.id).order_by(CeuActivity.completed_on, CeuActivity.id)
    ).scalars())


def export_document(user: User, now: dt.datetime) -> dict[str, Any]:
    """Everything of the user's as a JSON-ready dict (see the module docstring)."""
    files = {activity.id: name for activity, name, _path in _certificates(user)}
    plans = []
    # A credential a plan's exam step added names that step by its place in this file.
    steps: dict[int, dict[str, int]] = {}
    for plan_index, plan in enumerate(plan_service.list_plans(user)):
        milestones = []
        for milestone_index, m in enumerate(plan.milestones):
            steps[m.id] = {"plan": plan_index, "milestone": milestone_index}
            milestones.append({
                "step_key": m.step_key,
                "title": m.title,
                "description": m.description,
                "duration": {"amount": m.duration_amount, "unit": m.duration_unit},
                "notes": m.notes,
                "started_on": _day(m.started_on),
                "completed_on": _day(m.completed_on),
                "checklist": [{"label": i.label, "done_on": _day(i.done_on)} for i in m.checklist],
                "costs": [
                    {"kind": c.kind, "label": c.label, "amount_cents": c.amount_cents, "incurred_on": _day(c.incurred_on)}
                    for c in m.costs
                ],
                "exam_attempts": [
                    {"taken_on": _day(a.taken_on), "passed": a.passed, "retake_on": _day(a.retake_on), "notes": a.notes}
                    for a in sorted(m.exam_attempts, key=lambda a: (a.taken_on, a.id))
                ],
            })
        plans.append({
            "template": plan.template_id, "title": plan.title, "start_date": _day(plan.start_date),
            "pace": plan.pace, "milestones": milestones,
        })
    credentials = [
        {
            "code": c.code, "earned_on": _day(c.earned_on),
            "added_at": c.created_at.astimezone(dt.timezone.utc).isoformat(),
            "experience_months": c.experience_months, "course_done_on": _day(c.course_done_on),
            "practicode_done_on": _day(c.practicode_done_on),
            "converted_from": c.converted_from, "converted_on": _day(c.converted_on),
            "replaced_by": c.replaced_by, "replaced_on": _day(c.replaced_on),
            **({"other": {
                "body": c.other_body, "name": c.name, "ceus": _ceus(c.other_ceus_hundredths),
                "cycle_years": c.other_cycle_years, "cycle_end": _day(c.other_cycle_end),
            }} if c.body == credential_service.OTHER else {}),
            "added_by_step": steps.get(c.from_milestone_id),
        }
        for c in db.session.execute(
            select(Credential).where(Credential.user_id == user.id).order_by(Credential.body, Credential.earned_on, Credential.code)
        ).scalars()
    ]
    setups = [
        {
            "body": r.body, "renewal_month": r.renewal_month, "cycle_end": _day(r.cycle_end),
            "first_cycle_ceus": _ceus(r.first_cycle_hundredths),
        }
        for r in db.session.execute(select(RenewalSetup).where(RenewalSetup.user_id == user.id).order_by(RenewalSetup.body)).scalars()
    ]
    activities = []
    others = {credential_service.body_key(c): c.code for c in credential_service.list_credentials(user) if c.body == credential_service.OTHER}
    for a in _activities_in_order(user):
        # One target as text (as files before several credentials per CEU), several as a list. A
        # credential outside the catalogue is named by its code ("other:CCDS"), not its id.
        targets = [_named_target(t, others) for t in credential_service.counts_toward_of(a)]
        activities.append({
            "completed_on": _day(a.completed_on), "title": a.title, "provider": a.provider, "reference": a.reference,
            "second_reference": a.second_reference,
            "ceus": _ceus(a.ceus_hundredths), "counts_toward": targets[0] if len(targets) == 1 else targets,
            "next_cycle": a.next_cycle,
            "certificate": {"file": files[a.id], "name": a.certificate_name or "certificate"} if a.id in files else None,
        })
    submissions = [
        {"body": s.body, "cycle_end": _day(s.cycle_end), "submitted_on": _day(s.submitted_on)}
        for s in db.session.execute(
            select(CycleSubmission).where(CycleSubmission.user_id == user.id).order_by(CycleSubmission.body, CycleSubmission.cycle_end)
        ).scalars()
    ]
    profile = ladder_service.profile_of(user)
    ticks = db.session.execute(
        select(FocusTick).where(FocusTick.user_id == user.id).order_by(FocusTick.rung_key, FocusTick.area)
    ).scalars()
    preferences = reminder_service.preferences(reminder_service.preference_row(user))
    defaults = reminder_rules.DEFAULT_OFFSETS
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now.astimezone(dt.timezone.utc).isoformat(),
        "profile": {"email": user.email, "time_zone": user.time_zone, "career_stage": user.career_stage},
        "plans": plans,
        "credentials": credentials,
        "renewal_setups": setups,
        "ceu_activities": activities,
        "cycle_submissions": submissions,
        "ladder": {
            "profile": {
                "rung": profile.rung_key, "coding_started_on": _day(profile.coding_started_on),
                "specialties": profile.specialties,
            } if profile else None,
            "gaps": [{"starts_on": _day(g.starts_on), "ends_on": _day(g.ends_on)} for g in ladder_service.gaps_of(user)],
            "focus": [{"rung": t.rung_key, "area": t.area, "done": t.done, "evidence": t.evidence} for t in ticks],
        },
        "reminder_preferences": {
            "paused": preferences.paused,
            "disabled_kinds": sorted(set(reminder_rules.KINDS) - preferences.enabled),
            "offsets": {k: list(v) for k, v in sorted(preferences.offsets.items()) if tuple(v) != defaults.get(k)},
            "send_hour": preferences.send_hour,
            "digest_weekday": preferences.digest_weekday,
        },
    }


def _ceus(hundredths: int | None) -> str | None:
    value = credential_service.from_hundredths(hundredths)
    return None if value is None else f"{value:f}"


def export_json(user: User, now: dt.datetime) -> bytes:
    """The export document as UTF-8 JSON, indented for people."""
    return json.dumps(export_document(user, now), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def has_certificates(user: User) -> bool:
    """Whether any CEU activity of the user has a certificate (the ZIP is worth offering)."""
    return db.session.execute(
        select(exists().where(CeuActivity.user_id == user.id, CeuActivity.certificate_file.is_not(None)))
    ).scalar_one()


def export_certificates(user: User) -> bytes:
    """The user's certificates as a ZIP, named as the export document names them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for _activity, name, path in _certificates(user):
            archive.write(path, name)
    return buffer.getvalue()


# -- reading a document: shape and types ----------------------------------------------------------

class Placed(Invalid):
    """An Invalid whose field is already its full place in the file."""


def _own_target(target: str, others: dict[str, str]) -> str:
    """"other:CCDS" in a file: this account's credential CCDS outside the catalogue."""
    body, _, code = target.partition(":")
    return others.get(code, target) if body == credential_service.OTHER else target


def _named_target(target: str, others: dict[str, str]) -> str:
    return f"{credential_service.OTHER}:{others[target]}" if target in others else target


class _Doc:
    """Typed access to one JSON object, raising Invalid with the field's place in the file."""

    def __init__(self, value: Any, path: str, fields: set[str]):
        if not isinstance(value, dict):
            raise Placed(path or "file", "must be an object ({…}).")
        unknown = sorted(set(value) - fields)
        if unknown:
            raise Placed(_join(path, str(unknown[0])), "is not a field Rungs knows here.")
        self.value, self.path = value, path

    def at(self, key: str) -> str:
        return _join(self.path, key)

    def raw(self, key: str) -> Any:
        if key not in self.value:
            raise Placed(self.at(key), "is missing.")
        return self.value[key]

    def text(self, key: str, *, optional: bool = False, limit: int = MAX_TEXT) -> str:
        value = self.value.get(key) if optional else self.raw(key)
        if value is None and optional:
            return ""
        if not isinstance(value, str):
            raise Placed(self.at(key), "must be text.")
        if len(value) > limit:
            raise Placed(self.at(key), f"is longer than {limit:,} characters.")
        # The same rule as forms and the API (line breaks and tabs kept: notes span lines).
        problem = limits.text_problem(value, multiline=True)
        if problem:
            raise Placed(self.at(key), problem)
        return value

    def number(self, key: str, *, optional: bool = False, low: int = -10**9, high: int = 10**9) -> int | None:
        value = self.value.get(key) if optional else self.raw(key)
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise Placed(self.at(key), "must be a whole number.")
        if not low <= value <= high:
            raise Placed(self.at(key), f"must be from {low} to {high}.")
        return value

    def flag(self, key: str) -> bool:
        value = self.raw(key)
        if not isinstance(value, bool):
            raise Placed(self.at(key), "must be true or false.")
        return value

    def day(self, key: str, *, optional: bool = False) -> dt.date | None:
        value = self.value.get(key) if optional else self.raw(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise Placed(self.at(key), "must be a date like 2027-01-04.")
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise Placed(self.at(key), f"{value} is not a real date.") from None
        problem = limits.date_problem(day)
        if problem:
            raise Placed(self.at(key), problem)
        return day

    def instant(self, key: str) -> dt.datetime:
        value = self.raw(key)
        try:
            instant = dt.datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
        except ValueError:
            instant = None
        if instant is None or instant.tzinfo is None:
            raise Placed(self.at(key), "must be a date and time with its offset, like 2026-11-23T15:00:00+00:00.")
        return instant.astimezone(dt.timezone.utc)

    def items(self, key: str, limit: int = MAX_ITEMS) -> list[Any]:
        value = self.raw(key)
        if not isinstance(value, list):
            raise Placed(self.at(key), "must be a list ([…]).")
        if len(value) > limit:
            raise Placed(self.at(key), f"has more than {limit:,} entries.")
        return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _under(path: str, error: Invalid) -> Invalid:
    """A service's error, placed in the file: ``plans[0]`` + ``title`` → ``plans[0].title``."""
    if isinstance(error, Placed):
        return error
    return Placed(_join(path, error.field), error.message)


def read_document(raw: bytes) -> dict[str, Any]:
    """The parsed export document; Invalid when it is not a Rungs export this version reads."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise Invalid("file", f"The file is larger than {MAX_DOCUMENT_BYTES // 1_000_000} MB: it is not a Rungs export.")
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise Invalid("file", "The file is not text (UTF-8): choose the .json file Rungs exported.") from None
    except json.JSONDecodeError as error:
        raise Invalid("file", f"The file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}).") from None
    except RecursionError:
        raise Invalid("file", "The file is nested too deeply to be a Rungs export.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Invalid("format", f"This is not a Rungs export (its \"format\" is not \"{FORMAT}\").")
    version = document.get("version")
    if version != VERSION:
        raise Invalid("version", f"This export has format version {version!r}; this Rungs reads version {VERSION}.")
    return document


# -- the certificates ZIP -------------------------------------------------------------------------

class _Certificates:
    """The certificates ZIP of an import: safe names only, each file read with a size limit."""

    def __init__(self, raw: bytes | None):
        self.archive = None
        self.used: set[str] = set()
        if raw is None:
            return
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(raw))
            entries = self.archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
            raise Invalid("certificates", "The certificates file is not a ZIP archive.") from None
        if len(entries) > MAX_ZIP_ENTRIES:
            raise Invalid("certificates", f"The ZIP holds more than {MAX_ZIP_ENTRIES:,} files.")
        for entry in entries:
            name = entry.filename
            if name.startswith(("/", "\\")) or "\\" in name or ".." in name.split("/") or ":" in name:
                raise Invalid("certificates", f"The ZIP holds a file with an unsafe name ({name[:80]!r}).")
        self.names = {e.filename: e for e in entries if not e.is_dir()}

    def read(self, name: str, path: str) -> bytes:
        if self.archive is None:
            raise Invalid(path, f"names the certificate {name!r}, but no certificates ZIP was given.")
        entry = self.names.get(name)
        if entry is None:
            raise Invalid(path, f"names the certificate {name!r}, which is not in the certificates ZIP.")
        if name in self.used:
            raise Invalid(path, f"names the certificate {name!r} a second time.")
        self.used.add(name)
        # Read at most one byte past the limit, whatever size the entry claims (a ZIP bomb stops there).
        limit = certificate_files.certificate_limit()
        try:
            with self.archive.open(entry) as stream:
                data = stream.read(limit + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as error:
            raise Invalid(path, f"The certificate {name!r} cannot be read from the ZIP ({error}).") from None
        return data


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
    certificates = _Certificates(certificates_zip)
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
        db.session.commit()
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


def _restore(user: User, document: dict, certificates: _Certificates, today: dt.date) -> list[tuple[CeuActivity, bytes, str]]:
    """Add every row the document describes to the session (not committed), checking each with the
    services' rules; returns the certificates to write once everything passed."""
    top = _Doc(document, "", {
        "format", "version", "exported_at", "profile", "plans", "credentials", "renewal_setups",
        "ceu_activities", "cycle_submissions", "ladder", "reminder_preferences",
    })
    profile = _Doc(top.raw("profile"), "profile", {"email", "time_zone", "career_stage"})
    zone = profile.text("time_zone", limit=64)
    if not is_valid_zone(zone):
        raise Invalid("profile.time_zone", f"{zone!r} is not a time zone Rungs knows.")
    user.time_zone = zone
    stage = profile.value.get("career_stage")  # absent from files made before it existed
    if stage is not None and stage not in career.STAGES:
        raise Invalid("profile.career_stage", f"must be one of {', '.join(career.STAGES)} (or null).")
    user.career_stage = stage

    plans = _restore_plans(user, top, today)
    _restore_credentials(user, top, today, plans)
    pending = _restore_activities(user, top, certificates, today)
    _restore_submissions(user, top, today)
    _restore_ladder(user, top, today)
    _restore_preferences(user, top)
    db.session.flush()
    return pending


def _restore_plans(user: User, top: _Doc, today: dt.date) -> list[Plan]:
    entries = top.items("plans")
    restored = []
    for index, entry in enumerate(entries):
        path = f"plans[{index}]"
        doc = _Doc(entry, path, {"template", "title", "start_date", "pace", "milestones"})
        template_id = doc.text("template", limit=40)
        template = plan_service.template_or_none(template_id)
        if template is None and template_id != plan_service.CUSTOM_TEMPLATE_ID:
            raise Invalid(doc.at("template"), f"{template_id!r} is not a plan template Rungs knows.")
        try:
            title = plan_service.check_plan_title(doc.text("title"))
            pace = doc.text("pace", limit=20)
            plan_service.check_pace(pace)
        except Invalid as error:
            raise _under(path, error) from None
        plan = Plan(user_id=user.id, template_id=template_id, title=title, start_date=doc.day("start_date"),
                    pace=pace, active_rank=len(entries) - index)
        db.session.add(plan)
        restored.append(plan)
        steps = {step.key for step in template.steps} if template else set()
        for position, item in enumerate(doc.items("milestones"), start=1):
            _restore_milestone(plan, item, f"{path}.milestones[{position - 1}]", position, steps, today)
    return restored


def _restore_milestone(plan: Plan, entry: Any, path: str, position: int, steps: set[str], today: dt.date) -> None:
    doc = _Doc(entry, path, {
        "step_key", "title", "description", "duration", "notes", "started_on", "completed_on", "checklist",
        "costs", "exam_attempts",
    })
    step_key = doc.value.get("step_key")
    if step_key is not None and (not isinstance(step_key, str) or step_key not in steps):
        raise Invalid(doc.at("step_key"), f"{step_key!r} is not a step of the plan's template.")
    duration = _Doc(doc.raw("duration"), doc.at("duration"), {"amount", "unit"})
    title = doc.text("title")
    try:
        plan_service.check_milestone_title(title)  # kept as written: template titles are stored verbatim
        notes = plan_service.check_notes(doc.text("notes", optional=True))
        amount = duration.number("amount", low=0, high=10**6)
        unit = plan_service.check_duration(amount, duration.text("unit", limit=10))
    except Invalid as error:
        raise _under(path if error.field in ("title", "notes") else duration.path, error) from None
    milestone = Milestone(
        position=position, step_key=step_key, title=title, description=doc.text("description", optional=True),
        duration_amount=amount, duration_unit=unit.value, notes=notes,
        started_on=doc.day("started_on", optional=True), completed_on=doc.day("completed_on", optional=True),
    )
    plan.milestones.append(milestone)
    try:
        plan_service.check_milestone_progress(milestone, milestone.started_on, milestone.completed_on, today)
    except Invalid as error:
        raise _under(path, error) from None
    for index, item in enumerate(doc.items("checklist")):
        at = f"{path}.checklist[{index}]"
        entry_ = _Doc(item, at, {"label", "done_on"})
        label = entry_.text("label")
        try:
            plan_service.check_checklist_label(label)  # kept as written, like template items
        except Invalid as error:
            raise _under(at, error) from None
        milestone.checklist.append(ChecklistItem(position=index + 1, label=label, done_on=entry_.day("done_on", optional=True)))
    for index, item in enumerate(doc.items("costs")):
        at = f"{path}.costs[{index}]"
        entry_ = _Doc(item, at, {"kind", "label", "amount_cents", "incurred_on"})
        cents = entry_.number("amount_cents", low=0, high=plan_service.MAX_COST_CENTS)
        try:
            kind, label, cents = plan_service.check_cost(entry_.text("kind", limit=20), entry_.text("label"), Decimal(cents) / 100)
        except Invalid as error:
            raise _under(at, error) from None
        milestone.costs.append(Cost(kind=kind, label=label, amount_cents=cents, incurred_on=entry_.day("incurred_on", optional=True)))
    for index, item in enumerate(doc.items("exam_attempts")):
        at = f"{path}.exam_attempts[{index}]"
        entry_ = _Doc(item, at, {"taken_on", "passed", "retake_on", "notes"})
        taken_on, passed = entry_.day("taken_on"), entry_.flag("passed")
        try:
            retake_on = plan_service.check_exam_attempt(milestone, taken_on, passed, entry_.day("retake_on", optional=True), today)
            notes = plan_service.check_notes(entry_.text("notes", optional=True))
        except Invalid as error:
            raise _under(at, error) from None
        milestone.exam_attempts.append(ExamAttempt(taken_on=taken_on, passed=passed, retake_on=retake_on, notes=notes))


def _added_by_step(doc: _Doc, plans: list[Plan]):
    """The milestone a credential's ``added_by_step`` names ({"plan": i, "milestone": j}), or None."""
    value = doc.value.get("added_by_step")  # absent from files made before it existed
    if value is None:
        return None
    step = _Doc(value, doc.at("added_by_step"), {"plan", "milestone"})
    plan_index = step.number("plan", low=0, high=max(len(plans) - 1, 0))
    if not plans:
        raise Invalid(step.at("plan"), "names a plan, but the file has none.")
    milestones = plans[plan_index].milestones
    milestone_index = step.number("milestone", low=0, high=max(len(milestones) - 1, 0))
    if not milestones:
        raise Invalid(step.at("milestone"), "names a step of a plan that has none.")
    return milestones[milestone_index]


def _restore_credentials(user: User, top: _Doc, today: dt.date, plans: list[Plan]) -> None:
    catalog = current_catalog()
    held: dict[str, list[Credential]] = {}
    for index, item in enumerate(top.items("credentials")):
        path = f"credentials[{index}]"
        doc = _Doc(item, path, {
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
            raise _under(path, error) from None
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
        doc = _Doc(item, path, {"body", "renewal_month", "cycle_end", "first_cycle_ceus"})
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
            raise _under(path, error) from None
        db.session.add(row)
    missing = sorted(set(held) - seen - {credential_service.OTHER})
    if missing:
        raise Invalid("renewal_setups", f"has no entry for {missing[0]}, whose credentials are in the file.")


def _restore_other(user: User, doc: _Doc, code: str, today: dt.date) -> Credential:
    """A credential outside the catalogue, with the rule the user had entered."""
    at = doc.at("other")
    other = _Doc(doc.value["other"], at, {"body", "name", "ceus", "cycle_years", "cycle_end"})
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
        raise _under(doc.path, error) from None
    credential = Credential(
        user_id=user.id, body=credential_service.OTHER, code=code, earned_on=earned_on, experience_months=0,
        created_at=doc.instant("added_at"), **values,
    )
    db.session.add(credential)
    return credential


def _restore_activities(user: User, top: _Doc, certificates: _Certificates, today: dt.date) -> list[tuple[CeuActivity, bytes, str]]:
    pending: list[tuple[CeuActivity, bytes, str]] = []
    total = 0
    db.session.flush()  # credentials outside the catalogue get the ids their CEUs refer to
    others = {c.code: credential_service.body_key(c) for c in credential_service.list_credentials(user) if c.body == credential_service.OTHER}
    for index, item in enumerate(top.items("ceu_activities")):
        path = f"ceu_activities[{index}]"
        doc = _Doc(item, path, {
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
        targets = [_own_target(t, others) for t in ([targets] if isinstance(targets, str) else targets)]
        data = credential_service.ActivityInput(
            completed_on=doc.day("completed_on"), title=doc.text("title"), provider=doc.text("provider", optional=True),
            reference=doc.text("reference", optional=True), ceus=ceus, counts_toward=targets,
            next_cycle=doc.flag("next_cycle"), second_reference=doc.text("second_reference", optional=True, limit=60),
        )
        try:
            values = credential_service.checked_activity(user, data, today, allow_unassigned=True)
        except Invalid as error:
            raise _under(path, error) from None
        activity = CeuActivity(user_id=user.id, **values)
        certificate = doc.value.get("certificate")
        if certificate is not None:
            at = doc.at("certificate")
            ref = _Doc(certificate, at, {"file", "name"})
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


def _restore_submissions(user: User, top: _Doc, today: dt.date) -> None:
    seen: set[tuple[str, dt.date]] = set()
    for index, item in enumerate(top.items("cycle_submissions", MAX_CHECKED_AGAINST_ALL)):
        path = f"cycle_submissions[{index}]"
        doc = _Doc(item, path, {"body", "cycle_end", "submitted_on"})
        body, cycle_end, submitted_on = doc.text("body", limit=20), doc.day("cycle_end"), doc.day("submitted_on")
        if (body, cycle_end) in seen:
            raise Invalid(path, f"The {body} cycle ending {cycle_end} is listed twice.")
        seen.add((body, cycle_end))
        try:
            submissions.check_submission(user, body, cycle_end, submitted_on, today)
        except Invalid as error:
            raise _under(path, error) from None
        except NotFound:
            raise Invalid(path, f"names no cycle of the credentials in the file ({body}, ending {cycle_end}).") from None
        db.session.add(CycleSubmission(user_id=user.id, body=body, cycle_end=cycle_end, submitted_on=submitted_on))


def _restore_ladder(user: User, top: _Doc, today: dt.date) -> None:
    ladder = _Doc(top.raw("ladder"), "ladder", {"profile", "gaps", "focus"})
    started_on = None
    if ladder.raw("profile") is not None:
        doc = _Doc(ladder.raw("profile"), "ladder.profile", {"rung", "coding_started_on", "specialties"})
        rung = doc.value.get("rung")
        if rung is not None and not isinstance(rung, str):
            raise Invalid(doc.at("rung"), "must be text or null.")
        started_on = doc.day("coding_started_on", optional=True)
        try:
            rung, specialties = ladder_service.check_profile(rung, started_on, doc.text("specialties", optional=True), today)
        except Invalid as error:
            raise _under(doc.path, error) from None
        db.session.add(LadderProfile(user_id=user.id, rung_key=rung, coding_started_on=started_on, specialties=specialties))
    gaps: list[ExperienceGap] = []
    for index, item in enumerate(ladder.items("gaps", MAX_CHECKED_AGAINST_ALL)):
        path = f"ladder.gaps[{index}]"
        doc = _Doc(item, path, {"starts_on", "ends_on"})
        gap = ExperienceGap(user_id=user.id, starts_on=doc.day("starts_on"), ends_on=doc.day("ends_on"))
        try:
            ladder_service.check_new_gap(started_on, gaps, gap.starts_on, gap.ends_on, today)
        except Invalid as error:
            raise _under(path, error) from None
        gaps.append(gap)
        db.session.add(gap)
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(ladder.items("focus")):
        path = f"ladder.focus[{index}]"
        doc = _Doc(item, path, {"rung", "area", "done", "evidence"})
        rung, area = doc.text("rung", limit=40), doc.text("area", limit=200)
        evidence = doc.text("evidence", optional=True).strip()
        if (rung, area) in seen:
            raise Invalid(path, f"The focus area “{area}” is listed twice.")
        seen.add((rung, area))
        try:
            ladder_service.check_focus(rung, {area}, {area: evidence})
        except Invalid as error:
            raise _under(path, error) from None
        db.session.add(FocusTick(user_id=user.id, rung_key=rung, area=area, done=doc.flag("done"), evidence=evidence))


def _restore_preferences(user: User, top: _Doc) -> None:
    doc = _Doc(top.raw("reminder_preferences"), "reminder_preferences",
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
        raise _under(doc.path, error) from None
