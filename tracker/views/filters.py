"""Jinja filters for dates and money, so templates say what they show, not how."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from flask import Flask, g, has_request_context
from markupsafe import Markup, escape
from flask_login import current_user

from ..domain.clock import today_in
from ..domain.dates import human_date, long_date, short_weekday_date, weekday_date
from . import zone_today


def _today() -> dt.date:
    """Today in the signed-in user's zone (UTC for a visitor, or outside a request)."""
    if not has_request_context():
        return today_in("UTC")
    # A page shows dozens of dates: the zone is looked up once, and ``g`` resolved once a date
    # (through the proxy, each look costs more than writing the date).
    request_g = g._get_current_object()
    known = getattr(request_g, "_rungs_filter_today", None)
    if known is None:
        known = request_g._rungs_filter_today = zone_today(
            current_user.time_zone if getattr(current_user, "is_authenticated", False) else "UTC")
    return known


def day(value: dt.date | None) -> str:
    """The one way pages show a date: 'Dec 8' this year, 'Dec 8, 2027' otherwise."""
    return human_date(value, _today())


def page_days(today: dt.date) -> Callable[[dt.date | None], str]:
    """:func:`day` for a part of a page that writes many dates (the dashboard's), each written
    once. ``today``: the page's, the signed-in user's today that the filter looks up (the page has
    it already: the lookup through the user and ``g`` cost more than a few dates)."""
    written: dict = {}

    def page_day(value: dt.date | None) -> str:
        text = written.get(value)
        if text is None:
            text = written[value] = human_date(value, today)
        return text

    return page_day


def day_range(start: dt.date | None, end: dt.date | None) -> str:
    """'Jan 4 – Mar 1, 2027': the year once when both days share it and it is not this year."""
    if start is None or end is None:
        return f"{day(start)} – {day(end)}"
    if start.year == end.year and start.year != _today().year:
        return f"{start:%b} {start.day} – {long_date(end)}"
    return f"{day(start)} – {day(end)}"


def short_date(value: dt.date | None) -> str:
    """Kept for other pages: the same as :func:`day`."""
    return day(value)


def ceus(value: Decimal | None) -> str:
    """A CEU amount as pages show it: '12.5', '40' (never '40.00'), or '—' when there is none.
    A function, not a macro: the credential pages show a dozen amounts per body."""
    return "—" if value is None else f"{value.normalize():f}"


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


def certainty(confidence: str, body: str | None = None) -> Markup:
    """A fact the certifying body does not publish, said as such beside it (``low``: Rungs
    estimates it; ``unknown``: the member's account there shows it); nothing for a published one.
    A Python global, not a macro: importing a macro file cost each page that showed one."""
    if confidence not in ("low", "unknown"):
        return Markup("")
    how = "Rungs estimates it" if confidence == "low" else "your account there shows it"
    return Markup(f'<span class="certainty">({escape(body or "The certifying body")} does not publish this; {how}.)</span>')


# The badges and the meter the pages share, Python globals rather than macros of _macros.html: the
# dashboard writes its main part in Python (tracker/views/dashboard_html.py) and the plan and ladder
# pages' templates call the same functions, so each is written once. Their HTML is the macros',
# newlines included.

def plan_status(look) -> Markup:
    """A plan's one status (tracker/domain/attention.py): calm when behind, amber only when the step
    to do now is past its target."""
    return Markup(f'\n  <span class="badge big tone-{escape(look.tone)}">{escape(look.label)}</span>\n')


def step_badge(look) -> Markup:
    """A step's one badge (tracker/domain/attention.py): loud only for the step that is late."""
    return Markup(f'\n  <span class="badge tone-{escape(look.tone)}">{escape(look.label)}</span>\n')


def meter(done, total, label: str) -> Markup:
    """A progress bar: ``done`` of ``total`` (a bar of 1 when the total is 0), named by ``label``."""
    done = _number(done)
    return Markup(f'\n  <progress class="meter" value="{done}" max="{_number(total or 1)}" '
                  f'aria-label="{escape(label)}">{done} of {_number(total)}</progress>\n')


def _number(value) -> str:
    # Counts and CEU amounts hold nothing to escape: written as they are (anything else escaped).
    return str(value) if type(value) in (int, Decimal) else escape(value)


def register(app: Flask) -> None:
    from ..forms.widgets import confirm_button, field_block
    from .navigation import nav_links
    from .template_urls import memoized_url_for

    app.add_template_global(memoized_url_for(app), "url_for")
    app.add_template_global(field_block)
    app.add_template_global(confirm_button)
    app.add_template_global(nav_links)
    app.add_template_global(ceus)
    app.add_template_global(certainty)
    app.add_template_global(plan_status)
    app.add_template_global(step_badge)
    app.add_template_global(meter)
    app.add_template_filter(local_datetime)
    app.add_template_filter(long_date)
    app.add_template_filter(weekday_date)
    app.add_template_filter(short_weekday_date)
    app.add_template_filter(short_date)
    app.add_template_filter(day)
    app.add_template_filter(day_range)
    app.add_template_filter(money)
    app.add_template_filter(days)
    app.add_template_filter(month_name)
