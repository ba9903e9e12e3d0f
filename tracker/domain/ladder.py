"""The career ladder: where a person stands, what the next rung asks, and how ready they are.

Plain Python, no Flask. The rungs are data from plans/ladder.toml (parsed by the catalog into
:class:`Ladder`); the person's facts (rung, start of coding work, gaps, credentials held, focus
areas ticked) come in as arguments, and ``today`` is explicit.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from .dates import full_date, long_date

DAYS_PER_YEAR = 365.2425


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str | None
    year: int | None


@dataclass(frozen=True)
class Pay:
    median: int
    average: int
    year: int
    source: Source


@dataclass(frozen=True)
class CredentialGroup:
    """Credentials a rung favours: holding any one of them meets the group."""

    any_of: tuple[str, ...]
    note: str
    confidence: str

    def met_by(self, held: Iterable[str]) -> bool:
        return bool(set(self.any_of) & set(held))


@dataclass(frozen=True)
class Rung:
    key: str
    title: str
    min_years: float
    max_years: float | None  # None: open-ended (the top rung)
    pay: Pay
    summary: str
    responsibilities: tuple[str, ...]
    focus_areas: tuple[str, ...]  # what to work on at this rung to reach the next one
    credentials: tuple[CredentialGroup, ...]  # what employers favour at this rung
    lateral_moves: tuple[str, ...] = ()

    @property
    def years_label(self) -> str:
        if self.max_years is None:
            return f"{self.min_years:g}+ years"
        return f"{self.min_years:g}–{self.max_years:g} years"


@dataclass(frozen=True)
class Ladder:
    id: str
    title: str
    rungs: tuple[Rung, ...]
    sources: tuple[Source, ...]
    market: tuple[tuple[str, Source], ...]

    def rung(self, key: str) -> Rung:
        for rung in self.rungs:
            if rung.key == key:
                return rung
        raise KeyError(f"unknown rung {key!r}")

    def index(self, key: str | None) -> int:
        """Position of a rung (-1 for someone not yet in the field)."""
        if key is None:
            return -1
        return self.rungs.index(self.rung(key))

    def next_rung(self, key: str | None) -> Rung | None:
        """The rung after ``key`` (the first rung for someone not yet in the field); None at the top."""
        position = self.index(key) + 1
        return self.rungs[position] if position < len(self.rungs) else None


# -- experience ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Gap:
    start: dt.date
    end: dt.date  # inclusive


def check_gaps(started_on: dt.date | None, gaps: Sequence[Gap], today: dt.date) -> str | None:
    """Why a list of gaps cannot be right, or None: each inside the working period, none overlapping."""
    ordered = sorted(gaps, key=lambda g: g.start)
    for gap in ordered:
        if gap.end < gap.start:
            return f"The gap from {long_date(gap.start)} ends before it starts."
        if started_on is not None and gap.start < started_on:
            return f"The gap from {long_date(gap.start)} starts before you started coding work ({long_date(started_on)})."
        if gap.start > today:
            return "A gap cannot start in the future."
    for earlier, later in zip(ordered, ordered[1:]):
        if later.start <= earlier.end:
            return f"The gaps from {long_date(earlier.start)} and {long_date(later.start)} overlap."
    return None


def gap_days(gaps: Iterable[Gap], until: dt.date) -> int:
    """Days of gaps up to and including ``until`` (gaps do not overlap)."""
    return sum(max(0, (min(g.end, until) - g.start).days + 1) for g in gaps if g.start <= until)


def experience_years(started_on: dt.date | None, gaps: Sequence[Gap], today: dt.date) -> float:
    """Years of coding experience on ``today``: time since starting, less the gaps."""
    if started_on is None or started_on > today:
        return 0.0
    days = (today - started_on).days - gap_days(gaps, today)
    return max(days, 0) / DAYS_PER_YEAR


def date_reaching(started_on: dt.date | None, gaps: Sequence[Gap], years: float, today: dt.date) -> dt.date | None:
    """The day experience reaches ``years`` (past gaps push it later; none are assumed ahead).

    Whole years are counted in calendar years (March 2024 + 3 years = March 2027).
    """
    if started_on is None:
        return None
    whole = int(years)
    day = started_on + relativedelta(years=whole) + dt.timedelta(days=round((years - whole) * DAYS_PER_YEAR))
    # Each gap before the day moves it on by its length; moving on may take in another gap.
    counted = 0
    while True:
        owed = gap_days(gaps, day) - counted
        if owed <= 0:
            return day
        counted += owed
        day += dt.timedelta(days=owed)


# -- the comparison -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    """One part of readiness, with what it is worth and why."""

    name: str
    score: float  # 0..1
    met: bool
    explanation: str


@dataclass(frozen=True)
class Comparison:
    current: Rung | None
    next: Rung | None
    experience: float
    reaches_next_on: dt.date | None
    credentials: tuple[tuple[CredentialGroup, bool], ...]
    focus: tuple[tuple[str, bool], ...]  # the current rung's focus areas, ticked or not
    parts: tuple[Part, ...]

    @property
    def readiness(self) -> int:
        """Percent ready for the next rung: the mean of the parts' scores, each explained."""
        if not self.parts:
            return 100
        return round(100 * sum(p.score for p in self.parts) / len(self.parts))

    @property
    def pay_step(self) -> tuple[int, int] | None:
        """(median difference, average difference) from this rung to the next."""
        if self.current is None or self.next is None:
            return None
        return (self.next.pay.median - self.current.pay.median, self.next.pay.average - self.current.pay.average)


