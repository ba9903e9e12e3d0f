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

from dateutil.relativedelta import relativedelta
from icalendar import Calendar, Event, vDuration
from sqlalchemy import select

from ..domain import agenda
from ..extensions import db
from ..models import CalendarFeed, User
from .secrets import digest, matches, new_secret

TOKEN_PREFIX = "rungs_cal_"
PRODID = "-//Rungs//Career plan calendar//EN"
UID_DOMAIN = "rungs"
# How far ahead dues and code-set updates are listed (milestones and cycles are listed whatever their date).
HORIZON = relativedelta(years=2)
# Calendar apps poll at their own pace; this asks for twice a day.
REFRESH = dt.timedelta(hours=12)


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
    """One all-day event of the feed."""

    uid: str
    on: dt.date
    summary: str
    description: str
    categories: tuple[str, ...]


def items_for(user: User, today: dt.date) -> list[CalendarItem]:
    """Everything of the user's with a date, as of ``today`` (the user's local date), by date.

    Every event is an item of the user's agenda (:mod:`tracker.services.agenda`) on the agenda's
    date, named as everywhere else ("Due"): a done step on its completion date, any other on its
    projected due date, or on its target once the projection only slides with today (the
    description says which). Dues and code-set updates are listed up to two years ahead."""
    from . import agenda as agenda_service

    items: list[CalendarItem] = []
    for entry in agenda_service.agenda_for(user, today):
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
            lines = [f"Finished on {entry.done_on.isoformat()} ({schedule.timeliness.lower()})."]
        else:
            summary = f"Due: {title}"
            lines = [f"Due {entry.on.isoformat()}, {entry.means_text}. Projected due {entry.projected.isoformat()}; "
                     f"target {entry.target.isoformat()}. {schedule.timeliness}."]
        lines.append(f"Plan: {plan_title}.")
        return CalendarItem(uid=f"milestone-{entry.extra['milestone_id']}", on=entry.on,
                            summary=f"{summary} ({plan_title})", description="\n".join(lines),
                            categories=("Rungs", "Plan"))
    if entry.kind == agenda.CEU_CYCLE:
        body, tally = entry.extra["body"], entry.extra["standing"].tally
        cycle = tally.cycle
        return CalendarItem(
            uid=f"ceu-cycle-{body.id}-{cycle.end.isoformat()}", on=cycle.end,
            summary=f"{body.name} CEU cycle ends: {_ceus(tally.required)} CEUs due",
            description=(
                f"Cycle {cycle.start.isoformat()} to {cycle.end.isoformat()}: {_ceus(tally.earned)} of "
                f"{_ceus(tally.required)} CEUs earned, {_ceus(tally.needed)} still needed. "
                f"{entry.extra['standing'].next_step}"
            ),
            categories=("Rungs", "CEUs"),
        )
    if entry.on > today + HORIZON:
        return None
    if entry.kind == agenda.DUTY:
        body, duty, amount = entry.extra["body"], entry.extra["duty"], entry.extra["amount"]
        return CalendarItem(
            uid=f"duty-{body.id}-{duty.duty.key}-{duty.due_on.isoformat()}", on=duty.due_on,
            summary=f"{duty.duty.title} ({amount})", description=duty.duty.note or f"{amount}.",
            categories=("Rungs", "Fees"),
        )
    update = entry.extra["update"]
    return CalendarItem(
        uid=f"code-set-{update.uid}", on=update.on, summary=update.event.title,
        description=f"Takes effect on {update.on.isoformat()}. Source: {update.event.source}",
        categories=("Rungs", "Code sets"),
    )


def _ceus(value) -> str:
    return f"{value.normalize():f}"


def to_ical(items: list[CalendarItem], *, name: str, time_zone: str, now: dt.datetime) -> bytes:
    """The items as an RFC 5545 calendar of all-day events (no Flask: inputs in, bytes out)."""
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
        event = Event()
        event.add("uid", f"{item.uid}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.on)
        event.add("dtend", item.on + dt.timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("categories", list(item.categories))
        event.add("transp", "TRANSPARENT")  # a due date does not make the person busy
        calendar.add_component(event)
    return calendar.to_ical()


def feed_for(user: User, today: dt.date, now: dt.datetime) -> bytes:
    """The user's whole calendar, as the feed and the one-off download serve it."""
    return to_ical(items_for(user, today), name="Rungs", time_zone=user.time_zone, now=now)
