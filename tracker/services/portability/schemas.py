"""The export document's schemas, one per part, built from the field types the API uses
(:mod:`tracker.schemas`): shape and types are checked before anything is restored, and the first
problem is named by its place in the file (``plans[0].milestones[2].completed_on``).

A file is read strictly: unknown fields are refused, dates are written 2027-01-04, whole numbers
and true/false are JSON's own (``1.0``, ``"1"`` and ``1`` for true are not), and the messages
speak to someone looking at the file ("is missing.", "must be text.").
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import ValidationError, fields, validate

from ...domain import career, limits
from ...domain import reminders as reminder_rules
from ...schemas.entities import CeuFields, CredentialFields, SubmissionFields
from ...schemas.fields import Day, Strict, Text
from ..plans import MAX_COST_CENTS
from .document import MAX_CHECKED_AGAINST_ALL, MAX_ITEMS, MAX_TEXT, Placed, join

# Far outside any real value: the services narrow numbers further, with their own messages.
ANY_NUMBER = 10**6


# -- field types of a file ------------------------------------------------------------------------

class Whole(fields.Integer):
    """A whole number as JSON writes one (not true or false, not 1.0), from ``low`` to ``high``."""

    def __init__(self, low: int, high: int, **kwargs):
        super().__init__(strict=True, validate=validate.Range(low, high, error="must be from {min} to {max}."), **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


class Flag(fields.Boolean):
    """true or false, and nothing that merely looks like one (1, "yes")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Items(fields.List):
    """A list of at most ``limit`` entries, counted before any entry is read."""

    def __init__(self, inner, *, limit: int = MAX_ITEMS, **kwargs):
        self.limit = limit
        super().__init__(inner, required=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list) and len(value) > self.limit:
            raise ValidationError(f"has more than {self.limit:,} entries.")
        return super()._deserialize(value, attr, data, **kwargs)


class Instant(fields.Field):
    """A date and time with its offset, read as UTC."""

    default_error_messages = {"invalid": "must be a date and time with its offset, like 2026-11-23T15:00:00+00:00."}

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            instant = dt.datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
        except ValueError:
            instant = None
        if instant is None or instant.tzinfo is None:
            raise self.make_error("invalid")
        return instant.astimezone(dt.timezone.utc)


class CeuText(Text):
    """CEUs as the file writes them, exact text like "1.5" (the services read the number)."""

    def __init__(self, **kwargs):
        self.wording = 'must be text, like "1.5".'
        super().__init__(max_length=MAX_TEXT, **kwargs)


class Targets(fields.Field):
    """What a CEU counts toward: "aapc:CPMA", or a list of 1 to 20 of them; read as a list."""

    default_error_messages = {"invalid": 'must be text like "aapc:CPMA", or a list of 1 to 20 of them.'}

    def _deserialize(self, value, attr, data, **kwargs):
        targets = [value] if isinstance(value, str) else value
        if not isinstance(targets, list) or not 0 < len(targets) <= 20 or any(
            not isinstance(t, str) or len(t) > 40 for t in targets
        ):
            raise self.make_error("invalid")
        return targets


def text(limit: int = MAX_TEXT, *, optional: bool = False, null: bool = False) -> Text:
    """Text as files hold it (line breaks kept: notes span lines); ``optional``: absent is empty;
    ``null``: absent or null is None."""
    if null:
        return Text(multiline=True, max_length=limit, allow_none=True, load_default=None)
    return Text(multiline=True, max_length=limit, load_default="") if optional else Text(
        multiline=True, max_length=limit, required=True)


def day(*, optional: bool = False) -> Day:
    return Day(allow_none=True, load_default=None) if optional else Day(required=True)


def whole(low: int = -ANY_NUMBER, high: int = ANY_NUMBER, *, optional: bool = False) -> Whole:
    return Whole(low, high, allow_none=True, load_default=None) if optional else Whole(low, high, required=True)


