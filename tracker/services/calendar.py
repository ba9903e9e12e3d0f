"""The iCalendar feed: a user's dates (milestones, CEU cycle ends, dues and fees, code-set updates)
as RFC 5545, behind a secret, revocable address.

The address carries a random token (256 bits, :mod:`tracker.services.secrets`); only its SHA-256 is
stored, one row per user. Rotating replaces the hash, so the old address stops working at once;
turning the feed off deletes the row. The token is shown once, when it is made: Rungs cannot show
it again (it does not keep it).

Every event is an all-day event with a UID derived from its subject (``milestone-12@rungs``,
``ceu-cycle-aapc-2027-05-31@rungs``...), so a calendar app that polls the feed moves an event when
its date changes instead of adding a second one.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from flask import current_app
from icalendar import Alarm, Calendar, Event, vDuration
from sqlalchemy import select

from ..domain import agenda
from ..domain.dates import long_date
from ..extensions import db
from ..models import CalendarFeed, User
from .errors import Invalid
from .secrets import digest, matches, new_secret
from .transaction import commit

TOKEN_PREFIX = "rungs_cal_"
PRODID = "-//Rungs//Career plan calendar//EN"
UID_DOMAIN = "rungs"
# How far ahead dues and code-set updates are listed (milestones and cycles are listed whatever their date).
HORIZON = relativedelta(years=2)
# Calendar apps poll at their own pace; this asks for twice a day.
REFRESH = dt.timedelta(hours=12)
# The kinds of events a feed may carry (all by default), in the words the settings page uses.
KINDS = {
    agenda.MILESTONE: "Plan milestones",
    agenda.CEU_CYCLE: "CEU cycle ends",
    agenda.DUTY: "Membership dues and fees",
    agenda.CODE_SET: "Code-set updates (ICD-10-CM, CPT, HCPCS)",
}
# Alarms a user may put on deadlines (days before; the calendar app shows them).
ALARM_DAYS = (1, 2, 7, 14)
ALARM_TIME = dt.timedelta(hours=9)


# -- the secret address ---------------------------------------------------------------------------

def feed_of(user: User) -> CalendarFeed | None:
    """The user's feed row (None: the feed is off)."""
    return db.session.execute(select(CalendarFeed).where(CalendarFeed.user_id == user.id)).scalar_one_or_none()


def issue_token(user: User) -> str:
    """Turn the feed on, or rotate it: a new token replaces the old one (whose address then
    answers 404). Returns the token, which is not stored and cannot be shown again."""
    token = new_secret(TOKEN_PREFIX)
    row = feed_of(user) or CalendarFeed(user_id=user.id)
    row.token_hash = digest(token)
    row.created_at = dt.datetime.now(dt.timezone.utc)
    db.session.add(row)
    db.session.commit()
    return token


def feed_kinds(row: CalendarFeed | None) -> list[str]:
    """The kinds of events the feed carries, in the order of :data:`KINDS`."""
    chosen = set((row.kinds if row is not None and row.kinds is not None else ",".join(KINDS)).split(","))
    return [kind for kind in KINDS if kind in chosen]


def save_options(user: User, kinds: set[str], alarm_days: int | None) -> None:
    """Choose what the feed carries and whether deadlines get an alarm; the address stays the same.
    Invalid when the feed is off, no kind is chosen, or the alarm is not one offered."""
    row = feed_of(user)
    if row is None:
        raise Invalid("kinds", "Turn the calendar feed on first.")
    if not kinds or not kinds <= set(KINDS):
        raise Invalid("kinds", "Choose at least one kind of date for the feed.")
    if alarm_days is not None and alarm_days not in ALARM_DAYS:
        raise Invalid("alarm_days", "Choose one of the alarms in the list.")
    row.kinds = ",".join(kind for kind in KINDS if kind in kinds)
    row.alarm_days = alarm_days
    commit()


def turn_off(user: User) -> None:
    """Delete the feed: its address answers 404 from now on."""
    row = feed_of(user)
    if row is not None:
        db.session.delete(row)
        db.session.commit()


