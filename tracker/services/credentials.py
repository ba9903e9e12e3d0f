"""Credentials, renewal cycles, CEU activities and their certificates, for one user.

Loads what the user stored, hands it to :mod:`tracker.domain.cycles` with the certifying bodies'
rules from plans/, and writes back. Raises :class:`Invalid` (field, message) for bad input and
:class:`NotFound` for ids that are not the user's.

Public functions other features rely on: :func:`held_codes`, :func:`renewal_overview`,
:func:`code_set_dates_between`.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import delete, func, select

from ..domain import cycles
from ..domain.cycles import BodyRules, Setup, Standing
from ..extensions import db
from ..models import CeuActivity, Credential, CycleSubmission, RenewalSetup, User
from .catalog import current_catalog
from . import versions
from .transaction import commit
from .errors import Invalid, NotFound

EARLIEST_DATE = dt.date(1970, 1, 1)
MAX_CEUS = Decimal("100")
# What a certificate may be, told by its first bytes (never by its name).
CERTIFICATE_TYPES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
}


class TooLarge(Invalid):
    """A certificate over the size limit (the edge answers 413)."""


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
    """The codes of the credentials the user holds (CPC, CRC, RHIT...), oldest first."""
    return list(db.session.execute(
        select(Credential.code).where(Credential.user_id == user.id).order_by(Credential.earned_on, Credential.code)
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
    query = select(CeuActivity).where(CeuActivity.user_id == user.id)
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


def hundredths(ceus: Decimal) -> int:
    return int((Decimal(ceus) * 100).to_integral_value())


def from_hundredths(value: int | None) -> Decimal | None:
    return None if value is None else (Decimal(value) / 100).normalize()


def _setup(credentials: list[Credential], row: RenewalSetup | None) -> Setup:
    return Setup(
        credentials=tuple(cycles.HeldCredential(c.code, c.earned_on) for c in credentials),
        renewal_month=row.renewal_month if row else None,
        cycle_end=row.cycle_end if row else None,
        first_cycle_ceus=from_hundredths(row.first_cycle_hundredths) if row else None,
    )


def _activity(row: CeuActivity) -> cycles.Activity:
    return cycles.Activity(
        id=row.id,
        completed_on=row.completed_on,
        ceus=from_hundredths(row.ceus_hundredths),
        title=row.title,
        reference=row.reference,
        applies_to=row.applies_to,
        next_cycle=row.next_cycle,
    )


# -- the overview ---------------------------------------------------------------------------------

@dataclass
class BodyOverview:
    """One certifying body as the user stands with it on a date."""

    rules: BodyRules
    credentials: list[Credential]
    setup_row: RenewalSetup
    setup: Setup
    activities: list[CeuActivity]
    current: Standing
    overdue: Standing | None  # the previous cycle, while it is overdue / inactive / lapsed
    history: list[Standing]  # every cycle, newest first (current included)
    duties: list[cycles.DutyDate]
    apprentices: list[tuple[Credential, cycles.ApprenticeStatus]]
    submissions: dict[dt.date, dt.date]
    tracked_since: dt.date  # cycles that ended before the user added the body to Rungs are not judged

    @property
    def attention(self) -> Standing:
        """The cycle that needs the user most: an unfinished past one, else the current one."""
        return self.overdue or self.current


def _body_overview(
    rules: BodyRules, credentials: list[Credential], row: RenewalSetup, activities: list[CeuActivity],
    submissions: dict[dt.date, dt.date], today: dt.date,
) -> BodyOverview:
    setup = _setup(credentials, row)
    items = [_activity(a) for a in activities]
    history = []
    cycles_of = cycles.cycles_of_activities(rules, setup, items)
    for cycle in reversed(cycles.cycles_through(rules, setup, max(today, setup.earned_on))):
        tally = cycles.tally(rules, setup, items, cycle, cycles_of)
        history.append(cycles.standing(rules, tally, today, submissions.get(cycle.end)))
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

    Four queries whatever the amount of data: credentials, setups, activities, submissions.
    """
    return renewal_overviews({user.id: today})[user.id]


