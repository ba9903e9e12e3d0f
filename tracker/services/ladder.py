"""The career ladder for one user: their profile, gaps and focus areas, and the comparison with
the next rung (turning the gap into plan milestones: :mod:`.ladder_plans`). Rules live in
:mod:`tracker.domain.ladder`; credentials held come from :mod:`tracker.services.credentials`
(never typed twice)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Boolean, Date, Integer, String, Text, bindparam, cast, literal, null, select, union_all

from ..domain import career
from ..domain.ladder import Comparison, Gap, Ladder, check_gaps, compare, experience_years
from ..domain import limits
from ..extensions import db
from ..models import Credential, ExperienceGap, FocusTick, LadderProfile, Plan, User
from . import credentials as credential_service
from . import plans as plan_service
from . import stages
from .catalog import current_catalog
from .transaction import commit
from .errors import Invalid, NotFound

def current_ladder() -> Ladder:
    ladder = current_catalog().ladder
    if ladder is None:
        raise NotFound("no career ladder in plans/")
    return ladder


# Built once (building an ORM select cost more than running it): the ladder page and the
# dashboard read these on every uncached view.
_USER = bindparam("user_id")
_PROFILE_OF = select(LadderProfile).where(LadderProfile.user_id == _USER)
_GAPS_OF = select(ExperienceGap).where(ExperienceGap.user_id == _USER).order_by(ExperienceGap.starts_on)
_TICKS_OF = select(FocusTick).where(FocusTick.user_id == _USER, FocusTick.rung_key == bindparam("rung_key"))


def profile_of(user: User) -> LadderProfile | None:
    """The user's place on the ladder as they told it (None until they do)."""
    return db.session.execute(_PROFILE_OF, {"user_id": user.id}).scalar_one_or_none()


def gaps_of(user: User) -> list[ExperienceGap]:
    """The user's breaks from coding, earliest first."""
    return list(db.session.execute(_GAPS_OF, {"user_id": user.id}).scalars())


def ticks_of(user: User, rung_key: str | None) -> dict[str, FocusTick]:
    """The user's ticked focus areas of ``rung_key``, by area."""
    if rung_key is None:
        return {}
    return {t.area: t for t in db.session.execute(_TICKS_OF, {"user_id": user.id, "rung_key": rung_key}).scalars()}


@dataclass(frozen=True)
class ProfileRow:
    """The user's place as they told it (the :class:`LadderProfile` columns a page reads)."""

    rung_key: str | None
    coding_started_on: dt.date | None
    specialties: str


@dataclass(frozen=True)
class GapRow:
    """A break from coding work, as the ladder page lists it."""

    id: int
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True)
class TickRow:
    """A ticked (or unticked) focus area of the user's rung, with its evidence."""

    area: str
    done: bool
    evidence: str


@dataclass(frozen=True)
class CredentialRow:
    """What the ladder needs of a credential: whether it is held (not replaced), its order, and
    whether the user added it (not a plan's exam step): the names :class:`Credential` has."""

    code: str
    earned_on: dt.date
    replaced_on: dt.date | None
    from_milestone_id: int | None


@dataclass
class Standing:
    """Where the user stands: their profile, the comparison, and their plan's projected finish."""

    ladder: Ladder
    profile: ProfileRow | None
    gaps: list[GapRow]
    ticks: dict[str, TickRow]
    held: list[str]
    comparison: Comparison
    plan_finish: dt.date | None  # someone on the pathway: when the active plan projects to end
    # A working coder who has not chosen a rung: Rungs placed them by credentials and experience.
    placed: bool = False
    # The user's plans by id and title, in :func:`plans.list_plans` order (the page offers them
    # as where to add the gap's milestones).
    plans: list[plan_service.PlanTitle] = field(default_factory=list)

    @property
    def in_field(self) -> bool:
        return self.placed or (self.profile is not None and self.profile.rung_key is not None)


_ACTIVE_PLAN = object()
_STAGE_OF_USER = object()  # stage not given: work it out


def placement(ladder: Ladder, rung_key: str | None, started_on: dt.date | None, gaps: list[Gap], held: list[str],
           stage: str | None, today: dt.date) -> tuple[str | None, bool]:
    """The rung the user stands on (a rung removed from the data: none), and whether Rungs placed
    them: someone who holds credentials and works as a coder is not "on the pathway"."""
    if rung_key is not None and all(r.key != rung_key for r in ladder.rungs):
        rung_key = None  # the rung was removed from the data: treat as not placed
    if rung_key is None and career.is_working(stage):
        years = experience_years(started_on, gaps, today)
        return career.placed_rung(ladder, years, held).key, True
    return rung_key, False


def typed_null(kind):
    # A typed NULL: PostgreSQL types a union's column from its branches, and reads two bare NULLs
    # as text.
    return cast(null(), kind)


