"""Jinja filters for dates and money, so templates say what they show, not how."""
from __future__ import annotations

import datetime as dt

from flask import Flask

from ..domain.dates import long_date, short_weekday_date, weekday_date


def short_date(day: dt.date | None) -> str:
    return f"{day:%b} {day.day}" if day else "—"


def money(cents: int | None) -> str:
    """'$1,234.50'; whole dollars without cents."""
    if cents is None:
        return "—"
    dollars, rest = divmod(cents, 100)
    return f"${dollars:,}" if rest == 0 else f"${dollars:,}.{rest:02d}"


def days(n: int) -> str:
    return f"{n} day" if abs(n) == 1 else f"{n} days"


def local_datetime(instant: dt.datetime | None) -> str:
    """An instant in the signed-in user's time zone: 'Nov 24, 2026, 08:00 EST'."""
    if instant is None:
        return "—"
    from zoneinfo import ZoneInfo

    from flask_login import current_user

    zone = current_user.time_zone if getattr(current_user, "is_authenticated", False) else "UTC"
    local = instant.astimezone(ZoneInfo(zone))
    return f"{long_date(local.date())}, {local:%H:%M} {local.tzname()}"


def month_name(month: int | None) -> str:
    """7 → 'July'."""
    return dt.date(2000, month, 1).strftime("%B") if month else ""


def register(app: Flask) -> None:
    app.add_template_filter(local_datetime)
    app.add_template_filter(long_date)
    app.add_template_filter(weekday_date)
    app.add_template_filter(short_weekday_date)
    app.add_template_filter(short_date)
    app.add_template_filter(money)
    app.add_template_filter(days)
    app.add_template_filter(month_name)
