"""Which reminders a user should get, and when: plain Python, no Flask.

A *subject* is something with a due date (a milestone, a CEU cycle end, AAPC dues, the AHIMA fee,
a CPC-A check-in, the weekly digest). Each kind has offsets in days before (+) or after (-) the due
date. An *occurrence* is one (kind, subject, due date, offset): its key is unique, uses the local
due date (so a DST or time-zone change moves the send instant, never adds a reminder), and it is
sent at the user's send hour on ``due - offset`` in their zone.

Catching up: an occurrence whose send day has passed is still wanted only if it is the latest
passed one of its subject and the subject still needs it (a reminder missed while the worker was
down is sent once, late, and earlier ones it supersedes are not). A milestone still not done
keeps its latest overdue reminder however long ago its date passed: a step listed on a date long
gone (a plan started in the past, a milestone added after a finished step) still gets one
reminder, once (the row's unique key keeps it from coming again).
"""
from __future__ import annotations

import datetime as dt
import enum
import random
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .dates import long_date, short_weekday_date_year

MILESTONE_DUE = "milestone_due"
MILESTONE_OVERDUE = "milestone_overdue"
CEU_CYCLE = "ceu_cycle"
AAPC_DUES = "aapc_dues"
AHIMA_FEE = "ahima_fee"
APPRENTICE = "apprentice"
DIGEST = "digest"
# For a team's owner and managers (tracker/services/reminders/teams.py).
TEAM_DIGEST = "team_digest"
TEAM_AT_RISK = "team_at_risk"

KINDS = {
    MILESTONE_DUE: "A plan milestone is due soon",
    MILESTONE_OVERDUE: "A plan milestone is overdue",
    CEU_CYCLE: "A CEU cycle ends while CEUs are still needed",
    AAPC_DUES: "AAPC membership dues",
    AHIMA_FEE: "AHIMA recertification fee",
    APPRENTICE: "CPC-A / COC-A progress check-in",
    DIGEST: "Weekly digest",
    TEAM_DIGEST: "Teams you manage: weekly team digest",
    TEAM_AT_RISK: "Teams you manage: a member's CEU cycle becomes at risk",
}
DEFAULT_OFFSETS = {
    MILESTONE_DUE: (1,),
    MILESTONE_OVERDUE: (-1,),
    CEU_CYCLE: (90, 45, 15, 1, -1, -30),
    AAPC_DUES: (30, 7),
    AHIMA_FEE: (30, 7),
    APPRENTICE: (0,),
    DIGEST: (0,),
    TEAM_DIGEST: (0,),
    # The alert's one occurrence is keyed to the cycle end and "sent" from the first day of the
    # 60-day window on: planned later (when the cycle becomes at risk), it goes at once, once.
    TEAM_AT_RISK: (60,),
}
# Kinds whose lead time is fixed (not offered in the preferences).
FIXED_LEAD_KINDS = (DIGEST, APPRENTICE, TEAM_DIGEST, TEAM_AT_RISK)
# A reminder of something already past is worth sending late only this long after its day.
CATCH_UP_DAYS = 7
MAX_OFFSET_DAYS = 366


@dataclass(frozen=True)
class Subject:
    """Something a user may be reminded of."""

    kind: str
    key: str  # stable: "milestone:12", "cycle:aapc:2027-05-31", ...
    due: dt.date
    title: str
    link: str  # path in the app, e.g. /plans/3/milestones/12
    detail: str = ""
    means: str = ""  # which date ``due`` is, in words ("its target date"; see domain/agenda.py)


@dataclass(frozen=True)
class Occurrence:
    subject: Subject
    offset: int  # days before the due date (+) or after it (-)

    @property
    def kind(self) -> str:
        return self.subject.kind

    @property
    def send_on(self) -> dt.date:
        return self.subject.due - dt.timedelta(days=self.offset)

    @property
    def key(self) -> tuple[str, str, dt.date, int]:
        return (self.subject.kind, self.subject.key, self.subject.due, self.offset)


@dataclass(frozen=True)
class Preferences:
    enabled: frozenset[str] = frozenset(KINDS) - {DIGEST}
    offsets: dict[str, tuple[int, ...]] = field(default_factory=lambda: dict(DEFAULT_OFFSETS))
    send_hour: int = 8
    digest_weekday: int = 0  # Monday
    paused: bool = False


