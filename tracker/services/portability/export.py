"""Export: everything of a user's as one JSON document, certificates as a ZIP beside it."""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import exists, select

from ...domain import reminders as reminder_rules
from ...extensions import db
from ...models import (
    CeuActivity,
    Credential,
    CycleSubmission,
    FocusTick,
    Milestone,
    Plan,
    RenewalSetup,
    User,
)
from .. import certificates as certificate_files
from .. import credentials as credential_service
from .. import ladder as ladder_service
from .. import plans as plan_service
from .. import reminders as reminder_service
from ..errors import NotFound
from .document import FORMAT, VERSION, named_target

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
    # A credential a plan's exam step added names that step by its place in this file.
    steps: dict[int, dict[str, int]] = {}
    plans = [_plan(plan, plan_index, steps) for plan_index, plan in enumerate(plan_service.list_plans(user))]
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now.astimezone(dt.timezone.utc).isoformat(),
        "profile": {
            "email": user.email, "time_zone": user.time_zone, "career_stage": user.career_stage,
            "member_number": user.member_number,
        },
        "plans": plans,
        "credentials": _credentials(user, steps),
        "renewal_setups": _renewal_setups(user),
        "ceu_activities": _activities(user, files),
        "cycle_submissions": _submissions(user),
        "ladder": _ladder(user),
        "reminder_preferences": _reminder_preferences(user),
    }


def _plan(plan: Plan, plan_index: int, steps: dict[int, dict[str, int]]) -> dict[str, Any]:
    """One plan with its milestones; records in ``steps`` where each milestone sits in the file."""
    milestones = []
    for milestone_index, m in enumerate(plan.milestones):
        steps[m.id] = {"plan": plan_index, "milestone": milestone_index}
        milestones.append(_milestone(m))
    return {
        "template": plan.template_id, "title": plan.title, "start_date": _day(plan.start_date),
        "pace": plan.pace, "milestones": milestones,
    }


def _milestone(m: Milestone) -> dict[str, Any]:
    return {
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
    }


def _credentials(user: User, steps: dict[int, dict[str, int]]) -> list[dict[str, Any]]:
    return [
        {
            "code": c.code, "earned_on": _day(c.earned_on),
            "added_at": c.created_at.astimezone(dt.timezone.utc).isoformat(),
            "experience_months": c.experience_months, "course_done_on": _day(c.course_done_on),
            "practicode_done_on": _day(c.practicode_done_on),
            "converted_from": c.converted_from, "converted_on": _day(c.converted_on),
            "replaced_by": c.replaced_by, "replaced_on": _day(c.replaced_on),
            **({"other": {
                "body": c.other_body, "name": c.name, "ceus": _ceus(c.other_ceus),
                "cycle_years": c.other_cycle_years, "cycle_end": _day(c.other_cycle_end),
            }} if c.body == credential_service.OTHER else {}),
            "added_by_step": steps.get(c.from_milestone_id),
        }
        for c in db.session.execute(
            select(Credential).where(Credential.user_id == user.id).order_by(Credential.body, Credential.earned_on, Credential.code)
        ).scalars()
    ]


def _renewal_setups(user: User) -> list[dict[str, Any]]:
    return [
        {
            "body": r.body, "renewal_month": r.renewal_month, "cycle_end": _day(r.cycle_end),
            "first_cycle_ceus": _ceus(r.first_cycle_ceus),
        }
        for r in db.session.execute(select(RenewalSetup).where(RenewalSetup.user_id == user.id).order_by(RenewalSetup.body)).scalars()
    ]


def _activities(user: User, files: dict[int, str]) -> list[dict[str, Any]]:
    """Each CEU activity; ``files`` names the certificates in the ZIP by activity id."""
    activities = []
    others = {credential_service.body_key(c): c.code for c in credential_service.list_credentials(user) if c.body == credential_service.OTHER}
    for a in _activities_in_order(user):
        # One target as text (as files before several credentials per CEU), several as a list. A
        # credential outside the catalogue is named by its code ("other:CCDS"), not its id.
        targets = [named_target(t, others) for t in credential_service.counts_toward_of(a)]
        activities.append({
            "completed_on": _day(a.completed_on), "title": a.title, "provider": a.provider, "reference": a.reference,
            "second_reference": a.second_reference,
            "ceus": _ceus(a.ceus), "counts_toward": targets[0] if len(targets) == 1 else targets,
            "next_cycle": a.next_cycle,
            "certificate": {"file": files[a.id], "name": a.certificate_name or "certificate"} if a.id in files else None,
        })
    return activities


def _submissions(user: User) -> list[dict[str, Any]]:
    return [
        {"body": s.body, "cycle_end": _day(s.cycle_end), "submitted_on": _day(s.submitted_on)}
        for s in db.session.execute(
            select(CycleSubmission).where(CycleSubmission.user_id == user.id).order_by(CycleSubmission.body, CycleSubmission.cycle_end)
        ).scalars()
    ]


def _ladder(user: User) -> dict[str, Any]:
    profile = ladder_service.profile_of(user)
    ticks = db.session.execute(
        select(FocusTick).where(FocusTick.user_id == user.id).order_by(FocusTick.rung_key, FocusTick.area)
    ).scalars()
    return {
        "profile": {
            "rung": profile.rung_key, "coding_started_on": _day(profile.coding_started_on),
            "specialties": profile.specialties,
        } if profile else None,
        "gaps": [{"starts_on": _day(g.starts_on), "ends_on": _day(g.ends_on)} for g in ladder_service.gaps_of(user)],
        "focus": [{"rung": t.rung_key, "area": t.area, "done": t.done, "evidence": t.evidence} for t in ticks],
    }


def _reminder_preferences(user: User) -> dict[str, Any]:
    preferences = reminder_service.preferences(reminder_service.preference_row(user))
    defaults = reminder_rules.DEFAULT_OFFSETS
    return {
        "paused": preferences.paused,
        "disabled_kinds": sorted(set(reminder_rules.KINDS) - preferences.enabled),
        "offsets": {k: list(v) for k, v in sorted(preferences.offsets.items()) if tuple(v) != defaults.get(k)},
        "send_hour": preferences.send_hour,
        "digest_weekday": preferences.digest_weekday,
    }


def _ceus(value: Decimal | None) -> str | None:
    # Normalized as the Hundredths type reads them back (1.50 as "1.5"), so files stay the same.
    return None if value is None else f"{value.normalize():f}"


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
