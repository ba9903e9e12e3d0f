"""The API's resources. Each operation parses with a schema, calls the services the pages call,
and answers with a schema: no rule of the product lives here."""
from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus

from flask_smorest import Blueprint, abort
from marshmallow import RAISE

from ..domain.reminders import KINDS
from ..extensions import csrf
from ..services import career as career_service
from ..services import credentials as credential_service
from ..services import submissions as submission_service
from ..services import ladder as ladder_service
from ..services import plans as plan_service
from ..services import reminders as reminder_service
from ..services import stages
from ..services.accounts import update_profile
from ..services.catalog import current_catalog
from ..services.errors import Invalid, NotFound
from . import MAX_ID, authenticate, call, certificates, checked_id, today, user
from . import schemas as s

ID = "int"


def _blueprint(name: str, url_prefix: str, description: str) -> Blueprint:
    """A resource's blueprint: bearer-token authentication, no CSRF (no cookie is trusted here)."""
    blueprint = Blueprint(f"api_{name}", __name__, url_prefix=url_prefix, description=description)
    blueprint.before_request(authenticate)
    csrf.exempt(blueprint)
    return blueprint


def _errors(blueprint: Blueprint, *codes: int):
    """Document the error answers an operation can give (all in the API's error shape)."""
    def decorate(function):
        for code in (401, *codes):
            if code != 422:  # @arguments documents 422 already
                function = blueprint.alt_response(code, response=HTTPStatus(code).name)(function)
        return blueprint.alt_response("default", response="DEFAULT_ERROR")(function)
    return decorate


# -- me -------------------------------------------------------------------------------------------

me = _blueprint("me", "/me", "Your profile, time zone, rung and reminder preferences.")


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
    }


@me.route("")
@_errors(me)
@me.response(200, s.MeSchema)
def get_me():
    """Your profile."""
    return _me_view()


@me.route("", methods=["PATCH"])
@me.arguments(s.MePatch)
@_errors(me, 400, 422)
@me.response(200, s.MeSchema)
def patch_me(data):
    """Change your time zone, career stage, rung or reminder preferences (only the fields sent)."""
    call(_update_me, data)
    return _me_view()


def _update_me(data):
    person = user()
    if "time_zone" in data:
        update_profile(person, data["time_zone"])
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

templates = _blueprint("templates", "/templates", "Plan templates (pathways) from the data files in plans/.")


@templates.route("")
@_errors(templates)
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
                    "full_time": _duration(step.duration_for("full_time")),
                    "part_time": _duration(step.duration_for("part_time")),
                    "assumption": step.assumption,
                }
                for step in t.steps
            ],
        }
        for t in current_catalog().templates.values()
    ]


def _duration(duration):
    return {"amount": duration.amount, "unit": duration.unit.value}


# -- plans ----------------------------------------------------------------------------------------

plans = _blueprint("plans", "/plans", "Your plans and their milestones, with target and projected dates.")


def _plan_body(plan, active_id: int | None):
    view = plan_service.plan_view(plan, today())
    return {
        "id": plan.id, "template": plan.template_id, "title": plan.title, "start_date": plan.start_date,
        "pace": plan.pace, "active": plan.id == active_id,
        "target_finish": view.schedule.target_finish, "projected_finish": view.schedule.projected_finish,
        "days_behind": view.schedule.days_behind,
        "milestones": [_milestone_body(m) for m in view.milestones],
    }


def _milestone_body(view):
    milestone, dates = view.milestone, view.schedule
    return {
        "id": milestone.id, "position": milestone.position, "title": milestone.title,
        "description": milestone.description, "step_key": milestone.step_key,
        "duration": _duration(view.duration), "notes": milestone.notes, "status": dates.state.value,
        "started_on": milestone.started_on, "completed_on": milestone.completed_on,
        "target_start": dates.target_start, "target_due": dates.target_due,
        "projected_start": dates.projected_start, "projected_due": dates.projected_due,
        "days_late": dates.days_late,
    }


def _active_id():
    plan = plan_service.active_plan(user())
    return plan.id if plan else None


def _plan(plan_id: int):
    return call(plan_service.get_plan, user(), checked_id(plan_id))


