"""One change tracker: which users' data a transaction changes, worked out once per commit.

Two things follow every write in the same transaction: each user's data version (the page cache,
:mod:`.versions`) and their reminder outbox (:mod:`.reminders`). Each *subscribes* here with a
filter (which changed objects concern it) and a handler (called before the commit with the ids of
the users concerned). The tracker watches every flush once, notes the owner of each new, changed
or deleted object (a user, a plan or a milestone) for the subscribers it concerns, and before the
commit resolves milestones → plans → users in at most two queries for all subscribers together.

While handlers run (reminder planning flushes outbox rows), nothing is collected: what they write
is their own bookkeeping, not a change of the user's data.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import event, inspect, select

from ..models import ChecklistItem, Cost, ExamAttempt, Milestone, Plan, User

_PENDING = "changes_pending"  # subscriber name -> set of ("user"|"plan"|"milestone", id)
_HANDLING = "changes_handling"


@dataclass(frozen=True)
class Subscriber:
    name: str
    concerns: Callable[[object, object], bool]  # (session, changed object) -> bool
    handle: Callable[[object, set[int]], None]  # (session, user ids) -> None, before the commit


_subscribers: list[Subscriber] = []


def subscribe(name: str, concerns: Callable[[object, object], bool], handle: Callable[[object, set[int]], None]) -> None:
    """Call ``handle(session, user_ids)`` before every commit that changes an object ``concerns``
    accepts, with the users who own those objects (subscribers run in the order they subscribed)."""
    if not any(s.name == name for s in _subscribers):
        _subscribers.append(Subscriber(name, concerns, handle))
    _listen()


def changed(session, name: str, user_id: int) -> None:
    """Tell subscriber ``name`` that this transaction changed the user's data in a way no ORM
    object shows (a bulk ``delete(...)`` or ``update(...)``)."""
    session.info.setdefault(_PENDING, {}).setdefault(name, set()).add(("user", user_id))


def attribute_changed(obj, attribute: str) -> bool:
    """Whether this flush changes ``attribute`` of ``obj``."""
    return inspect(obj).attrs[attribute].history.has_changes()


def owner(obj) -> tuple[str, int | None] | None:
    """Whose data an object is: ("user", id), ("plan", id) or ("milestone", id); None if nobody's."""
    if isinstance(obj, User):
        return ("user", obj.id)
    if isinstance(obj, Milestone):
        return ("plan", obj.plan_id)
    if isinstance(obj, (ChecklistItem, Cost, ExamAttempt)):
        return ("milestone", obj.milestone_id)
    user_id = getattr(obj, "user_id", None)
    return ("user", user_id) if user_id is not None else None


def _after_flush(session, _context) -> None:
    if session.info.get(_HANDLING):
        return
    pending = session.info.setdefault(_PENDING, {})
    for obj in (*session.new, *session.dirty, *session.deleted):
        found = owner(obj)
        if found is None or found[1] is None:
            continue
        for subscriber in _subscribers:
            if subscriber.concerns(session, obj):
                pending.setdefault(subscriber.name, set()).add(found)


def _users_of(session, refs: set[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """The user owning each reference, in at most two queries."""
    milestones = {i for kind, i in refs if kind == "milestone"}
    plan_of = dict(session.execute(select(Milestone.id, Milestone.plan_id).where(Milestone.id.in_(milestones))).all()) if milestones else {}
    plans = {i for kind, i in refs if kind == "plan"} | set(plan_of.values())
    user_of_plan = dict(session.execute(select(Plan.id, Plan.user_id).where(Plan.id.in_(plans))).all()) if plans else {}
    users: dict[tuple[str, int], int] = {}
    for kind, i in refs:
        if kind == "user":
            users[(kind, i)] = i
        elif kind == "plan" and i in user_of_plan:
            users[(kind, i)] = user_of_plan[i]
        elif kind == "milestone" and plan_of.get(i) in user_of_plan:
            users[(kind, i)] = user_of_plan[plan_of[i]]
    return users


def _before_commit(session) -> None:
    if session.info.get(_HANDLING):
        return
    session.flush()  # collect what this commit writes (after_flush) before handling it
    pending: dict[str, set] = session.info.pop(_PENDING, {})
    if not any(pending.values()):
        return
    users = _users_of(session, set().union(*pending.values()))
    session.info[_HANDLING] = True
    try:
        for subscriber in _subscribers:
            ids = {users[ref] for ref in pending.get(subscriber.name, ()) if ref in users}
            ids.discard(None)
            if ids:
                subscriber.handle(session, ids)
    finally:
        session.info.pop(_HANDLING, None)


def _after_rollback(session) -> None:
    session.info.pop(_PENDING, None)


def _listen() -> None:
    from flask_sqlalchemy.session import Session

    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_soft_rollback", lambda session, _tx: _after_rollback(session))
