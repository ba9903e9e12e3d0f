"""Signed unsubscribe tokens (RFC 8058 one-click) and what they turn off."""
from __future__ import annotations

import functools

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ...domain import reminders as rules
from ...domain.limits import MAX_ID
from ...extensions import db
from ...models import User, utcnow
from .. import identity
from .planning import plan_user
from .preferences import preference_row


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="rungs.unsubscribe")


def unsubscribe_token(user: User, kind: str) -> str:
    """A signed token that turns off ``kind`` (or "all") for this user, without signing in."""
    return _token(current_app.config["SECRET_KEY"], user.id, kind, identity.proof(user, "unsubscribe"))


@functools.lru_cache(maxsize=4096)
def _token(secret_key: str, user_id: int, kind: str, proof: str) -> str:
    # The same inputs always sign to the same token: a sweep signs each one once. The account's
    # proof makes a deleted account's link dead for the next account that gets its id.
    return URLSafeSerializer(secret_key, salt="rungs.unsubscribe").dumps({"u": user_id, "k": kind, "p": proof})


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    try:
        data = _serializer().loads(token)
        user = db.session.get(User, int(data["u"])) if 0 < int(data["u"]) <= MAX_ID else None
        kind = str(data["k"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if user is None or (kind != "all" and kind not in rules.KINDS):
        return None
    if not identity.proves(user, "unsubscribe", data.get("p")):
        return None
    return user, kind


def unsubscribe(user: User, kind: str) -> None:
    """Turn off one kind (or pause everything); pending rows are cancelled in the same commit."""
    row = preference_row(user)
    if kind == "all":
        row.paused = True
    else:
        disabled = {k for k in (row.disabled_kinds or "").split(",") if k} | {kind}
        row.disabled_kinds = ",".join(sorted(disabled))
    plan_user(user, utcnow())
    db.session.commit()
