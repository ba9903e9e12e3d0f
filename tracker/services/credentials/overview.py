"""Where a user stands with each certifying body: cycles, tallies, history (part of :mod:`.credentials`)."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import Date, Integer, bindparam, cast, literal_column, select, union_all

from ...domain import cycles
from ...domain.cycles import BodyRules, Setup, Standing
from ...extensions import db
from ...models import CeuActivity, Credential, CycleSubmission, RenewalSetup, User, ceu_credentials
from ..catalog import current_catalog
from ..errors import NotFound
from .reading import OTHER, _setup, bodies, body_key, other_rules
from ..transaction import read



def _activity(row: ActivityRow, body: str, links: list[tuple[str, str]]) -> cycles.Activity:
    """An activity as ``body`` sees it: the codes of that body it is linked to (``links``: (body,
    code) pairs) and that body's approval (the second reference for the second body)."""
    codes = tuple(code for linked_body, code in links if linked_body == body)
    if not codes and body == row.body and row.applies_to:
        codes = (row.applies_to,)
    return cycles.Activity(
        id=row.id,
        completed_on=row.completed_on,
        ceus=row.ceus,
        title=row.title,
        reference=row.reference if body == row.body else row.second_reference,
        applies_to=codes,
        next_cycle=row.next_cycle,
    )


# -- the overview ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ActivityRow:
    """What an overview knows of a stored CEU activity: the columns of :data:`ACTIVITY_COLUMNS`
    (no certificate bytes, no relationships)."""

    id: int
    user_id: int
    body: str
    completed_on: dt.date
    title: str
    provider: str
    reference: str
    second_reference: str
    ceus: Decimal
    applies_to: str
    next_cycle: bool
    certificate_file: str | None


ACTIVITY_COLUMNS = (
    CeuActivity.id, CeuActivity.user_id, CeuActivity.body, CeuActivity.completed_on, CeuActivity.title,
    CeuActivity.provider, CeuActivity.reference, CeuActivity.second_reference, CeuActivity.ceus,
    CeuActivity.applies_to, CeuActivity.next_cycle, CeuActivity.certificate_file,
)


@dataclass
class BodyOverview:
    """One certifying body as the user stands with it on a date."""

    rules: BodyRules
    credentials: list[Credential]
    setup_row: SetupRow | None  # None for a credential outside the catalogue
    setup: Setup
    activities: list[ActivityRow]
    current: Standing
    overdue: Standing | None  # the previous cycle, while it is overdue / inactive / lapsed
    history: list[Standing]  # every cycle, newest first (current included)
    apprentices: list[tuple[Credential, cycles.ApprenticeStatus]]
    submissions: dict[dt.date, dt.date]
    tracked_since: dt.date  # cycles that ended before the user added the body to Rungs are not judged
    today: dt.date

    @functools.cached_property
    def duties(self) -> list[cycles.DutyDate]:
        """Dues and fees from today to two years on: worked out when a page shows them (the body's
        page, the agenda), not for the overview and the dashboard."""
        return cycles.duties_between(self.rules, self.setup, self.today, self.today + relativedelta(years=2))

    def requirement_is_estimate(self, standing: Standing) -> bool:
        """True when the cycle's requirement is Rungs' estimate of a pro-rated first cycle."""
        return cycles.requirement_is_estimate(self.rules, self.setup, standing.tally.cycle)

    @functools.cached_property
    def activity_by_id(self) -> dict[int, ActivityRow]:
        """The body's activities by id (a page looks each counted one up)."""
        return {a.id: a for a in self.activities}

    @property
    def attention(self) -> Standing:
        """The cycle that needs the user most: an unfinished past one, else the current one."""
        return self.overdue or self.current


def _body_overview(
    rules: BodyRules, credentials: list[Credential], row: SetupRow | None, activities: list[ActivityRow],
    submissions: dict[dt.date, dt.date], today: dt.date, links: dict[int, list[tuple[str, str]]] | None = None,
    sums: tuple[Setup, list[cycles.Cycle], list[cycles.Sum]] | None = None,
) -> BodyOverview:
    if sums is not None:
        # Totals the database summed for the current and previous cycle (see summary.py), with
        # the setup and the two cycles they were summed for.
        setup, newest_first, summed = sums
        tallies = cycles.tallies_from_sums(rules, setup, newest_first, summed)
    else:
        setup = _setup(credentials, row)
        newest_first = cycles.cycles_through(rules, setup, max(today, setup.earned_on))[::-1]
        links = links or {}
        items = [_activity(a, rules.id, links.get(a.id, [])) for a in activities]
        # Every cycle's tally from one pass over the activities (not one pass per cycle).
        tallies = cycles.tallies(rules, setup, items, newest_first, cycles.cycles_of_activities(rules, setup, items))
    history = [cycles.standing(rules, tally, today, submissions.get(tally.cycle.end)) for tally in tallies]
    current, overdue = history[0], None
    # A past cycle is judged only if Rungs knew of it before it ended: a credential added today
    # does not show its earlier cycles as lapsed.
    tracked_since = min(c.created_at for c in credentials).date()
    if len(history) > 1:
        previous = history[1]
        if previous.status in (cycles.OVERDUE, cycles.INACTIVE, cycles.LAPSED) and previous.tally.cycle.end >= tracked_since:
            overdue = previous
    apprentices = []
    if rules.apprentice:
        for credential in credentials:
            if credential.code in rules.apprentice.designations:
                apprentices.append((credential, cycles.apprentice_status(
                    rules.apprentice,
                    credential.experience_months,
                    credential.course_done_on is not None,
                    credential.practicode_done_on is not None,
                )))
    return BodyOverview(
        rules=rules,
        credentials=credentials,
        setup_row=row,
        setup=setup,
        activities=activities,
        current=current,
        overdue=overdue,
        history=history,
        apprentices=apprentices,
        submissions=submissions,
        tracked_since=tracked_since,
        today=today,
    )