@plans.route("")
@_errors(plans)
@plans.response(200, s.PlanSchema(many=True))
def list_plans():
    """Your plans, the active one first."""
    active = _active_id()
    return [_plan_body(plan, active) for plan in plan_service.list_plans(user())]


@plans.route("", methods=["POST"])
@plans.arguments(s.PlanCreate)
@_errors(plans, 400, 422)
@plans.response(201, s.PlanSchema)
def create_plan(data):
    """Make a plan from a template; it becomes the active plan."""
    plan = call(plan_service.create_plan, user(), data["template"], data["start_date"], data["pace"], today(),
                title=data.get("title"))
    return _plan_body(plan, plan.id)


@plans.route(f"/<{ID}:plan_id>")
@_errors(plans, 404)
@plans.response(200, s.PlanSchema)
def get_plan(plan_id):
    """One plan with its milestones in order."""
    return _plan_body(_plan(plan_id), _active_id())


@plans.route(f"/<{ID}:plan_id>", methods=["PATCH"])
@plans.arguments(s.PlanPatch)
@_errors(plans, 400, 404, 422)
@plans.response(200, s.PlanSchema)
def patch_plan(data, plan_id):
    """Rename, move the start date, change pace, or make the plan active."""
    plan = _plan(plan_id)

    def change():
        if data.keys() & {"title", "start_date", "pace"}:
            plan_service.update_plan(
                plan, data.get("title", plan.title), data.get("start_date", plan.start_date),
                data.get("pace", plan.pace), today(),
            )
        if data.get("active"):
            plan_service.activate_plan(plan)

    call(change)
    return _plan_body(plan, _active_id())


@plans.route(f"/<{ID}:plan_id>", methods=["DELETE"])
@_errors(plans, 404)
@plans.response(204)
def delete_plan(plan_id):
    """Delete a plan and its milestones."""
    call(plan_service.delete_plan, _plan(plan_id))


def _milestone_view(plan, milestone_id: int):
    view = plan_service.plan_view(plan, today())
    return next(v for v in view.milestones if v.milestone.id == milestone_id)


@plans.route(f"/<{ID}:plan_id>/milestones")
@_errors(plans, 404)
@plans.response(200, s.MilestoneSchema(many=True))
def list_milestones(plan_id):
    """A plan's milestones in order, with their dates."""
    plan = _plan(plan_id)
    return [_milestone_body(v) for v in plan_service.plan_view(plan, today()).milestones]


@plans.route(f"/<{ID}:plan_id>/milestones", methods=["POST"])
@plans.arguments(s.MilestoneCreate)
@_errors(plans, 400, 404, 422)
@plans.response(201, s.MilestoneSchema)
def create_milestone(data, plan_id):
    """Add a milestone of your own (at the end, or after a position)."""
    plan = _plan(plan_id)
    after = data.get("after_position", max((m.position for m in plan.milestones), default=0))
    milestone = call(
        plan_service.add_custom_milestone, plan, after, data["title"], data["description"],
        data["duration_amount"], data["duration_unit"],
        fields={"after": "after_position", "amount": "duration_amount", "unit": "duration_unit"},
    )
    return _milestone_body(_milestone_view(plan, milestone.id))


def _milestone(plan_id: int, milestone_id: int):
    return call(plan_service.get_milestone, user(), checked_id(plan_id), checked_id(milestone_id))


@plans.route(f"/<{ID}:plan_id>/milestones/<{ID}:milestone_id>")
@_errors(plans, 404)
@plans.response(200, s.MilestoneSchema)
def get_milestone(plan_id, milestone_id):
    """One milestone with its dates."""
    milestone = _milestone(plan_id, milestone_id)
    return _milestone_body(_milestone_view(milestone.plan, milestone.id))