def renewal_overviews(days: dict[int, dt.date]) -> dict[int, list[BodyOverview]]:
    """:func:`renewal_overview` for many users at once (user id: that user's ``today``), in the
    same four queries (one when none of them holds a credential)."""
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
    activities: dict[tuple[int, str], list[CeuActivity]] = {}
    for activity in db.session.execute(
        select(CeuActivity).where(CeuActivity.user_id.in_(ids))
        .order_by(CeuActivity.user_id, CeuActivity.completed_on.desc(), CeuActivity.id.desc())
    ).scalars():
        activities.setdefault((activity.user_id, activity.body), []).append(activity)
    submissions: dict[tuple[int, str], dict[dt.date, dt.date]] = {}
    for sub in db.session.execute(select(CycleSubmission).where(CycleSubmission.user_id.in_(ids))).scalars():
        submissions.setdefault((sub.user_id, sub.body), {})[sub.cycle_end] = sub.submitted_on
    known = bodies()
    for user_id, held_all in credentials.items():
        for body_id, rules in known.items():
            held = [c for c in held_all if c.body == body_id]
            if held and body_id in setups.get(user_id, {}):
                found[user_id].append(_body_overview(
                    rules, held, setups[user_id][body_id], activities.get((user_id, body_id), []),
                    submissions.get((user_id, body_id), {}), days[user_id],
                ))
    return found


def body_overview(user: User, body: str, today: dt.date) -> BodyOverview:
    """One body's overview; NotFound when the user holds none of its credentials."""
    for overview in renewal_overview(user, today):
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
    first_cycle_ceus: Decimal | None, earned_on: dt.date, today: dt.date,
) -> None:
    if rules.cycle == cycles.RENEWAL_MONTH:
        if renewal_month is None:
            if row.renewal_month is None:
                raise Invalid("renewal_month", f"Choose your {rules.name} membership renewal month.")
        elif not 1 <= renewal_month <= 12:
            raise Invalid("renewal_month", "Choose a month from January to December.")
        else:
            row.renewal_month = renewal_month
        row.first_cycle_hundredths = (
            hundredths(parse_ceus(first_cycle_ceus, "first_cycle_ceus", allow_zero=True))
            if first_cycle_ceus is not None else None
        )
    else:
        if cycle_end is None:
            cycle_end = row.cycle_end or cycles.proposed_cycle_end(rules, earned_on)
        if cycle_end < earned_on:
            raise Invalid("cycle_end", "The cycle end is before the date you earned the credential.")
        if cycle_end > today + relativedelta(years=rules.cycle_years, days=1) and cycle_end > earned_on + relativedelta(years=rules.cycle_years, days=1):
            raise Invalid("cycle_end", f"A cycle lasts {rules.cycle_years} years: enter the end date your {rules.name} account shows for the current cycle.")
        row.cycle_end = cycle_end


def add_credential(
    user: User, code: str, earned_on: dt.date | None, today: dt.date, *,
    renewal_month: int | None = None, cycle_end: dt.date | None = None, first_cycle_ceus: Decimal | None = None,
) -> Credential:
    """Add a credential the user holds; the first of a body also sets how its cycles run."""
    code = (code or "").strip().upper()
    rules = current_catalog().body_of(code)
    if rules is None:
        raise Invalid("code", f"{code or 'That'} is not a credential Rungs knows: choose one from the list.")
    earned_on = check_earned_on(earned_on, today)
    if db.session.execute(select(Credential.id).where(Credential.user_id == user.id, Credential.code == code)).first():
        raise Invalid("code", f"You already hold {code}: edit it instead.")
    row = get_setup(user, rules.id) or RenewalSetup(user_id=user.id, body=rules.id)
    apply_setup(rules, row, renewal_month=renewal_month, cycle_end=cycle_end,
                 first_cycle_ceus=first_cycle_ceus, earned_on=earned_on, today=today)
    credential = Credential(user_id=user.id, body=rules.id, code=code, earned_on=earned_on, experience_months=0)
    db.session.add_all([row, credential])
    commit()
    return credential


def update_credential(credential: Credential, earned_on: dt.date | None, today: dt.date) -> None:
    credential.earned_on = check_earned_on(earned_on, today)
    commit()


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


def delete_credential(user: User, credential: Credential) -> int:
    """Delete a credential. The last one of a body takes that body's CEU log, certificates and
    submissions with it (the confirmation page says so). Returns the activities removed."""
    others = db.session.execute(
        select(func.count()).select_from(Credential).where(
            Credential.user_id == user.id, Credential.body == credential.body, Credential.id != credential.id
        )
    ).scalar_one()
    removed: list[CeuActivity] = []
    if not others:
        removed = list_activities(user, credential.body)
        for activity in removed:
            db.session.delete(activity)
        versions.changed(db.session, user.id)
        db.session.execute(delete(CycleSubmission).where(CycleSubmission.user_id == user.id, CycleSubmission.body == credential.body))
        db.session.execute(delete(RenewalSetup).where(RenewalSetup.user_id == user.id, RenewalSetup.body == credential.body))
    else:
        db.session.execute(
            CeuActivity.__table__.update()
            .where(CeuActivity.user_id == user.id, CeuActivity.applies_to == credential.code)
            .values(applies_to="")
        )
    files = [a.certificate_file for a in removed if a.certificate_file]
    db.session.delete(credential)
    commit()
    for name in files:
        _certificate_path(user, name).unlink(missing_ok=True)
    return len(removed)


