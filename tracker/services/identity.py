"""Per-account secrets: what ties a cookie, link or token to one account and no other.

Ids are not identities: SQLite (without AUTOINCREMENT) hands a deleted account's id to the next
account, and a restored backup can do the same anywhere. So everything signed for an account
carries a value derived from ``users.auth_secret`` (32 random bytes, new per account): a cookie
or link of a deleted account names an id, but never the secret of whoever holds that id now.
Sessions end through the session version the proof covers, so the secret itself stays for the
account's life (the unsubscribe links in emails already sent keep working after a password change).
"""
from __future__ import annotations

import hashlib
import hmac

from ..models import User


def proof(user: User, purpose: str) -> str:
    """A short keyed digest of ``purpose`` under the account's secret (safe to put in a link)."""
    return hmac.new(bytes.fromhex(user.auth_secret), purpose.encode(), hashlib.sha256).hexdigest()[:32]


def proves(user: User, purpose: str, value: object) -> bool:
    """Whether ``value`` is this account's proof for ``purpose`` (compared in constant time)."""
    return isinstance(value, str) and hmac.compare_digest(proof(user, purpose), value)


def session_id(user: User) -> str:
    """What Flask-Login stores in the session and the remember cookie: the id, the session version
    (bumped by sign-out everywhere) and the account's proof of both."""
    return f"{user.id}:{user.session_version}:{proof(user, f'session:{user.session_version}')}"
