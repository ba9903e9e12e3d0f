"""Personal access tokens for the JSON API: made once, shown once, kept as a hash, revocable."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ..extensions import db
from ..domain.clock import utc_now
from ..models import ApiToken, User
from . import secrets
from .errors import Invalid, NotFound
from .transaction import commit

PREFIX = "rungs_pat_"
SHOWN_CHARACTERS = len(PREFIX) + 6
MAX_ACTIVE_TOKENS = 20
# Recording every use would turn each API read into a write; once a minute is enough to tell
# a token in use from a forgotten one.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``: the row, and the secret to show once (only its hash is kept)."""
    name = (name or "").strip()
    if not name:
        raise Invalid("name", "Name the token after what will use it, like “laptop script”.")
    if len(name) > 80:
        raise Invalid("name", "Use at most 80 characters.")
    if any(ord(ch) < 32 for ch in name):
        raise Invalid("name", "Use letters, digits and punctuation only.")
    if len(list_tokens(user)) >= MAX_ACTIVE_TOKENS:
        raise Invalid("name", f"You have {MAX_ACTIVE_TOKENS} tokens: revoke one you no longer use first.")
    secret = secrets.new_secret(PREFIX)
    token = ApiToken(user_id=user.id, name=name, prefix=secret[:SHOWN_CHARACTERS], token_hash=secrets.digest(secret))
    db.session.add(token)
    commit()
    return token, secret


def list_tokens(user: User) -> list[ApiToken]:
    """The user's tokens that still work, newest first."""
    return list(db.session.execute(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id.desc())
    ).scalars())


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Stop a token from working (its row stays, so the list can say when it was revoked)."""
    token = db.session.execute(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if token is None:
        raise NotFound(f"token {token_id}")
    token.revoked_at = utc_now()
    commit()
    return token


def user_for_token(secret: str, now: dt.datetime | None = None) -> User | None:
    """The owner of a working token, or None. Looked up by hash, then compared in constant time."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == secrets.digest(secret), ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if token is None or not secrets.matches(secret, token.token_hash):
        return None
    now = now or utc_now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        commit()
    return db.session.get(User, token.user_id)