# -- CEU activities -------------------------------------------------------------------------------

@dataclass
class ActivityInput:
    completed_on: dt.date | None
    title: str
    provider: str
    reference: str
    ceus: object
    counts_toward: str  # "aapc" (general), "aapc:CPMA" (subset), "ahima:RHIT"
    next_cycle: bool | None = None  # None: not answered


def counts_toward_choices(user: User) -> list[tuple[str, str, str]]:
    """(value, label, body name) for the "counts toward" picker, from the credentials held."""
    choices = []
    credentials = list_credentials(user)
    for body_id, rules in bodies().items():
        held = [c for c in credentials if c.body == body_id]
        if not held:
            continue
        if not rules.one_credential_per_activity:
            choices.append((body_id, f"{rules.name}: all credentials (general CEUs)", rules.name))
        for credential in held:
            rule = rules.credentials[credential.code]
            if rules.one_credential_per_activity:
                choices.append((f"{body_id}:{credential.code}", f"{rules.name}: {credential.code}", rules.name))
            elif rule.subset_ceus:
                choices.append((f"{body_id}:{credential.code}", f"{rules.name}: {credential.code} — {rule.subset_label} CEUs", rules.name))
    return choices


def checked_activity(user: User, data: ActivityInput, today: dt.date, *, allow_unassigned: bool = False) -> dict:
    """The columns of a valid activity, or Invalid naming the field.

    ``allow_unassigned`` accepts a CEU of a body that assigns each CEU to one credential (AHIMA)
    with no credential: the state :func:`delete_credential` leaves such CEUs in, which an import
    of an export must be able to restore. The form always asks for a credential.
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
    if len(reference) > 60:
        raise Invalid("reference", "Keep the index number or program id to 60 characters.")
    ceus = parse_ceus(data.ceus, "ceus")
    valid = {value for value, _label, _body in counts_toward_choices(user)}
    if allow_unassigned:
        valid |= {credential.body for credential in list_credentials(user)}
    if data.counts_toward not in valid:
        raise Invalid("counts_toward", "Choose what this activity counts toward (add the credential first if it is missing).")
    body, _, applies_to = data.counts_toward.partition(":")
    rules = rules_for(body)
    credentials = [c for c in list_credentials(user) if c.body == body]
    setup = _setup(credentials, get_setup(user, body))
    problem = cycles.check_activity(rules, setup, data.completed_on, applies_to, today)
    if problem:
        raise Invalid("completed_on", problem)
    next_cycle = False
    if cycles.in_renewal_month_overlap(rules, setup, data.completed_on):
        if data.next_cycle is None:
            cycle = cycles.cycle_containing(rules, setup, data.completed_on)
            raise Invalid("next_cycle", (
                f"{data.completed_on:%B %Y} is your {rules.name} renewal month: CEUs from it may count "
                f"toward the cycle ending {cycle.end:%b %-d, %Y} or the next one. Choose which."
            ))
        next_cycle = bool(data.next_cycle)
    return dict(
        body=body, completed_on=data.completed_on, title=title, provider=provider, reference=reference,
        ceus_hundredths=hundredths(ceus), applies_to=applies_to, next_cycle=next_cycle,
    )


def in_overlap(user: User, counts_toward: str, day: dt.date | None) -> bool:
    """Whether the form should ask which cycle a CEU on ``day`` counts toward."""
    body = (counts_toward or "").partition(":")[0]
    if day is None or body not in bodies():
        return False
    credentials = [c for c in list_credentials(user) if c.body == body]
    row = get_setup(user, body)
    if not credentials or row is None:
        return False
    return cycles.in_renewal_month_overlap(rules_for(body), _setup(credentials, row), day)


def add_activity(
    user: User, data: ActivityInput, today: dt.date, certificate: tuple[str, BinaryIO] | None = None
) -> CeuActivity:
    """Log a CEU activity (and store its certificate): all of it, or nothing."""
    values = checked_activity(user, data, today)
    activity = CeuActivity(user_id=user.id, **values)
    stored = _store_certificate(user, activity, certificate) if certificate else None
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
        stored = _store_certificate(user, activity, certificate)
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
        _certificate_path(user, old_file).unlink(missing_ok=True)


def delete_activity(user: User, activity: CeuActivity) -> None:
    name = activity.certificate_file
    db.session.delete(activity)
    commit()
    if name:
        _certificate_path(user, name).unlink(missing_ok=True)


# -- certificates ---------------------------------------------------------------------------------

def _certificate_dir(user: User) -> Path:
    return Path(current_app.config["CERTIFICATE_DIR"]) / str(user.id)


def _certificate_path(user: User, stored_name: str) -> Path:
    if not re.fullmatch(r"[a-f0-9]{32}\.(pdf|png|jpg)", stored_name):
        raise NotFound("certificate")
    return _certificate_dir(user) / stored_name


def certificate_path(user: User, activity: CeuActivity) -> Path:
    """Where an activity's certificate is stored; NotFound when it has none."""
    if not activity.certificate_file:
        raise NotFound("certificate")
    path = _certificate_path(user, activity.certificate_file)
    if not path.is_file():
        raise NotFound("certificate")
    return path