@plans.route(f"/<{ID}:plan_id>/milestones/<{ID}:milestone_id>", methods=["PATCH"])
@plans.arguments(s.MilestonePatch)
@_errors(plans, 400, 404, 422)
@plans.response(200, s.MilestoneSchema)
def patch_milestone(data, plan_id, milestone_id):
    """Record progress (`{"status": "done", "completed_on": "2027-03-01"}`), change the duration or notes.

    All the changes sent are made, or none.
    """
    milestone = _milestone(plan_id, milestone_id)

    def change():
        outcome = career_service.StepOutcome()
        if "status" in data:
            outcome = career_service.set_progress(
                user(), milestone, data["status"], data.get("started_on"), data.get("completed_on"), today()
            )
        if "duration_amount" in data:
            plan_service.set_duration(milestone, data["duration_amount"], data["duration_unit"])
        if "notes" in data:
            plan_service.set_notes(milestone, data["notes"])
        return outcome

    outcome = call(change, fields={"amount": "duration_amount", "unit": "duration_unit"})
    body = _milestone_body(_milestone_view(milestone.plan, milestone.id))
    if "status" in data:
        body["credential_added"] = _step_credential(outcome.added)
        body["credential_removable"] = _step_credential(outcome.removable)
        body["credential_note"] = outcome.message
    return body


def _step_credential(credential):
    if credential is None:
        return None
    return {"id": credential.id, "code": credential.code, "earned_on": credential.earned_on}


@plans.route(f"/<{ID}:plan_id>/milestones/<{ID}:milestone_id>", methods=["DELETE"])
@_errors(plans, 404, 422)
@plans.response(204)
def delete_milestone(plan_id, milestone_id):
    """Delete a milestone you added (pathway steps stay: set their duration to 0 to skip one)."""
    call(plan_service.delete_milestone, _milestone(plan_id, milestone_id), fields={"milestone": "id"})


# -- credentials ----------------------------------------------------------------------------------

credentials = _blueprint("credentials", "/credentials", "Credentials you hold, with the current CEU cycle.")


def _cycles_by_body():
    result = {}
    for overview in credential_service.renewal_overview(user(), today()):
        standing = overview.current
        tally = standing.tally
        result[overview.rules.id] = {
            "start": tally.cycle.start, "end": tally.cycle.end, "required": tally.required,
            "earned": tally.earned, "needed": tally.needed, "status": standing.status,
            "required_is_estimate": overview.requirement_is_estimate(standing),
            "status_label": standing.label, "days_left": standing.days_left, "next_step": standing.next_step,
        }
    return result


def _credential_body(credential, cycles: dict):
    return {
        "id": credential.id, "code": credential.code, "body": credential.body,
        "earned_on": credential.earned_on, "current_cycle": cycles.get(credential_service.body_key(credential)),
        "name": credential.name, "other_body": credential.other_body,
        "converted_from": credential.converted_from, "converted_on": credential.converted_on,
        "replaced_by": credential.replaced_by, "replaced_on": credential.replaced_on,
    }


def _credential(credential_id: int):
    return call(credential_service.get_credential, user(), checked_id(credential_id))


@credentials.route("")
@_errors(credentials)
@credentials.response(200, s.CredentialSchema(many=True))
def list_credentials():
    """Your credentials."""
    cycles = _cycles_by_body()
    return [_credential_body(c, cycles) for c in credential_service.list_credentials(user())]


@credentials.route("", methods=["POST"])
@credentials.arguments(s.CredentialCreate)
@_errors(credentials, 400, 422)
@credentials.response(201, s.CredentialSchema)
def create_credential(data):
    """Add a credential you hold; the first of a body also says how its cycles run."""
    other = None
    if {"other_body", "name", "ceus_per_cycle", "cycle_years"} & set(data):
        other = credential_service.OtherCredential(
            body=data.get("other_body", ""), name=data.get("name", ""),
            ceus=str(data.get("ceus_per_cycle", "")), cycle_years=data.get("cycle_years"),
        )
    credential = call(
        credential_service.add_credential, user(), data["code"], data["earned_on"], today(),
        renewal_month=data.get("renewal_month"), cycle_end=data.get("cycle_end"),
        first_cycle_ceus=None if data.get("first_cycle_ceus") is None else Decimal(str(data["first_cycle_ceus"])),
        other=other, fields={"other_ceus": "ceus_per_cycle", "other_cycle_years": "cycle_years"},
    )
    return _credential_body(credential, _cycles_by_body())


@credentials.route(f"/<{ID}:credential_id>")
@_errors(credentials, 404)
@credentials.response(200, s.CredentialSchema)
def get_credential(credential_id):
    """One credential with its body's current cycle."""
    return _credential_body(_credential(credential_id), _cycles_by_body())