def parse_offsets(text: str) -> tuple[int, ...]:
    """"90, 45, 15, 1, -1" → (90, 45, 15, 1, -1): days before (+) or after (-); ValueError if bad."""
    values = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            value = int(part)
        except ValueError:
            raise ValueError(f"{part!r} is not a whole number of days") from None
        if abs(value) > MAX_OFFSET_DAYS:
            raise ValueError(f"{value} days is more than a year")
        values.append(value)
    if not values:
        raise ValueError("give at least one number of days")
    return tuple(sorted(set(values), reverse=True))


def send_instant(day: dt.date, hour: int, zone: str) -> dt.datetime:
    """The UTC instant of ``hour``:00 local time on ``day`` in ``zone``.

    Across DST: a local time that does not exist (the spring-forward gap) moves forward by the
    gap (02:00 becomes 03:00); an ambiguous one (fall back) is its first occurrence (PEP 495 fold=0).
    """
    local = dt.datetime(day.year, day.month, day.day, hour, tzinfo=zoneinfo.ZoneInfo(zone))
    return local.astimezone(dt.timezone.utc)


def wanted(subjects: Iterable[Subject], prefs: Preferences, today: dt.date,
           snoozed: Iterable[tuple] = ()) -> list[Occurrence]:
    """The occurrences a user wants from ``today`` on (local date), plus the one latest passed
    occurrence per subject that is still worth sending (see the module docstring).

    ``snoozed`` are the keys of reminders the user snoozed: each stays wanted, whatever its lead
    time or how long ago its planned day was, as long as its subject is still listed (not done,
    CEUs not met, its kind on): a snooze moves a reminder, it does not end it."""
    if prefs.paused:
        return []
    snoozed = set(snoozed)
    found: list[Occurrence] = []
    for subject in subjects:
        if subject.kind not in prefs.enabled:
            continue
        offsets = prefs.offsets.get(subject.kind, DEFAULT_OFFSETS[subject.kind])
        kept = [Occurrence(subject, key[3]) for key in snoozed if key[:3] == (subject.kind, subject.key, subject.due)]
        found.extend(o for o in kept if o.offset not in offsets)
        occurrences = [Occurrence(subject, offset) for offset in offsets]
        found.extend(o for o in occurrences if o.key in snoozed)
        occurrences = [o for o in occurrences if o.key not in snoozed]
        upcoming = [o for o in occurrences if o.send_on >= today]
        passed = [o for o in occurrences if o.send_on < today and (
            (today - o.send_on).days <= CATCH_UP_DAYS or subject.kind in (MILESTONE_OVERDUE, TEAM_AT_RISK))]
        found.extend(upcoming)
        if passed:
            latest = max(passed, key=lambda o: o.send_on)
            # A "before" reminder of something already due is moot.
            if latest.offset <= 0 or subject.due >= today:
                found.append(latest)
    return found


def digest_days(prefs: Preferences, today: dt.date, weeks: int = 2) -> list[dt.date]:
    """The next digest days (the user's weekday) from ``today``."""
    first = today + dt.timedelta(days=(prefs.digest_weekday - today.weekday()) % 7)
    return [first + dt.timedelta(weeks=n) for n in range(weeks)]


# -- sending ------------------------------------------------------------------------------------

class Outcome(enum.Enum):
    """What became of one message handed to the mail server (the transport decides which; this
    module never sees a transport's own errors)."""

    SENT = "sent"
    RECIPIENT_REFUSED = "recipient_refused"  # a 5xx for this recipient (RCPT TO or DATA): dead
    RECIPIENT_DEFERRED = "recipient_deferred"  # a 4xx for this recipient: retry, counts an attempt
    SERVER_UNAVAILABLE = "server_unavailable"  # refused, timed out, 421, TLS, disconnected: no attempt
    NOT_TRIED = "not_tried"  # the connection it waited for was gone, or the lease was lost


RETRY, DEAD, WAIT = "retry", "dead", "wait"
MAX_ATTEMPTS = 6
BASE_BACKOFF = dt.timedelta(minutes=2)
MAX_BACKOFF = dt.timedelta(hours=6)
# An outage is nobody's attempt: rows wait a little longer each time, never more than this.
OUTAGE_BACKOFF = dt.timedelta(minutes=1)
MAX_OUTAGE_BACKOFF = dt.timedelta(minutes=5)


