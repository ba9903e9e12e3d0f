"""The career ladder (``kind = "ladder"``): rungs, pay with its source and year, focus areas.

Turns plans/ladder.toml into a :class:`~tracker.domain.ladder.Ladder`, refusing anything malformed
with a :class:`CatalogError` that names the file, the field and the problem. No Flask import.
"""
from __future__ import annotations

from pathlib import Path

from ..domain.ladder import CredentialGroup, Ladder, Pay, Rung, Source
from .credentials import CONFIDENCE, ID_PATTERN, URL_PATTERN
from .reader import Reader

RUNG_FIELDS = (
    "key", "title", "years", "pay", "summary", "responsibilities", "focus_areas", "credentials", "lateral_moves",
)


def parse_ladder(reader: Reader, path: Path) -> Ladder:
    """The ladder, rungs in order from the first job up; see plans/README.md for the fields."""
    reader.reject_unknown(("kind", "id", "title", "sources", "market", "rungs"))
    sources = _sources(reader)
    market = []
    for item in reader.tables("market", []):
        item.reject_unknown(("text", "source"))
        market.append((item.text("text"), _source(item, sources)))
    rungs: list[Rung] = []
    for item in reader.tables("rungs", min_items=1):
        rungs.append(_rung(item, rungs, sources))
    return Ladder(
        id=reader.text("id", path.stem, pattern=ID_PATTERN),
        title=reader.text("title"),
        rungs=tuple(rungs),
        sources=tuple(sources.values()),
        market=tuple(market),
    )


def _sources(reader: Reader) -> dict[str, Source]:
    """The sources the market notes and the pay figures cite, by key."""
    sources: dict[str, Source] = {}
    for item in reader.tables("sources", min_items=1):
        item.reject_unknown(("key", "title", "url", "year"))
        key = item.text("key", pattern=ID_PATTERN)
        item.check(key not in sources, "key", f"duplicate source key {key!r}")
        sources[key] = Source(key, item.text("title"), item.text("url", None, pattern=URL_PATTERN),
                              item.integer("year", None, minimum=1900, maximum=2100))
    return sources


def _source(item: Reader, sources: dict[str, Source], field: str = "source") -> Source:
    key = item.text(field)
    item.check(key in sources, field, f"unknown source {key!r} (expected one of {', '.join(sources)})")
    return sources[key]


def _rung(item: Reader, below: list[Rung], sources: dict[str, Source]) -> Rung:
    """One rung; ``below`` are the rungs before it (its key is new, its years start no lower)."""
    item.reject_unknown(RUNG_FIELDS)
    key = item.text("key", pattern=ID_PATTERN)
    item.check(all(r.key != key for r in below), "key", f"duplicate rung key {key!r}")
    years = item.table("years")
    years.reject_unknown(("min", "max"))
    low = years.number("min", minimum=0, maximum=60)
    high = years.number("max", None, minimum=low, maximum=60)
    if below:
        item.check(low >= below[-1].min_years, "years.min", "rungs must be in order: this one starts below the one before it")
    pay = item.table("pay")
    pay.reject_unknown(("median", "average", "year", "source"))
    groups = []
    for group in item.tables("credentials", []):
        group.reject_unknown(("any_of", "note", "confidence"))
        groups.append(CredentialGroup(group.texts("any_of"), group.text("note"), group.text("confidence", choices=CONFIDENCE)))
    return Rung(
        key=key,
        title=item.text("title"),
        min_years=low,
        max_years=high,
        pay=Pay(pay.integer("median", minimum=0), pay.integer("average", minimum=0),
                pay.integer("year", minimum=1900, maximum=2100), _source(pay, sources)),
        summary=item.text("summary"),
        responsibilities=item.texts("responsibilities", ()),
        focus_areas=item.texts("focus_areas", ()),
        credentials=tuple(groups),
        lateral_moves=item.texts("lateral_moves", ()),
    )