def part(schema: type, *, optional: bool = False) -> fields.Nested:
    """A nested part; ``optional``: absent or null is None."""
    return fields.Nested(schema, allow_none=True, load_default=None) if optional else fields.Nested(schema, required=True)


# -- the file's wording ---------------------------------------------------------------------------

# Fields format their messages (str.format): braces doubled.
WORDING = (
    (Day, "must be a date like 2027-01-04."),
    (fields.Nested, "must be an object ({{…}})."),
    (fields.List, "must be a list ([…])."),
    (fields.String, "must be text."),
    (fields.Boolean, "must be true or false."),
    (fields.Integer, "must be a whole number."),
)


def read_strictly(field: fields.Field) -> None:
    """Set a field (and a list's entries) to read a file: its wording, dates as 2027-01-04 only,
    and null as empty for text whose absence means empty."""
    wording = getattr(field, "wording", None) or next((w for kind, w in WORDING if isinstance(field, kind)), None)
    null = wording or field.error_messages.get("invalid", "must not be null.")
    field.error_messages = {**field.error_messages, "required": "is missing.", "null": null,
                            **({"invalid": wording} if wording else {})}
    if isinstance(field, Day):
        field.iso_only = True
    if isinstance(field, Text) and field.load_default == "":
        field.null_is_empty = True
    if isinstance(field, fields.List):
        read_strictly(field.inner)


class Part(Strict):
    """A part of the export document."""

    error_messages = {"unknown": "is not a field Rungs knows here.", "type": "must be an object ({…})."}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        read_strictly(field_obj)


# -- plans ----------------------------------------------------------------------------------------

class Duration(Part):
    amount = whole(0)
    unit = text(10)


class ChecklistEntry(Part):
    label = text()
    done_on = day(optional=True)


class CostEntry(Part):
    kind = text(20)
    label = text()
    amount_cents = whole(0, MAX_COST_CENTS)
    incurred_on = day(optional=True)


class ExamAttemptEntry(Part):
    taken_on = day()
    passed = Flag(required=True)
    retake_on = day(optional=True)
    notes = text(optional=True)


class MilestoneEntry(Part):
    step_key = text(null=True)  # null: a step the user added
    title = text()  # kept as written (template titles are stored verbatim): the services check it
    description = text(optional=True)
    duration = part(Duration)
    notes = text(optional=True)
    started_on = day(optional=True)
    completed_on = day(optional=True)
    checklist = Items(part(ChecklistEntry))
    costs = Items(part(CostEntry))
    exam_attempts = Items(part(ExamAttemptEntry))


class PlanEntry(Part):
    template = text(40)
    title = text()
    start_date = day()
    pace = text(20)
    milestones = Items(part(MilestoneEntry))


# -- credentials, CEUs and submissions ------------------------------------------------------------

class StepRef(Part):
    """The plan's exam step that added a credential, by its place in the file."""

    plan = whole(0)
    milestone = whole(0)


class OtherRule(Part):
    """A credential outside the catalogue: the rule the user entered."""

    body = text(limits.OTHER_BODY)
    name = text(limits.CREDENTIAL_NAME)
    ceus = CeuText(required=True)
    cycle_years = whole()
    cycle_end = day()


class CredentialEntry(Part, CredentialFields):
    added_at = Instant(required=True)
    experience_months = whole()
    course_done_on = day(optional=True)
    practicode_done_on = day(optional=True)
    converted_from = text(limits.CREDENTIAL_CODE, optional=True)
    converted_on = day(optional=True)
    replaced_by = text(limits.CREDENTIAL_CODE, optional=True)
    replaced_on = day(optional=True)
    other = part(OtherRule, optional=True)
    added_by_step = part(StepRef, optional=True)  # absent from files made before it existed


class SetupEntry(Part):
    body = text(20)
    renewal_month = whole(optional=True)
    cycle_end = day(optional=True)
    first_cycle_ceus = CeuText(allow_none=True, load_default=None)


class CertificateRef(Part):
    file = text(40)
    name = text(255)


