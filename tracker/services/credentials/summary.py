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
from decimal import Decimal

from sqlalchemy import String, and_, bindparam, case, cast, func, literal_column, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement, GenericFunction

from ...domain import cycles
from ...domain.cycles import ZERO
from ...models import CeuActivity, Credential, User, ceu_credentials
from .overview import BodyOverview, HeldBody, _body_overview, held_bodies
from .reading import OTHER, _setup
from ..transaction import read


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
    # The constants written into the statement: fewer parameters to bind at each run.
    return case(
        (credential_body == literal_column(f"'{OTHER}'"), literal_column(f"'{OTHER}-'", String) + cast(credential_id, String)),
        else_=credential_body,
    )


def _links():
    """Each activity's codes for each body it is linked to (its own body included), from the
    user's credentials: few rows, read through the credentials' index, not the whole log (a link
    to another user's credential, which the services never make, is not read)."""
    activity_id = ceu_credentials.c.activity_id
    credential = Credential.__table__
    rows = (
        select(activity_id, _key_of(credential.c.body, credential.c.id).label("key"), credential.c.code)
        .select_from(credential.join(ceu_credentials, ceu_credentials.c.credential_id == credential.c.id))
        .where(credential.c.user_id == bindparam("user_id"))
        .subquery("linked_codes")
    )
    # Grouped by the subquery's columns: PostgreSQL cannot tell that two copies of the key's
    # CASE (each with its own parameters) are the same expression.
    return (
        select(rows.c.activity_id, rows.c.key, joined_codes(rows.c.code).label("codes"))
        .group_by(rows.c.activity_id, rows.c.key)
        .cte("links")
    )


def _references(links, unique_keys):
    """The references of the views of activities (id, body key, completed on, reference), for the
    bodies where a course counts once (``unique_keys``)."""
    activity = CeuActivity.__table__
    user_id = bindparam("user_id")
    return union_all(
        select(activity.c.id, activity.c.body.label("key"), activity.c.completed_on,
               ascii_upper(activity.c.reference).label("ref"))
        .where(activity.c.user_id == user_id, activity.c.reference != literal_column("''"), activity.c.body.in_(unique_keys)),
        select(activity.c.id, links.c.key, activity.c.completed_on, ascii_upper(activity.c.second_reference))
        .select_from(links.join(activity, activity.c.id == links.c.activity_id))
        .where(activity.c.user_id == user_id, links.c.key != activity.c.body, activity.c.second_reference != literal_column("''"),
               links.c.key.in_(unique_keys)),
    ).subquery("refs")


def _some_repeat(links, unique_keys):
    """One row, marked ``REPEATS``, when some reference occurs twice (for any of those bodies);
    none otherwise. Ranking the references costs more than the rest of the sums, and the
    database reads a subquery of a statement whether or not a join would use its rows, so the
    ranking is a statement of its own, run only after this row came back."""
    refs = _references(links, unique_keys)
    return select(
        *(literal_column("NULL") for _ in range(3)), literal_column(str(REPEATS)), literal_column("NULL"),
    ).where(select(func.count() > func.count(refs.c.ref.distinct())).scalar_subquery())


def _repeats(links, unique_keys):
    """The views of activities that repeat an earlier course's reference (id, body key)."""
    refs = _references(links, unique_keys)
    ranked = select(
        refs.c.id, refs.c.key,
        func.row_number().over(partition_by=(refs.c.key, refs.c.ref), order_by=(refs.c.completed_on, refs.c.id)).label("n"),
    ).subquery("ranked")
    return select(ranked.c.id, ranked.c.key).where(ranked.c.n > literal_column("1")).subquery("repeats")