def user_for_token(token: str) -> User | None:
    """The owner of a feed token, or None for an unknown, revoked or malformed one."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    hashed = digest(token)
    row = db.session.execute(select(CalendarFeed).where(CalendarFeed.token_hash == hashed)).scalar_one_or_none()
    if row is None or not matches(token, row.token_hash):
        return None
    return db.session.get(User, row.user_id)


# -- the events -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CalendarItem:
    """One all-day event of the feed. ``link`` is the page in Rungs it is about (a path);
    ``deadline`` says whether it is something to act on by that day (what alarms are put on)."""

    uid: str
    on: dt.date
    summary: str
    description: str
    categories: tuple[str, ...]
    kind: str = ""
    link: str = "/"
    deadline: bool = False


def items_for(user: User, today: dt.date, kinds: list[str] | None = None) -> list[CalendarItem]:
    """Everything of the user's with a date, as of ``today`` (the user's local date), by date,
    of the given ``kinds`` (all by default; see :data:`KINDS`).

    Every event is an item of the user's agenda (:mod:`tracker.services.agenda`) on the agenda's
    date, named as everywhere else ("Due"): a done step on its completion date, any other on its
    projected due date, or on its target once the projection only slides with today (the
    description says which). Dues and code-set updates are listed up to two years ahead."""
    from . import agenda as agenda_service

    wanted = set(KINDS if kinds is None else kinds)
    items: list[CalendarItem] = []
    for entry in agenda_service.agenda_for(user, today, code_sets=agenda.CODE_SET in wanted):
        if entry.kind not in wanted:
            continue
        item = _event(entry, today)
        if item is not None:
            items.append(item)
    return sorted(items, key=lambda item: (item.on, item.uid))


def _event(entry, today: dt.date) -> CalendarItem | None:
    """One agenda item as an event (None: beyond the horizon)."""
    if entry.kind == agenda.MILESTONE:
        plan_title, schedule = entry.extra["plan_title"], entry.extra["schedule"]
        title = entry.extra["milestone_title"]
        if entry.done_on is not None:
            summary = f"Done: {title}"
            lines = [f"Finished on {long_date(entry.done_on)} ({schedule.timeliness.lower()})."]
        else:
            summary = f"Due: {title}"
            lines = [f"Due {long_date(entry.on)}, {entry.means_text}. Projected due {long_date(entry.projected)}; "
                     f"target {long_date(entry.target)}. {schedule.timeliness}."]
        lines.append(f"Plan: {plan_title}.")
        return CalendarItem(uid=f"milestone-{entry.extra['milestone_id']}", on=entry.on,
                            summary=f"{summary} ({plan_title})", description="\n".join(lines),
                            categories=("Rungs", "Plan"), kind=entry.kind, link=entry.link,
                            deadline=entry.done_on is None)
    if entry.kind == agenda.CEU_CYCLE:
        body, tally = entry.extra["body"], entry.extra["standing"].tally
        cycle = tally.cycle
        if tally.needed > 0:
            summary = f"{body.name} CEU cycle ends: {_ceus(tally.needed)} CEUs still needed"
        else:
            summary = f"{body.name} CEU cycle ends: all {_ceus(tally.required)} CEUs earned"
        return CalendarItem(
            uid=f"ceu-cycle-{body.id}-{cycle.end.isoformat()}", on=cycle.end, summary=summary,
            description=(
                f"Cycle {long_date(cycle.start)} to {long_date(cycle.end)}: {_ceus(tally.earned)} of "
                f"{_ceus(tally.required)} CEUs earned, {_ceus(tally.needed)} still needed. "
                f"{entry.extra['standing'].next_step}"
            ),
            categories=("Rungs", "CEUs"), kind=entry.kind, link=entry.link, deadline=tally.needed > 0,
        )
    if entry.on > today + HORIZON:
        return None
    if entry.kind == agenda.DUTY:
        body, duty, amount = entry.extra["body"], entry.extra["duty"], entry.extra["amount"]
        return CalendarItem(
            uid=f"duty-{body.id}-{duty.duty.key}-{duty.due_on.isoformat()}", on=duty.due_on,
            summary=f"{duty.duty.title} ({amount})", description=duty.duty.note or f"{amount}.",
            categories=("Rungs", "Fees"), kind=entry.kind, link=entry.link, deadline=True,
        )
    update = entry.extra["update"]
    return CalendarItem(
        uid=f"code-set-{update.uid}", on=update.on, summary=update.event.title,
        description=f"Takes effect on {long_date(update.on)}. Source: {update.event.source}",
        categories=("Rungs", "Code sets"), kind=entry.kind, link="/credentials/",
    )


def _ceus(value) -> str:
    return f"{value.normalize():f}"


def to_ical(items: list[CalendarItem], *, name: str, time_zone: str, now: dt.datetime, base_url: str = "",
            alarm_days: int | None = None) -> bytes:
    """The items as an RFC 5545 calendar of all-day events (no Flask: inputs in, bytes out).

    Each event links back to its page in Rungs (URL, and the last line of its DESCRIPTION, which
    every calendar app shows); with ``alarm_days``, each deadline gets a VALARM at 09:00 that many
    days before (a trigger relative to the all-day event's start, its midnight)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("x-wr-timezone", time_zone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH).to_ical().decode())  # the older name (Outlook)
    stamp = now.astimezone(dt.timezone.utc)
    for item in items:
        link = base_url.rstrip("/") + item.link
        event = Event()
        event.add("uid", f"{item.uid}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.on)
        event.add("dtend", item.on + dt.timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", f"{item.description}\n\nOpen in Rungs: {link}")
        event.add("url", link)
        event.add("categories", list(item.categories))
        event.add("transp", "TRANSPARENT")  # a due date does not make the person busy
        if alarm_days and item.deadline:
            alarm = Alarm()
            alarm.add("uid", f"{item.uid}-alarm@{UID_DOMAIN}")
            alarm.add("action", "DISPLAY")
            alarm.add("description", item.summary)
            # From the start of the all-day event (midnight): 09:00 on the day ``alarm_days`` before.
            alarm.add("trigger", -dt.timedelta(days=alarm_days) + ALARM_TIME)
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


def feed_for(user: User, today: dt.date, now: dt.datetime, *, whole: bool = False) -> bytes:
    """The user's calendar as the feed serves it: the kinds and alarms chosen for the feed (or,
    with ``whole``, every kind and no alarms: the one-off download)."""
    row = None if whole else feed_of(user)
    return to_ical(items_for(user, today, None if row is None else feed_kinds(row)), name="Rungs",
                   time_zone=user.time_zone, now=now, base_url=current_app.config["RUNGS_BASE_URL"],
                   alarm_days=None if row is None else row.alarm_days)


def subscribe_links(feed_url: str) -> dict[str, str]:
    """Ways to subscribe to a feed address: webcal:// (Apple Calendar, Outlook on a desktop),
    Google Calendar and Outlook on the web."""
    webcal = "webcal://" + feed_url.split("://", 1)[1]
    return {
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/render?" + urlencode({"cid": webcal}),
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?" + urlencode({"url": feed_url, "name": "Rungs"}),
    }