# Everything the ladder page is worked out from, in one statement built once (five ORM queries
# before: the statements cost the page more than the rules). Each row: kind, id, a key (rung or
# code), two dates, a text (specialties, area or plan title), a flag, a note, a number (a plan's
# rank, or the plan step a credential came from). Every tick of every rung is read (a few dozen
# at most): the rung is known only once the rest is read.
_PROFILE, _GAP, _TICK = LadderProfile.__table__.c, ExperienceGap.__table__.c, FocusTick.__table__.c
_CREDENTIAL, _PLAN = Credential.__table__.c, Plan.__table__.c
_STANDING_ROWS = union_all(
    select(literal("profile").label("kind"), _PROFILE.id.label("id"), _PROFILE.rung_key.label("key"),
           _PROFILE.coding_started_on.label("day"), typed_null(Date).label("other_day"), _PROFILE.specialties.label("text"),
           typed_null(Boolean).label("flag"), typed_null(Text).label("note"), typed_null(Integer).label("rank"),
           ).where(_PROFILE.user_id == _USER),
    select(literal("gap"), _GAP.id, typed_null(String), _GAP.starts_on, _GAP.ends_on, typed_null(Text), typed_null(Boolean),
           typed_null(Text), typed_null(Integer)).where(_GAP.user_id == _USER),
    select(literal("tick"), _TICK.id, _TICK.rung_key, typed_null(Date), typed_null(Date), _TICK.area, _TICK.done,
           _TICK.evidence, typed_null(Integer)).where(_TICK.user_id == _USER),
    select(literal("credential"), _CREDENTIAL.id, _CREDENTIAL.code, _CREDENTIAL.earned_on, _CREDENTIAL.replaced_on,
           typed_null(Text), typed_null(Boolean), typed_null(Text), _CREDENTIAL.from_milestone_id,
           ).where(_CREDENTIAL.user_id == _USER),
    select(literal("plan"), _PLAN.id, typed_null(String), typed_null(Date), typed_null(Date), _PLAN.title, typed_null(Boolean),
           typed_null(Text), _PLAN.active_rank).where(_PLAN.user_id == _USER),
)


def _standing_rows(user: User):
    """The profile, gaps (earliest first), ticks by rung and area, credentials and plans (in
    :func:`plans.list_plans` order) of ``user``, from :data:`_STANDING_ROWS`."""
    profile, gaps, ticks, credentials, plans = None, [], {}, [], []
    for kind, id_, key, day, other_day, text, flag, note, rank in db.session.execute(_STANDING_ROWS, {"user_id": user.id}):
        if kind == "profile":
            profile = ProfileRow(key, day, text)
        elif kind == "gap":
            gaps.append(GapRow(id_, day, other_day))
        elif kind == "tick":
            ticks.setdefault(key, {})[text] = TickRow(text, bool(flag), note)
        elif kind == "credential":
            credentials.append(CredentialRow(key, day, other_day, rank))
        else:
            plans.append((rank, id_, text))
    gaps.sort(key=lambda g: (g.starts_on, g.id))
    plans.sort(reverse=True)  # the one activated last first, then the newest
    return profile, gaps, ticks, credentials, [plan_service.PlanTitle(id_, title) for _rank, id_, title in plans]


def standing(
    user: User, today: dt.date, *, active_view: plan_service.PlanView | None | object = _ACTIVE_PLAN,
    stage: str | None | object = _STAGE_OF_USER,
) -> Standing:
    """The user's place on the ladder against the next rung, on ``today``, from one query (and
    the active plan's, for someone on the pathway).

    ``active_view``: the active plan's view on ``today`` (or None: no plan), and ``stage``: the
    user's career stage (:func:`stages.stage_of`), when the caller has them already, so they are
    not worked out twice.
    """
    ladder = current_ladder()
    profile, gaps, all_ticks, credentials, plans = _standing_rows(user)
    started_on = profile.coding_started_on if profile else None
    spans = [Gap(g.starts_on, g.ends_on) for g in gaps]
    held = credential_service.held_codes_of(credentials)
    if stage is _STAGE_OF_USER:
        stage = stages.stage_from(user, bool(plans), credentials)
    rung_key, placed = placement(ladder, profile.rung_key if profile else None, started_on, spans, held, stage, today)
    ticks = all_ticks.get(rung_key, {}) if rung_key is not None else {}
    comparison = compare(ladder, rung_key, started_on, spans, held, {area: t.done for area, t in ticks.items()}, today)
    plan_finish = None
    if rung_key is None:
        if active_view is _ACTIVE_PLAN:
            plan = plan_service.active_plan(user) if plans else None
            active_view = plan_service.plan_view(plan, today) if plan is not None else None
        if active_view is not None:
            plan_finish = active_view.schedule.projected_finish
    return Standing(ladder, profile, gaps, ticks, held, comparison, plan_finish, placed, plans)


