"""Dates in words, the same way everywhere (pages, emails, messages): the day without a leading
zero, without strftime's platform-only code for it (glibc has one, Windows does not)."""
from __future__ import annotations

import datetime as dt
import functools


# Pages show dozens of dates, each through strftime's %b (a microsecond or two apiece): each day's
# words are worked out once per process (a few thousand distinct days at most, then the oldest go).
@functools.lru_cache(maxsize=4096)
def _month_day(day: dt.date) -> str:
    return f"{day:%b} {day.day}"


@functools.lru_cache(maxsize=4096)
def _month_day_year(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def long_date(day: dt.date | None) -> str:
    """'Jan 4, 2027' (an em dash for no date)."""
    return _month_day_year(day) if day else "—"


def full_date(day: dt.date) -> str:
    """'January 4, 2027'."""
    return f"{day:%B} {day.day}, {day.year}"


def weekday_date(day: dt.date) -> str:
    """'Monday, January 4, 2027'."""
    return f"{day:%A}, {full_date(day)}"


def short_weekday_date(day: dt.date) -> str:
    """'Mon Jan 4'."""
    return f"{day:%a %b} {day.day}"


def short_weekday_date_year(day: dt.date, today: dt.date) -> str:
    """'Mon Jan 4' in the year of ``today``, 'Mon Jan 4, 2027' in any other (emails, the digest)."""
    text = short_weekday_date(day)
    return text if day.year == today.year else f"{text}, {day.year}"


def weekday_date_year(day: dt.date, today: dt.date) -> str:
    """'Monday, January 4' in the year of ``today``, 'Monday, January 4, 2027' in any other."""
    text = f"{day:%A, %B} {day.day}"
    return text if day.year == today.year else f"{text}, {day.year}"

def human_date(day: dt.date | None, today: dt.date) -> str:
    """'Dec 8' in ``today``'s year, 'Dec 8, 2027' in any other (an em dash for no date).

    The one format pages and messages show a day in: short, US order, the year only when it is
    needed to tell which one."""
    if day is None:
        return "—"
    return _month_day(day) if day.year == today.year else _month_day_year(day)
