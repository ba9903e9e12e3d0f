"""Who is signed in: Flask-Login's loader, checking the session version and the account's proof."""
from __future__ import annotations

from .domain.limits import MAX_ID
from .extensions import db
from .models import User
from .services.identity import proves


def load_user(user_id: str) -> User | None:
    """The user a session or remember cookie names, if it carries that account's current proof
    (a cookie of a deleted account whose id was given to a new one carries the wrong one)."""
    user_part, version_part, signature = (user_id.split(":") + ["", ""])[:3]
    if not user_part.isdigit() or not version_part.isdigit() or int(user_part) > MAX_ID:
        return None
    user = db.session.get(User, int(user_part))
    if user is None or str(user.session_version) != version_part:
        return None
    if not proves(user, f"session:{version_part}", signature):
        return None
    return user