def next_step(outcome: Outcome, attempts: int) -> str:
    """After an outcome other than SENT on attempt number ``attempts`` (counted already for
    recipient outcomes): DEAD for a refused recipient or the attempt limit, RETRY for a deferred
    one, WAIT (retry without spending an attempt) for a server fault or a message never tried."""
    if outcome in (Outcome.SERVER_UNAVAILABLE, Outcome.NOT_TRIED):
        return WAIT
    if outcome == Outcome.RECIPIENT_REFUSED or attempts >= MAX_ATTEMPTS:
        return DEAD
    return RETRY


def counts_attempt(outcome: Outcome) -> bool:
    """Whether an outcome spends one of the message's attempts (only the recipient's own ones)."""
    return outcome in (Outcome.RECIPIENT_REFUSED, Outcome.RECIPIENT_DEFERRED)


def backoff(attempts: int, rng: random.Random | None = None) -> dt.timedelta:
    """Wait before attempt ``attempts + 1``: exponential from 2 minutes, capped at 6 hours, with
    full jitter between half and the whole of it (so retries of many rows spread out)."""
    rng = rng or random.Random()
    ceiling = min(BASE_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)
    return ceiling * (0.5 + rng.random() / 2)


def outage_backoff(waiting: dt.timedelta, rng: random.Random | None = None) -> dt.timedelta:
    """Wait after a server fault, for a message already ``waiting`` past its send time: a quarter
    of that wait, between 1 and 5 minutes, with jitter. It needs no counter, so an outage of any
    length spends no attempt, and the message goes within about 5 minutes of the server's return."""
    rng = rng or random.Random()
    ceiling = min(max(waiting / 4, OUTAGE_BACKOFF), MAX_OUTAGE_BACKOFF)
    return ceiling * (0.5 + rng.random() / 2)


def moot_reason(offset: int, due: dt.date, today: dt.date) -> str | None:
    """Why an occurrence that is still wanted must not be sent now (``today`` is the user's local
    date at sending), or None. A reminder *before* a deadline (offset > 0) whose deadline has passed
    is moot: "due tomorrow" for yesterday helps nobody (the overdue reminder, if on, says it)."""
    if offset > 0 and today > due:
        return f"Deadline passed: it was due {long_date(due)}, before this reminder could be sent."
    return None


def days_left(due: dt.date, today: dt.date) -> int:
    """Days from ``today`` (the local date the email is sent) to ``due``: negative once past. The
    text says this, not the lead time the reminder was planned with, so a reminder sent late still
    says the truth ("in 3 days", not "in 7 days")."""
    return (due - today).days


def describe_offset(offset: int) -> str:
    if offset == 0:
        return "today"
    days = abs(offset)
    unit = "day" if days == 1 else "days"
    return f"in {days} {unit}" if offset > 0 else f"{days} {unit} ago"


def sort_subjects(subjects: Sequence[Subject]) -> list[Subject]:
    return sorted(subjects, key=lambda s: (s.due, s.title))


# -- lead times, chosen from a list -----------------------------------------------------------------

# The lead times offered as tick boxes (days before the date; 0 on the day, negative after). A kind's
# defaults and whatever the user already has (set through the API, say) are offered too.
COMMON_LEAD_TIMES = (90, 60, 30, 14, 7, 1, 0, -1)
OVERDUE_LEAD_TIMES = (-1, -3, -7, -14, -30)


def describe_lead(offset: int) -> str:
    """90 → '90 days before', 0 → 'On the day', -1 → '1 day after'."""
    if offset == 0:
        return "On the day"
    days = abs(offset)
    return f"{days} day{'' if days == 1 else 's'} {'before' if offset > 0 else 'after'}"


def lead_time_choices(kind: str, current: Iterable[int] = ()) -> list[tuple[int, str]]:
    """The lead times offered for ``kind`` (soonest before first), with their labels."""
    common = OVERDUE_LEAD_TIMES if kind == MILESTONE_OVERDUE else COMMON_LEAD_TIMES
    values = set(common) | set(DEFAULT_OFFSETS.get(kind, ())) | set(current)
    return [(value, describe_lead(value)) for value in sorted(values, reverse=True)]