def safe_certificate_name(name: str) -> str:
    """The name a certificate was uploaded under, made harmless for display and download."""
    base = Path((name or "").replace("\\", "/")).name
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .") or "certificate"
    return base[:120]


def _store_certificate(user: User, activity: CeuActivity, upload: tuple[str, BinaryIO]) -> Path:
    """Check a certificate by its content and size and write it under a random name."""
    filename, stream = upload
    limit = current_app.config["CERTIFICATE_MAX_BYTES"]
    data = stream.read(limit + 1)
    mime, extension = check_certificate(data)
    _lock_account(user)
    used = db.session.execute(
        select(func.coalesce(func.sum(CeuActivity.certificate_size), 0)).where(
            CeuActivity.user_id == user.id, CeuActivity.id != (activity.id or 0)
        )
    ).scalar_one()
    check_certificate_quota(used + len(data))
    path = write_certificate(user, data, extension)
    activity.certificate_name = safe_certificate_name(filename)
    activity.certificate_file = path.name
    activity.certificate_type = mime
    activity.certificate_size = len(data)
    return path


def _lock_account(user: User) -> None:
    """Hold the user's row until this transaction ends, so that uploads sent at once are counted
    against the quota one after another, never each against the total before the others.

    An UPDATE rather than SELECT ... FOR UPDATE: SQLAlchemy drops FOR UPDATE on SQLite, where the
    UPDATE takes the database's write lock instead (and, being the transaction's first write,
    waits for it without reading a stale snapshot). PostgreSQL locks the row.
    """
    users = User.__table__
    db.session.execute(users.update().where(users.c.id == user.id).values(id=users.c.id))


def certificate_limit() -> int:
    """The largest certificate accepted, in bytes (CERTIFICATE_MAX_BYTES)."""
    return current_app.config["CERTIFICATE_MAX_BYTES"]


def check_certificate(data: bytes) -> tuple[str, str]:
    """A certificate's (MIME type, extension), told by its first bytes; Invalid (TooLarge) when it
    is empty, too large or not a PDF, PNG or JPEG."""
    limit = certificate_limit()
    if len(data) > limit:
        raise TooLarge("certificate", f"The certificate is larger than {limit // 1_000_000} MB.")
    if not data:
        raise Invalid("certificate", "The certificate file is empty.")
    kind = next((v for magic, v in CERTIFICATE_TYPES.items() if data.startswith(magic)), None)
    if kind is None:
        raise Invalid("certificate", "A certificate must be a PDF, PNG or JPEG file (this file is none of them, whatever its name).")
    return kind


def check_certificate_quota(total_bytes: int) -> None:
    """Invalid when one user's certificates would take more than CERTIFICATE_QUOTA_BYTES."""
    quota = current_app.config["CERTIFICATE_QUOTA_BYTES"]
    if total_bytes > quota:
        raise Invalid("certificate", f"Your certificates would take more than {quota // 1_000_000} MB: delete some old ones first.")


def write_certificate(user: User, data: bytes, extension: str) -> Path:
    """Write a checked certificate into the user's folder under a new random name."""
    folder = _certificate_dir(user)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(16)}.{extension}"
    path.write_bytes(data)
    return path


def certificate_folder(user: User) -> Path:
    """The folder that holds the user's certificates (it may not exist)."""
    return _certificate_dir(user)