def compare(
    ladder: Ladder,
    current_key: str | None,
    started_on: dt.date | None,
    gaps: Sequence[Gap],
    held: Sequence[str],
    ticked: Mapping[str, bool],
    today: dt.date,
) -> Comparison:
    """Compare where a person stands with the next rung: experience, credentials, focus areas.

    Readiness is the mean of explained parts: experience (years had / years the next rung starts
    at, capped at 1), each favoured credential group (met or not), and the focus areas (share
    ticked). Someone not yet in the field compares with the first rung; at the top there is no
    next rung and readiness is not computed.
    """
    current = ladder.rung(current_key) if current_key else None
    upcoming = ladder.next_rung(current_key)
    years = experience_years(started_on, gaps, today)
    if upcoming is None:
        return Comparison(current, None, years, None, (), (), ())
    need = upcoming.min_years
    reaches = date_reaching(started_on, gaps, need, today) if need else today
    parts: list[Part] = [_experience_part(upcoming, years, reaches)]
    groups = tuple((group, group.met_by(held)) for group in upcoming.credentials)
    for group, met in groups:
        names = " or ".join(group.any_of)
        parts.append(Part(
            f"Credential: {names}", 1.0 if met else 0.0, met,
            (f"You hold {', '.join(sorted(set(group.any_of) & set(held)))}." if met else f"Not held. {group.note}"),
        ))
    areas = current.focus_areas if current else ()
    focus = tuple((area, bool(ticked.get(area))) for area in areas)
    if focus:
        done = sum(1 for _, t in focus if t)
        parts.append(Part(
            "Focus areas", done / len(focus), done == len(focus),
            f"{done} of {len(focus)} focus areas of {current.title} checked off.",
        ))
    return Comparison(current, upcoming, years, reaches, groups, focus, tuple(parts))


def _experience_part(upcoming: Rung, years: float, reaches: dt.date | None) -> Part:
    """Experience against the years the next rung starts at (capped at 1), with when it is reached."""
    need = upcoming.min_years
    if need == 0:
        return Part("Experience", 1.0, True, f"{upcoming.title} starts at 0 years: no experience needed.")
    have = f"{years:.1f} years"
    if years >= need:
        explanation = f"You have {have}; {upcoming.title} starts at {need:g}."
    elif reaches:
        explanation = f"You have {have} of the {need:g} {upcoming.title} starts at; you reach {need:g} on {full_date(reaches)}."
    else:
        explanation = f"{upcoming.title} starts at {need:g} years; enter when you started coding work to count yours."
    return Part("Experience", min(years / need, 1.0), years >= need, explanation)
