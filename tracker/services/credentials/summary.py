"""Where a user stands this cycle, with the CEUs summed by the database (part of :mod:`.credentials`).

The dashboard and the credentials page show each body's current cycle, and the previous one while
it is unfinished: earned, required, still needed. :func:`renewal_summary` gives the same
:class:`.overview.BodyOverview` for those two cycles as :func:`.overview.renewal_overview`, but
instead of loading every CEU it asks the database for a few sums, in one query whatever the size
of the log: each body's activities grouped by the cycle they count toward (the windows of
:func:`tracker.domain.cycles.windows`), the codes they count toward, and whether they repeat an
earlier course. The overview's ``activities`` is empty and its ``history`` holds those two cycles.
"""
from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import String, and_, bindparam, case, cast, func, literal, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement, GenericFunction

from ...domain import cycles
from ...extensions import db
from ...models import CeuActivity, Credential, User, ceu_credentials
from .overview import BodyOverview, HeldBody, _body_overview, held_bodies
from .reading import OTHER, _setup


class ascii_upper(FunctionElement):
    """Upper case of ASCII letters only, as :func:`tracker.domain.cycles.reference_key` does:
    SQLite's ``upper()`` is that already; PostgreSQL's follows the locale, so it translates."""

    type = String()
    inherit_cache = True


@compiles(ascii_upper)
def _ascii_upper(element, compiler, **kw):
    return f"upper({compiler.process(element.clauses, **kw)})"


@compiles(ascii_upper, "postgresql")
def _ascii_upper_postgresql(element, compiler, **kw):
    return (f"translate({compiler.process(element.clauses, **kw)}, "
            "'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')")


class joined_codes(GenericFunction):
    """The credential codes of a group, joined with commas (in any order)."""

    type = String()
    inherit_cache = True
    name = "joined_codes"


@compiles(joined_codes)
def _joined_codes(element, compiler, **kw):
    return f"group_concat({compiler.process(element.clauses, **kw)}, ',')"


@compiles(joined_codes, "postgresql")
def _joined_codes_postgresql(element, compiler, **kw):
    return f"string_agg({compiler.process(element.clauses, **kw)}, ',')"


def _key_of(credential_body, credential_id):
    """A credential's cycle id in SQL: its body, or "other-<id>" (see :func:`.reading.body_key`)."""
    return case(
        (credential_body == OTHER, literal(f"{OTHER}-") + cast(credential_id, String)), else_=credential_body
    )


def _views():
    """Each activity as each body it counts toward sees it: its own body with its own reference
    and code, and every other body it is linked to with the second reference."""
    activity = CeuActivity.__table__
    credential = Credential.__table__
    user_id = bindparam("user_id")
    ceus = activity.c.ceus_hundredths.label("ceus")  # a Hundredths column: sums come back as Decimals
    own = select(
        activity.c.id, activity.c.body.label("key"), activity.c.completed_on, activity.c.next_cycle,
        ceus, activity.c.reference.label("ref"), activity.c.applies_to.label("own_code"),
    ).where(activity.c.user_id == user_id)
    link_key = _key_of(credential.c.body, credential.c.id)
    linked = select(
        activity.c.id, link_key.label("key"), activity.c.completed_on, activity.c.next_cycle,
        ceus, activity.c.second_reference.label("ref"), literal("").label("own_code"),
    ).select_from(
        activity.join(ceu_credentials, ceu_credentials.c.activity_id == activity.c.id)
        .join(credential, credential.c.id == ceu_credentials.c.credential_id)
    ).where(activity.c.user_id == user_id, link_key != activity.c.body).distinct()
    return union_all(own, linked).subquery("views")


def _window_test(views, slot: int, moves: bool, takes_over: bool):
    """SQL for :meth:`tracker.domain.cycles.Window.holds`, its dates bound as parameters
    (``start_<slot>``...: see :func:`_parameters`)."""
    day, flagged = views.c.completed_on, views.c.next_cycle
    inside = day.between(bindparam(f"start_{slot}"), bindparam(f"end_{slot}"))
    if moves:
        inside = and_(inside, or_(~flagged, day < bindparam(f"moves_{slot}")))
    if takes_over:
        inside = or_(inside, and_(flagged, day.between(bindparam(f"over_from_{slot}"), bindparam(f"over_to_{slot}"))))
    return and_(views.c.key == bindparam(f"key_{slot}"), inside)