def download_name(activity: CeuActivity) -> str:
    """The file name an auditor sees: date, reference and title, then the stored type's extension."""
    extension = (activity.certificate_file or ".pdf").rsplit(".", 1)[-1]
    parts = [activity.completed_on.isoformat(), activity.reference, activity.title]
    slug = re.sub(r"[^A-Za-z0-9]+", "-", "_".join(p for p in parts if p)).strip("-")[:90]
    return f"{activity.id}_{slug}.{extension}"


# -- submissions ----------------------------------------------------------------------------------

def check_submission(user: User, body: str, cycle_end: dt.date, submitted_on: dt.date | None, today: dt.date) -> None:
    """A submission names one of the user's cycles (NotFound otherwise) and a date within reason."""
    overview = body_overview(user, body, today)
    standing = find_cycle(overview, cycle_end)
    if submitted_on is None:
        raise Invalid("submitted_on", "Enter the date you submitted your CEUs.")
    if submitted_on > today:
        raise Invalid("submitted_on", "That date is in the future.")
    if submitted_on < standing.tally.cycle.start:
        raise Invalid("submitted_on", "That date is before this cycle started.")


def record_submission(user: User, body: str, cycle_end: dt.date, submitted_on: dt.date | None, today: dt.date) -> None:
    """Record the day the user submitted a cycle's CEUs (a cycle is complete once submitted)."""
    check_submission(user, body, cycle_end, submitted_on, today)
    row = db.session.execute(select(CycleSubmission).where(
        CycleSubmission.user_id == user.id, CycleSubmission.body == body, CycleSubmission.cycle_end == cycle_end
    )).scalar_one_or_none() or CycleSubmission(user_id=user.id, body=body, cycle_end=cycle_end)
    row.submitted_on = submitted_on
    db.session.add(row)
    commit()


def undo_submission(user: User, body: str, cycle_end: dt.date) -> None:
    db.session.execute(delete(CycleSubmission).where(
        CycleSubmission.user_id == user.id, CycleSubmission.body == body, CycleSubmission.cycle_end == cycle_end
    ))
    versions.changed(db.session, user.id)
    commit()


# -- audit export ---------------------------------------------------------------------------------

CSV_COLUMNS = [
    "completed_on", "title", "provider", "reference", "ceus", "counts_toward", "counted",
    "not_counted_reason", "certificate_file",
]


def _rows(overview: BodyOverview, standing: Standing) -> list[dict]:
    by_id = {a.id: a for a in overview.activities}
    rows = []
    reasons = {n.activity.id: n.reason for n in standing.tally.not_counted}
    ids = [a.id for a in standing.tally.counted] + [n.activity.id for n in standing.tally.not_counted]
    for activity_id in sorted(ids, key=lambda i: (by_id[i].completed_on, i)):
        activity = by_id[activity_id]
        rows.append({
            "completed_on": activity.completed_on.isoformat(),
            "title": activity.title,
            "provider": activity.provider,
            "reference": activity.reference,
            "ceus": f"{from_hundredths(activity.ceus_hundredths):f}",
            "counts_toward": activity.applies_to or "general",
            "counted": "no" if activity_id in reasons else "yes",
            "not_counted_reason": reasons.get(activity_id, ""),
            "certificate_file": download_name(activity) if activity.certificate_file else "",
            "_activity": activity,
        })
    return rows


def cycle_csv(overview: BodyOverview, standing: Standing) -> str:
    """A cycle's CEUs as CSV, one row per activity, certificate file names matching the ZIP."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in _rows(overview, standing):
        # Cells starting with = + - @ would run as formulas in a spreadsheet.
        writer.writerow({k: ("'" + v if isinstance(v, str) and v and v[0] in "=+-@" else v) for k, v in row.items()})
    return out.getvalue()


def cycle_zip(user: User, overview: BodyOverview, standing: Standing) -> bytes:
    """The cycle's CSV plus every certificate, named as the CSV names them."""
    buffer = io.BytesIO()
    name = export_name(overview, standing)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}/ceus.csv", cycle_csv(overview, standing))
        for row in _rows(overview, standing):
            activity = row["_activity"]
            if activity.certificate_file:
                try:
                    path = certificate_path(user, activity)
                except NotFound:
                    continue
                archive.write(path, f"{name}/certificates/{row['certificate_file']}")
    return buffer.getvalue()


def export_name(overview: BodyOverview, standing: Standing) -> str:
    cycle = standing.tally.cycle
    return f"{overview.rules.name}-ceus-{cycle.start.isoformat()}-to-{cycle.end.isoformat()}"
