"""Who is signed in: Flask-Login's loader, checking the session version and the account's proof."""
from __future__ import annotations

from sqlalchemy import bindparam, select

from .domain.limits import MAX_ID
from .extensions import db
from .models import User
from .services.identity import proves


# Built once: every signed-in request runs it, and building the statement cost as much as running it.
_USER_BY_ID = select(User).where(User.id == bindparam("user_id"))


def load_user(user_id: str) -> User | None:
    """The user a session or remember cookie names, if it carries that account's current proof
    (a cookie of a deleted account whose id was given to a new one carries the wrong one)."""
    user_part, version_part, signature = (user_id.split(":") + ["", ""])[:3]
    if not user_part.isdigit() or not version_part.isdigit() or int(user_part) > MAX_ID:
        return None
    user = db.session.execute(_USER_BY_ID, {"user_id": int(user_part)}).scalar_one_or_none()
    if user is None or str(user.session_version) != version_part:
        return None
    if not proves(user, f"session:{version_part}", signature):
        return None
    return user