# -- snooze ---------------------------------------------------------------------------------------

SNOOZE_DAYS = (1, 3, 7)


def snooze_day(planned: dt.date, today: dt.date, days: int) -> dt.date:
    """The day a reminder planned for ``planned`` goes when snoozed ``days`` days on ``today``:
    that many days after its planned day, or after today if that has passed."""
    return max(planned, today) + dt.timedelta(days=days)


def snooze_choices(offset: int, due: dt.date, planned: dt.date, today: dt.date) -> list[int]:
    """The snoozes that make sense for one reminder: a reminder *before* a date is never pushed
    past the date itself (it would be cancelled as moot: "due tomorrow" for yesterday)."""
    return [days for days in SNOOZE_DAYS if offset <= 0 or snooze_day(planned, today, days) <= due]


# -- the weekly digest ----------------------------------------------------------------------------

DIGEST_SOON_DAYS = 7
DIGEST_LATER_DAYS = 60
DIGEST_LATER_MAX = 5
DIGEST_KINDS = (MILESTONE_DUE, CEU_CYCLE, AAPC_DUES, AHIMA_FEE, APPRENTICE)


@dataclass(frozen=True)
class Digest:
    """What one weekly digest lists: the next seven days, and a short "Later" apart."""

    week: list[Subject]
    later: list[Subject]
    more_later: int  # items of the later window left out of ``later``


def digest_of(subjects: Iterable[Subject], today: dt.date) -> Digest:
    """The digest sent on ``today``: items due from today through the next 7 days, then up to
    DIGEST_LATER_MAX items due in the following weeks (up to DIGEST_LATER_DAYS from today)."""
    chosen = sort_subjects([s for s in subjects if s.kind in DIGEST_KINDS and s.due >= today])
    soon_end = today + dt.timedelta(days=DIGEST_SOON_DAYS)
    later_end = today + dt.timedelta(days=DIGEST_LATER_DAYS)
    week = [s for s in chosen if s.due < soon_end]
    later = [s for s in chosen if soon_end <= s.due <= later_end]
    return Digest(week, later[:DIGEST_LATER_MAX], max(len(later) - DIGEST_LATER_MAX, 0))


# -- the reminder centre: one group per thing reminded of -----------------------------------------

GROUP_LABELS = {
    MILESTONE_DUE: "Plan step", MILESTONE_OVERDUE: "Plan step", CEU_CYCLE: "CEU cycle",
    AAPC_DUES: "Dues", AHIMA_FEE: "Fees", APPRENTICE: "Apprentice check-in", DIGEST: "Weekly digest",
    TEAM_DIGEST: "Team digest", TEAM_AT_RISK: "Team member at risk",
}


@dataclass
class ReminderGroup:
    """The reminders of one thing (a plan step, a CEU cycle, dues...), under one heading."""

    key: str
    heading: str
    label: str
    link: str
    rows: list = field(default_factory=list)


def group_reminders(rows: Sequence) -> list[ReminderGroup]:
    """Rows (anything with ``kind``, ``subject_key``, ``title``, ``link``) grouped by what they are
    about, in the order the rows come: a plan step's "due" and "overdue" reminders go together."""
    groups: dict[str, ReminderGroup] = {}
    for row in rows:
        group = groups.get(row.subject_key)
        if group is None:
            group = groups[row.subject_key] = ReminderGroup(
                row.subject_key, row.title, GROUP_LABELS.get(row.kind, "Reminder"), row.link)
        group.rows.append(row)
    return list(groups.values())


def describe_reminder(kind: str, offset: int) -> str:
    """One reminder in its group: '1 day before', 'Overdue: 1 day after', 'Weekly digest'."""
    if kind in (DIGEST, TEAM_DIGEST):
        return "Weekly digest"
    if kind == TEAM_AT_RISK:
        return "When it becomes at risk"
    if kind == APPRENTICE:
        return "Check-in"
    lead = describe_lead(offset)
    return f"Overdue: {lead.lower()}" if kind == MILESTONE_OVERDUE else lead


def dated(day: dt.date, today: dt.date) -> str:
    """A date as emails show it: with its year only when that is not this year."""
    return short_weekday_date_year(day, today)
