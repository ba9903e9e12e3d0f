"""The CEU log as a coder searches it: filtered by words, dates, provider, credential and
certificate, a page of rows at a time, with the filtered set's totals per category summed by the
database (AAPC general vs each specialty subset, AHIMA per credential, each other credential).

Also what quick capture suggests (the user's own recent titles and providers) and the CEU a
"log another like this" starts from. Logging itself goes through
:func:`tracker.services.credentials.add_activity`: one validator for every way in.

Query count: the same whatever the size of the log (credentials, totals, second-body totals, one
page of rows and their credentials, the provider list).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Date, Integer, and_, bindparam, case, cast, func, literal_column, null, or_, select, type_coerce, union_all
from sqlalchemy.orm import joinedload

from ..domain import limits
from ..extensions import db
from ..models import CeuActivity, Credential, User, ceu_credentials
from . import credentials as credential_service
from .errors import NotFound
from .transaction import read

ZERO = Decimal("0")
CERTIFICATE_CHOICES = ("", "with", "without")


@dataclass(frozen=True)
class Category:
    """A group CEUs are totalled in: ``key`` is "<body>:<code>" ("aapc:" for AAPC's general CEUs,
    "aapc:CPMA" for a subset, "ahima:RHIT", "other-12:")."""

    key: str
    body: str
    body_name: str
    label: str
    credential_ids: tuple[int, ...]  # the credentials a CEU of this category is linked to


@dataclass(frozen=True)
class CategoryTotal:
    category: Category
    ceus: Decimal
    count: int
    via_second_body: Decimal  # of which: CEUs logged under another body that count here too


@dataclass(frozen=True)
class LogFilter:
    """What the log page asks for; every part optional."""

    text: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    provider: str = ""
    toward: str = ""  # a Category key, or a body ("aapc") for all of that body's
    certificate: str = ""  # "", "with", "without"
    page: int = 1

    @property
    def active(self) -> bool:
        return bool(self.text or self.start or self.end or self.provider or self.toward or self.certificate)


@dataclass
class CeuLog:
    rows: list[CeuActivity]
    count: int  # activities matching the filter
    total: Decimal  # their CEUs, each activity once
    totals: list[CategoryTotal]
    page: int
    pages: int
    categories: list[Category] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)


def categories(user: User, held: list[Credential] | None = None) -> list[Category]:
    """The groups the user's CEUs fall in, from the credentials held (replaced ones too: their
    CEUs stay in the log), in the order of the certifying bodies' files."""
    held = credential_service.list_credentials(user) if held is None else held
    found: list[Category] = []
    for body_id, rules in credential_service.bodies().items():
        mine = [c for c in held if c.body == body_id]
        if not mine:
            continue
        if not rules.one_credential_per_activity:
            general = [c for c in mine if not rules.credentials[c.code].subset_ceus]
            codes = " · ".join(c.code for c in general)
            found.append(Category(f"{body_id}:", body_id, rules.name,
                                  f"{rules.name} general CEUs" + (f" ({codes})" if codes else ""),
                                  tuple(c.id for c in general)))
        for credential in mine:
            rule = rules.credentials[credential.code]
            if rules.one_credential_per_activity:
                found.append(Category(f"{body_id}:{credential.code}", body_id, rules.name,
                                      f"{rules.name} {credential.code}", (credential.id,)))
            elif rule.subset_ceus:
                found.append(Category(f"{body_id}:{credential.code}", body_id, rules.name,
                                      f"{rules.name} {credential.code}: {rule.subset_label} CEUs", (credential.id,)))
    for credential in held:
        if credential.body == credential_service.OTHER:
            key = credential_service.body_key(credential)
            name = credential.other_body or "Other"
            found.append(Category(f"{key}:", key, name, f"{name} {credential.code}", (credential.id,)))
    return found


def _category_of(categories_: list[Category], body: str, code: str) -> Category | None:
    return next((c for c in categories_ if c.key == f"{body}:{code}"), None)


