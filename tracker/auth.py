"""Who is signed in: Flask-Login's loader, checking the session version in the cookie."""
from __future__ import annotations

from .extensions import db
from .models import User


def load_user(user_id: str) -> User | None:
    """The user a session cookie names, if the cookie's session version is still current."""
    user_part, _, version_part = user_id.partition(":")
    if not user_part.isdigit() or not version_part.isdigit():
        return None
    user = db.session.get(User, int(user_part))
    if user is None or user.session_version != int(version_part):
        return None
    return user