@credentials.route(f"/<{ID}:credential_id>", methods=["PATCH"])
@credentials.arguments(s.CredentialPatch)
@_errors(credentials, 400, 404, 422)
@credentials.response(200, s.CredentialSchema)
def patch_credential(data, credential_id):
    """Correct the date you earned a credential, or convert an apprentice designation
    (`{"code": "CPC"}` on a CPC-A): the same credential, its CEUs and its cycle stay.

    All the changes sent are made, or none.
    """
    credential = _credential(credential_id)

    def change():
        if "earned_on" in data:
            credential_service.update_credential(credential, data["earned_on"], today())
        if "code" in data and data["code"].strip().upper() != credential.code:
            credential_service.convert_credential(credential, data["code"], data.get("converted_on"), today())

    call(change)
    return _credential_body(credential, _cycles_by_body())


@credentials.route(f"/<{ID}:credential_id>", methods=["DELETE"])
@_errors(credentials, 404)
@credentials.response(204)
def delete_credential(credential_id):
    """Delete a credential (the last of a body takes that body's CEU log with it)."""
    call(credential_service.delete_credential, user(), _credential(credential_id))


# -- submissions ----------------------------------------------------------------------------------

submissions = _blueprint("submissions", "/submissions", "Cycles you submitted to the certifying body.")


@submissions.route("", methods=["POST"])
@submissions.arguments(s.SubmissionCreate)
@_errors(submissions, 400, 404, 422)
@submissions.response(201, s.SubmissionSchema)
def create_submission(data):
    """Record that you submitted a cycle's CEUs (AHIMA: reported them and paid the fee).

    Before the submission window opens, or with CEUs still needed, this answers 422 naming
    `confirm` and saying what is missing, unless `"confirm": true`.
    """
    call(
        submission_service.record_submission, user(), data["body"], data["cycle_end"], data["submitted_on"],
        today(), confirm=data["confirm"], fee_paid=data["fee_paid"],
    )
    return {"body": data["body"], "cycle_end": data["cycle_end"], "submitted_on": data["submitted_on"]}


# -- CEUs -----------------------------------------------------------------------------------------

ceus = _blueprint("ceus", "/ceus", "Your continuing-education log.")


def _ceu_body(activity, ids_by_code: dict[str, int]):
    linked = [c.id for c in activity.credentials]
    return {
        "id": activity.id, "completed_on": activity.completed_on, "title": activity.title,
        "provider": activity.provider, "reference": activity.reference,
        "second_reference": activity.second_reference,
        "ceus": activity.ceus, "body": activity.body,
        "applies_to": activity.applies_to or None,
        # As before credential_ids existed: the subset or AHIMA credential, null for general CEUs.
        "credential_id": ids_by_code.get(activity.applies_to),
        "credential_ids": linked,
        "next_cycle": activity.next_cycle, "has_certificate": bool(activity.certificate_file),
    }


def _ids_by_code():
    return {c.code: c.id for c in credential_service.list_credentials(user())}


def _activity_input(data, counts_toward: list[str] | None = None) -> credential_service.ActivityInput:
    """The service's input; each of ``credential_id`` / ``credential_ids`` becomes a "counts
    toward" choice of the form: the credential's subset or own line if it has one, otherwise its
    body's general CEUs."""
    person = user()
    if counts_toward is None:
        ids = list(dict.fromkeys(([data["credential_id"]] if "credential_id" in data else []) + list(data.get("credential_ids") or [])))
        field = "credential_ids" if "credential_ids" in data else "credential_id"
        if not ids:
            message = "Give credential_id or credential_ids: use ids from GET /api/v1/credentials."
            abort(422, message=message, errors={"json": {"credential_id": [message]}})
        choices = {value for value, _label, _body in credential_service.counts_toward_choices(person, include_replaced=True)}
        counts_toward = []
        for credential_id in ids:
            credential = None
            if 0 < credential_id <= MAX_ID:
                try:
                    credential = credential_service.get_credential(person, credential_id)
                except NotFound:
                    credential = None
            if credential is None:
                message = "No such credential: use an id from GET /api/v1/credentials."
                abort(422, message=message, errors={"json": {field: [message]}})
            key = credential_service.body_key(credential)
            own = f"{key}:{credential.code}"
            counts_toward.append(own if own in choices else key)
    return credential_service.ActivityInput(
        completed_on=data["completed_on"], title=data["title"], provider=data["provider"],
        reference=data["reference"], ceus=Decimal(str(data["ceus"])),
        counts_toward=counts_toward, next_cycle=data.get("next_cycle"),
        second_reference=data.get("second_reference", ""),
    )


