"""The API's account resources: your profile (me), the plan templates, the ladder, reminders."""
from __future__ import annotations


from marshmallow import RAISE

from ..domain.reminders import KINDS
from ..services import ladder as ladder_service
from ..services import reminders as reminder_service
from ..services import stages
from ..services.accounts import update_member_number, update_profile
from ..services.catalog import current_catalog
from ..services.errors import Invalid, NotFound
from . import call, today, user
from . import schemas as s

from .blueprints import make_blueprint, documents_errors, duration_body


# -- me -------------------------------------------------------------------------------------------

me = make_blueprint("me", "/me", "Your profile, time zone, rung and reminder preferences.")


def _me_view():
    person = user()
    prefs = reminder_service.preferences(reminder_service.preference_row(person))
    profile = ladder_service.profile_of(person)
    rung = None
    if profile and profile.rung_key:
        try:
            rung = ladder_service.current_ladder().rung(profile.rung_key)
        except (KeyError, NotFound):
            rung = None
    return {
        "email": person.email,
        "time_zone": person.time_zone,
        "rung": {"key": rung.key, "title": rung.title} if rung else None,
        "coding_started_on": profile.coding_started_on if profile else None,
        "career_stage": stages.stage_of(person),
        "reminder_preferences": {
            "paused": prefs.paused,
            "send_hour": prefs.send_hour,
            "digest_weekday": prefs.digest_weekday,
            "enabled": sorted(prefs.enabled),
            "offsets": {kind: list(prefs.offsets[kind]) for kind in sorted(prefs.offsets)},
        },
        "created_at": person.created_at,
        "member_number": person.member_number,
    }


@me.route("")
@documents_errors(me)
@me.response(200, s.MeSchema)
def get_me():
    """Your profile."""
    return _me_view()


@me.route("", methods=["PATCH"])
@me.arguments(s.MePatch)
@documents_errors(me, 400, 422)
@me.response(200, s.MeSchema)
def patch_me(data):
    """Change your time zone, career stage, rung or reminder preferences (only the fields sent)."""
    call(_update_me, data)
    return _me_view()


def _update_me(data):
    person = user()
    if "time_zone" in data:
        update_profile(person, data["time_zone"])
    if "member_number" in data:
        update_member_number(person, data["member_number"])
    if "career_stage" in data:
        stages.set_stage(person, data["career_stage"])
    if "rung" in data or "coding_started_on" in data:
        profile = ladder_service.profile_of(person)
        ladder_service.save_profile(
            person,
            data["rung"] if "rung" in data else (profile.rung_key if profile else None),
            data["coding_started_on"] if "coding_started_on" in data else (profile.coding_started_on if profile else None),
            profile.specialties if profile else "",
            today(),
        )
    if "reminder_preferences" in data:
        wanted = data["reminder_preferences"]
        prefs = reminder_service.preferences(reminder_service.preference_row(person))
        offsets = {kind: reminder_service.offsets_text(prefs, kind) for kind in prefs.offsets}
        for kind, days in wanted.get("offsets", {}).items():
            if kind not in KINDS:
                raise Invalid("reminder_preferences", f"{kind} is not a reminder kind: use one of {', '.join(sorted(KINDS))}.")
            offsets[kind] = ", ".join(str(day) for day in days)
        try:
            reminder_service.save_preferences(
                person,
                enabled=set(wanted.get("enabled", prefs.enabled)),
                offsets=offsets,
                send_hour=wanted.get("send_hour", prefs.send_hour),
                digest_weekday=wanted.get("digest_weekday", prefs.digest_weekday),
                paused=wanted.get("paused", prefs.paused),
            )
        except Invalid as error:  # the service names form fields (offsets_ceu_cycle...)
            raise Invalid("reminder_preferences", error.message) from None


# -- templates ------------------------------------------------------------------------------------

templates = make_blueprint("templates", "/templates", "Plan templates: the pathways a plan can follow.")


@templates.route("")
@documents_errors(templates)
@templates.response(200, s.TemplateSchema(many=True))
def list_templates():
    """The pathways a plan can be made from."""
    return [
        {
            "id": t.id, "title": t.title, "summary": t.summary, "credential": t.credential,
            "certifying_body": t.certifying_body,
            "steps": [
                {
                    "key": step.key, "title": step.title, "description": step.description,
                    "full_time": duration_body(step.duration_for("full_time")),
                    "part_time": duration_body(step.duration_for("part_time")),
                    "assumption": step.assumption,
                }
                for step in t.steps
            ],
        }
        for t in current_catalog().templates.values()
    ]


# -- ladder ---------------------------------------------------------------------------------------

ladder = make_blueprint("ladder", "/ladder", "Where you stand on the career ladder against the next rung.")


def _rung(rung):
    if rung is None:
        return None
    return {"key": rung.key, "title": rung.title, "min_years": rung.min_years,
            "pay_median": rung.pay.median, "pay_year": rung.pay.year}


@ladder.route("")
@documents_errors(ladder)
@ladder.response(200, s.LadderSchema)
def get_ladder():
    """Your current rung, the next rung, and the gap between them."""
    state = call(ladder_service.standing, user(), today())
    comparison = state.comparison
    pay_step = comparison.pay_step
    return {
        "current": _rung(comparison.current),
        "next": _rung(comparison.next),
        "plan_finish": state.plan_finish,
        "rungs": [_rung(r) for r in state.ladder.rungs],
        "gap": {
            "experience_years": round(comparison.experience, 2),
            "years_needed": comparison.next.min_years if comparison.next else None,
            "reaches_next_on": comparison.reaches_next_on,
            "credentials": [
                {"any_of": list(group.any_of), "note": group.note, "confidence": group.confidence, "met": met}
                for group, met in comparison.credentials
            ],
            "focus": [{"area": area, "done": done} for area, done in comparison.focus],
            "pay_step_median": pay_step[0] if pay_step else None,
            "readiness": comparison.readiness,
            "parts": [
                {"name": p.name, "score": p.score, "met": p.met, "explanation": p.explanation}
                for p in comparison.parts
            ],
        },
    }


# -- reminders ------------------------------------------------------------------------------------

reminders = make_blueprint("reminders", "/reminders", "Your reminders: pending, sent, failed and cancelled.")


@reminders.route("")
@reminders.arguments(s.ReminderQuery, location="query", unknown=RAISE)  # as documented: no other parameters
@documents_errors(reminders, 422)
@reminders.response(200, s.ReminderSchema(many=True))
def list_reminders(query):
    """Your reminders, soonest first (at most 500)."""
    return reminder_service.reminders_of(user(), query.get("status"))


BLUEPRINTS = [me, templates, ladder, reminders]
