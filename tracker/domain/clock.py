"""The one place Rungs reads the clock.

Domain functions never call it: they take ``today``/``now`` as arguments. The edges (views, API,
CLI, mail, column defaults) ask here, so tests control time in one place (time-machine) and every
"now" is a timezone-aware UTC instant.
"""
from __future__ import annotations

import datetime as dt

from .zones import local_today


def utc_now() -> dt.datetime:
    """The current instant, timezone-aware, in UTC."""
    return dt.datetime.now(dt.timezone.utc)


def today_in(zone: str) -> dt.date:
    """Today's date in the time zone ``zone`` (an IANA name)."""
    return local_today(zone, utc_now())
