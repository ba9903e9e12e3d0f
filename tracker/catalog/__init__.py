"""The catalog: every data file in plans/, loaded and validated.

Each ``plans/*.toml`` file says what it is with ``kind``; :data:`PARSERS` maps a kind to the
function that parses such a file. A new file of a known kind appears without a code change; a new
kind is one entry in :data:`PARSERS` (a function taking the file's :class:`Reader` and its path,
returning the parsed object). A parsed object's ``id`` attribute (else the file stem) is its key in
:attr:`Catalog.documents`, unique within its kind.

Files are read in name order, so the first error is the same on every machine. Files not ending in
``.toml``, and hidden files (editor backups such as ``.#cpc.toml``), are ignored.
"""
from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ..domain.cycles import BodyRules, CodeSetCalendar, OtherRules
from ..domain.ladder import Ladder
from .credentials import parse_calendar, parse_credentials, parse_other_credentials
from .ladder import parse_ladder
from .pathways import PlanTemplate, parse_pathway
from .reader import CatalogError, Reader

__all__ = ["PARSERS", "Catalog", "CatalogError", "Reader", "load_catalog", "validate_catalog"]

PATHWAY = "pathway"
CREDENTIALS = "credentials"
CALENDAR = "calendar"
LADDER = "ladder"
OTHER_CREDENTIALS = "other_credentials"

PARSERS: dict[str, Callable[[Reader, Path], object]] = {
    PATHWAY: parse_pathway,
    CREDENTIALS: parse_credentials,
    CALENDAR: parse_calendar,
    LADDER: parse_ladder,
    OTHER_CREDENTIALS: parse_other_credentials,
}


@dataclass(frozen=True)
class Catalog:
    templates: Mapping[str, PlanTemplate]  # pathway templates by id, ordered by (order, title)
    documents: Mapping[str, Mapping[str, object]]  # kind -> {id: parsed object}, every kind

    def template(self, template_id: str) -> PlanTemplate:
        """The pathway template with this id; KeyError if there is none."""
        try:
            return self.templates[template_id]
        except KeyError:
            raise KeyError(f"unknown plan template {template_id!r}") from None

    @property
    def bodies(self) -> Mapping[str, BodyRules]:
        """Credential rules by certifying body id (aapc, ahima), from kind = "credentials" files."""
        return self.documents.get(CREDENTIALS, MappingProxyType({}))

    def body_of(self, code: str) -> BodyRules | None:
        """The certifying body that issues credential ``code``; None for an unknown code."""
        for body in self.bodies.values():
            if code in body.credentials:
                return body
        return None

    @property
    def ladder(self) -> Ladder | None:
        """The career ladder (the first kind = "ladder" file); None when there is none."""
        ladders = self.documents.get(LADDER, {})
        return next(iter(ladders.values()), None)

    @property
    def other_rules(self) -> OtherRules | None:
        """How credentials outside the catalogue are treated (the kind = "other_credentials" file)."""
        return next(iter(self.documents.get(OTHER_CREDENTIALS, {}).values()), None)

    @property
    def calendars(self) -> Mapping[str, CodeSetCalendar]:
        """Code-set calendars (kind = "calendar" files) by id."""
        return self.documents.get(CALENDAR, MappingProxyType({}))


def load_catalog(directory: Path) -> Catalog:
    """Load every data file in ``directory``; raise the first :class:`CatalogError` found."""
    catalog, errors = _scan(Path(directory))
    if errors:
        raise errors[0]
    assert catalog is not None
    return catalog


def validate_catalog(directory: Path) -> list[CatalogError]:
    """Check every file in ``directory``: one error per bad file, [] when the catalog loads."""
    return _scan(Path(directory))[1]


def _scan(directory: Path) -> tuple[Catalog | None, list[CatalogError]]:
    name = directory.name or str(directory)
    if not directory.is_dir():
        return None, [CatalogError(f"{name}/", "", f"directory not found ({directory})")]

    errors: list[CatalogError] = []
    found: dict[str, dict[str, object]] = {kind: {} for kind in PARSERS}
    defined_in: dict[tuple[str, str], str] = {}
    for path in sorted(directory.iterdir()):
        if path.suffix != ".toml" or path.name.startswith(".") or not path.is_file():
            continue
        display = f"{name}/{path.name}"
        try:
            kind, document = _parse_file(path, display)
            document_id = str(getattr(document, "id", path.stem))
            first = defined_in.setdefault((kind, document_id), display)
            if first != display:
                raise CatalogError(display, "id", f"duplicate {kind} id {document_id!r}: also used by {first}")
        except CatalogError as error:
            errors.append(error)
            continue
        found[kind][document_id] = document

    if errors:
        return None, errors
    if not found[PATHWAY]:
        return None, [CatalogError(f"{name}/", "", f'no pathway template (no *.toml file with kind = "{PATHWAY}")')]

    errors = _check_exam_credentials(found)
    if errors:
        return None, errors
    templates = sorted(
        (t for t in found[PATHWAY].values() if isinstance(t, PlanTemplate)),
        key=lambda t: (t.order, t.title),
    )
    ordered = MappingProxyType({template.id: template for template in templates})
    documents = {kind: MappingProxyType(items) for kind, items in found.items()}
    documents[PATHWAY] = ordered
    return Catalog(templates=ordered, documents=MappingProxyType(documents)), []


def _check_exam_credentials(found: dict[str, dict[str, object]]) -> list[CatalogError]:
    """An exam step's credential must be one a kind = "credentials" file lists, and its apprentice
    credential one of that body's apprentice designations (passing the exam adds it)."""
    bodies = [b for b in found[CREDENTIALS].values() if isinstance(b, BodyRules)]
    errors = []
    for template in found[PATHWAY].values():
        if not isinstance(template, PlanTemplate):
            continue
        for index, step in enumerate(template.steps):
            exam = step.exam
            if exam is None or exam.credential is None:
                continue
            display = template.file
            body = next((b for b in bodies if exam.credential in b.credentials), None)
            if body is None:
                errors.append(CatalogError(display, f"steps[{index}].exam.credential",
                                           f"{exam.credential!r} is not listed in any credentials file"))
                continue
            if exam.apprentice_credential is not None and (
                exam.apprentice_credential not in body.credentials
                or body.apprentice is None
                or exam.apprentice_credential not in body.apprentice.designations
            ):
                errors.append(CatalogError(display, f"steps[{index}].exam.apprentice_credential",
                                           f"{exam.apprentice_credential!r} is not an apprentice designation of {body.name}"))
    return errors


def _parse_file(path: Path, display: str) -> tuple[str, object]:
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise CatalogError(display, "", f"cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError as error:
        raise CatalogError(display, "", f"is not UTF-8 text (byte {error.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(display, "", f"invalid TOML: {error}") from None
    reader = Reader(data, display)
    kind = reader.text("kind", choices=sorted(PARSERS))
    return kind, PARSERS[kind](reader, path)