def check_profile(rung_key: str | None, started_on: dt.date | None, specialties: str, today: dt.date) -> tuple[str | None, str]:
    """A ladder profile's rung (a key of plans/ladder.toml, or None), start of coding work and
    specialties; returns the rung key and the trimmed specialties."""
    ladder = current_ladder()
    rung_key = rung_key or None
    if rung_key is not None and all(r.key != rung_key for r in ladder.rungs):
        raise Invalid("rung", "Choose a rung from the list.")
    if started_on is not None:
        if started_on > today:
            raise Invalid("coding_started_on", "That date is in the future: enter the day you started coding work.")
        if started_on < dt.date(1960, 1, 1):
            raise Invalid("coding_started_on", "Enter a date from 1960 on.")
    if rung_key is not None and started_on is None:
        raise Invalid("coding_started_on", "Enter when you started coding work, so Rungs can count your experience.")
    specialties = (specialties or "").strip()
    if len(specialties) > 500:
        raise Invalid("specialties", "Keep the specialties to 500 characters.")
    return rung_key, specialties


def save_profile(user: User, rung_key: str | None, started_on: dt.date | None, specialties: str, today: dt.date) -> LadderProfile:
    """Set the user's rung ("" or None: not yet in the field), when they started coding, specialties."""
    rung_key, specialties = check_profile(rung_key, started_on, specialties, today)
    problem = check_gaps(started_on, [Gap(g.starts_on, g.ends_on) for g in gaps_of(user)], today)
    if problem:
        raise Invalid("coding_started_on", f"Your gaps no longer fit that start date: {problem}")
    profile = profile_of(user)
    if profile is None and not rung_key and started_on is None and not specialties:
        # Nothing to keep: saving "no rung, no start date" without a profile writes nothing (no
        # empty row, no new data version for the page cache).
        return LadderProfile(user_id=user.id, rung_key=None, coding_started_on=None, specialties="")
    profile = profile or LadderProfile(user_id=user.id)
    profile.rung_key = rung_key
    profile.coding_started_on = started_on
    profile.specialties = specialties
    db.session.add(profile)
    commit()
    return profile


def check_new_gap(
    started_on: dt.date | None, existing: list[ExperienceGap], starts_on: dt.date | None, ends_on: dt.date | None, today: dt.date,
) -> None:
    """A gap's dates, and that it fits beside the ``existing`` ones inside the working period."""
    if starts_on is None:
        raise Invalid("starts_on", "Enter the first day of the gap.")
    if ends_on is None:
        raise Invalid("ends_on", "Enter the last day of the gap.")
    if ends_on < starts_on:
        raise Invalid("ends_on", "The gap ends before it starts.")
    if ends_on > today:
        raise Invalid("ends_on", "A gap cannot end in the future: enter it once it is over.")
    gaps = [Gap(g.starts_on, g.ends_on) for g in existing] + [Gap(starts_on, ends_on)]
    problem = check_gaps(started_on, gaps, today)
    if problem:
        raise Invalid("starts_on", problem)


def add_gap(user: User, starts_on: dt.date | None, ends_on: dt.date | None, today: dt.date) -> ExperienceGap:
    """Record a period without coding work; refused when it overlaps another or lies outside the work."""
    profile = profile_of(user)
    check_new_gap(profile.coding_started_on if profile else None, gaps_of(user), starts_on, ends_on, today)
    gap = ExperienceGap(user_id=user.id, starts_on=starts_on, ends_on=ends_on)
    db.session.add(gap)
    commit()
    return gap


def delete_gap(user: User, gap_id: int) -> None:
    gap = db.session.execute(
        select(ExperienceGap).where(ExperienceGap.id == gap_id, ExperienceGap.user_id == user.id)
    ).scalar_one_or_none()
    if gap is None:
        raise NotFound(f"gap {gap_id}")
    db.session.delete(gap)
    commit()


def check_focus(rung_key: str, done: set[str], evidence: dict[str, str]) -> None:
    """Focus areas ticked on a rung: each on that rung's list, evidence of reasonable length."""
    rung = next((r for r in current_ladder().rungs if r.key == rung_key), None)
    if rung is None:
        raise Invalid("rung", "Choose a rung from the list.")
    unknown = done - set(rung.focus_areas)
    if unknown:
        raise Invalid("focus", "Those focus areas are not on your rung's list.")
    for area, note in evidence.items():
        if len(note or "") > 2000:
            raise Invalid("focus", f"Keep the evidence for “{area}” to 2,000 characters.")
        problem = limits.text_problem(note or "", multiline=True)
        if problem:
            raise Invalid("focus", f"Evidence for “{area}”: {problem}")


def save_focus(user: User, done: set[str], evidence: dict[str, str]) -> None:
    """Tick the current rung's focus areas (those in ``done``) with evidence notes."""
    profile = profile_of(user)
    if profile is None or profile.rung_key is None:
        raise Invalid("focus", "Choose your current rung first.")
    rung = current_ladder().rung(profile.rung_key)
    check_focus(rung.key, done, evidence)
    ticks = ticks_of(user, rung.key)
    for area in rung.focus_areas:
        tick = ticks.get(area) or FocusTick(user_id=user.id, rung_key=rung.key, area=area)
        tick.done = area in done
        tick.evidence = (evidence.get(area) or "").strip()
        db.session.add(tick)
    commit()