class ActivityEntry(Part, CeuFields):
    second_reference = text(limits.CEU_REFERENCE, optional=True)
    ceus = CeuText(required=True)
    counts_toward = Targets(required=True)
    next_cycle = Flag(required=True)
    certificate = part(CertificateRef, optional=True)


class SubmissionEntry(Part, SubmissionFields):
    pass


# -- ladder, preferences, the profile and the document --------------------------------------------

class LadderProfileEntry(Part):
    rung = text(null=True)
    coding_started_on = day(optional=True)
    specialties = text(optional=True)


class GapEntry(Part):
    starts_on = day()
    ends_on = day()


class FocusEntry(Part):
    rung = text(40)
    area = text(200)
    done = Flag(required=True)
    evidence = text(optional=True)


class LadderPart(Part):
    profile = fields.Nested(LadderProfileEntry, required=True, allow_none=True)
    gaps = Items(part(GapEntry), limit=MAX_CHECKED_AGAINST_ALL)
    focus = Items(part(FocusEntry))


def known_kinds(kinds: list) -> None:
    unknown = [k for k in kinds if not isinstance(k, str) or k not in reminder_rules.KINDS]
    if unknown:
        raise ValidationError(f"{unknown[0]!r} is not a kind of reminder Rungs knows.")


def offsets_by_kind(offsets: Any) -> None:
    if not isinstance(offsets, dict) or not all(
        isinstance(v, list) and len(v) <= 50 and all(isinstance(n, int) and not isinstance(n, bool) for n in v)
        for v in offsets.values()
    ):
        raise ValidationError("must map reminder kinds to lists of whole numbers of days.")
    known_kinds(list(offsets))


class PreferencesPart(Part):
    paused = Flag(required=True)
    disabled_kinds = Items(fields.Raw(allow_none=True), validate=known_kinds)
    offsets = fields.Raw(required=True, validate=offsets_by_kind)
    send_hour = whole()
    digest_weekday = whole()


class ProfilePart(Part):
    email = fields.Raw(allow_none=True)  # the account's own stays: a file cannot change who signs in
    time_zone = text(64)
    career_stage = fields.Raw(allow_none=True, load_default=None, validate=validate.OneOf(
        career.STAGES, error=f"must be one of {', '.join(career.STAGES)} (or null)."))
    member_number = text(limits.MEMBER_NUMBER_MAX, optional=True)


class DocumentSchema(Part):
    format = fields.Raw()  # read_document has checked both
    version = fields.Raw()
    exported_at = fields.Raw(allow_none=True)  # for people: not read
    profile = part(ProfilePart)
    plans = Items(part(PlanEntry))
    credentials = Items(part(CredentialEntry))
    renewal_setups = Items(part(SetupEntry))
    ceu_activities = Items(part(ActivityEntry))
    cycle_submissions = Items(part(SubmissionEntry), limit=MAX_CHECKED_AGAINST_ALL)
    ladder = part(LadderPart)
    reminder_preferences = part(PreferencesPart)


def load_document(document: dict) -> dict:
    """The document with every part's shape and types checked, dates read as dates; Placed at the
    first problem in the file's order otherwise."""
    try:
        return DocumentSchema().load(document)
    except ValidationError as error:
        raise first_problem(error.messages, document) from None


def first_problem(errors: dict, data: Any, path: str = "") -> Placed:
    """marshmallow's errors as one Invalid: the first in the file's order, at its place there
    (``plans[0].milestones[2].completed_on``; the part itself for ``_schema``)."""
    order, keys = (list(data) if isinstance(data, dict) else []), list(errors)
    key = min(keys, key=lambda k: (k, 0) if isinstance(k, int) else (order.index(k) if k in order else len(order), keys.index(k)))
    place = path if key == "_schema" else (f"{path}[{key}]" if isinstance(key, int) else join(path, key))
    messages = errors[key]
    if isinstance(messages, dict):
        child = data.get(key) if isinstance(data, dict) else (data[key] if isinstance(data, list) and isinstance(key, int) else None)
        return first_problem(messages, child, place)
    return Placed(place or "file", str(messages[0]))
