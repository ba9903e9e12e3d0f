"""Who is signed in: Flask-Login's loader, checking the session version and the account's proof."""
from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.util import identity_key

from .domain.limits import MAX_ID
from .extensions import db
from .models import User
from .services.identity import proves
from .services.transaction import read


# Every signed-in request reads the account's row: its columns, by attribute, read as plain
# values (built once: building the statement cost as much as running it).
_COLUMNS = [(attribute.key, attribute.columns[0]) for attribute in inspect(User).column_attrs]
_KEYS = [key for key, _column in _COLUMNS]
_NEW = inspect(User).class_manager.new_instance
_USER_ROW = select(*(column for _key, column in _COLUMNS)).where(User.__table__.c.id == bindparam("user_id"))


def load_user(user_id: str) -> User | None:
    """The user a session or remember cookie names, if it carries that account's current proof
    (a cookie of a deleted account whose id was given to a new one carries the wrong one)."""
    user_part, version_part, signature = (user_id.split(":") + ["", ""])[:3]
    if not user_part.isdigit() or not version_part.isdigit() or int(user_part) > MAX_ID:
        return None
    account_id = int(user_part)
    known = db.session.identity_map.get(identity_key(User, account_id))
    if known is not None:  # already loaded in this session: that one, as the ORM would give it
        return known if _proven(known, version_part, signature) else None
    row = read(_USER_ROW, {"user_id": account_id}).first()
    if row is None or not _proven(row, version_part, signature):
        return None
    return _as_loaded(row)


def _proven(account, version: str, signature: str) -> bool:
    """Whether the cookie's session version is the account's, and its proof the account's own
    (``account``: the User, or its row: only the version and the secret are read)."""
    return str(account.session_version) == version and proves(account, f"session:{version}", signature)


def _as_loaded(row) -> User:
    """The account of ``row`` as a User of the session, as if the ORM had loaded it (its values
    with no history, then attached as persistent: changes to it are tracked and saved, its
    relationships load on use). The ORM's own loading of one row cost ~30 us more, on every
    signed-in request."""
    user = _NEW()
    instance_state(user).dict.update(zip(_KEYS, row))
    make_transient_to_detached(user)
    db.session.add(user)
    return user


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, the same cookies, with the signing serializer built once
    per key set instead of on every request (a sixth of the cost of reading a signed-in cookie).
    A changed ``SECRET_KEY`` or ``SECRET_KEY_FALLBACKS`` builds a new one."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        built = app.extensions.get("rungs.session_serializer")
        if built is None or built[0] != keys:
            built = app.extensions["rungs.session_serializer"] = (keys, super().get_signing_serializer(app))
        return built[1]
