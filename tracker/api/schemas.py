"""Request and response schemas: they validate requests and generate the OpenAPI document.

The field types (Day, Text, Strict...) and the fields a request shares with the export document
come from :mod:`tracker.schemas`, which the import reads with too.
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..catalog.pathways import PACES
from ..domain import limits
from ..domain.career import STAGES as CAREER_STAGES
from ..domain.durations import Unit
from ..domain.plans import StepState
from ..domain.reminders import KINDS as REMINDER_KINDS, MAX_OFFSET_DAYS
from ..schemas.entities import CeuFields, CredentialFields, SubmissionFields
from ..schemas.fields import CeuAmount, Day, Strict, Text

UNITS = [unit.value for unit in Unit]
STATES = [state.value for state in StepState]


# -- profile --------------------------------------------------------------------------------------

class ReminderPreferencesSchema(Schema):
    paused = fields.Boolean(required=True)
    send_hour = fields.Integer(required=True, validate=validate.Range(0, 23), metadata={"description": "Hour of the day, in the user's time zone, reminders are sent at."})
    digest_weekday = fields.Integer(required=True, validate=validate.Range(0, 6), metadata={"description": "0 = Monday."})
    enabled = fields.List(fields.String(), required=True, metadata={"description": "Reminder kinds turned on."})
    offsets = fields.Dict(keys=fields.String(), values=fields.List(fields.Integer()), required=True,
                          metadata={"description": "Per kind, days before (+) or after (-) the due date."})


class ReminderPreferencesPatch(Strict):
    paused = fields.Boolean()
    send_hour = fields.Integer(validate=validate.Range(0, 23))
    digest_weekday = fields.Integer(validate=validate.Range(0, 6))
    enabled = fields.List(fields.String(validate=validate.OneOf(sorted(REMINDER_KINDS))), validate=validate.Length(max=20),
                          metadata={"description": "Reminder kinds to turn on (the others are turned off)."})
    offsets = fields.Dict(
        keys=fields.String(validate=validate.OneOf(sorted(REMINDER_KINDS))),
        values=fields.List(fields.Integer(strict=True, validate=validate.Range(-MAX_OFFSET_DAYS, MAX_OFFSET_DAYS)),
                           validate=validate.Length(min=1, max=12)),
        validate=validate.Length(max=20),
        metadata={"description": "Per kind, 1 to 12 lead times in days: before the due date (+) or after it (-), "
                                 f"at most {MAX_OFFSET_DAYS} either way."})


class RungSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)


class MeSchema(Schema):
    email = fields.String(required=True)
    time_zone = fields.String(required=True)
    rung = fields.Nested(RungSchema, allow_none=True, required=True, metadata={"description": "Null: not yet in the field (on the pathway)."})
    coding_started_on = fields.Date(allow_none=True, required=True)
    career_stage = fields.String(allow_none=True, required=True, metadata={
        "description": "Where you are: starting (out), certified, or both; null: not said yet. The dashboard leads with it."})
    reminder_preferences = fields.Nested(ReminderPreferencesSchema, required=True)
    created_at = fields.DateTime(required=True)
    member_number = fields.String(allow_none=True, required=True, metadata={
        "description": "Your AAPC member ID or AHIMA ID, printed on audit packets; null: none given."})


class MePatch(Strict):
    time_zone = Text(max_length=64, metadata={"description": "An IANA zone name, e.g. America/Chicago."})
    rung = Text(allow_none=True, max_length=40, metadata={"description": "A rung key from GET /api/v1/ladder, or null."})
    coding_started_on = Day(allow_none=True)
    career_stage = fields.String(validate=validate.OneOf(CAREER_STAGES), metadata={
        "description": "starting, certified or both."})
    reminder_preferences = fields.Nested(ReminderPreferencesPatch)
    member_number = Text(allow_none=True, max_length=limits.MEMBER_NUMBER_MAX, metadata={
        "description": "Your AAPC member ID or AHIMA ID; null or empty clears it."})


# -- templates ------------------------------------------------------------------------------------

class DurationSchema(Schema):
    amount = fields.Integer(required=True)
    unit = fields.String(required=True, validate=validate.OneOf(UNITS))


class TemplateStepSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    full_time = fields.Nested(DurationSchema, required=True)
    part_time = fields.Nested(DurationSchema, required=True)
    assumption = fields.Boolean(required=True, metadata={"description": "The duration is an assumption, not a sourced figure."})


class TemplateSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    credential = fields.String(required=True)
    certifying_body = fields.String(required=True)
    steps = fields.List(fields.Nested(TemplateStepSchema), required=True)


# -- plans and milestones -------------------------------------------------------------------------

class StepCredentialSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    earned_on = fields.Date(required=True)


class MilestoneSchema(Schema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    step_key = fields.String(allow_none=True, required=True, metadata={"description": "The template step; null for a milestone you added."})
    duration = fields.Nested(DurationSchema, required=True)
    notes = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATES))
    started_on = fields.Date(allow_none=True, required=True)
    completed_on = fields.Date(allow_none=True, required=True)
    target_start = fields.Date(required=True)
    target_due = fields.Date(required=True, metadata={"description": "Due date from the start date and durations alone."})
    projected_start = fields.Date(required=True)
    projected_due = fields.Date(required=True, metadata={"description": "Due date after the slips so far (done: the completion date)."})
    days_late = fields.Integer(required=True, metadata={"description": "Projected minus target due, in days: > 0 late."})
    credential_added = fields.Nested(StepCredentialSchema, allow_none=True, metadata={
        "description": "PATCH only: the credential this change added (an exam step marked done: CPC-A, CCA...)."})
    credential_removable = fields.Nested(StepCredentialSchema, allow_none=True, metadata={
        "description": "PATCH only: the step is no longer done, and this credential its pass added can be "
                       "removed (DELETE /credentials/{id}) if the exam was not passed."})
    credential_note = fields.String(metadata={"description": "PATCH only: what happened to your credentials, in words."})


class PlanSchema(Schema):
    id = fields.Integer(required=True)
    template = fields.String(required=True)
    title = fields.String(required=True)
    start_date = fields.Date(required=True)
    pace = fields.String(required=True, validate=validate.OneOf(PACES))
    active = fields.Boolean(required=True, metadata={"description": "The plan on the dashboard."})
    target_finish = fields.Date(required=True)
    projected_finish = fields.Date(required=True)
    days_behind = fields.Integer(required=True)
    milestones = fields.List(fields.Nested(MilestoneSchema), required=True)


class PlanCreate(Strict):
    template = Text(required=True, max_length=40, metadata={"description": "A template id from GET /api/v1/templates."})
    start_date = Day(required=True)
    pace = fields.String(required=True, validate=validate.OneOf(PACES))
    title = Text(max_length=limits.PLAN_TITLE)


class PlanPatch(Strict):
    title = Text(max_length=limits.PLAN_TITLE)
    start_date = Day()
    pace = fields.String(validate=validate.OneOf(PACES))
    active = fields.Boolean(validate=validate.Equal(True, error="Make another plan active instead."),
                            metadata={"description": "true puts this plan on the dashboard."})


class MilestoneCreate(Strict):
    title = Text(required=True, max_length=limits.MILESTONE_TITLE)
    description = Text(multiline=True, max_length=limits.MILESTONE_DESCRIPTION, load_default="")
    duration_amount = fields.Integer(required=True, strict=True, validate=validate.Range(0, 3650))
    duration_unit = fields.String(required=True, validate=validate.OneOf(UNITS))
    after_position = fields.Integer(strict=True, validate=validate.Range(0, 10_000),
                                    metadata={"description": "Insert after this position (0: first); default: last."})


class MilestonePatch(Strict):
    class Meta:
        description = (
            "Fields that go together: duration_amount and duration_unit are sent together; "
            "started_on and completed_on only with status. status done needs completed_on (started_on "
            "defaults to the stored one); in_progress needs a started_on (sent or stored) and no "
            "completed_on; not_started takes no dates. Dates are not in the future (the user's today), "
            "completed_on is not before started_on, and a step does not finish before the plan starts."
        )

    status = fields.String(validate=validate.OneOf(STATES), metadata={
        "description": "done: send completed_on; in_progress: started_on unless stored; not_started: no dates."})
    started_on = Day(allow_none=True, metadata={"description": "Only with status."})
    completed_on = Day(allow_none=True, metadata={"description": "Only with status done."})
    duration_amount = fields.Integer(strict=True, validate=validate.Range(0, 3650),
                                     metadata={"description": "Only together with duration_unit."})
    duration_unit = fields.String(validate=validate.OneOf(UNITS), metadata={"description": "Only together with duration_amount."})
    notes = Text(multiline=True, max_length=limits.NOTES)

    @validates_schema
    def _together(self, data, **kwargs):
        if ("duration_amount" in data) != ("duration_unit" in data):
            missing = "duration_unit" if "duration_amount" in data else "duration_amount"
            raise ValidationError("Send duration_amount and duration_unit together.", missing)
        if ("started_on" in data or "completed_on" in data) and "status" not in data:
            raise ValidationError("Send the status with the dates (not_started, in_progress or done).", "status")


# -- credentials and CEUs -------------------------------------------------------------------------

class CycleSchema(Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True, metadata={"description": "CEUs are due by the end of this day."})
    required = fields.Float(required=True)
    required_is_estimate = fields.Boolean(required=True, metadata={
        "description": "True for Rungs' estimate of AAPC's pro-rated first requirement: send the figure your AAPC CEU tracker shows as first_cycle_ceus."})
    earned = fields.Float(required=True)
    needed = fields.Float(required=True)
    status = fields.String(required=True)
    status_label = fields.String(required=True)
    days_left = fields.Integer(required=True)
    next_step = fields.String(required=True)


class CredentialSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    body = fields.String(required=True)
    earned_on = fields.Date(required=True)
    converted_from = fields.String(allow_none=True, required=True, metadata={
        "description": "The apprentice designation this credential was (CPC-A for a CPC), if converted."})
    converted_on = fields.Date(allow_none=True, required=True)
    replaced_by = fields.String(allow_none=True, required=True, metadata={
        "description": "The credential that replaced this one (RHIA for RHIT): kept in history, no longer counted."})
    replaced_on = fields.Date(allow_none=True, required=True)
    name = fields.String(allow_none=True, required=True, metadata={"description": "A credential outside Rungs' list: its full name."})
    other_body = fields.String(allow_none=True, required=True, metadata={"description": "A credential outside Rungs' list: its certifying body."})
    current_cycle = fields.Nested(CycleSchema, allow_none=True, required=True,
                                  metadata={"description": "The certifying body's current cycle, shared by its credentials."})


class CredentialCreate(CredentialFields):
    class Meta:
        description = (
            "Fields that go together: an AAPC credential needs renewal_month unless one is already "
            "stored for AAPC (first_cycle_ceus optional); an AHIMA credential takes cycle_end (default: "
            "proposed from earned_on), not before earned_on and at most one cycle (2 years) past today or "
            "earned_on. earned_on is not in the future. code is a credential code from the catalogue "
            "(CPC, CRC, RHIT...) not already held."
        )

    renewal_month = fields.Integer(strict=True, validate=validate.Range(1, 12), metadata={
        "description": "AAPC: the month your membership renews (required for the first AAPC credential)."})
    cycle_end = Day(metadata={"description": "AHIMA: the end of your current cycle, as your AHIMA account shows it."})
    first_cycle_ceus = CeuAmount(metadata={"description": "AAPC: the pro-rated requirement of your first cycle, at most two decimals."})
    other_body = Text(max_length=limits.OTHER_BODY, metadata={"description": "A credential outside Rungs' list: its certifying body (give name, ceus_per_cycle, cycle_years too)."})
    name = Text(max_length=limits.CREDENTIAL_NAME, metadata={"description": "A credential outside Rungs' list: its full name."})
    ceus_per_cycle = fields.Integer(strict=True, validate=validate.Range(1, 200), metadata={"description": "A credential outside Rungs' list: CEUs per cycle."})
    cycle_years = fields.Integer(strict=True, validate=validate.Range(1, 10), metadata={"description": "A credential outside Rungs' list: the cycle length in years."})


class CredentialPatch(Strict):
    earned_on = Day(metadata={"description": "Correct the day you earned the credential."})
    code = Text(max_length=limits.CREDENTIAL_CODE, metadata={
        "description": "Convert an apprentice designation to its full credential (`{\"code\": \"CPC\"}` on a CPC-A): "
                       "the same credential keeps its CEUs and cycle."})
    converted_on = Day(metadata={"description": "With code: the day the designation was removed (default today)."})


class SubmissionSchema(Schema):
    body = fields.String(required=True)
    cycle_end = fields.Date(required=True)
    submitted_on = fields.Date(required=True)


class SubmissionCreate(SubmissionFields):
    confirm = fields.Boolean(load_default=False, metadata={
        "description": "Record even before the submission window opens or with CEUs still needed "
                       "(without it such a submission answers 422 saying what is missing)."})
    fee_paid = fields.Boolean(load_default=False, metadata={
        "description": "AHIMA: the recertification fee is paid too (a cycle is complete only then)."})


class CeuSchema(Schema):
    id = fields.Integer(required=True)
    completed_on = fields.Date(required=True)
    title = fields.String(required=True)
    provider = fields.String(required=True)
    reference = fields.String(required=True, metadata={"description": "AAPC index number or AHIMA program id."})
    ceus = fields.Float(required=True)
    body = fields.String(required=True)
    applies_to = fields.String(allow_none=True, required=True, metadata={"description": "The credential or subset it counts for; null: all of the body's credentials."})
    credential_id = fields.Integer(allow_none=True, required=True, metadata={"description": "The subset or AHIMA credential it counts for first (null: general CEUs)."})
    credential_ids = fields.List(fields.Integer(), required=True, metadata={
        "description": "Every credential it counts for: several of one body, or of two bodies when it carries both approvals."})
    second_reference = fields.String(required=True, metadata={"description": "The second body's approval (AHIMA program id beside the AAPC index number)."})
    next_cycle = fields.Boolean(required=True, metadata={"description": "A renewal-month CEU counted toward the next cycle."})
    has_certificate = fields.Boolean(required=True)


class CeuCreate(CeuFields):
    class Meta:
        description = (
            "completed_on falls within the credential's cycles (not in the future, not before the "
            "credential was earned); ceus has at most two decimals and is more than 0; next_cycle is "
            "required for a completed_on in the AAPC renewal month."
        )

    ceus = CeuAmount(positive=True, required=True, metadata={
        "description": "CEUs, more than 0, at most two decimals (1, 0.5, 1.25).", "exclusiveMinimum": True})
    credential_id = fields.Integer(strict=True, validate=validate.Range(1, limits.MAX_ID), metadata={
        "description": "The credential it counts for. For AAPC, a credential with a subset requirement (CPMA, "
                       "specialty credentials) takes it as subset CEUs; any other counts for all AAPC credentials. "
                       "Give this or credential_ids."})
    credential_ids = fields.List(fields.Integer(strict=True, validate=validate.Range(1, limits.MAX_ID)), validate=validate.Length(min=1, max=20), metadata={
        "description": "Several credentials it counts for (as AAPC's tracker allows), or credentials of both AAPC "
                       "and AHIMA when it carries both approvals (then give second_reference too)."})
    second_reference = Text(load_default="", max_length=limits.CEU_REFERENCE, metadata={
        "description": "With credentials of two bodies: the second body's approval (reference holds the first's)."})
    next_cycle = fields.Boolean(load_default=None, allow_none=True, metadata={
        "description": "Only for a CEU from the AAPC renewal month: true counts it toward the next cycle. "
                       "Required (true or false) when completed_on falls in that month."})
    certificate_read_id = fields.Integer(strict=True, validate=validate.Range(1, limits.MAX_ID), metadata={
        "description": "A read_id from POST /api/v1/certificates/read: its certificate is attached to this CEU."})


class CeuPatch(CeuCreate):
    class Meta:
        exclude = ("certificate_read_id",)  # a certificate is attached when the CEU is logged


# -- ladder and reminders -------------------------------------------------------------------------

class LadderRungSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    min_years = fields.Float(required=True)
    pay_median = fields.Integer(required=True)
    pay_year = fields.Integer(required=True)


class PartSchema(Schema):
    name = fields.String(required=True)
    score = fields.Float(required=True)
    met = fields.Boolean(required=True)
    explanation = fields.String(required=True)


class CredentialGroupSchema(Schema):
    any_of = fields.List(fields.String(), required=True)
    note = fields.String(required=True)
    confidence = fields.String(required=True)
    met = fields.Boolean(required=True)


class FocusSchema(Schema):
    area = fields.String(required=True)
    done = fields.Boolean(required=True)


class GapSchema(Schema):
    experience_years = fields.Float(required=True)
    years_needed = fields.Float(allow_none=True, required=True)
    reaches_next_on = fields.Date(allow_none=True, required=True)
    credentials = fields.List(fields.Nested(CredentialGroupSchema), required=True)
    focus = fields.List(fields.Nested(FocusSchema), required=True)
    pay_step_median = fields.Integer(allow_none=True, required=True)
    readiness = fields.Integer(required=True, metadata={"description": "Percent: the mean of the parts' scores."})
    parts = fields.List(fields.Nested(PartSchema), required=True)


class LadderSchema(Schema):
    current = fields.Nested(LadderRungSchema, allow_none=True, required=True)
    next = fields.Nested(LadderRungSchema, allow_none=True, required=True)
    gap = fields.Nested(GapSchema, required=True)
    plan_finish = fields.Date(allow_none=True, required=True, metadata={"description": "On the pathway: the active plan's projected finish."})
    rungs = fields.List(fields.Nested(LadderRungSchema), required=True)


class ReminderSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    occurrence = fields.Date(required=True, metadata={"description": "The due date the reminder is about."})
    occurrence_means = fields.String(required=True, metadata={"description": "Which date that is, as on the plan page and in the feed: 'target' or 'projected' (milestones), 'fixed' (cycle ends, dues), '' (no longer listed on it)."})
    offset_days = fields.Integer(required=True)
    due_at = fields.DateTime(required=True, metadata={"description": "When it is (or was) sent, UTC."})
    status = fields.String(required=True)
    attempts = fields.Integer(required=True)
    sent_at = fields.DateTime(allow_none=True, required=True)
    last_error = fields.String(required=True)


class ReminderQuery(Strict):
    status = fields.String(validate=validate.OneOf(["pending", "sending", "sent", "failed", "cancelled"]))
