"""The dashboard's and credentials page's totals, summed by the database, equal the tally of every CEU.

``renewal_summary`` has SQL add up each body's CEUs by cycle window, codes and repeated courses;
``renewal_overview`` tallies the activities one by one in Python. For CEU logs made at random with
everything that moves a CEU (renewal-month CEUs moved to the next cycle, repeated index numbers in
another case, subset and per-credential CEUs, a second body's approval, a credential outside the
catalogue, one replaced by another, CEUs from before a credential was held), both give the same
current and previous cycle, on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from sqlalchemy import event, insert, select

from tracker.extensions import db
from tracker.models import CeuActivity, Credential, User, ceu_credentials
from tracker.services import credentials as credential_service

import builders

EARNED = dt.date(2019, 5, 10)
LAST_DAY = dt.date(2026, 11, 30)


def _totals(overview):
    def of(standing):
        t = standing.tally
        return t.cycle, t.earned, t.required, t.needed, t.subsets, t.by_credential, standing.status
    return (overview.rules.id, of(overview.current), overview.overdue and of(overview.overdue),
            [of(s) for s in overview.history[:2]])


REFERENCES = ["", "", "", "IDX1", "idx1", "IDX2", "Idx-3", "PRG9", "prg9"]


def _random_log(rng: random.Random, user_id: int, held: list[Credential], count: int, reference=None,
                second_reference=None) -> None:
    """``reference(n, key)``: the n-th activity's reference for body ``key`` (and its second
    reference, unless ``second_reference`` is given); by default drawn from a few that repeat in
    every case."""
    by_body: dict[str, list[Credential]] = {}
    for credential in held:
        by_body.setdefault(credential_service.body_key(credential), []).append(credential)
    keys = list(by_body)
    reference = reference or (lambda _n, _key: rng.choice(REFERENCES))
    second_reference = second_reference or reference
    span = (LAST_DAY - EARNED).days
    for n in range(count):
        key = rng.choice(keys)
        own = by_body[key]
        links = []
        applies_to = ""
        roll = rng.random()
        if roll < 0.4:
            links = rng.sample(own, rng.randint(1, len(own)))
        elif roll < 0.6:
            applies_to = rng.choice(own).code
        second = ""
        if rng.random() < 0.25 and len(keys) > 1:
            other_key = rng.choice([k for k in keys if k != key])
            links += [rng.choice(by_body[other_key])]
            second = second_reference(n, other_key)
        day = EARNED - dt.timedelta(days=30) + dt.timedelta(days=rng.randint(0, span + 30))
        activity = CeuActivity(
            user_id=user_id, body=key, completed_on=day, title=f"Course {n}", provider="",
            reference=reference(n, key), second_reference=second,
            ceus=Decimal(rng.randint(1, 400)) / 100, applies_to=applies_to, next_cycle=rng.random() < 0.5,
        )
        db.session.add(activity)
        db.session.flush()
        for credential in {c.id: c for c in links}.values():
            db.session.execute(insert(ceu_credentials).values(activity_id=activity.id, credential_id=credential.id))
    db.session.commit()


@pytest.fixture
def coder(app):
    user_id = builders.make_user(app)
    today = LAST_DAY
    builders.add_credential(app, user_id, "CPC", EARNED, today, renewal_month=3)
    builders.add_credential(app, user_id, "CRC", dt.date(2021, 2, 1), today)
    builders.add_credential(app, user_id, "CPMA", dt.date(2022, 8, 1), today)
    builders.add_credential(app, user_id, "RHIT", dt.date(2020, 1, 15), today, cycle_end=dt.date(2027, 1, 14))
    builders.add_credential(app, user_id, "CCS", dt.date(2023, 6, 1), today)
    builders.add_credential(app, user_id, "RHIA", dt.date(2025, 3, 1), today)  # replaces RHIT
    builders.add_credential(
        app, user_id, "XCDI", dt.date(2021, 9, 1), today, cycle_end=dt.date(2027, 8, 31),
        other=credential_service.OtherCredential("ACDIS", "Certified CDI Practitioner", Decimal(30), 2),
    )
    return user_id


@pytest.mark.parametrize("seed", range(6))
def test_summed_by_the_database_equals_every_ceu_tallied(app, coder, seed):
    rng = random.Random(seed)
    with app.app_context():
        user = db.session.get(User, coder)
        held = list(db.session.execute(select(Credential).where(Credential.user_id == coder)).scalars())
        _random_log(rng, coder, held, 120)
        for today in (LAST_DAY, dt.date(2026, 3, 31), dt.date(2026, 4, 1), dt.date(2027, 1, 14), dt.date(2027, 4, 20)):
            summary = credential_service.renewal_summary(user, today)
            overview = credential_service.renewal_overview(user, today)
            assert [_totals(o) for o in summary] == [_totals(o) for o in overview]
            assert {o.rules.id for o in summary} == {"aapc", "ahima", f"other-{held[-1].id}"}


def _check_summary_equals_overview(coder, reference, second_reference=None, seed=0):
    rng = random.Random(seed)
    user = db.session.get(User, coder)
    held = list(db.session.execute(select(Credential).where(Credential.user_id == coder)).scalars())
    _random_log(rng, coder, held, 120, reference, second_reference)
    for today in (LAST_DAY, dt.date(2026, 3, 31), dt.date(2027, 4, 20)):
        summary = credential_service.renewal_summary(user, today)
        assert [_totals(o) for o in summary] == [_totals(o) for o in credential_service.renewal_overview(user, today)]


def test_a_log_without_repeated_courses_sums_the_same(app, coder):
    # No reference occurs twice: the summary never ranks the references.
    with app.app_context():
        _check_summary_equals_overview(coder, lambda n, key: f"{key}-{n}" if n % 3 else "")


def test_a_reference_repeated_only_across_bodies_is_no_repeat(app, coder):
    # The same index numbers under each body (and as the second body's approval), each once per
    # body: the references do repeat, so they are ranked, but no course counts twice.
    with app.app_context():
        _check_summary_equals_overview(coder, lambda n, key: f"IDX{n}")


@pytest.mark.parametrize("seed", range(3))
def test_a_course_repeated_only_as_the_second_body_approval(app, coder, seed):
    # Every activity's own reference is its own; the second body's approval repeats, in another case.
    with app.app_context():
        _check_summary_equals_overview(
            coder, lambda n, key: f"{key}-{n}", lambda n, key: "PRG9" if n % 2 else "prg9", seed)


def _statements_of_summaries(app, coder, logs) -> list[int]:
    """The statements of one summary after each log is added (``logs``: reference functions)."""
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        user = db.session.get(User, coder)
        held = list(db.session.execute(select(Credential).where(Credential.user_id == coder)).scalars())
        counts = []
        for size, reference in logs:
            if size:
                _random_log(random.Random(size), coder, held, size, *([reference] if reference else []))
            user.email  # loaded again after the commit, before counting
            event.listen(db.engine, "before_cursor_execute", count)
            statements.clear()
            credential_service.renewal_summary(user, LAST_DAY)
            event.remove(db.engine, "before_cursor_execute", count)
            counts.append(len(statements))
    return counts


def test_the_summary_costs_the_same_queries_whatever_the_log(app, coder):
    # Credentials, cycle settings and submissions, the sums; and, once some reference repeats
    # (the random logs repeat some), the repeated courses' sums.
    assert _statements_of_summaries(app, coder, [(0, None), (40, None), (200, None)]) == [3, 4, 4]


def test_a_log_without_repeated_references_costs_three_queries(app, coder):
    # The usual log: every index number once (or none): the references are never ranked.
    def unique(size):
        return lambda n, key: f"{key}-{size}-{n}" if n % 3 else ""

    assert _statements_of_summaries(app, coder, [(40, unique(40)), (200, unique(200))]) == [3, 3]


def test_no_credentials_no_sums(app):
    user_id = builders.make_user(app)
    with app.app_context():
        assert credential_service.renewal_summary(db.session.get(User, user_id), LAST_DAY) == []


def test_credentials_read_as_rows_are_the_listed_ones(app, coder):
    # The overview reads its credentials as plain rows: every column, the same values and order
    # as the ORM instances, and the same summary from either.
    with app.app_context():
        user = db.session.get(User, coder)
        listed = credential_service.list_credentials(user)
        rows = credential_service.read_credentials(user)
        columns = [attribute.key for attribute in Credential.__mapper__.column_attrs]
        assert [[getattr(c, name) for name in columns] for c in listed] == [
            [getattr(r, name) for name in columns] for r in rows]
        _random_log(random.Random(7), coder, listed, 60)
        assert [_totals(o) for o in credential_service.renewal_summary(user, LAST_DAY, rows)] == [
            _totals(o) for o in credential_service.renewal_summary(user, LAST_DAY, listed)]


def test_code_set_dates_are_remembered_but_each_caller_gets_its_own_list(app):
    with app.app_context():
        first = credential_service.code_set_dates_between(dt.date(2026, 1, 1), dt.date(2027, 12, 31))
        assert first and first == sorted(first, key=lambda d: (d.on, d.event.title))
        first.clear()
        again = credential_service.code_set_dates_between(dt.date(2026, 1, 1), dt.date(2027, 12, 31))
        assert again and again == credential_service.code_set_dates_between(dt.date(2026, 1, 1), dt.date(2027, 12, 31))
