"""Credential rules (``kind = "credentials"``) and the code-set calendar (``kind = "calendar"``).

One file per certifying body (plans/aapc.toml, plans/ahima.toml) turns into a
:class:`~tracker.domain.cycles.BodyRules`; plans/calendar.toml into a
:class:`~tracker.domain.cycles.CodeSetCalendar`. Malformed files fail with a
:class:`CatalogError` naming the file, the field and the problem. No Flask import.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from ..domain.cycles import (
    CYCLE_KINDS,
    INACTIVE,
    OVERDUE,
    RENEWAL_MONTH,
    ApprenticeRule,
    BodyRules,
    CalendarEvent,
    CodeSetCalendar,
    CredentialRule,
    Duty,
    FirstCycleRule,
    Lapse,
    OtherRules,
    StatusRule,
)
from .reader import Reader

CONFIDENCE = ("high", "medium", "low", "unknown")
CODE_PATTERN = r"[A-Z][A-Z0-9-]{1,11}"
ID_PATTERN = r"[a-z0-9][a-z0-9-]{0,39}"
URL_PATTERN = r"https?://\S+"

BODY_FIELDS = (
    "kind", "id", "name", "title", "cycle", "cycle_years", "renewal_month_overlap", "unique_reference",
    "reference_label", "submission_opens_months", "requires_submission", "first_cycle_prorated",
    "one_credential_per_activity", "confidence", "source", "requirement", "proposed_cycle_end",
    "lapse", "duties", "notices", "rules", "apprentice", "credentials", "first_cycle", "status",
    "submission_action", "submission_needs_fee",
)
CREDENTIAL_KINDS = ("core", "specialty", "apprentice", "instructor")


def parse_credentials(reader: Reader, path: Path) -> BodyRules:
    """One certifying body's rules; see plans/README.md for the fields."""
    reader.reject_unknown(BODY_FIELDS)
    cycle = reader.text("cycle", choices=CYCLE_KINDS)
    credentials = _credentials(reader, cycle)
    requirement, by_count, per_additional, maximum = _requirement(reader, cycle, credentials)
    proposal = reader.table("proposed_cycle_end", None)
    if proposal is not None:
        proposal.reject_unknown(("years", "confidence", "note"))
    rules = reader.tables("rules", [])
    for item in rules:
        item.reject_unknown(("text", "confidence"))
    notice_days, notice_note = _notices(reader)
    return BodyRules(
        id=reader.text("id", path.stem, pattern=ID_PATTERN),
        name=reader.text("name"),
        title=reader.text("title"),
        cycle=cycle,
        cycle_years=reader.integer("cycle_years", minimum=1, maximum=10),
        renewal_month_overlap=reader.flag("renewal_month_overlap", False),
        unique_reference=reader.flag("unique_reference", False),
        reference_label=reader.text("reference_label", "Reference"),
        submission_opens_months=reader.integer("submission_opens_months", 0, minimum=0, maximum=12),
        requires_submission=reader.flag("requires_submission", False),
        first_cycle_prorated=reader.flag("first_cycle_prorated", False),
        one_credential_per_activity=reader.flag("one_credential_per_activity", False),
        confidence=reader.text("confidence", choices=CONFIDENCE),
        source=reader.text("source", pattern=URL_PATTERN),
        credentials=credentials,
        by_count=by_count,
        per_additional=per_additional,
        maximum=maximum,
        requirement_note=requirement.text("note", ""),
        requirement_confidence=requirement.text("confidence", "high", choices=CONFIDENCE),
        requirement_source=requirement.text("source", "", pattern=URL_PATTERN),
        proposed_end_years=proposal.integer("years", minimum=1, maximum=10) if proposal else 2,
        proposed_end_confidence=proposal.text("confidence", "unknown", choices=CONFIDENCE) if proposal else "unknown",
        proposed_end_note=proposal.text("note", "") if proposal else "",
        lapse=_lapse(reader.table("lapse")),
        duties=tuple(_duty(item) for item in reader.tables("duties", [])),
        notice_days=notice_days,
        notice_note=notice_note,
        rules=tuple((item.text("text"), item.text("confidence", "high", choices=CONFIDENCE)) for item in rules),
        apprentice=_apprentice(reader.table("apprentice")) if reader.has("apprentice") else None,
        first_cycle=_first_cycle(reader.table("first_cycle")) if reader.has("first_cycle") else None,
        status=_status(reader.table("status")),
        submission_action=reader.text("submission_action", ""),
        submission_needs_fee=reader.flag("submission_needs_fee", False),
    )