def _matches(category: Category):
    """SQL: an activity counts in ``category``, logged under its body or linked to it from
    another body's log (one activity with both bodies' approvals)."""
    body, _, code = category.key.partition(":")
    own = and_(CeuActivity.body == body, CeuActivity.applies_to == code)
    if not category.credential_ids:
        return own
    # An alias of its own: the totals query joins ceu_credentials too, and must not correlate it.
    links = ceu_credentials.alias("matched_links")
    linked = select(links.c.activity_id).where(
        links.c.activity_id == CeuActivity.id, links.c.credential_id.in_(category.credential_ids),
    ).exists()
    return or_(own, and_(CeuActivity.body != body, linked))


def _conditions(user: User, wanted: LogFilter, categories_: list[Category]) -> list:
    conditions = [CeuActivity.user_id == user.id]
    text = wanted.text.strip().lower()
    if text:
        conditions.append(or_(
            func.lower(CeuActivity.title).contains(text, autoescape=True),
            func.lower(CeuActivity.provider).contains(text, autoescape=True),
            func.lower(CeuActivity.reference).contains(text, autoescape=True),
        ))
    if wanted.start:
        conditions.append(CeuActivity.completed_on >= wanted.start)
    if wanted.end:
        conditions.append(CeuActivity.completed_on <= wanted.end)
    if wanted.provider:
        conditions.append(CeuActivity.provider == wanted.provider)
    if wanted.certificate == "with":
        conditions.append(CeuActivity.certificate_file.is_not(None))
    elif wanted.certificate == "without":
        conditions.append(CeuActivity.certificate_file.is_(None))
    if wanted.toward:
        chosen = [c for c in categories_ if c.key == wanted.toward or c.body == wanted.toward]
        if not chosen:
            raise NotFound(f"CEU category {wanted.toward}")
        conditions.append(or_(*(_matches(c) for c in chosen)))
    return conditions


