"""Known devices: a browser that once signed in to an account carries a signed cookie saying so,
and the per-account sign-in limit never refuses it the right password.

The per-account limit stops a stranger guessing one account's password from many addresses, but
it would also lock the account's owner out: anyone can spend the attempts. With this cookie the
owner's own browsers still get in; only new devices wait (and the per-address limit still holds
for everyone). The cookie names the account and carries its proof (tracker/services/identity.py),
so it is worth nothing for any other account, including a new one that gets a deleted one's id.
"""
from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from ..domain.limits import MAX_ID
from ..models import User
from . import identity
from .accounts import find_user_by_email

COOKIE = "rungs_device"
MAX_AGE = 400 * 24 * 3600  # browsers cap cookie lifetimes at 400 days
_SALT = "rungs.known-device"


def device_token(user: User, secret_key: str) -> str:
    """The cookie value that marks this browser as one of ``user``'s."""
    return URLSafeSerializer(secret_key, salt=_SALT).dumps({"u": user.id, "p": identity.proof(user, "device")})


def is_known_device(token: str | None, email: str, secret_key: str) -> bool:
    """Whether ``token`` marks a browser that signed in before to the account at ``email``."""
    if not token or len(token) > 500:
        return False
    try:
        data = URLSafeSerializer(secret_key, salt=_SALT).loads(token)
    except BadSignature:
        return False
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not 0 < data["u"] <= MAX_ID:
        return False
    user = find_user_by_email(email)
    return user is not None and user.id == data["u"] and identity.proves(user, "device", data.get("p"))