def _slot_of(key, completed_on, flagged, shape):
    """The window (its slot number) an activity seen by body ``key`` falls in, or NULL: the body's
    key is compared once, then its windows' dates (:meth:`tracker.domain.cycles.Window.holds`,
    bound as ``start_<slot>``..., see :func:`_sums`)."""
    by_key = []
    for index, (_unique, windows) in enumerate(shape):
        tests = []
        for slot, moves, takes_over in windows:
            inside = completed_on.between(bindparam(f"start_{slot}"), bindparam(f"end_{slot}"))
            if moves:
                inside = and_(inside, or_(~flagged, completed_on < bindparam(f"moves_{slot}")))
            if takes_over:
                inside = or_(inside, and_(flagged, completed_on.between(
                    bindparam(f"over_from_{slot}"), bindparam(f"over_to_{slot}"))))
            tests.append((inside, literal_column(str(slot))))
        by_key.append((bindparam(f"key_{index}"), case(*tests, else_=None)))
    return case(*by_key, value=key, else_=None)


Shape = tuple[tuple[bool, tuple[tuple[int, bool, bool], ...]], ...]


REPEATS = 2  # the ``repeat`` mark of the row that says some reference occurs twice


def _grouped(placed):
    """Each group's CEUs: by window slot, codes, own code and whether they repeat a course."""
    return (
        select(placed.c.slot, placed.c.codes, placed.c.own_code, placed.c.repeat, func.sum(placed.c.ceus))
        .group_by(placed.c.slot, placed.c.codes, placed.c.own_code, placed.c.repeat)
    )


def _seen(views, shape: Shape):
    """The views' sums (key, codes, own code, repeat, completed on, next cycle, CEUs), each view
    placed in the window of the body that sees it."""
    others = (views[0] if len(views) == 1 else union_all(*views)).subquery("others")
    return _grouped(select(
        _slot_of(others.c.key, others.c.completed_on, others.c.next_cycle, shape).label("slot"),
        others.c.codes, others.c.own_code, others.c.repeat, others.c.ceus,
    ).subquery("other"))


def _unique_keys(shape: Shape):
    return [bindparam(f"key_{index}") for index, (unique, _windows) in enumerate(shape) if unique]


@functools.lru_cache(maxsize=64)
def _statement(shape: Shape):
    """The sums query for windows of this shape (per body: whether a course counts once, and each
    window's slot and whether it moves CEUs to the next cycle and takes some over from the previous
    one): built once, its values bound at each run. Building a statement this size costs more than
    running it.

    Two groupings, summed apart: each activity as its own body sees it (its reference and code);
    then each activity as each other body it is linked to sees it (the second reference). Few rows
    reach the second, so it may read them through a union. Rows outside every window come back
    with no slot: filtering them in SQL would work out each row's window twice. Then, when some
    body counts a course once, a row marked :data:`REPEATS` if some reference occurs twice
    (:func:`_repeats_statement` then sums those).
    """
    activity = CeuActivity.__table__
    links = _links()
    own = select(
        _slot_of(activity.c.body, activity.c.completed_on, activity.c.next_cycle, shape).label("slot"),
        links.c.codes, activity.c.applies_to.label("own_code"), literal_column("0").label("repeat"),
        activity.c.ceus_hundredths.label("ceus"),  # a Hundredths column: sums come back as Decimals
    ).select_from(
        activity.outerjoin(links, and_(links.c.activity_id == activity.c.id, links.c.key == activity.c.body))
    ).where(activity.c.user_id == bindparam("user_id"))
    linked = select(
        links.c.key, links.c.codes, literal_column("''").label("own_code"), literal_column("0").label("repeat"),
        activity.c.completed_on, activity.c.next_cycle, activity.c.ceus_hundredths.label("ceus"),
    ).select_from(links.join(activity, activity.c.id == links.c.activity_id)).where(
        activity.c.user_id == bindparam("user_id"), links.c.key != activity.c.body)
    parts = [_grouped(own.subquery("own")), _seen([linked], shape)]
    if _unique_keys(shape):
        parts.append(_some_repeat(links, _unique_keys(shape)))
    return union_all(*parts)


@functools.lru_cache(maxsize=64)
def _repeats_statement(shape: Shape):
    """The other sums query, run only after :func:`_statement`'s :data:`REPEATS` row came back:
    the views among all those that repeat an earlier course (``repeat`` 1: summed in the others
    as well)."""
    activity = CeuActivity.__table__
    links = _links()
    repeated = _repeats(links, _unique_keys(shape))
    return _seen([
        select(
            repeated.c.key, links.c.codes,
            case((repeated.c.key == activity.c.body, activity.c.applies_to), else_=literal_column("''")).label("own_code"),
            literal_column("1").label("repeat"), activity.c.completed_on, activity.c.next_cycle,
            activity.c.ceus_hundredths.label("ceus"),
        ).select_from(
            repeated.join(activity, activity.c.id == repeated.c.id)
            .outerjoin(links, and_(links.c.activity_id == activity.c.id, links.c.key == repeated.c.key))
        )
    ], shape)