@dataclass(frozen=True)
class HeldBody:
    """A certifying body (or one "other" credential) a user holds credentials of."""

    user_id: int
    key: str  # the body's id, or "other-<credential id>"
    rules: BodyRules
    credentials: list[Credential]
    row: SetupRow | None


# Built once: the credential pages and the dashboard run them on every uncached view.
_IDS = bindparam("ids", expanding=True)
_CREDENTIALS_OF = select(Credential).where(Credential.user_id.in_(_IDS)).order_by(
    Credential.user_id, Credential.body, Credential.earned_on, Credential.code)
_CREDENTIALS_OF_ONE = select(Credential).where(Credential.user_id == bindparam("id")).order_by(
    Credential.body, Credential.earned_on, Credential.code)
_SETUP, _SUBMISSION = RenewalSetup.__table__, CycleSubmission.__table__


def _settings_of(setup_users, submission_users):
    """Each body's cycle settings and each cycle's submission, in one statement (kind 0 and 1), as
    rows: only a few values of each are read."""
    return union_all(
        select(literal_column("0").label("kind"), _SETUP.c.user_id, _SETUP.c.body, _SETUP.c.renewal_month,
               _SETUP.c.cycle_end, _SETUP.c.first_cycle_hundredths, cast(None, Date).label("submitted_on"))
        .where(setup_users),
        select(literal_column("1"), _SUBMISSION.c.user_id, _SUBMISSION.c.body, cast(None, Integer),
               _SUBMISSION.c.cycle_end, cast(None, Integer), _SUBMISSION.c.submitted_on)
        .where(submission_users),
    )


_SETTINGS_OF = _settings_of(_SETUP.c.user_id.in_(_IDS), _SUBMISSION.c.user_id.in_(_IDS))
# One user's (every page but the reminder sweeps): an expanding IN costs a rewrite of the
# statement at each run.
_SETTINGS_OF_ONE = _settings_of(_SETUP.c.user_id == bindparam("id"), _SUBMISSION.c.user_id == bindparam("id"))


@dataclass(frozen=True, slots=True)
class SetupRow:
    """A body's stored cycle settings (:class:`RenewalSetup`) as the overviews read them."""

    renewal_month: int | None
    cycle_end: dt.date | None
    first_cycle_ceus: Decimal | None


def held_bodies(ids: list[int], only: str | None = None, credentials: dict[int, list[Credential]] | None = None) -> tuple[list[HeldBody], dict[tuple[int, str], dict[dt.date, dt.date]]]:
    """The bodies the users hold credentials of, in the catalogue's order then the "other"
    credentials (only ``only`` when given), with each one's cycle submissions (cycle end: day
    submitted). Two queries whatever the amount of data (one when nobody holds a credential or
    when ``credentials``, each user's in :func:`.reading.list_credentials` order, is given)."""
    if credentials is None:
        credentials = {}
        loaded = (db.session.execute(_CREDENTIALS_OF_ONE, {"id": ids[0]}) if len(ids) == 1
                  else db.session.execute(_CREDENTIALS_OF, {"ids": ids}))
        for credential in loaded.scalars():
            credentials.setdefault(credential.user_id, []).append(credential)
    credentials = {user_id: held for user_id, held in credentials.items() if held}
    if not credentials:
        return [], {}
    ids = list(credentials)
    setups: dict[int, dict[str, SetupRow]] = {}
    submissions: dict[tuple[int, str], dict[dt.date, dt.date]] = {}
    settings = read(_SETTINGS_OF_ONE, {"id": ids[0]}) if len(ids) == 1 else read(_SETTINGS_OF, {"ids": ids})
    for kind, user_id, body, month, cycle_end, first_ceus, submitted_on in settings:
        if kind == 0:
            setups.setdefault(user_id, {})[body] = SetupRow(month, cycle_end, first_ceus)
        else:
            submissions.setdefault((user_id, body), {})[cycle_end] = submitted_on
    found = []
    known = bodies()
    for user_id, held_all in credentials.items():
        for body_id, rules in known.items():
            held = [c for c in held_all if c.body == body_id]
            if held and body_id in setups.get(user_id, {}) and only in (None, body_id):
                found.append(HeldBody(user_id, body_id, rules, held, setups[user_id][body_id]))
        for credential in held_all:
            if credential.body == OTHER and credential.other_cycle_end and only in (None, body_key(credential)):
                found.append(HeldBody(user_id, body_key(credential), other_rules(credential), [credential], None))
    return found, submissions


