"""Credentials, renewal cycles and CEU activities, for one user.

Loads what the user stored, hands it to :mod:`tracker.domain.cycles` with the certifying bodies'
rules from plans/, and writes back. Raises :class:`Invalid` (field, message) for bad input and
:class:`NotFound` for ids that are not the user's.

Public functions other features rely on: :func:`held_codes`, :func:`renewal_overview`,
:func:`code_set_dates_between`. Certificate files live in :mod:`.certificates`, submissions in
:mod:`.submissions`, the CSV/ZIP audit export in :mod:`.cycle_exports`.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from ..domain.dates import long_date
from ..domain import cycles
from ..domain.cycles import BodyRules, Setup, Standing
from ..extensions import db
from ..models import CeuActivity, Credential, CycleSubmission, RenewalSetup, User, ceu_credentials
from .catalog import current_catalog
from . import certificates, versions
from .transaction import commit
from .errors import Invalid, NotFound

EARLIEST_DATE = dt.date(1970, 1, 1)
OTHER = "other"  # the body of a credential the catalogue lacks
MAX_CEUS = Decimal("100")
# -- reading ----------------------------------------------------------------------------------

def bodies() -> dict[str, BodyRules]:
    """The certifying bodies' rules, from plans/ (kind = "credentials")."""
    return dict(current_catalog().bodies)


def list_credentials(user: User) -> list[Credential]:
    """The user's credentials, by body then date earned."""
    return list(db.session.execute(
        select(Credential).where(Credential.user_id == user.id).order_by(Credential.body, Credential.earned_on, Credential.code)
    ).scalars())


def held_codes(user: User) -> list[str]:
    """The codes of the credentials the user holds (CPC, CRC, RHIT...), oldest first; one replaced
    by another (RHIT by RHIA) is no longer held."""
    return list(db.session.execute(
        select(Credential.code).where(Credential.user_id == user.id, Credential.replaced_on.is_(None))
        .order_by(Credential.earned_on, Credential.code)
    ).scalars())


def get_credential(user: User, credential_id: int) -> Credential:
    credential = db.session.execute(
        select(Credential).where(Credential.id == credential_id, Credential.user_id == user.id)
    ).scalar_one_or_none()
    if credential is None:
        raise NotFound(f"credential {credential_id}")
    return credential


def get_activity(user: User, activity_id: int) -> CeuActivity:
    activity = db.session.execute(
        select(CeuActivity).where(CeuActivity.id == activity_id, CeuActivity.user_id == user.id)
    ).scalar_one_or_none()
    if activity is None:
        raise NotFound(f"CEU activity {activity_id}")
    return activity


def list_activities(user: User, body: str | None = None) -> list[CeuActivity]:
    """The user's CEU activities, newest first (of one body when given)."""
    query = select(CeuActivity).where(CeuActivity.user_id == user.id).options(selectinload(CeuActivity.credentials))
    if body:
        query = query.where(CeuActivity.body == body)
    return list(db.session.execute(query.order_by(CeuActivity.completed_on.desc(), CeuActivity.id.desc())).scalars())


def get_setup(user: User, body: str) -> RenewalSetup | None:
    return db.session.execute(
        select(RenewalSetup).where(RenewalSetup.user_id == user.id, RenewalSetup.body == body)
    ).scalar_one_or_none()


def rules_for(body: str) -> BodyRules:
    try:
        return current_catalog().bodies[body]
    except KeyError:
        raise NotFound(f"certifying body {body}") from None


def body_key(credential: Credential) -> str:
    """The id of the cycle a credential belongs to: its body (aapc, ahima), or its own for a
    credential outside the catalogue ("other-12")."""
    return f"{OTHER}-{credential.id}" if credential.body == OTHER else credential.body


def other_rules(credential: Credential) -> BodyRules:
    """The rules of a credential outside the catalogue, from what the user entered."""
    return cycles.other_body_rules(
        current_catalog().other_rules, body_key(credential), credential.other_body or "Other", credential.code,
        credential.name or credential.code, int(credential.other_ceus or 0),
        credential.other_cycle_years or 2,
    )


