"""The fields of a CEU certificate, taken from its text lines: completion date, program title,
provider, CEUs, the AAPC index number or AHIMA program id, and the credentials it is approved for.

Pure: lines in (from a PDF's text or from OCR), fields out. A field is filled only where the
certificate says it in a way a person would read the same: next to its label ("Index #:",
"Sponsored by"), or in a phrase that names it ("approved for 1.5 CEUs"). Anything else stays
empty: a coder fixing a wrong guess loses more time than one typing an empty field. Each filled
field carries a confidence from 0 to 1: how sure the rule that found it is, less for OCR text.

AAPC's policy names the five fields every approved certificate carries: index number, sponsoring
organization, program title, CEUs approved and date (aapc.com, "CEU policies").
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .limits import EARLIEST, LATEST

FIELDS = ("completed_on", "title", "provider", "ceus", "reference", "credentials")


@dataclass(frozen=True)
class Found:
    """One field read: its value (a date, text, or a tuple of credential codes) and confidence."""

    value: object
    confidence: float


@dataclass(frozen=True)
class CertificateFields:
    """What was read; a field missing from ``found`` could not be read and stays empty."""

    found: dict[str, Found] = field(default_factory=dict)

    def value(self, name: str):
        hit = self.found.get(name)
        return hit.value if hit else None


# Text from OCR loses spaces and confuses letters: the same rule is trusted a little less there.
OCR_FACTOR = 0.9

_S = r"\s*"  # OCR drops spaces between words, so labels are matched with optional spaces
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
DATE_PATTERNS = [
    # No word boundary before the month: OCR glues "on" to it ("onSept. 15, 2026").
    re.compile(rf"{_MONTH}{_S}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?{_S},?{_S}(?P<year>\d{{4}})\b", re.I),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?{_S}{_MONTH},?{_S}(?P<year>\d{{4}})\b", re.I),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b"),
    # US order, as AAPC's and US vendors' certificates print it.
    re.compile(r"\b(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})\b"),
]
DATE_LABEL = re.compile(
    rf"(date{_S}of{_S}(completion|attendance|event|program|webinar)|completion{_S}date|date{_S}completed"
    rf"|completed{_S}on|completed|held{_S}on|attended{_S}on|date{_S}attended|event{_S}date|\bdate\b|\bon\b)",
    re.I,
)

TITLE_LABEL = re.compile(
    rf"^(course{_S}title|program{_S}title|session{_S}title|webinar{_S}title|activity{_S}title|event{_S}title"
    rf"|title|program|course|session|webinar|activity|topic)\b{_S}[:\-–]{_S}(?P<value>.+)$",
    re.I,
)
# A line that leads into the title on the next line: "has successfully completed the webinar".
TITLE_LEAD_IN = re.compile(rf"(completed|completing|attended|attending|participated{_S}in|for{_S}attending)[^:]*$", re.I)

PROVIDER_LABEL = re.compile(
    rf"^(sponsoring{_S}organi[sz]ation|sponsored{_S}by|sponsor|provider|provided{_S}by|presented{_S}by"
    rf"|offered{_S}by|hosted{_S}by|approved{_S}provider|organi[sz]ation)\b{_S}[:\-–]?{_S}(?P<value>.+)$",
    re.I,
)

_NUMBER = r"(?P<number>\d{1,3}(?:[.,]\d{1,2})?)"
_UNIT = rf"(ceus?|ceu{_S}s|continuing{_S}education{_S}(?:units?|hours?|credits?)|contact{_S}hours?|credit{_S}hours?)"
CEUS_AFTER_LABEL = re.compile(
    rf"\b{_UNIT}{_S}(approved|awarded|earned|granted)?{_S}(for)?{_S}[:#]?{_S}{_NUMBER}(?![\d/\-])", re.I)
CEUS_BEFORE_UNIT = re.compile(rf"(?<![\d/.\-]){_NUMBER}{_S}{_UNIT}", re.I)

REFERENCE_LABEL = re.compile(
    rf"(index{_S}(?:number|no\.?|num\.?|#)|index|program{_S}(?:id|number|#)|approval{_S}(?:code|number|#)"
    rf"|course{_S}(?:id|code))(?![a-z]){_S}[:#]?{_S}(?P<value>[A-Z0-9][A-Z0-9\-]{{3,24}})\b",
    re.I,
)
APPROVED_FOR = re.compile(rf"approved{_S}for(?P<rest>.*)$", re.I)


def extract_fields(lines: Iterable[str], *, known_credentials: Iterable[str] = (), ocr: bool = False) -> CertificateFields:
    """The fields a certificate's text lines say, each with a confidence; unread fields absent.

    ``known_credentials`` are the credential codes an approval may name (CPC, RHIT...): only
    those count, so a name's letters after it ("Priya Nair, RHIT") are never taken for one.
    """
    lines = [" ".join(line.split()) for line in lines if line and line.strip()]
    factor = OCR_FACTOR if ocr else 1.0
    found: dict[str, Found] = {}
    for name, finder in (
        ("completed_on", _completed_on), ("title", _title), ("provider", _provider),
        ("ceus", _ceus), ("reference", _reference),
    ):
        hit = finder(lines)
        if hit is not None:
            value, confidence = hit
            if ocr and name in ("title", "provider"):
                value = respace(value)
            found[name] = Found(value, round(confidence * factor, 2))
    codes = _credentials(lines, {c.upper() for c in known_credentials})
    if codes:
        found["credentials"] = Found(codes, round(0.9 * factor, 2))
    return CertificateFields(found)


def parse_date(text: str) -> dt.date | None:
    """The first date written in ``text`` (November 4, 2026 / 4 Nov 2026 / 2026-11-04 / 11/04/2026)."""
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            day = _date_of(match)
            if day is not None:
                return day
    return None


def _date_of(match: re.Match) -> dt.date | None:
    month = match.group("month")
    number = int(month) if month.isdigit() else MONTHS.get(month.lower().rstrip(".")[:4]) or MONTHS.get(month.lower()[:3])
    try:
        day = dt.date(int(match.group("year")), number or 0, int(match.group("day")))
    except ValueError:
        return None
    return day if EARLIEST <= day <= LATEST else None


def _completed_on(lines: list[str]):
    dated = [(line, parse_date(line)) for line in lines]
    dated = [(line, day) for line, day in dated if day is not None]
    for line, day in dated:
        if DATE_LABEL.search(line):
            return day, 0.95
    # One date alone on the certificate is its date; two or more and no label: not guessed.
    if len({day for _line, day in dated}) == 1:
        return dated[0][1], 0.7
    return None


def _clean(value: str) -> str:
    value = value.strip(" ,;:-–\"'“”")
    # A full stop ends the sentence, except the one of "Inc." or "Co." that belongs to the name.
    if value.endswith(".") and not re.search(r"\b(inc|co|corp|ltd|llc|jr|sr|st)\.$", value, re.I):
        value = value.rstrip(".")
    return value.strip()


def _title(lines: list[str]):
    for line in lines:
        match = TITLE_LABEL.match(line)
        if match and _clean(match.group("value")):
            return _clean(match.group("value")), 0.95
    for previous, line in zip(lines, lines[1:]):
        if TITLE_LEAD_IN.search(previous) and not _is_labelled(line) and parse_date(line) is None:
            if len(line) >= 4 and not re.match(rf"on\b|{_S}on{_S}[A-Z0-9]", line):
                return _clean(line), 0.8
    return None


PERSON_LABEL = re.compile(rf"^(member|attendee|participant|name|awarded{_S}to|presented{_S}to|this{_S}(is{_S}to{_S})?certif)", re.I)


def _is_labelled(line: str) -> bool:
    """A line that says another field (or the person's name), so it is not a title."""
    return any(p.search(line) for p in (TITLE_LABEL, PROVIDER_LABEL, REFERENCE_LABEL, PERSON_LABEL, CEUS_AFTER_LABEL))


def _provider(lines: list[str]):
    for line in lines:
        match = PROVIDER_LABEL.match(line)
        if match and _clean(match.group("value")):
            return _clean(match.group("value")), 0.95
    return None


def _ceus(lines: list[str]):
    for pattern, confidence in ((CEUS_AFTER_LABEL, 0.95), (CEUS_BEFORE_UNIT, 0.9)):
        for line in lines:
            match = pattern.search(line)
            if match:
                number = match.group("number").replace(",", ".")
                if 0 < float(number) <= 100:
                    return number, confidence
    return None


def _reference(lines: list[str]):
    for line in lines:
        match = REFERENCE_LABEL.search(line)
        if match and re.search(r"\d", match.group("value")):
            return match.group("value").upper(), 0.95
    return None


def _credentials(lines: list[str], known: set[str]) -> tuple[str, ...]:
    codes: list[str] = []
    for line in lines:
        match = APPROVED_FOR.search(line)
        if not match:
            continue
        rest = match.group("rest")
        # "Approved for 1.0 CEU for CPC, CRC": the credentials follow the last "for".
        tail = re.split(r"for", rest, flags=re.I)[-1] if re.search(r"\d", rest) else rest
        for token in re.findall(r"[A-Za-z][A-Za-z\-]{1,9}", tail):
            code = token.upper()
            if code in known and code not in codes:
                codes.append(code)
    return tuple(codes)


_FUNCTION_WORDS = r"(and|for|of|the|in|on|to|with|from)"


def respace(text: str) -> str:
    """Put back the spaces OCR dropped between words: "ChronicKidneyDisease" → "Chronic Kidney
    Disease", "ICD-10-CMand" → "ICD-10-CM and", "Modifier25and59" → "Modifier 25 and 59"."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    text = re.sub(r"(?<=[A-Z/][A-Z])(?=[A-Z][a-z]{2,})", " ", text)  # "E/MAuditing", "HCCCoding"
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)
    text = re.sub(rf"(?<=[A-Z]{{2}}){_FUNCTION_WORDS}(?=[A-Z\s]|$)", r" \1", text)
    text = re.sub(r"(?<=[,:;])(?=[A-Za-z])", " ", text)
    return " ".join(text.split())