def _requirement(reader: Reader, cycle: str, credentials: MappingProxyType) -> tuple[Reader, tuple[int, ...], int, int | None]:
    """The requirement table, and what it says: CEUs by number of credentials held (a renewal-month
    cycle), or CEUs per additional credential up to a maximum (each credential naming its own)."""
    requirement = reader.table("requirement")
    if cycle == RENEWAL_MONTH:
        requirement.reject_unknown(("by_count", "note", "confidence", "source"))
        return requirement, _counts(requirement), 0, None
    requirement.reject_unknown(("per_additional", "maximum", "note", "confidence", "source"))
    per_additional = requirement.integer("per_additional", minimum=0, maximum=100)
    maximum = requirement.integer("maximum", minimum=1, maximum=500)
    for code, rule in credentials.items():
        if rule.ceus is None:
            reader.fail("credentials", f"{code}: needs ceus (the CEUs it requires on its own)")
    return requirement, (), per_additional, maximum


def _notices(reader: Reader) -> tuple[tuple[int, ...], str]:
    """The days of every notice (negative: before the due date), and the last notice's note."""
    notice_days: tuple[int, ...] = ()
    notice_note = ""
    for item in reader.tables("notices", []):
        item.reject_unknown(("days", "note", "source"))
        days = item.data.get("days", [])
        if not isinstance(days, list) or any(isinstance(d, bool) or not isinstance(d, int) for d in days):
            item.fail("days", "must be a list of whole numbers (negative = days before the due date)")
        notice_days += tuple(days)
        notice_note = item.text("note", "")
        item.text("source", "", pattern=URL_PATTERN)
    return notice_days, notice_note


def _first_cycle(reader: Reader) -> FirstCycleRule:
    reader.reject_unknown(("minimum_months", "prorate", "note", "confidence", "source"))
    return FirstCycleRule(
        minimum_months=reader.integer("minimum_months", minimum=0, maximum=24),
        prorate=reader.flag("prorate", False),
        note=reader.text("note"),
        confidence=reader.text("confidence", choices=CONFIDENCE),
        source=reader.text("source", pattern=URL_PATTERN),
    )


def _per_month(reader: Reader, name: str) -> Decimal:
    value = reader.data.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 100:
        reader.fail(name, f"must be a number of CEUs a month above 0 (got {value!r})")
    return Decimal(str(value))


def _status(reader: Reader) -> StatusRule:
    reader.reject_unknown(("steady_per_month", "at_risk_per_month", "quiet_fraction", "note", "confidence"))
    steady = _per_month(reader, "steady_per_month")
    at_risk = _per_month(reader, "at_risk_per_month")
    if at_risk <= steady:
        reader.fail("at_risk_per_month", "must be more than steady_per_month")
    quiet = reader.data.get("quiet_fraction")
    if isinstance(quiet, bool) or not isinstance(quiet, (int, float)) or not 0 <= quiet < 1:
        reader.fail("quiet_fraction", f"must be a fraction of a cycle from 0 to below 1 (got {quiet!r})")
    return StatusRule(
        steady_per_month=steady,
        at_risk_per_month=at_risk,
        quiet_fraction=Decimal(str(quiet)),
        note=reader.text("note"),
        confidence=reader.text("confidence", choices=CONFIDENCE),
    )


def _credentials(reader: Reader, cycle: str) -> MappingProxyType:
    found: dict[str, CredentialRule] = {}
    for item in reader.tables("credentials", min_items=1):
        item.reject_unknown((
            "code", "name", "ceus", "subset", "kind", "becomes", "replaces", "change_assumption",
            "change_confidence", "change_source", "confidence", "source",
        ))
        code = item.text("code", pattern=CODE_PATTERN)
        if code in found:
            item.fail("code", f"duplicate credential code {code!r}")
        subset = item.table("subset", None)
        if subset is not None:
            subset.reject_unknown(("ceus", "label", "note"))
        found[code] = CredentialRule(
            code=code,
            name=item.text("name"),
            ceus=item.integer("ceus", None, minimum=1, maximum=200),
            subset_ceus=subset.integer("ceus", minimum=1, maximum=200) if subset else None,
            subset_label=subset.text("label") if subset else None,
            subset_note=subset.text("note", "") if subset else "",
            kind=item.text("kind", "core", choices=CREDENTIAL_KINDS),
            becomes=item.text("becomes", None, pattern=CODE_PATTERN),
            replaces=item.texts("replaces") if item.has("replaces") else (),
            change_assumption=item.text("change_assumption", ""),
            change_confidence=item.text("change_confidence", "high", choices=CONFIDENCE),
            change_source=item.text("change_source", "", pattern=URL_PATTERN),
            confidence=item.text("confidence", "high", choices=CONFIDENCE),
            source=item.text("source", "", pattern=URL_PATTERN),
        )
    for code, rule in found.items():
        for other in ((rule.becomes,) if rule.becomes else ()) + rule.replaces:
            if other not in found:
                reader.fail("credentials", f"{code}: {other} is not a credential of this file")
        if rule.becomes and found[rule.becomes].becomes:
            reader.fail("credentials", f"{code}: becomes {rule.becomes}, which itself becomes another")
    return MappingProxyType(found)