def renewal_overview(user: User, today: dt.date) -> list[BodyOverview]:
    """Every certifying body the user holds a credential of, with its cycles on ``today``.

    Four queries whatever the amount of data: credentials, cycle settings with submissions, CEU links,
    activities. Pages that show only the current (and an unfinished previous) cycle use
    :func:`.summary.renewal_summary`, which has the database sum the CEUs instead.
    """
    return renewal_overviews({user.id: today})[user.id]


def renewal_overviews(days: dict[int, dt.date], only: str | None = None) -> dict[int, list[BodyOverview]]:
    """:func:`renewal_overview` for many users at once (user id: that user's ``today``), in the
    same four queries (one when none of them holds a credential). ``only``: the overview of that
    body (or "other-<id>" credential) alone, the others not tallied."""
    found: dict[int, list[BodyOverview]] = {user_id: [] for user_id in days}
    held, submissions = held_bodies(list(days), only)
    if not held:
        return found
    ids = list(dict.fromkeys(h.user_id for h in held))
    # Which credentials each CEU counts toward: one activity may count for a second body too.
    links: dict[int, list[tuple[str, str]]] = {}
    for activity_id, body, code, credential_id in db.session.execute(
        select(ceu_credentials.c.activity_id, Credential.body, Credential.code, Credential.id)
        .join(Credential, Credential.id == ceu_credentials.c.credential_id)
        .where(Credential.user_id.in_(ids))
    ):
        links.setdefault(activity_id, []).append((f"{OTHER}-{credential_id}" if body == OTHER else body, code))
    # Only the columns the tallies and pages read, as plain rows: building an ORM object per CEU
    # was most of an uncached dashboard's time with 200 CEUs.
    activities: dict[tuple[int, str], list[ActivityRow]] = {}
    for values in db.session.execute(
        select(*ACTIVITY_COLUMNS).where(CeuActivity.user_id.in_(ids))
        .order_by(CeuActivity.user_id, CeuActivity.completed_on.desc(), CeuActivity.id.desc())
    ):
        activity = ActivityRow(*values)
        for body in dict.fromkeys([activity.body] + [b for b, _code in links.get(activity.id, [])]):
            activities.setdefault((activity.user_id, body), []).append(activity)
    for h in held:
        found[h.user_id].append(_body_overview(
            h.rules, h.credentials, h.row, activities.get((h.user_id, h.key), []),
            submissions.get((h.user_id, h.key), {}), days[h.user_id], links,
        ))
    return found


def body_overview(user: User, body: str, today: dt.date) -> BodyOverview:
    """One body's overview; NotFound when the user holds none of its credentials."""
    for overview in renewal_overviews({user.id: today}, only=body)[user.id]:
        if overview.rules.id == body:
            return overview
    raise NotFound(f"no {body} credential")


def find_cycle(overview: BodyOverview, cycle_end: dt.date | None) -> Standing:
    """A cycle of the overview by its end date (the current one when None)."""
    if cycle_end is None:
        return overview.current
    for standing in overview.history:
        if standing.tally.cycle.end == cycle_end:
            return standing
    raise NotFound(f"cycle ending {cycle_end}")


# The same few spans (today to a year on...) asked for on every view of the overview and the
# dashboard: each worked out once a day per catalogue.
_CODE_SET_DATES: dict[tuple[int, dt.date, dt.date], tuple[object, tuple[cycles.CalendarDate, ...]]] = {}


def code_set_dates_between(start: dt.date, end: dt.date) -> list[cycles.CalendarDate]:
    """Code-set updates (ICD-10, CPT, HCPCS) taking effect from ``start`` to ``end``."""
    catalog = current_catalog()
    known = _CODE_SET_DATES.get((id(catalog), start, end))
    if known is not None and known[0] is catalog:
        return list(known[1])
    found = []
    for calendar in catalog.calendars.values():
        found.extend(cycles.code_set_dates(calendar, start, end))
    found.sort(key=lambda d: (d.on, d.event.title))
    if len(_CODE_SET_DATES) >= 64:
        _CODE_SET_DATES.clear()
    _CODE_SET_DATES[(id(catalog), start, end)] = (catalog, tuple(found))
    return found
