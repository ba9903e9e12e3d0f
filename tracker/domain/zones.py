"""Time zones: which names are valid, and what day it is for a user."""
from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

# Shown first in the time-zone picker: the zones most US coders live in.
COMMON_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "UTC",
)


@functools.cache
def all_zones() -> tuple[str, ...]:
    """Every IANA zone name, sorted, without the legacy aliases (EST5EDT, US/..., Etc/...)."""
    names = {
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "US/", "SystemV/", "posix/", "right/"))
    }
    names.add("UTC")
    return tuple(sorted(names))


def is_valid_zone(name: str) -> bool:
    return name in all_zones()


def local_today(zone: str, now: dt.datetime) -> dt.date:
    """The calendar date in ``zone`` at the instant ``now`` (an aware datetime)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(zoneinfo.ZoneInfo(zone)).date()