def _counts(reader: Reader) -> tuple[int, ...]:
    value = reader.data.get("by_count")
    if not isinstance(value, list) or not value:
        reader.fail("by_count", "must be a non-empty list of CEUs for 1, 2, 3... credentials")
    for index, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, int) or item < 0:
            reader.fail(f"by_count[{index}]", f"must be a whole number of CEUs (got {item!r})")
        if index and item < value[index - 1]:
            reader.fail(f"by_count[{index}]", "must not be smaller than the figure before it")
    return tuple(value)


def _lapse(reader: Reader) -> Lapse:
    reader.reject_unknown(("grace_days", "during_grace", "what_to_do", "after", "confidence", "source"))
    return Lapse(
        grace_days=reader.integer("grace_days", minimum=0, maximum=3650),
        during_grace=reader.text("during_grace", choices=(OVERDUE, INACTIVE)),
        what_to_do=reader.text("what_to_do"),
        after=reader.text("after"),
        confidence=reader.text("confidence", choices=CONFIDENCE),
        source=reader.text("source", pattern=URL_PATTERN),
    )


def _duty(reader: Reader) -> Duty:
    reader.reject_unknown((
        "key", "title", "every_years", "amount", "amount_per_additional", "approximate", "note",
        "confidence", "source",
    ))
    return Duty(
        key=reader.text("key", pattern=ID_PATTERN),
        title=reader.text("title"),
        every_years=reader.integer("every_years", minimum=1, maximum=10),
        amount=reader.integer("amount", minimum=0, maximum=100_000),
        amount_per_additional=reader.integer("amount_per_additional", 0, minimum=0, maximum=100_000),
        approximate=reader.flag("approximate", False),
        note=reader.text("note", ""),
        confidence=reader.text("confidence", choices=CONFIDENCE),
        source=reader.text("source", pattern=URL_PATTERN),
    )


def _apprentice(reader: Reader) -> ApprenticeRule:
    reader.reject_unknown((
        "designations", "experience_months", "reduced_experience_months", "course_hours", "note",
        "confidence", "source",
    ))
    full = reader.integer("experience_months", minimum=1, maximum=240)
    return ApprenticeRule(
        designations=reader.texts("designations"),
        experience_months=full,
        reduced_experience_months=reader.integer("reduced_experience_months", minimum=0, maximum=full),
        course_hours=reader.integer("course_hours", minimum=1, maximum=1000),
        note=reader.text("note"),
        confidence=reader.text("confidence", choices=CONFIDENCE),
        source=reader.text("source", pattern=URL_PATTERN),
    )


def parse_other_credentials(reader: Reader, path: Path) -> OtherRules:
    """How Rungs treats credentials its catalogue lacks (``kind = "other_credentials"``)."""
    reader.reject_unknown(("kind", "id", "note", "reference_label", "first_cycle", "status"))
    return OtherRules(
        id=reader.text("id", path.stem, pattern=ID_PATTERN),
        status=_status(reader.table("status")),
        first_cycle=_first_cycle(reader.table("first_cycle")),
        note=reader.text("note"),
        reference_label=reader.text("reference_label", "Approval or course number"),
    )


def parse_calendar(reader: Reader, path: Path) -> CodeSetCalendar:
    """The code-set calendar: yearly events on fixed days (months = [...] for several a year)."""
    reader.reject_unknown(("kind", "id", "title", "events"))
    events = []
    keys: set[str] = set()
    for item in reader.tables("events", min_items=1):
        item.reject_unknown(("key", "title", "month", "months", "day", "confidence", "source"))
        key = item.text("key", pattern=ID_PATTERN)
        item.check(key not in keys, "key", f"duplicate event key {key!r}")
        keys.add(key)
        if item.has("month") == item.has("months"):
            item.fail("month", "give either month (one a year) or months (a list), not both or neither")
        if item.has("month"):
            months = (item.integer("month", minimum=1, maximum=12),)
        else:
            value = item.data["months"]
            if not isinstance(value, list) or not value or any(
                isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12 for m in value
            ):
                item.fail("months", f"must be a list of month numbers 1-12 (got {value!r})")
            months = tuple(sorted(set(value)))
        events.append(CalendarEvent(
            key=key,
            title=item.text("title"),
            months=months,
            day=item.integer("day", minimum=1, maximum=31),
            confidence=item.text("confidence", choices=CONFIDENCE),
            source=item.text("source", pattern=URL_PATTERN),
        ))
    return CodeSetCalendar(
        id=reader.text("id", path.stem, pattern=ID_PATTERN),
        title=reader.text("title"),
        events=tuple(events),
    )