def _body_of_key(user: User, key: str, held: list[Credential] | None = None) -> tuple[BodyRules, list[Credential], Setup]:
    """A cycle id's rules, credentials and setup: a catalogue body, or one "other" credential."""
    held = list_credentials(user) if held is None else held
    if key.startswith(f"{OTHER}-"):
        credential = next((c for c in held if body_key(c) == key), None)
        if credential is None:
            raise NotFound(f"certifying body {key}")
        return other_rules(credential), [credential], _setup([credential], None)
    rules = rules_for(key)
    credentials = [c for c in held if c.body == key]
    return rules, credentials, _setup(credentials, get_setup(user, key))


def _setup(credentials: list[Credential], row: RenewalSetup | None) -> Setup:
    other = credentials[0] if len(credentials) == 1 and credentials[0].body == OTHER else None
    return Setup(
        credentials=tuple(cycles.HeldCredential(c.code, c.earned_on, c.replaced_on) for c in credentials),
        renewal_month=row.renewal_month if row else None,
        cycle_end=other.other_cycle_end if other else (row.cycle_end if row else None),
        first_cycle_ceus=row.first_cycle_ceus if row else None,
    )


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
    setup_row: RenewalSetup | None  # None for a credential outside the catalogue
    setup: Setup
    activities: list[ActivityRow]
    current: Standing
    overdue: Standing | None  # the previous cycle, while it is overdue / inactive / lapsed
    history: list[Standing]  # every cycle, newest first (current included)
    duties: list[cycles.DutyDate]
    apprentices: list[tuple[Credential, cycles.ApprenticeStatus]]
    submissions: dict[dt.date, dt.date]
    tracked_since: dt.date  # cycles that ended before the user added the body to Rungs are not judged

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
    rules: BodyRules, credentials: list[Credential], row: RenewalSetup, activities: list[ActivityRow],
    submissions: dict[dt.date, dt.date], today: dt.date, links: dict[int, list[tuple[str, str]]] | None = None,
) -> BodyOverview:
    setup = _setup(credentials, row)
    links = links or {}
    items = [_activity(a, rules.id, links.get(a.id, [])) for a in activities]
    history = []
    cycles_of = cycles.cycles_of_activities(rules, setup, items)
    # Every cycle's tally from one pass over the activities (not one pass per cycle).
    newest_first = cycles.cycles_through(rules, setup, max(today, setup.earned_on))[::-1]
    for tally in cycles.tallies(rules, setup, items, newest_first, cycles_of):
        history.append(cycles.standing(rules, tally, today, submissions.get(tally.cycle.end)))
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
        duties=cycles.duties_between(rules, setup, today, today + relativedelta(years=2)),
        apprentices=apprentices,
        submissions=submissions,
        tracked_since=tracked_since,
    )


def renewal_overview(user: User, today: dt.date) -> list[BodyOverview]:
    """Every certifying body the user holds a credential of, with its cycles on ``today``.

    Five queries whatever the amount of data: credentials, setups, CEU links, activities,
    submissions.
    """
    return renewal_overviews({user.id: today})[user.id]


