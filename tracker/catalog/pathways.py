"""Pathway templates (``kind = "pathway"``): the steps from starting out to a first coding job.

A template is data in ``plans/*.toml`` (see plans/README.md for the schema); this module turns one
parsed file into frozen dataclasses, refusing anything malformed with a :class:`CatalogError` that
names the file, the field and the problem. No Flask import: the catalog is plain data.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ..domain.durations import Duration, Unit
from .reader import Reader

PACES = ("full_time", "part_time")
PACE_LABELS: Mapping[str, str] = MappingProxyType({"full_time": "Full time", "part_time": "Part time"})

ID_PATTERN = r"[a-z0-9][a-z0-9-]{0,39}"
# A credential code as the certifying bodies write it (CPC, CPC-A, CCS-P).
CODE_PATTERN = r"[A-Z][A-Z0-9-]{0,11}"
# Listing position of a template that does not set `order`: after the shipped ones (10, 20, ...).
DEFAULT_ORDER = 100
# A pace factor above 4 is far more likely a typo than a plan (part time is about 2x).
MAX_PACE_FACTOR = 4


@dataclass(frozen=True)
class Source:
    title: str
    url: str | None
    year: int | None


@dataclass(frozen=True)
class DurationRange:
    """How long a step takes according to the sources (min..max) and what the plan assumes."""

    min: int
    max: int
    planned: int
    unit: Unit

    def planned_for(self, factor: float) -> Duration:
        """The planned duration at a pace factor (2.0 = twice as long)."""
        return _scaled(self.planned, self.unit, factor)

    def label(self) -> str:
        """'1–2 weeks', '6–9 months'; '2 weeks' when min == max."""
        if self.min == self.max:
            return self.unit.label(self.min)
        return f"{self.min}–{self.max} {self.unit.value}"


# Every plan page asks each step's planned duration at its pace, which scales through Decimal: the
# answer depends only on these three values, so each is worked out once per process.
@functools.lru_cache(maxsize=1024)
def _scaled(planned: int, unit: Unit, factor: float) -> Duration:
    return Duration(planned, unit).scaled(factor)


@dataclass(frozen=True)
class CostHint:
    min: int
    max: int
    currency: str
    note: str | None


@dataclass(frozen=True)
class ExamInfo:
    name: str
    body: str
    facts: tuple[str, ...]
    retake_note: str | None
    # The credential a pass adds to the person's credentials (a code of a kind = "credentials"
    # file), and the apprentice designation given instead to someone without the experience the
    # certifying body asks (CPC-A for a CPC passed without it); None: the step adds none.
    credential: str | None = None
    apprentice_credential: str | None = None


@dataclass(frozen=True)
class StepTemplate:
    key: str
    title: str
    description: str
    duration: DurationRange
    pace: Mapping[str, float]  # {"full_time": x, "part_time": y}
    assumption: bool
    assumption_note: str | None
    checklist: tuple[str, ...]
    cost_hint: CostHint | None
    exam: ExamInfo | None
    sources: tuple[Source, ...]

    def __hash__(self) -> int:
        # The generated hash would fail on the read-only `pace` mapping; these fields suffice.
        return hash((self.key, self.title, self.duration))

    def duration_for(self, pace: str) -> Duration:
        """The planned duration of this step at ``pace`` ("full_time" or "part_time")."""
        if pace not in PACES:
            raise ValueError(f"unknown pace {pace!r} (expected one of {', '.join(PACES)})")
        return self.duration.planned_for(self.pace[pace])


@dataclass(frozen=True)
class PlanTemplate:
    id: str
    title: str
    summary: str
    credential: str
    certifying_body: str
    order: int
    steps: tuple[StepTemplate, ...]
    sources: tuple[Source, ...]
    file: str


_TEMPLATE_FIELDS = (
    "kind", "id", "title", "summary", "credential", "certifying_body", "order", "sources", "steps",
)
_STEP_FIELDS = (
    "key", "title", "description", "duration", "pace", "assumption", "assumption_note",
    "checklist", "cost_hint", "exam", "sources",
)


def parse_pathway(reader: Reader, path: Path) -> PlanTemplate:
    """Parse one ``kind = "pathway"`` file; ``path`` gives the default id (the file stem)."""
    reader.reject_unknown(_TEMPLATE_FIELDS)
    if reader.has("id"):
        template_id = reader.text("id", pattern=ID_PATTERN)
    else:
        template_id = path.stem
        reader.check(
            re.fullmatch(ID_PATTERN, template_id) is not None,
            "id",
            f"the file name {template_id!r} is not a valid id: rename the file or set id "
            f"(must match {ID_PATTERN})",
        )
    title = reader.text("title")
    summary = reader.text("summary")
    credential = reader.text("credential")
    certifying_body = reader.text("certifying_body")
    order = reader.integer("order", DEFAULT_ORDER)
    sources = _sources(reader, required=True)
    steps = tuple(_step(step) for step in reader.tables("steps", min_items=1))
    _check_unique_keys(reader, steps)
    return PlanTemplate(
        id=template_id,
        title=title,
        summary=summary,
        credential=credential,
        certifying_body=certifying_body,
        order=order,
        steps=steps,
        sources=sources,
        file=reader.file,
    )


def _check_unique_keys(reader: Reader, steps: tuple[StepTemplate, ...]) -> None:
    seen: dict[str, int] = {}
    for index, step in enumerate(steps):
        if step.key in seen:
            reader.fail(
                f"steps[{index}].key",
                f"duplicate step key {step.key!r} (also steps[{seen[step.key]}].key)",
            )
        seen[step.key] = index


def _step(reader: Reader) -> StepTemplate:
    reader.reject_unknown(_STEP_FIELDS)
    key = reader.text("key", pattern=ID_PATTERN)
    title = reader.text("title")
    description = reader.text("description")
    duration = _duration(reader.table("duration"))
    pace = _pace(reader.table("pace"))
    assumption = reader.flag("assumption", False)
    if assumption:
        reader.check(reader.has("assumption_note"), "assumption_note", "is required when assumption = true")
        assumption_note = reader.text("assumption_note")
    else:
        reader.check(
            not reader.has("assumption_note"),
            "assumption_note",
            "is only allowed when assumption = true",
        )
        assumption_note = None
    return StepTemplate(
        key=key,
        title=title,
        description=description,
        duration=duration,
        pace=pace,
        assumption=assumption,
        assumption_note=assumption_note,
        checklist=reader.texts("checklist", ()),
        cost_hint=_cost_hint(reader.table("cost_hint")) if reader.has("cost_hint") else None,
        exam=_exam(reader.table("exam")) if reader.has("exam") else None,
        sources=_sources(reader, required=False),
    )


def _duration(reader: Reader) -> DurationRange:
    reader.reject_unknown(("min", "max", "planned", "unit"))
    low = reader.integer("min", minimum=0)
    high = reader.integer("max", minimum=0)
    planned = reader.integer("planned", minimum=0)
    unit = reader.text("unit", choices=[unit.value for unit in Unit])
    reader.check(low <= high, "", f"min ({low}) must not be greater than max ({high})")
    reader.check(
        low <= planned <= high,
        "planned",
        f"must be between min and max, {low}–{high} (got {planned})",
    )
    return DurationRange(min=low, max=high, planned=planned, unit=Unit(unit))


def _pace(reader: Reader) -> Mapping[str, float]:
    reader.reject_unknown(PACES)
    factors = {}
    for pace in PACES:
        factor = reader.number(pace, maximum=MAX_PACE_FACTOR)
        reader.check(factor > 0, pace, f"must be greater than 0 (got {factor})")
        factors[pace] = float(factor)
    return MappingProxyType(factors)


def _cost_hint(reader: Reader) -> CostHint:
    reader.reject_unknown(("min", "max", "currency", "note"))
    low = reader.integer("min", minimum=0)
    high = reader.integer("max", minimum=0)
    reader.check(low <= high, "", f"min ({low}) must not be greater than max ({high})")
    return CostHint(
        min=low,
        max=high,
        currency=reader.text("currency", pattern=r"[A-Z]{3}"),
        note=reader.text("note", None),
    )


def _exam(reader: Reader) -> ExamInfo:
    reader.reject_unknown(("name", "body", "facts", "retake_note", "credential", "apprentice_credential"))
    credential = reader.text("credential", None, pattern=CODE_PATTERN)
    apprentice = reader.text("apprentice_credential", None, pattern=CODE_PATTERN)
    reader.check(
        apprentice is None or credential is not None, "apprentice_credential", "needs credential (the full credential) too"
    )
    return ExamInfo(
        name=reader.text("name"),
        body=reader.text("body"),
        facts=reader.texts("facts", ()),
        retake_note=reader.text("retake_note", None),
        credential=credential,
        apprentice_credential=apprentice,
    )


def _sources(reader: Reader, *, required: bool) -> tuple[Source, ...]:
    if not required and not reader.has("sources"):
        return ()
    return tuple(_source(item) for item in reader.tables("sources", min_items=1))


def _source(reader: Reader) -> Source:
    reader.reject_unknown(("title", "url", "year"))
    return Source(
        title=reader.text("title"),
        url=reader.text("url", None, pattern=r"https?://\S+"),
        year=reader.integer("year", None, minimum=1900, maximum=2100),
    )
