"""The main navigation of every signed-in page, written once per page kind.

The links are the same on every page but for the one marked as the current page, and the
sign-out form's CSRF token, which belongs to the browser session: the HTML is kept per app,
address prefix and endpoint with the token left as a placeholder, and the token put in per
request (as the page cache does).
"""
from __future__ import annotations

from flask import current_app, request, url_for
from markupsafe import Markup, escape

from ..csrf import csrf_token
from .page_cache import CSRF_PLACEHOLDER

# (endpoint, the endpoint prefix that marks the link current, label): Dashboard is current only
# on the dashboard itself.
NAV_ITEMS = (
    ("main.dashboard", "main.", "Dashboard"),
    ("plans.index", "plans.", "Plans"),
    ("credentials.index", "credentials.", "Credentials"),
    ("ladder.index", "ladder.", "Ladder"),
    ("reminders.index", "reminders.", "Reminders"),
    ("teams.index", "teams.", "Teams"),
    ("settings.profile", "settings.", "Settings"),
)


def _links(endpoint: str) -> str:
    parts = []
    for target, prefix, label in NAV_ITEMS:
        current = bool(endpoint) and (endpoint == target or (prefix != "main." and endpoint.startswith(prefix)))
        marked = ' aria-current="page"' if current else ""
        parts.append(f'<a href="{escape(url_for(target))}"{marked}>{label}</a>')
    parts.append(
        f'<form method="post" action="{escape(url_for("auth.logout"))}" class="inline">\n'
        f'<input type="hidden" name="csrf_token" value="{CSRF_PLACEHOLDER}">\n'
        '<button type="submit" class="link">Sign out</button>\n</form>'
    )
    return "\n".join(parts)


def nav_links() -> Markup:
    """The signed-in navigation for this request's page."""
    kept = current_app.extensions.setdefault("rungs.nav", {})
    key = (request.script_root, request.endpoint or "")
    html = kept.get(key)
    if html is None:
        html = kept[key] = _links(key[1])
    return Markup(html.replace(CSRF_PLACEHOLDER, csrf_token()))