def search(user: User, wanted: LogFilter) -> CeuLog:
    """One page of the user's CEUs matching ``wanted`` (newest first), the filtered set's count,
    total and totals per category. NotFound for a category the user has no credential of."""
    held = credential_service.list_credentials(user)
    cats = categories(user, held)
    conditions = _conditions(user, wanted, cats)
    hundredths = type_coerce(CeuActivity.__table__.c.ceus_hundredths, Integer)  # summed as whole hundredths
    own, count, total = _own_totals(cats, conditions, hundredths)
    second = _second_body_totals(cats, conditions, hundredths)
    totals = []
    for category in cats:
        mine, extra = own.get(category.key, (0, 0)), second.get(category.key, (0, 0))
        if mine[1] or extra[1]:
            totals.append(CategoryTotal(category, _ceus(mine[0] + extra[0]), mine[1] + extra[1], _ceus(extra[0])))

    size = limits.CEU_LOG_PAGE_SIZE
    pages = max(1, -(-count // size))
    page = min(max(1, wanted.page), pages)
    # One query whether the page is empty or full (the credentials joined, not loaded after).
    rows = list(db.session.execute(
        select(CeuActivity).where(*conditions).options(joinedload(CeuActivity.credentials))
        .order_by(CeuActivity.completed_on.desc(), CeuActivity.id.desc())
        .limit(size).offset((page - 1) * size)
    ).unique().scalars())
    providers = list(db.session.execute(
        select(CeuActivity.provider).where(CeuActivity.user_id == user.id, CeuActivity.provider != "")
        .group_by(CeuActivity.provider).order_by(CeuActivity.provider).limit(limits.CEU_SUGGESTIONS * 10)
    ).scalars())
    return CeuLog(rows=rows, count=count, total=_ceus(total), totals=totals, page=page, pages=pages,
                  categories=cats, providers=providers)


def _own_totals(cats, conditions, hundredths) -> tuple[dict[str, tuple[int, int]], int, int]:
    """(hundredths, count) per category of the body each matching CEU is logged under, in one
    GROUP BY; and the count and hundredths of all of them."""
    own: dict[str, tuple[int, int]] = {}
    count, total = 0, 0
    for body, code, summed, number in db.session.execute(
        select(CeuActivity.body, CeuActivity.applies_to, func.sum(hundredths), func.count())
        .where(*conditions).group_by(CeuActivity.body, CeuActivity.applies_to)
    ):
        count += number
        total += summed or 0
        category = _category_of(cats, body, code) or _category_of(cats, body, "")
        key = category.key if category else f"{body}:{code}"
        before = own.get(key, (0, 0))
        own[key] = (before[0] + (summed or 0), before[1] + number)
    return own, count, total


def _second_body_totals(cats, conditions, hundredths) -> dict[str, tuple[int, int]]:
    """(hundredths, count) per category for CEUs logged under one body that count toward a second
    one: each activity once per category."""
    second: dict[str, tuple[int, int]] = {}
    by_credential = {cid: c for c in cats for cid in c.credential_ids}
    if not by_credential:
        return second
    category_of = case({cid: c.key for cid, c in by_credential.items()}, value=ceu_credentials.c.credential_id)
    body_of = case({cid: c.body for cid, c in by_credential.items()}, value=ceu_credentials.c.credential_id)
    linked = (
        select(CeuActivity.id.label("activity_id"), hundredths.label("h"), category_of.label("category"))
        .join(ceu_credentials, ceu_credentials.c.activity_id == CeuActivity.id)
        .where(*conditions, ceu_credentials.c.credential_id.in_(list(by_credential)), body_of != CeuActivity.body)
        .distinct().subquery()
    )
    for key, summed, number in db.session.execute(
        select(linked.c.category, func.sum(linked.c.h), func.count()).group_by(linked.c.category)
    ):
        second[key] = (summed or 0, number)
    return second


def _ceus(hundredths: int) -> Decimal:
    return (Decimal(hundredths) / 100).normalize() if hundredths else ZERO


@dataclass(frozen=True)
class Suggestions:
    titles: list[str]
    providers: list[str]


# Table columns, not the model's attributes: a select of ORM attributes runs through the ORM's
# per-column machinery even for plain rows.
_CEU = CeuActivity.__table__.c


def _fixed(value: str | int):
    """A fixed value written into the SQL, not sent as a parameter: the card's statement runs on
    every dashboard view, and SQLAlchemy handles each parameter again on each run (its dozen
    fixed ones were a tenth of the statement's time)."""
    if isinstance(value, int):
        return literal_column(str(int(value)))
    if "'" in value or "\\" in value:
        raise ValueError(f"not a fixed word: {value!r}")
    return literal_column(f"'{value}'")


_EMPTY = _fixed("")
_SUGGESTIONS = _fixed(limits.CEU_SUGGESTIONS)


def _recent(kind: str, column):
    """The user's distinct non-empty values of ``column``, latest logged first (a GROUP BY: it
    reads the user's whole log, in the (user, column) index's order)."""
    return select(
        _fixed(kind).label("kind"), column.label("value"), func.max(_CEU.id).label("latest"),
    ).where(_CEU.user_id == bindparam("user_id"), column != _EMPTY).group_by(column).order_by(
        func.max(_CEU.id).desc()).limit(_SUGGESTIONS).offset(_fixed(0)).subquery()


def _recent_titles():
    """:func:`_recent` for titles, the same rows: each CEU whose title no later CEU of the user's
    repeats, newest first. Titles are mostly distinct, so walking back from the newest CEU stops
    after a few dozen (one (user, title) index probe each) where grouping reads the whole log."""
    later = CeuActivity.__table__.alias("later").c
    repeated = select(later.id).where(
        later.user_id == _CEU.user_id, later.title == _CEU.title, later.id > _CEU.id).exists()
    return select(
        _fixed("title").label("kind"), _CEU.title.label("value"), _CEU.id.label("latest"),
    ).where(_CEU.user_id == bindparam("user_id"), _CEU.title != _EMPTY, ~repeated).order_by(
        _CEU.id.desc()).limit(_SUGGESTIONS).offset(_fixed(0)).subquery()


# Providers read one by one, past this many the GROUP BY reads the log instead.
PROVIDERS_READ_ONE_BY_ONE = 2 * limits.CEU_SUGGESTIONS


def _providers():
    """Each of the user's distinct non-empty providers (up to :data:`PROVIDERS_READ_ONE_BY_ONE`)
    with its latest CEU, unordered. A user has a few providers and many CEUs: hopping from one
    provider to the next in the (user, provider, id) index (a recursive query, a probe per
    provider) reads a few entries where grouping reads every CEU. A user with more providers than
    that gets them from :func:`_recent` (see :func:`card_data`)."""
    nearest = CeuActivity.__table__.alias("next_provider").c
    seen = select(func.min(_CEU.provider).label("provider"), _fixed(1).label("n")).where(
        _CEU.user_id == bindparam("user_id"), _CEU.provider > _EMPTY).cte("providers_seen", recursive=True)
    seen = seen.union_all(select(
        select(func.min(nearest.provider)).where(
            nearest.user_id == bindparam("user_id"), nearest.provider > seen.c.provider).scalar_subquery(),
        seen.c.n + _fixed(1),
    ).where(seen.c.provider.is_not(None), seen.c.n < _fixed(PROVIDERS_READ_ONE_BY_ONE)))
    of_provider = CeuActivity.__table__.alias("of_provider").c
    latest = select(func.max(of_provider.id)).where(
        of_provider.user_id == bindparam("user_id"), of_provider.provider == seen.c.provider).scalar_subquery()
    return select(_fixed("provider").label("kind"), seen.c.provider.label("value"), latest.label("latest"),
                  cast(null(), Date).label("completed_on")).where(seen.c.provider.is_not(None))


# The quick-capture card's reads of the log in one statement, built once (the dashboard runs it
# on every uncached view, and a query costs more in the ORM than in the database): the CEU logged
# last first (its column types name the union's), then the suggestions with no date. Put in
# order by card_data: the union needs no sort of its own.
_last = select(_CEU.id, _CEU.title, _CEU.completed_on, _fixed("latest").label("kind")).where(
    _CEU.user_id == bindparam("user_id")).order_by(_CEU.id.desc()).limit(_fixed(1)).offset(_fixed(0)).subquery()
_CARD_OF = union_all(
    select(_last.c.kind, _last.c.title.label("value"), _last.c.id.label("latest"), _last.c.completed_on),
    select(_recent_titles(), cast(null(), Date).label("completed_on")),
    _providers(),
)
_PROVIDERS_OF = select(_recent("provider", _CEU.provider))


def suggestions(user: User) -> Suggestions:
    """The user's most recently logged distinct titles and providers (for a datalist): the
    quick-capture page's, read as the card reads them."""
    return card_data(user)[0]


@dataclass(frozen=True)
class LastLogged:
    """The CEU logged last, as the quick-capture card names it."""

    id: int
    title: str
    completed_on: dt.date


def card_data(user: User) -> tuple[Suggestions, LastLogged | None]:
    """What the quick-capture card shows from the log, in one query (two for a user of very many
    providers): the suggestions, and the CEU logged last (the one "log another like this" offers),
    or None."""
    found: dict[str, list] = {"title": [], "provider": []}
    last = None
    params = {"user_id": user.id}
    for kind, value, latest, completed_on in read(_CARD_OF, params).all():
        if kind == "latest":
            last = LastLogged(latest, value, completed_on)
        else:
            found[kind].append((latest, value))
    providers = found["provider"]
    if len(providers) >= PROVIDERS_READ_ONE_BY_ONE:  # maybe more than were read: group them all
        providers = [(latest, value) for _kind, value, latest in read(_PROVIDERS_OF, params)]
    titles, providers = (
        [value for _latest, value in sorted(pairs, reverse=True)[:limits.CEU_SUGGESTIONS]]
        for pairs in (found["title"], providers)
    )
    return Suggestions(titles=titles, providers=providers), last


def like(user: User, activity_id: int, today: dt.date) -> dict:
    """The fields of a new CEU "like" one of the user's (a series): title, provider, CEUs and what
    it counts toward, dated ``today``. The index number is left empty: each course has its own,
    and a repeated one does not count."""
    activity = credential_service.get_activity(user, activity_id)
    return {
        "completed_on": today, "title": activity.title, "provider": activity.provider,
        "ceus": f"{activity.ceus:f}", "counts_toward": credential_service.counts_toward_of(activity),
    }