def renewal_overviews(days: dict[int, dt.date], only: str | None = None) -> dict[int, list[BodyOverview]]:
    """:func:`renewal_overview` for many users at once (user id: that user's ``today``), in the
    same five queries (one when none of them holds a credential). ``only``: the overview of that
    body (or "other-<id>" credential) alone, the others not tallied."""
    ids = list(days)
    found: dict[int, list[BodyOverview]] = {user_id: [] for user_id in ids}
    credentials: dict[int, list[Credential]] = {}
    for credential in db.session.execute(
        select(Credential).where(Credential.user_id.in_(ids))
        .order_by(Credential.user_id, Credential.body, Credential.earned_on, Credential.code)
    ).scalars():
        credentials.setdefault(credential.user_id, []).append(credential)
    if not credentials:
        return found
    ids = list(credentials)
    setups: dict[int, dict[str, RenewalSetup]] = {}
    for row in db.session.execute(select(RenewalSetup).where(RenewalSetup.user_id.in_(ids))).scalars():
        setups.setdefault(row.user_id, {})[row.body] = row
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
    submissions: dict[tuple[int, str], dict[dt.date, dt.date]] = {}
    for sub in db.session.execute(select(CycleSubmission).where(CycleSubmission.user_id.in_(ids))).scalars():
        submissions.setdefault((sub.user_id, sub.body), {})[sub.cycle_end] = sub.submitted_on
    known = bodies()
    for user_id, held_all in credentials.items():
        for body_id, rules in known.items():
            held = [c for c in held_all if c.body == body_id]
            if held and body_id in setups.get(user_id, {}) and only in (None, body_id):
                found[user_id].append(_body_overview(
                    rules, held, setups[user_id][body_id], activities.get((user_id, body_id), []),
                    submissions.get((user_id, body_id), {}), days[user_id], links,
                ))
        for credential in held_all:
            if credential.body == OTHER and credential.other_cycle_end and only in (None, body_key(credential)):
                key = body_key(credential)
                found[user_id].append(_body_overview(
                    other_rules(credential), [credential], None, activities.get((user_id, key), []),
                    submissions.get((user_id, key), {}), days[user_id], links,
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


def code_set_dates_between(start: dt.date, end: dt.date) -> list[cycles.CalendarDate]:
    """Code-set updates (ICD-10, CPT, HCPCS) taking effect from ``start`` to ``end``."""
    found = []
    for calendar in current_catalog().calendars.values():
        found.extend(cycles.code_set_dates(calendar, start, end))
    return sorted(found, key=lambda d: (d.on, d.event.title))


# -- credentials ----------------------------------------------------------------------------------

def check_earned_on(earned_on: dt.date | None, today: dt.date) -> dt.date:
    if earned_on is None:
        raise Invalid("earned_on", "Enter the date you earned this credential.")
    if earned_on > today:
        raise Invalid("earned_on", "The date earned is in the future: add a credential once you hold it.")
    if earned_on < EARLIEST_DATE:
        raise Invalid("earned_on", f"Enter a date from {EARLIEST_DATE:%Y} on.")
    return earned_on


def parse_ceus(value, field: str, *, allow_zero: bool = False) -> Decimal:
    try:
        ceus = Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        raise Invalid(field, "Enter CEUs as a number, like 1, 0.5 or 1.25.") from None
    if not ceus.is_finite():
        raise Invalid(field, "Enter CEUs as a number, like 1, 0.5 or 1.25.")
    if ceus < 0 or (ceus == 0 and not allow_zero):
        raise Invalid(field, "CEUs must be more than 0." if not allow_zero else "CEUs cannot be negative.")
    if ceus > MAX_CEUS:
        raise Invalid(field, f"That is more than {MAX_CEUS} CEUs: check the number.")
    if ceus != ceus.quantize(Decimal("0.01")):
        raise Invalid(field, "Use at most two decimals (like 1.25).")
    return ceus


def apply_setup(
    rules: BodyRules, row: RenewalSetup, *, renewal_month: int | None, cycle_end: dt.date | None,
    first_cycle_ceus: Decimal | None, earned_on: dt.date, today: dt.date, keep_first_cycle: bool = False,
) -> None:
    """Set how a body's cycles run on ``row``; ``keep_first_cycle`` leaves an entered first-cycle
    figure alone when none is given (adding a second credential must not forget it)."""
    if rules.cycle == cycles.RENEWAL_MONTH:
        if renewal_month is None:
            if row.renewal_month is None:
                raise Invalid("renewal_month", f"Choose your {rules.name} membership renewal month.")
        elif not 1 <= renewal_month <= 12:
            raise Invalid("renewal_month", "Choose a month from January to December.")
        else:
            row.renewal_month = renewal_month
        if first_cycle_ceus is not None:
            row.first_cycle_ceus = parse_ceus(first_cycle_ceus, "first_cycle_ceus", allow_zero=True)
        elif not keep_first_cycle:
            row.first_cycle_ceus = None
    else:
        if cycle_end is None:
            cycle_end = row.cycle_end or cycles.proposed_cycle_end(rules, earned_on)
        if cycle_end < earned_on:
            raise Invalid("cycle_end", "The cycle end is before the date you earned the credential.")
        if cycle_end > today + relativedelta(years=rules.cycle_years, days=1) and cycle_end > earned_on + relativedelta(years=rules.cycle_years, days=1):
            raise Invalid("cycle_end", f"A cycle lasts {rules.cycle_years} years: enter the end date your {rules.name} account shows for the current cycle.")
        row.cycle_end = cycle_end


@dataclass(frozen=True)
class OtherCredential:
    """What the user tells Rungs about a credential its catalogue lacks."""

    body: str  # the certifying body's name, e.g. "ACDIS"
    name: str  # the credential's full name
    ceus: object  # CEUs per cycle
    cycle_years: int | None


def check_other(code: str, other: OtherCredential, earned_on: dt.date, cycle_end: dt.date | None, today: dt.date) -> dict:
    """The columns of a valid credential outside the catalogue, or Invalid naming the field.

    Without ``cycle_end`` the first cycle ends a cycle length after the day earned, less a day
    (as Rungs proposes for AHIMA); the user corrects it from what the body shows.
    """
    if not re.fullmatch(r"[A-Z][A-Z0-9-]{0,11}", code):
        raise Invalid("code", "Enter the credential's letters (up to 12, like CCDS).")
    body = (other.body or "").strip()
    if not body or len(body) > 60:
        raise Invalid("other_body", "Enter the certifying body's name (up to 60 characters).")
    name = (other.name or "").strip()
    if not name or len(name) > 120:
        raise Invalid("name", "Enter the credential's full name (up to 120 characters).")
    ceus = parse_ceus(other.ceus, "other_ceus")
    if ceus != ceus.to_integral_value():
        raise Invalid("other_ceus", "Enter whole CEUs per cycle, as the body states them.")
    years = other.cycle_years
    if years is None or not 1 <= years <= 10:
        raise Invalid("other_cycle_years", "Enter the cycle length: 1 to 10 years.")
    end = cycle_end or (earned_on - dt.timedelta(days=1)) + relativedelta(years=years)
    if end <= earned_on:
        raise Invalid("cycle_end", "The cycle end is not after the date you earned the credential.")
    if end > today + relativedelta(years=years, days=1) and end > earned_on + relativedelta(years=years, days=1):
        raise Invalid("cycle_end", f"A cycle lasts {years} years: enter the end date your body shows for the current cycle.")
    return dict(other_body=body, name=name, other_ceus=ceus, other_cycle_years=years, other_cycle_end=end)


def add_credential(
    user: User, code: str, earned_on: dt.date | None, today: dt.date, *,
    renewal_month: int | None = None, cycle_end: dt.date | None = None, first_cycle_ceus: Decimal | None = None,
    other: OtherCredential | None = None, source: str = "manual",
) -> Credential:
    """Add a credential the user holds; the first of a body also sets how its cycles run.

    A code the catalogue lacks is added with ``other`` (its body, name, CEUs per cycle, cycle
    length; ``cycle_end`` is its current cycle end), never refused for being unknown. ``source``
    records what added it ("manual", "exam", "onboarding", "import": up to 20 characters), so
    that undoing what added it can offer to remove it. Adding one that replaces another (RHIA
    over RHIT) retires the other on the day earned.
    """
    if not source or len(source) > 20:
        raise ValueError("source: a short word saying what added the credential")
    code = (code or "").strip().upper()
    rules = current_catalog().body_of(code)
    earned_on = check_earned_on(earned_on, today) if rules is not None or other is not None else earned_on
    if rules is None and other is None:
        raise Invalid("code", (
            f"{code or 'That'} is not in Rungs' list: add it as another credential, with its certifying body, "
            "its CEUs per cycle and the cycle length."
        ))
    if db.session.execute(select(Credential.id).where(Credential.user_id == user.id, Credential.code == code)).first():
        raise Invalid("code", f"You already hold {code}: edit it instead.")
    if rules is None:
        credential = Credential(
            user_id=user.id, body=OTHER, code=code, earned_on=earned_on, experience_months=0, source=source,
            **check_other(code, other, earned_on, cycle_end, today),
        )
        db.session.add(credential)
        commit()
        return credential
    row = get_setup(user, rules.id) or RenewalSetup(user_id=user.id, body=rules.id)
    apply_setup(rules, row, renewal_month=renewal_month, cycle_end=cycle_end,
                 first_cycle_ceus=first_cycle_ceus, earned_on=earned_on, today=today, keep_first_cycle=True)
    credential = Credential(user_id=user.id, body=rules.id, code=code, earned_on=earned_on, experience_months=0, source=source)
    db.session.add_all([row, credential])
    _retire_replaced(user, rules, credential)
    commit()
    return credential


def _retire_replaced(user: User, rules: BodyRules, credential: Credential) -> None:
    """Retire what ``credential`` replaces (RHIA replaces RHIT) on the day it was earned."""
    replaces = rules.credentials[credential.code].replaces
    if not replaces:
        return
    for old in db.session.execute(select(Credential).where(
        Credential.user_id == user.id, Credential.code.in_(replaces),
        (Credential.replaced_by.is_(None)) | (Credential.replaced_by == credential.code),
    )).scalars():
        old.replaced_by = credential.code
        old.replaced_on = max(credential.earned_on, old.earned_on)


def update_credential(credential: Credential, earned_on: dt.date | None, today: dt.date) -> None:
    """Correct the day a credential was earned (what it replaced is retired from the new day)."""
    credential.earned_on = check_earned_on(earned_on, today)
    rules = current_catalog().body_of(credential.code)
    if rules is not None:
        _retire_replaced(db.session.get(User, credential.user_id), rules, credential)
    commit()


@dataclass(frozen=True)
class Change:
    """What a credential can become or replace, and whether the body publishes that rule."""

    code: str  # the credential it becomes (CPC for CPC-A) or that replaces it
    assumption: str  # "" where the body publishes the rule
    confidence: str
    source: str


def conversion_of(credential: Credential) -> Change | None:
    """The full credential an apprentice designation becomes (CPC-A → CPC), or None."""
    rules = current_catalog().body_of(credential.code) if credential.body != OTHER else None
    rule = rules.credentials.get(credential.code) if rules else None
    if rule is None or not rule.becomes:
        return None
    return Change(rule.becomes, rule.change_assumption, rule.change_confidence, rule.change_source)


def replacement_of(credential: Credential) -> Change | None:
    """Why a retired credential is no longer counted (RHIT replaced by RHIA), or None."""
    if not credential.replaced_by:
        return None
    rules = current_catalog().body_of(credential.replaced_by)
    rule = rules.credentials.get(credential.replaced_by) if rules else None
    if rule is None:
        return Change(credential.replaced_by, "", "high", "")
    return Change(rule.code, rule.change_assumption, rule.change_confidence, rule.change_source)


def convert_credential(credential: Credential, new_code: str, on: dt.date | None, today: dt.date) -> Credential:
    """Turn an apprentice designation into the full credential (CPC-A → CPC) on ``on``.

    The same credential row: its earned date, CEUs, certificates and cycle stay; only the code
    changes (AAPC: the same credential, number and renewal). Invalid when the body's rules do not
    turn this code into ``new_code`` or the user already holds ``new_code``.
    """
    new_code = (new_code or "").strip().upper()
    change = conversion_of(credential)
    if change is None:
        raise Invalid("code", f"{credential.code} does not become another credential: add {new_code or 'the new one'} instead.")
    if new_code != change.code:
        raise Invalid("code", f"{credential.code} becomes {change.code}, not {new_code or 'nothing'}.")
    if db.session.execute(select(Credential.id).where(
        Credential.user_id == credential.user_id, Credential.code == new_code, Credential.id != credential.id,
    )).first():
        raise Invalid("code", f"You already hold {new_code}: delete one of the two first.")
    on = on or today
    if on > today:
        raise Invalid("converted_on", "That date is in the future.")
    if on < credential.earned_on:
        raise Invalid("converted_on", f"That is before you earned {credential.code} ({long_date(credential.earned_on)}).")
    db.session.execute(
        CeuActivity.__table__.update()
        .where(CeuActivity.user_id == credential.user_id, CeuActivity.applies_to == credential.code)
        .values(applies_to=new_code)
    )
    credential.converted_from, credential.converted_on = credential.code, on
    credential.code = new_code
    versions.changed(db.session, credential.user_id)
    commit()
    return credential


def update_setup(
    user: User, body: str, today: dt.date, *, renewal_month: int | None = None,
    cycle_end: dt.date | None = None, first_cycle_ceus: Decimal | None = None,
) -> None:
    """Change how a body's cycles run (renewal month; cycle end; first-cycle requirement)."""
    rules = rules_for(body)
    row = get_setup(user, body)
    if row is None:
        raise NotFound(f"no {body} credential")
    earliest = db.session.execute(
        select(func.min(Credential.earned_on)).where(Credential.user_id == user.id, Credential.body == body)
    ).scalar_one()
    apply_setup(rules, row, renewal_month=renewal_month, cycle_end=cycle_end,
                 first_cycle_ceus=first_cycle_ceus, earned_on=earliest, today=today)
    commit()


def check_apprentice(
    experience_months: int | None, course_done_on: dt.date | None, practicode_done_on: dt.date | None, today: dt.date,
) -> None:
    """Apprentice progress: months of experience within reason, no dates in the future."""
    if experience_months is None or not 0 <= experience_months <= 600:
        raise Invalid("experience_months", "Enter the months of verified coding experience (0 or more).")
    for field, day in (("course_done_on", course_done_on), ("practicode_done_on", practicode_done_on)):
        if day is not None and day > today:
            raise Invalid(field, "That date is in the future.")


def update_apprentice(
    credential: Credential, experience_months: int | None, course_done_on: dt.date | None,
    practicode_done_on: dt.date | None, today: dt.date,
) -> None:
    """Record progress toward removing the apprentice designation (CPC-A / COC-A)."""
    check_apprentice(experience_months, course_done_on, practicode_done_on, today)
    credential.experience_months = experience_months
    credential.course_done_on = course_done_on
    credential.practicode_done_on = practicode_done_on
    commit()


def undo_conversion(credential: Credential) -> Credential:
    """Put back the apprentice designation a conversion removed (a conversion made by mistake)."""
    if not credential.converted_from:
        raise Invalid("code", f"{credential.code} was not converted from another credential.")
    old = credential.converted_from
    if db.session.execute(select(Credential.id).where(
        Credential.user_id == credential.user_id, Credential.code == old, Credential.id != credential.id,
    )).first():
        raise Invalid("code", f"You hold {old} as another credential: delete it first.")
    db.session.execute(
        CeuActivity.__table__.update()
        .where(CeuActivity.user_id == credential.user_id, CeuActivity.applies_to == credential.code)
        .values(applies_to=old)
    )
    credential.code, credential.converted_from, credential.converted_on = old, None, None
    versions.changed(db.session, credential.user_id)
    commit()
    return credential


def delete_credential(user: User, credential: Credential) -> int:
    """Delete a credential. The last one of a body takes that body's CEU log, certificates and
    submissions with it (the confirmation page says so). Returns the activities removed."""
    others = 0 if credential.body == OTHER else db.session.execute(
        select(func.count()).select_from(Credential).where(
            Credential.user_id == user.id, Credential.body == credential.body, Credential.id != credential.id
        )
    ).scalar_one()
    key = body_key(credential)
    removed: list[CeuActivity] = []
    if not others:
        removed = []
        for activity in list_activities(user, key):
            elsewhere = [c for c in activity.credentials if body_key(c) != key]
            if elsewhere:
                # It counts toward the other body too: it stays there, with that body's approval.
                activity.body, activity.reference, activity.second_reference = body_key(elsewhere[0]), activity.second_reference, ""
                keeps_code = elsewhere[0].body != OTHER and rules_for(elsewhere[0].body).one_credential_per_activity
                activity.applies_to = elsewhere[0].code if keeps_code else ""
                activity.credentials = elsewhere
            else:
                removed.append(activity)
                db.session.delete(activity)
        versions.changed(db.session, user.id)
        db.session.execute(delete(CycleSubmission).where(CycleSubmission.user_id == user.id, CycleSubmission.body == key))
        db.session.execute(delete(RenewalSetup).where(RenewalSetup.user_id == user.id, RenewalSetup.body == key))
    else:
        db.session.execute(
            CeuActivity.__table__.update()
            .where(CeuActivity.user_id == user.id, CeuActivity.applies_to == credential.code)
            .values(applies_to="")
        )
    # Deleting RHIA (added by mistake) brings back the RHIT it had retired.
    for old in db.session.execute(select(Credential).where(
        Credential.user_id == user.id, Credential.replaced_by == credential.code,
    )).scalars():
        old.replaced_by = old.replaced_on = None
    files = [a.certificate_file for a in removed if a.certificate_file]
    db.session.delete(credential)
    commit()
    for name in files:
        certificates.stored_path(user, name).unlink(missing_ok=True)
    return len(removed)


# -- CEU activities -------------------------------------------------------------------------------

@dataclass
class ActivityInput:
    completed_on: dt.date | None
    title: str
    provider: str
    reference: str
    ceus: object
    # One or several of "aapc" (general), "aapc:CPMA" (subset), "ahima:RHIT": several credentials
    # of one body, or of two bodies when the activity carries both bodies' approvals.
    counts_toward: str | list[str] | tuple[str, ...]
    next_cycle: bool | None = None  # None: not answered
    second_reference: str = ""  # the second body's approval (AHIMA program id beside the AAPC index)


def counts_toward_choices(user: User, *, include_replaced: bool = False) -> list[tuple[str, str, str]]:
    """(value, label, body name) for the "counts toward" picker, from the credentials held (one
    replaced by another is offered only with ``include_replaced``: its past CEUs stay valid)."""
    choices = []
    credentials = [c for c in list_credentials(user) if include_replaced or c.replaced_on is None]
    for body_id, rules in bodies().items():
        held = [c for c in credentials if c.body == body_id]
        if not held:
            continue
        if not rules.one_credential_per_activity:
            choices.append((body_id, f"{rules.name}: all credentials (general CEUs)", rules.name))
        for credential in held:
            rule = rules.credentials[credential.code]
            if rules.one_credential_per_activity:
                label = f"{rules.name}: {credential.code}"
                if credential.replaced_by:
                    label += f" (replaced by {credential.replaced_by})"
                choices.append((f"{body_id}:{credential.code}", label, rules.name))
            elif rule.subset_ceus:
                choices.append((f"{body_id}:{credential.code}", f"{rules.name}: {credential.code} — {rule.subset_label} CEUs", rules.name))
    for credential in credentials:
        if credential.body == OTHER:
            name = credential.other_body or "Other"
            choices.append((body_key(credential), f"{name}: {credential.code}", name))
    return choices


def counts_toward_of(activity: CeuActivity) -> list[str]:
    """The "counts toward" values an activity was logged with (the reverse of the picker)."""
    linked = activity.credentials
    values = []
    for body in dict.fromkeys([activity.body] + [body_key(c) for c in linked]):
        rules = bodies().get(body)
        codes = sorted(c.code for c in linked if body_key(c) == body)
        if body == activity.body and not codes and activity.applies_to:
            codes = [activity.applies_to]
        picked = [
            f"{body}:{code}" for code in codes
            if rules and code in rules.credentials and (rules.one_credential_per_activity or rules.credentials[code].subset_ceus)
        ]
        values += picked or [body]
    return values


def _targets(value: str | list[str] | tuple[str, ...]) -> list[str]:
    values = [value] if isinstance(value, str) else list(value or [])
    return list(dict.fromkeys(v for v in values if v))


def checked_activity(user: User, data: ActivityInput, today: dt.date, *, allow_unassigned: bool = False) -> dict:
    """The columns of a valid activity (and ``credentials``, the rows it counts toward), or
    Invalid naming the field.

    An activity counts toward one or several credentials of a body, and toward two bodies only
    when it carries both approvals (``reference`` for the first body, ``second_reference`` for
    the other). ``allow_unassigned`` accepts a CEU of a body that assigns each CEU to one
    credential (AHIMA) with no credential: the state :func:`delete_credential` leaves such CEUs
    in, which an import of an export must be able to restore. The form always asks for one.
    """
    if data.completed_on is None:
        raise Invalid("completed_on", "Enter the date you completed the activity.")
    title = (data.title or "").strip()
    if not title:
        raise Invalid("title", "Enter the activity's title, as on its certificate.")
    if len(title) > 200:
        raise Invalid("title", "Keep the title to 200 characters.")
    provider = (data.provider or "").strip()
    if len(provider) > 200:
        raise Invalid("provider", "Keep the provider to 200 characters.")
    reference = (data.reference or "").strip()
    second_reference = (data.second_reference or "").strip()
    for field, value in (("reference", reference), ("second_reference", second_reference)):
        if len(value) > 60:
            raise Invalid(field, "Keep the index number or program id to 60 characters.")
    ceus = parse_ceus(data.ceus, "ceus")
    held = list_credentials(user)
    valid = {value for value, _label, _body in counts_toward_choices(user, include_replaced=True)}
    if allow_unassigned:
        valid |= {credential.body for credential in held}
    targets = _targets(data.counts_toward)
    if not targets or any(t not in valid for t in targets):
        raise Invalid("counts_toward", "Choose what this activity counts toward (add the credential first if it is missing).")
    by_body: dict[str, list[str]] = {}
    for target in targets:
        body, _, code = target.partition(":")
        by_body.setdefault(body, [])
        if code:
            by_body[body].append(code)
    if len(by_body) > 2:
        raise Invalid("counts_toward", "An activity counts toward two certifying bodies at most.")
    body = next(iter(by_body))
    found = {key: _body_of_key(user, key, held) for key in by_body}
    if len(by_body) == 2:
        first, second = (found[key][0] for key in by_body)
        if not reference:
            raise Invalid("reference", f"Enter the {first.reference_label}: an activity counts toward two bodies only with both approvals.")
        if not second_reference:
            raise Invalid("second_reference", (
                f"Enter the {second.reference_label} too: an activity counts toward both {first.name} "
                f"and {second.name} only when it carries both approvals."
            ))
    else:
        second_reference = ""
    next_cycle = False
    links: list[Credential] = []
    for index, (body_id, codes) in enumerate(by_body.items()):
        rules, credentials, setup = found[body_id]
        if rules.one_credential_per_activity and len(codes) > 1:
            raise Invalid("counts_toward", f"{rules.name} counts a CEU toward one credential only: choose one of {', '.join(codes)}.")
        problem = cycles.check_activity(rules, setup, data.completed_on, tuple(codes), today)
        if problem:
            raise Invalid("completed_on", problem)
        if cycles.in_renewal_month_overlap(rules, setup, data.completed_on):
            if data.next_cycle is None:
                cycle = cycles.cycle_containing(rules, setup, data.completed_on)
                raise Invalid("next_cycle", (
                    f"{data.completed_on:%B %Y} is your {rules.name} renewal month: CEUs from it may count "
                    f"toward the cycle ending {long_date(cycle.end)} or the next one. Choose which."
                ))
            next_cycle = bool(data.next_cycle)
        chosen = [c for c in credentials if c.code in codes]
        if not chosen and not rules.one_credential_per_activity:
            # General CEUs: linked to the credentials they count for as a whole (CPC, CRC...).
            chosen = [c for c in credentials if c.replaced_on is None and not rules.credentials[c.code].subset_ceus]
        if not chosen and index:
            chosen = credentials[:1]
        links += chosen
    return dict(
        body=body, completed_on=data.completed_on, title=title, provider=provider, reference=reference,
        second_reference=second_reference, ceus=ceus,
        applies_to=by_body[body][0] if by_body[body] else "", next_cycle=next_cycle, credentials=links,
    )


def in_overlap(user: User, counts_toward: str | list[str], day: dt.date | None) -> bool:
    """Whether the form should ask which cycle a CEU on ``day`` counts toward."""
    if day is None:
        return False
    for target in _targets(counts_toward):
        body = target.partition(":")[0]
        if body not in bodies():
            continue
        credentials = [c for c in list_credentials(user) if c.body == body]
        row = get_setup(user, body)
        if credentials and row is not None and cycles.in_renewal_month_overlap(rules_for(body), _setup(credentials, row), day):
            return True
    return False


def add_activity(
    user: User, data: ActivityInput, today: dt.date, certificate: tuple[str, BinaryIO] | None = None
) -> CeuActivity:
    """Log a CEU activity (and store its certificate): all of it, or nothing."""
    values = checked_activity(user, data, today)
    activity = CeuActivity(user_id=user.id, **values)
    stored = certificates.store_certificate(user, activity, certificate) if certificate else None
    try:
        db.session.add(activity)
        commit()
    except Exception:
        db.session.rollback()
        if stored:
            stored.unlink(missing_ok=True)
        raise
    return activity


def update_activity(
    user: User, activity: CeuActivity, data: ActivityInput, today: dt.date,
    certificate: tuple[str, BinaryIO] | None = None, remove_certificate: bool = False,
) -> None:
    """Change a CEU activity; a new certificate replaces the old one."""
    values = checked_activity(user, data, today)
    old_file = activity.certificate_file
    stored = None
    if certificate:
        stored = certificates.store_certificate(user, activity, certificate)
    elif remove_certificate:
        activity.certificate_name = activity.certificate_file = activity.certificate_type = None
        activity.certificate_size = None
    for key, value in values.items():
        setattr(activity, key, value)
    try:
        commit()
    except Exception:
        db.session.rollback()
        if stored:
            stored.unlink(missing_ok=True)
        raise
    if old_file and old_file != activity.certificate_file:
        certificates.stored_path(user, old_file).unlink(missing_ok=True)


def delete_activity(user: User, activity: CeuActivity) -> None:
    name = activity.certificate_file
    db.session.delete(activity)
    commit()
    if name:
        certificates.stored_path(user, name).unlink(missing_ok=True)