_CEU_FIELDS = {"counts_toward": "credential_id"}


def _activity(activity_id: int):
    return call(credential_service.get_activity, user(), checked_id(activity_id))


@ceus.route("")
@_errors(ceus)
@ceus.response(200, s.CeuSchema(many=True))
def list_ceus():
    """Your CEU activities, newest first."""
    ids = _ids_by_code()
    return [_ceu_body(a, ids) for a in credential_service.list_activities(user())]


@ceus.route("", methods=["POST"])
@ceus.arguments(certificates.CeuCreateWithCertificate)
@_errors(ceus, 400, 404, 422)
@ceus.response(201, s.CeuSchema)
def create_ceu(data):
    """Log a CEU activity (with the certificate of a certificate_read_id, if given)."""
    upload = certificates.certificate_upload(data)
    activity = call(credential_service.add_activity, user(), _activity_input(data), today(), upload, fields=_CEU_FIELDS)
    certificates.forget_read(data)
    return _ceu_body(activity, _ids_by_code())


@ceus.route(f"/<{ID}:activity_id>")
@_errors(ceus, 404)
@ceus.response(200, s.CeuSchema)
def get_ceu(activity_id):
    """One CEU activity."""
    return _ceu_body(_activity(activity_id), _ids_by_code())


@ceus.route(f"/<{ID}:activity_id>", methods=["PATCH"])
@ceus.arguments(s.CeuPatch(partial=True))
@_errors(ceus, 400, 404, 422)
@ceus.response(200, s.CeuSchema)
def patch_ceu(data, activity_id):
    """Change a CEU activity (only the fields sent; its certificate stays)."""
    activity = _activity(activity_id)
    merged = {
        "completed_on": activity.completed_on, "title": activity.title, "provider": activity.provider,
        "reference": activity.reference, "ceus": activity.ceus,
        "next_cycle": activity.next_cycle, **data,
    }
    # Without credential_id(s) the activity keeps counting toward what it counts toward now.
    keep = None if {"credential_id", "credential_ids"} & set(data) else credential_service.counts_toward_of(activity)
    merged.setdefault("second_reference", activity.second_reference)
    call(credential_service.update_activity, user(), activity, _activity_input(merged, keep), today(), fields=_CEU_FIELDS)
    return _ceu_body(activity, _ids_by_code())


@ceus.route(f"/<{ID}:activity_id>", methods=["DELETE"])
@_errors(ceus, 404)
@ceus.response(204)
def delete_ceu(activity_id):
    """Delete a CEU activity and its certificate."""
    call(credential_service.delete_activity, user(), _activity(activity_id))


# -- ladder ---------------------------------------------------------------------------------------

ladder = _blueprint("ladder", "/ladder", "Where you stand on the career ladder against the next rung.")


def _rung(rung):
    if rung is None:
        return None
    return {"key": rung.key, "title": rung.title, "min_years": rung.min_years,
            "pay_median": rung.pay.median, "pay_year": rung.pay.year}


@ladder.route("")
@_errors(ladder)
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

reminders = _blueprint("reminders", "/reminders", "Your reminders: pending, sent, failed and cancelled.")


@reminders.route("")
@reminders.arguments(s.ReminderQuery, location="query", unknown=RAISE)  # as documented: no other parameters
@_errors(reminders, 422)
@reminders.response(200, s.ReminderSchema(many=True))
def list_reminders(query):
    """Your reminders, soonest first (at most 500)."""
    return reminder_service.reminders_of(user(), query.get("status"))


BLUEPRINTS = [me, templates, plans, credentials, submissions, ceus, ladder, reminders]
