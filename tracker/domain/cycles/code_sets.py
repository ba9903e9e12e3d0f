"""The code-set calendar: ICD-10, CPT and HCPCS update dates.

Part of :mod:`tracker.domain.cycles`: plain Python, no Flask.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

# -- the code-set calendar ------------------------------------------------------------------------

@dataclass(frozen=True)
class CalendarEvent:
    key: str
    title: str
    months: tuple[int, ...]
    day: int
    confidence: str
    source: str


@dataclass(frozen=True)
class CodeSetCalendar:
    id: str
    title: str
    events: tuple[CalendarEvent, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CalendarDate:
    event: CalendarEvent
    on: dt.date

    @property
    def uid(self) -> str:
        """Stable per occurrence (for calendar feeds)."""
        return f"{self.event.key}-{self.on.isoformat()}"


def code_set_dates(calendar_: CodeSetCalendar, start: dt.date, end: dt.date) -> list[CalendarDate]:
    """The code-set updates taking effect from ``start`` to ``end`` (inclusive), by date."""
    found = []
    for year in range(start.year, end.year + 1):
        for event in calendar_.events:
            for month in event.months:
                day = dt.date(year, month, min(event.day, calendar.monthrange(year, month)[1]))
                if start <= day <= end:
                    found.append(CalendarDate(event, day))
    return sorted(found, key=lambda d: (d.on, d.event.title))