@functools.lru_cache(maxsize=64)
def _statement(shape: tuple[tuple[bool, bool], ...]):
    """The sums query for windows of this shape (whether each one moves CEUs to the next cycle and
    takes some over from the previous one): built once, its values bound at each run. Building a
    statement this size costs more than running it."""
    views = _views()
    credential = Credential.__table__
    whens = [(_window_test(views, slot, moves, takes), slot) for slot, (moves, takes) in enumerate(shape)]
    codes = (
        select(joined_codes(credential.c.code))
        .select_from(ceu_credentials.join(credential, credential.c.id == ceu_credentials.c.credential_id))
        .where(ceu_credentials.c.activity_id == views.c.id, _key_of(credential.c.body, credential.c.id) == views.c.key)
        .scalar_subquery()
    )
    earlier = func.row_number().over(
        partition_by=(views.c.key, ascii_upper(views.c.ref)), order_by=(views.c.completed_on, views.c.id)
    )
    placed = select(
        views.c.key, case(*whens, else_=None).label("slot"), codes.label("codes"), views.c.own_code,
        case((and_(views.c.ref != "", earlier > 1), 1), else_=0).label("repeat"), views.c.ceus,
    ).subquery("placed")
    return (
        select(placed.c.slot, placed.c.codes, placed.c.own_code, placed.c.repeat, func.sum(placed.c.ceus))
        .where(placed.c.slot.is_not(None))
        .group_by(placed.c.slot, placed.c.codes, placed.c.own_code, placed.c.repeat)
    )


def _sums(user_id: int, wanted: dict[str, tuple[cycles.BodyRules, cycles.Setup, list[cycles.Cycle]]]) -> dict[str, list[cycles.Sum]]:
    """Each body's sums (see :class:`tracker.domain.cycles.Sum`) for its wanted cycles."""
    slots: list[tuple[str, int]] = []
    shape: list[tuple[bool, bool]] = []
    parameters: dict[str, object] = {"user_id": user_id}
    for key, (rules, setup, chosen) in wanted.items():
        for index, window in enumerate(cycles.windows(rules, setup, chosen)):
            slot = len(slots)
            parameters.update({f"key_{slot}": key, f"start_{slot}": window.start, f"end_{slot}": window.end})
            if window.moves_from is not None:
                parameters[f"moves_{slot}"] = window.moves_from
            if window.takes_over is not None:
                parameters[f"over_from_{slot}"], parameters[f"over_to_{slot}"] = window.takes_over
            shape.append((window.moves_from is not None, window.takes_over is not None))
            slots.append((key, index))
    found: dict[str, list[cycles.Sum]] = {key: [] for key in wanted}
    if not slots:
        return found
    for slot, joined, own_code, repeat, ceus in db.session.execute(_statement(tuple(shape)), parameters):
        key, index = slots[slot]
        codes = tuple(joined.split(",")) if joined else ((own_code,) if own_code else ())
        found[key].append(cycles.Sum(index, codes, bool(repeat), ceus))
    return found


def renewal_summary(user: User, today: dt.date, credentials: list[Credential] | None = None) -> list[BodyOverview]:
    """Every certifying body the user holds a credential of, with its current cycle (and the
    previous one) on ``today``, from CEUs summed by the database: three queries whatever the size
    of the log (credentials, cycle settings with submissions, the sums); two when the page has
    loaded the user's ``credentials`` already (:func:`.reading.list_credentials`)."""
    held, submissions = held_bodies([user.id], credentials=None if credentials is None else {user.id: credentials})
    if not held:
        return []
    wanted: dict[str, tuple[cycles.BodyRules, cycles.Setup, list[cycles.Cycle]]] = {}
    for h in held:
        setup = _setup(h.credentials, h.row)
        wanted[h.key] = (h.rules, setup, cycles.cycles_through(h.rules, setup, max(today, setup.earned_on))[::-1][:2])
    sums = _sums(user.id, wanted)
    return [_overview(h, submissions, today, wanted[h.key], sums[h.key]) for h in held]


def _overview(h: HeldBody, submissions, today: dt.date, wanted, sums: list[cycles.Sum]) -> BodyOverview:
    _rules, setup, chosen = wanted
    return _body_overview(h.rules, h.credentials, h.row, [], submissions.get((h.user_id, h.key), {}), today,
                          sums=(setup, chosen, sums))
