"""Dates in words: the same words whether a day is shown for the first time or the hundredth
(tracker/domain/dates.py works each day's words out once per process)."""
from __future__ import annotations

import datetime as dt

from tracker.domain.dates import human_date, long_date


def _every_day_of(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=n) for n in range((dt.date(year + 1, 1, 1) - first).days)]


def test_every_day_reads_as_strftime_says_first_time_and_again():
    today = dt.date(2026, 12, 2)
    for _ in range(2):
        for day in _every_day_of(2026) + _every_day_of(2028):
            assert long_date(day) == f"{day.strftime('%b')} {day.day}, {day.year}"
            expected = f"{day.strftime('%b')} {day.day}"
            assert human_date(day, today) == (expected if day.year == 2026 else f"{expected}, {day.year}")


def test_a_day_seen_in_this_year_and_then_another_gets_its_year_when_needed():
    day = dt.date(2027, 1, 4)
    assert human_date(day, dt.date(2027, 6, 1)) == "Jan 4"
    assert human_date(day, dt.date(2026, 6, 1)) == "Jan 4, 2027"
    assert human_date(day, dt.date(2027, 6, 1)) == "Jan 4"


def test_no_day_is_a_dash():
    assert long_date(None) == "—"
    assert human_date(None, dt.date(2026, 1, 1)) == "—"