def _sums(user_id: int, wanted: dict[str, tuple[cycles.BodyRules, cycles.Setup, list[cycles.Cycle]]]) -> dict[str, list[cycles.Sum]]:
    """Each body's sums (see :class:`tracker.domain.cycles.Sum`) for its wanted cycles."""
    slots: list[tuple[str, int]] = []
    shape: list[tuple[bool, tuple[tuple[int, bool, bool], ...]]] = []
    parameters: dict[str, object] = {"user_id": user_id}
    for key, (rules, setup, chosen) in wanted.items():
        body_shape = []
        for index, window in enumerate(cycles.windows(rules, setup, chosen)):
            slot = len(slots)
            parameters[f"start_{slot}"], parameters[f"end_{slot}"] = window.start, window.end
            if window.moves_from is not None:
                parameters[f"moves_{slot}"] = window.moves_from
            if window.takes_over is not None:
                parameters[f"over_from_{slot}"], parameters[f"over_to_{slot}"] = window.takes_over
            body_shape.append((slot, window.moves_from is not None, window.takes_over is not None))
            slots.append((key, index))
        if body_shape:
            parameters[f"key_{len(shape)}"] = key
            shape.append((rules.unique_reference, tuple(body_shape)))
    found: dict[str, list[cycles.Sum]] = {key: [] for key in wanted}
    if not slots:
        return found
    # Each group's CEUs (every view), and those of its views that repeat an earlier course.
    summed: dict[tuple[int, tuple[str, ...]], list[Decimal]] = {}
    rows = read(_statement(tuple(shape)), parameters).all()
    if any(row[3] == REPEATS for row in rows):
        rows += read(_repeats_statement(tuple(shape)), parameters)
    for slot, joined, own_code, repeat, ceus in rows:
        if slot is None:  # outside every window, or the REPEATS row
            continue
        codes = tuple(sorted(set(joined.split(",")))) if joined else ((own_code,) if own_code else ())
        summed.setdefault((slot, codes), [ZERO, ZERO])[repeat] += ceus
    for (slot, codes), (every, repeated) in summed.items():
        key, index = slots[slot]
        if every > repeated:
            found[key].append(cycles.Sum(index, codes, False, every - repeated))
        if repeated:
            found[key].append(cycles.Sum(index, codes, True, repeated))
    return found


def renewal_summary(user: User, today: dt.date, credentials: list[Credential] | None = None) -> list[BodyOverview]:
    """Every certifying body the user holds a credential of, with its current cycle (and the
    previous one) on ``today``, from CEUs summed by the database: three queries whatever the size
    of the log (credentials, cycle settings with submissions, the sums); two when the page has
    loaded the user's ``credentials`` already (:func:`.reading.list_credentials`, or the rows of
    :func:`.reading.read_credentials`: only their values are read)."""
    held, submissions = held_bodies([user.id], credentials=None if credentials is None else {user.id: credentials})
    if not held:
        return []
    wanted: dict[str, tuple[cycles.BodyRules, cycles.Setup, list[cycles.Cycle]]] = {}
    for h in held:
        setup = _setup(h.credentials, h.row)
        wanted[h.key] = (h.rules, setup, cycles.latest_cycles(h.rules, setup, max(today, setup.earned_on), 2))
    sums = _sums(user.id, wanted)
    return [_overview(h, submissions, today, wanted[h.key], sums[h.key]) for h in held]


def _overview(h: HeldBody, submissions, today: dt.date, wanted, sums: list[cycles.Sum]) -> BodyOverview:
    _rules, setup, chosen = wanted
    return _body_overview(h.rules, h.credentials, h.row, [], submissions.get((h.user_id, h.key), {}), today,
                          sums=(setup, chosen, sums))
